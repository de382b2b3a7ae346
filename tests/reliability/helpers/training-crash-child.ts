// Child process of tests/reliability/crash.test.ts: a server-like process on an on-disk PGlite (DATA_DIR) that
// imports the demo cohort, starts a real training run (server/jobs/handlers/training.ts, worker thread) and prints
// "RUNNING <jobId> <runId>" once the run has made progress; then waits to be SIGKILLed mid-training.
import { join } from "node:path";

const dir = process.argv[2];
process.env.DATA_DIR = dir;
const { openPglite } = await import("../../../server/db/index.ts");
const { useAsProcessDb: setProcessDb } = await import("../../../server/db/testing.ts");
const { seed } = await import("../../../server/db/seed.ts");
const { createQueue } = await import("../../../server/jobs/queue.ts");
const { registerAll } = await import("../../../server/jobs/registry.ts");
const { createCaller } = await import("../../../server/api/root.ts");
const { createTestContext } = await import("../../../server/api/context.ts");
const { users } = await import("../../../server/db/schema.ts");

const h = await openPglite(join(dir, "pg"));
setProcessDb(h);
await seed(h.db);
const q = createQueue({ db: h.db, backend: "inprocess", heartbeatMs: 200 });
registerAll(q);
await q.start();
const [admin] = (await h.db.select().from(users)).filter((u) => u.role === "admin");
const caller = createCaller(createTestContext({ db: h.db, user: { id: admin.id, email: admin.email, name: admin.name, role: "admin" }, jobs: q }));
const { cohortId } = await caller.cohorts.importDemo();
// a long run (many bootstrap resamples) so the kill lands in the middle of it
const { runId, jobId } = (await caller.runs.start({ cohortId: cohortId!, seed: 99, settings: { lasso: { bootstrapB: 400 }, validation: { B: 400, metricsB: 500 } } })) as { runId: string; jobId: string };
for (;;) {
  const j = await q.get(jobId);
  if (j?.status === "running" && j.progress > 0) break;
  if (j && j.status !== "running" && j.status !== "queued") {
    process.stderr.write(`job ended before the kill: ${j.status} ${j.error}\n`);
    process.exit(3);
  }
  await new Promise((r) => setTimeout(r, 50));
}
process.stdout.write(`RUNNING ${jobId} ${runId}\n`);
setInterval(() => {}, 1000);
