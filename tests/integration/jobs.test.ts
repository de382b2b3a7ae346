// Job queue on both backends: in-process (PGlite; and PostgreSQL) and pg-boss (PostgreSQL only,
// when TEST_DATABASE_URL is set). Includes the restart test: a job left running by a stopped
// queue is marked failed, or re-queued and finished when its handler is resumable.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createQueue } from "../../server/jobs/queue.ts";
import { INTERRUPTED, type JobQueue, type JobRow } from "../../server/jobs/types.ts";
import { createTestDb, testDatabaseUrl, type TestDb } from "../../server/db/testing.ts";

type Setup = { name: string; db: "pglite" | "pg"; backend: "inprocess" | "pgboss" };
const setups: Setup[] = [{ name: "inprocess on PGlite", db: "pglite", backend: "inprocess" }];
if (testDatabaseUrl()) {
  setups.push({ name: "inprocess on PostgreSQL", db: "pg", backend: "inprocess" });
  setups.push({ name: "pg-boss on PostgreSQL", db: "pg", backend: "pgboss" });
}

async function waitFor(q: JobQueue, id: string, pred: (j: JobRow) => boolean, ms = 20_000): Promise<JobRow> {
  const end = Date.now() + ms;
  for (;;) {
    const j = await q.get(id);
    if (j && pred(j)) return j;
    if (Date.now() > end) throw new Error(`timed out waiting for job ${id}: ${JSON.stringify(j)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((res, rej) => {
    const t = setTimeout(res, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), rej(signal.reason)), { once: true });
  });

for (const s of setups) {
  describe(`jobs: ${s.name}`, () => {
    const mk = (t: TestDb, extra: { staleMs?: number } = {}) =>
      createQueue({ db: t.db, backend: s.backend, url: t.url, heartbeatMs: 200, staleMs: extra.staleMs ?? 60_000 });

    test("a job runs, reports progress and stage, and stores its result", async () => {
      const t = await createTestDb({ backend: s.db });
      const q = mk(t);
      const seen: number[] = [];
      q.registerHandler<{ n: number }, { sum: number }>("test.sum", async ({ payload, progress }) => {
        for (let i = 1; i <= payload.n; i++) {
          await progress((100 * i) / payload.n, `adding ${i}`);
          seen.push(i);
        }
        return { sum: (payload.n * (payload.n + 1)) / 2 };
      });
      try {
        await q.start();
        const id = await q.enqueue("test.sum", { n: 4 });
        const j = await waitFor(q, id, (x) => x.status === "succeeded");
        assert.deepEqual(j.result, { sum: 10 });
        assert.equal(j.progress, 100);
        assert.equal(j.stage, "adding 4");
        assert.equal(j.attempts, 1);
        assert.ok(j.startedAt && j.finishedAt);
        assert.deepEqual(seen, [1, 2, 3, 4]);
      } finally {
        await q.stop();
        await t.close();
      }
    });

    test("a throwing handler marks the job failed with its message", async () => {
      const t = await createTestDb({ backend: s.db });
      const q = mk(t);
      q.registerHandler("test.boom", async ({ progress }) => {
        await progress(30, "about to fail");
        throw new Error("cohort has no positive cases");
      });
      try {
        await q.start();
        const id = await q.enqueue("test.boom", {});
        const j = await waitFor(q, id, (x) => x.status === "failed");
        assert.equal(j.error, "cohort has no positive cases");
        assert.equal(j.progress, 30);
      } finally {
        await q.stop();
        await t.close();
      }
    });

    test("cancel stops a running job (signal aborted) and records status cancelled", async () => {
      const t = await createTestDb({ backend: s.db });
      const q = mk(t);
      let aborted = false;
      q.registerHandler("test.long", async ({ signal, progress }) => {
        await progress(10, "working");
        try {
          await sleep(30_000, signal);
        } catch (e) {
          aborted = signal.aborted;
          throw e;
        }
      });
      try {
        await q.start();
        const id = await q.enqueue("test.long", {});
        await waitFor(q, id, (x) => x.status === "running" && x.progress === 10);
        assert.equal(await q.cancel(id), true);
        await q.idle();
        await waitFor(q, id, () => aborted, 5000);
        const j = await q.get(id);
        assert.equal(j?.status, "cancelled");
        assert.equal(await q.cancel(id), false, "cancelling a finished job reports false");
      } finally {
        await q.stop();
        await t.close();
      }
    });

    test("restart: a job left running is marked failed 'interrupted by a server restart'", async () => {
      const t = await createTestDb({ backend: s.db });
      const staleMs = s.backend === "pgboss" ? 1000 : 60_000;
      const q1 = mk(t, { staleMs });
      q1.registerHandler("test.hang", async ({ signal, progress }) => {
        await progress(40, "half way");
        await sleep(60_000, signal);
      });
      let id = "";
      try {
        await q1.start();
        id = await q1.enqueue("test.hang", {});
        await waitFor(q1, id, (x) => x.status === "running" && x.progress === 40);
      } finally {
        await q1.stop(); // the "process" dies: the row stays running
      }
      assert.equal((await q1.get(id))?.status, "running");
      const q2 = mk(t, { staleMs });
      q2.registerHandler("test.hang", async () => "never");
      try {
        await q2.start();
        const j = await waitFor(q2, id, (x) => x.status === "failed", 15_000);
        assert.equal(j.error, INTERRUPTED);
        assert.equal(j.progress, 40, "progress made before the crash is kept");
      } finally {
        await q2.stop();
        await t.close();
      }
    });

    test("restart: a resumable job is re-queued and finished by the next process", async () => {
      const t = await createTestDb({ backend: s.db });
      const staleMs = s.backend === "pgboss" ? 1000 : 60_000;
      const q1 = mk(t, { staleMs });
      q1.registerHandler("test.resume", async ({ signal, progress }) => {
        await progress(50, "first half");
        await sleep(60_000, signal);
      }, { resumable: true });
      let id = "";
      try {
        await q1.start();
        id = await q1.enqueue("test.resume", { part: 2 });
        await waitFor(q1, id, (x) => x.status === "running" && x.progress === 50);
      } finally {
        await q1.stop();
      }
      const q2 = mk(t, { staleMs });
      q2.registerHandler<{ part: number }, { resumedAt: number }>("test.resume", async ({ payload, attempt }) => ({ resumedAt: attempt * 10 + payload.part }), { resumable: true });
      try {
        await q2.start();
        const j = await waitFor(q2, id, (x) => x.status === "succeeded", 15_000);
        assert.deepEqual(j.result, { resumedAt: 22 }); // second attempt, payload preserved
        assert.equal(j.attempts, 2);
      } finally {
        await q2.stop();
        await t.close();
      }
    });
  });
}
