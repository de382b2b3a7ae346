// Stand-alone job worker (scripts/worker.mjs): joins the pg-boss queues of a PostgreSQL-backed
// Axilla installation and runs the registered handlers. Requires DATABASE_URL (the embedded
// database can only be used by the web server process itself).
import { closeDb, getDb } from "../db/index.ts";
import { env } from "../env.ts";
import { logger } from "../log.ts";
import { createQueue } from "./queue.ts";
import { registerAll } from "./registry.ts";

export async function runWorker(): Promise<void> {
  const log = logger("worker");
  const e = env();
  if (!e.DATABASE_URL) {
    throw new Error("The job worker needs DATABASE_URL=postgres://… (with the embedded database, the web server runs jobs itself).");
  }
  const h = await getDb();
  const q = createQueue({ db: h.db, backend: "pgboss", url: h.url, concurrency: Number(process.env.WORKER_CONCURRENCY ?? 1) });
  registerAll(q);
  await q.start();
  log.info("worker ready");
  const shutdown = async () => {
    log.info("worker stopping");
    await q.stop();
    await closeDb();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
}
