#!/usr/bin/env node
// Job worker for PostgreSQL installations: `DATABASE_URL=postgres://… node scripts/worker.mjs`
// (or `npm run worker`). Any number of workers on any machine can join the same database.
import { register } from "tsx/esm/api";
register();
const { runWorker } = await import("../server/jobs/worker.ts");
try {
  await runWorker();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
