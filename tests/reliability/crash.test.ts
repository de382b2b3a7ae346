// Issue 7 item 6: a process running a real training job (server/jobs/handlers/training.ts, worker thread, demo
// cohort) is SIGKILLed mid-run. The next start on the same data folder finds: the job marked failed ("interrupted
// by a server restart"), the training run shown as failed (not running forever), no model version written by the
// killed run (the draft is written in one transaction at the very end), and a consistent database (every model
// version's artefact matches its content hash, no running jobs, every succeeded run has its version).
// (tests/integration/jobs-crash.test.ts covers the generic job on both backends.)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const dir = mkdtempSync(join(tmpdir(), "axilla-rel-crash-"));
process.env.DATA_DIR = dir;
const { openPglite } = await import("../../server/db/index.ts");
const { useAsProcessDb } = await import("../../server/db/testing.ts");
const { createQueue } = await import("../../server/jobs/queue.ts");
const { INTERRUPTED } = await import("../../server/jobs/types.ts");
const { getRun } = await import("../../server/services/training-run.ts");
const { jobs, modelVersions, trainingRuns } = await import("../../server/db/schema.ts");
const { hashArtefact } = await import("../../lib/model/hash.ts");

async function runAndKill(): Promise<{ jobId: string; runId: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "helpers", "training-crash-child.ts"), dir], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LOG_LEVEL: "error", DATA_DIR: dir },
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (b) => (err += String(b)));
  const ids = await new Promise<{ jobId: string; runId: string }>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`the child did not start training in time: ${err}`)), 90_000);
    child.stdout.on("data", (b) => {
      out += String(b);
      const m = /RUNNING ([0-9a-f-]{36}) ([0-9a-f-]{36})/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ jobId: m[1], runId: m[2] });
      }
    });
    child.once("exit", (c) => (clearTimeout(timer), rej(new Error(`child exited early (${c}): ${err}`))));
  });
  await new Promise((r) => setTimeout(r, 300)); // a little deeper into the run
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await gone;
  return ids;
}

test("SIGKILL during a training run: job failed, run failed, no half-written model version, consistent DB", { timeout: 150_000 }, async () => {
  try {
    const { jobId, runId } = await runAndKill();
    const h = await openPglite(join(dir, "pg")); // the dead owner's lock is released
    useAsProcessDb(h);
    const q = createQueue({ db: h.db, backend: "inprocess", heartbeatMs: 200 });
    try {
      await q.start(); // recovery of interrupted jobs happens here, as at server start
      const j = await q.get(jobId);
      assert.equal(j?.status, "failed", JSON.stringify(j));
      assert.equal(j?.error, INTERRUPTED);
      const run = await getRun(h.db, runId);
      assert.equal(run.status, "failed", `run after restart: ${run.status}`);
      assert.ok(run.error, "the run shows why it failed");
      // no model version from the killed run (drafts appear only at the very end, in one transaction)
      const versions = await h.db.select().from(modelVersions);
      assert.deepEqual(versions.filter((v) => v.trainingRunId === runId), []);
      // consistency: every stored version verifies, nothing is left running, every succeeded run has its version
      for (const v of versions) assert.equal(hashArtefact(v.artefact as Parameters<typeof hashArtefact>[0]), v.contentHash, `version ${v.label} hash`);
      const running = (await h.db.select().from(jobs)).filter((x) => x.status === "running");
      assert.deepEqual(running, []);
      for (const r of await h.db.select().from(trainingRuns)) {
        assert.notEqual(r.status, "running", `run ${r.id} still running`);
        if (r.status === "succeeded") assert.ok(versions.some((v) => v.trainingRunId === r.id), `succeeded run ${r.id} has no version`);
      }
    } finally {
      await q.stop();
      await h.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
