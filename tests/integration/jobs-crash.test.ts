// A real process crash: a child process starts a job and is SIGKILLed mid-run; the next process
// to open the database finds the job marked failed "interrupted by a server restart".
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openPglite, openPostgres, type DbHandle } from "../../server/db/index.ts";
import { createTestDb, testDatabaseUrl } from "../../server/db/testing.ts";
import { createQueue } from "../../server/jobs/queue.ts";
import { INTERRUPTED } from "../../server/jobs/types.ts";

async function crashChild(target: string, backend: string): Promise<string> {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "helpers", "crash-worker.ts"), target, backend], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LOG_LEVEL: "error" },
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (b) => (err += String(b)));
  const id = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`child did not start the job: ${err}`)), 60_000);
    child.stdout.on("data", (b) => {
      out += String(b);
      const m = /RUNNING ([0-9a-f-]{36})/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    child.once("exit", (c) => rej(new Error(`child exited early (${c}): ${err}`)));
  });
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await gone;
  return id;
}

async function expectInterrupted(h: DbHandle, id: string, backend: "inprocess" | "pgboss") {
  const q = createQueue({ db: h.db, backend, url: h.url, staleMs: 1000, heartbeatMs: 200 });
  try {
    await q.start();
    const end = Date.now() + 15_000;
    for (;;) {
      const j = await q.get(id);
      if (j?.status === "failed") {
        assert.equal(j.error, INTERRUPTED);
        assert.equal(j.progress, 25);
        return;
      }
      if (Date.now() > end) assert.fail(`job not recovered: ${JSON.stringify(j)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await q.stop();
  }
}

test("SIGKILL during a job (in-process backend, PGlite on disk) -> failed at next start", async () => {
  const dir = mkdtempSync(join(tmpdir(), "axilla-crash-"));
  try {
    const id = await crashChild(join(dir, "pg"), "inprocess");
    const h = await openPglite(join(dir, "pg")); // also proves the dead owner's lock is released
    try {
      await expectInterrupted(h, id, "inprocess");
    } finally {
      await h.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("SIGKILL during a job (pg-boss backend, PostgreSQL) -> failed once its heartbeat is stale", { skip: testDatabaseUrl() ? false : "TEST_DATABASE_URL not set" }, async () => {
  const t = await createTestDb({ backend: "pg" });
  try {
    const id = await crashChild(t.url!, "pgboss");
    const h = await openPostgres(t.url!, { max: 4 });
    try {
      await expectInterrupted(h, id, "pgboss");
    } finally {
      await h.close();
    }
  } finally {
    await t.close();
  }
});
