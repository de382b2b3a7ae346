// Server start-up (called once from instrumentation.ts in the Node.js runtime): open + migrate +
// seed the database, then recover and start the job queue. A failure is logged, not thrown, so the
// server still answers /api/health with 503 and retries on the next request.
import { getDb } from "./db/index.ts";
import { env } from "./env.ts";
import { getJobs } from "./jobs/index.ts";
import { logger } from "./log.ts";
import { seedDemoModel } from "./services/model-store.ts";

const log = logger("init");

export async function initServer(): Promise<void> {
  try {
    env(); // validate configuration first: a bad value is a clear message, not a stack trace
  } catch (e) {
    log.error((e as Error).message);
    console.error((e as Error).message);
    process.exit(2);
  }
  try {
    await seedDemoModel((await getDb()).db); // first start: the demo model as the active version (skips when versions exist)
    await getJobs();
    log.info("server ready");
  } catch (e) {
    log.error("start-up failed; /api/health reports 503 until the database is reachable", { error: e });
  }
}
