// Child process for the crash test: opens the database (PGlite dir or postgres URL), starts a job
// whose handler never finishes, prints "RUNNING <id>" once it is running, and waits to be killed.
import { openPglite, openPostgres } from "../../../server/db/index.ts";
import { createQueue } from "../../../server/jobs/queue.ts";

const [target, backend] = process.argv.slice(2) as [string, "inprocess" | "pgboss"];
const h = target.startsWith("postgres") ? await openPostgres(target, { max: 4 }) : await openPglite(target);
const q = createQueue({ db: h.db, backend, url: h.url, heartbeatMs: 200 });
q.registerHandler("crash.hang", async ({ progress }) => {
  await progress(25, "crunching");
  await new Promise(() => {}); // forever
});
await q.start();
const id = await q.enqueue("crash.hang", {});
for (;;) {
  const j = await q.get(id);
  if (j?.status === "running" && j.progress === 25) break;
  await new Promise((r) => setTimeout(r, 50));
}
process.stdout.write(`RUNNING ${id}\n`);
setInterval(() => {}, 1000);
