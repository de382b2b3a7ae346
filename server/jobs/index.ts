// The process-wide job queue: `const q = await getJobs();` then `q.enqueue(kind, payload)`.
// Backend: JOBS_BACKEND, else pgboss when DATABASE_URL is set, else inprocess.
import { getDb } from "../db/index.ts";
import { env } from "../env.ts";
import { createQueue } from "./queue.ts";
import { registerAll } from "./registry.ts";
import type { JobQueue } from "./types.ts";

export type { JobQueue, JobContext, JobHandler, JobRow } from "./types.ts";
export { defineJob } from "./registry.ts";

type G = typeof globalThis & { __axillaJobs?: Promise<JobQueue> };

export function getJobs(): Promise<JobQueue> {
  const g = globalThis as G;
  g.__axillaJobs ??= (async () => {
    const h = await getDb();
    const e = env();
    const q = createQueue({
      db: h.db,
      backend: h.kind === "pg" ? e.jobsBackend : "inprocess",
      url: h.url,
      work: process.env.AXILLA_WEB_WORKS_JOBS !== "0",
    });
    registerAll(q);
    await q.start();
    return q;
  })();
  return g.__axillaJobs;
}

export async function stopJobs(): Promise<void> {
  const g = globalThis as G;
  const p = g.__axillaJobs;
  g.__axillaJobs = undefined;
  if (p) await (await p).stop();
}
