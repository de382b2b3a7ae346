// Training run end to end (issue 5): the demo cohort (features CSV path, smaller B) through the foundation's
// in-process queue -> worker thread -> draft model version; per-stage progress rows advance while it runs;
// cancel stops a run without a version; a pipeline failure is visible on the run. Stage timings are printed.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

const dataDir = mkdtempSync(join(tmpdir(), "axilla-train-"));
process.env.DATA_DIR = dataDir;
const { createCaller } = await import("../../server/api/root.ts");
const { createTestContext } = await import("../../server/api/context.ts");
const { createTestDb, useAsProcessDb } = await import("../../server/db/testing.ts");
const { auditLog, modelVersions, users } = await import("../../server/db/schema.ts");
const { createQueue } = await import("../../server/jobs/queue.ts");
const { registerAll } = await import("../../server/jobs/registry.ts");
const { verifyArtefact } = await import("../../lib/model/hash.ts");
type SessionUser = import("../../server/auth/roles.ts").SessionUser;
type JobQueue = import("../../server/jobs/types.ts").JobQueue;

const SMALL = { lasso: { bootstrapB: 20 }, validation: { B: 30, metricsB: 100 } };

describe("training run", () => {
  let t: Awaited<ReturnType<typeof createTestDb>>;
  let q: JobQueue;
  const who: Record<string, SessionUser> = {};
  const caller = (u: SessionUser) => createCaller(createTestContext({ db: t.db, user: u, jobs: q }));
  let cohortId = "";
  before(async () => {
    t = await createTestDb({ seed: true });
    useAsProcessDb(t);
    q = createQueue({ db: t.db, backend: "inprocess", heartbeatMs: 500 });
    registerAll(q);
    await q.start();
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
    cohortId = (await caller(who.admin).cohorts.importDemo()).cohortId!;
  });
  after(async () => {
    await q.stop();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("demo cohort -> draft version; progress per stage advances; timings recorded", async () => {
    const t0 = performance.now();
    const { runId } = await caller(who.admin).runs.start({ cohortId, seed: 20190147, settings: SMALL });
    const seen: string[] = [];
    let pcts: number[] = [];
    for (;;) {
      const r = await caller(who.admin).runs.get({ id: runId });
      if (r.job) pcts.push(r.job.progress);
      for (const [s, p] of Object.entries(r.stages)) seen.push(`${s}:${p.done}/${p.total}`);
      if (r.status === "succeeded" || r.status === "failed" || r.status === "cancelled") break;
      await sleep(100);
    }
    const wall = (performance.now() - t0) / 1000;
    const r = await caller(who.admin).runs.get({ id: runId });
    assert.equal(r.status, "succeeded", r.error ?? "");
    pcts = pcts.filter((p, i) => i === 0 || p !== pcts[i - 1]);
    assert.ok(pcts.length >= 3, `progress advanced in steps: ${pcts.join(",")}`);
    for (let i = 1; i < pcts.length; i++) assert.ok(pcts[i] >= pcts[i - 1], "progress never goes back");
    for (const s of ["lasso-cv", "bootstrap", "svm-grid", "validation"]) assert.ok(r.stages[s as "bootstrap"], `stage ${s} recorded`);
    assert.equal(r.stages.bootstrap!.total, 20);
    // (whether an intermediate b/B is seen depends on polling against a sub-second stage; the browser test watches the bar advance)
    assert.equal(r.stages.bootstrap!.done, 20, "bootstrap b/B reached B");
    assert.ok(r.modelVersionId);
    const [v] = await t.db.select().from(modelVersions);
    assert.equal(v.id, r.modelVersionId);
    assert.equal(v.status, "draft");
    assert.equal(v.active, false);
    assert.equal(verifyArtefact(v.artefact as object, v.contentHash), v.contentHash);
    assert.equal((v.artefact as { demo: boolean }).demo, true);
    const audits = (await t.db.select().from(auditLog)).map((a) => a.action);
    assert.ok(audits.includes("runs.start") && audits.includes("models.create"));
    const report = await caller(who.admin).models.report({ id: v.id });
    assert.equal(report.provenance.runId, runId);
    assert.equal(report.provenance.seed, 20190147);
    console.log(`training run (B=20, validate B=30): wall ${wall.toFixed(1)} s; stages ${JSON.stringify(r.timings)}`);
  });

  test("re-extracting from the stored demo images: extraction n/N progress, then the pipeline", async () => {
    const t0 = performance.now();
    const { runId } = await caller(who.admin).runs.start({ cohortId, seed: 20190147, extractFromImages: true, settings: SMALL });
    const seen = new Set<string>();
    for (;;) {
      const r = await caller(who.admin).runs.get({ id: runId });
      if (r.stages.extraction) seen.add(`${r.stages.extraction.done}/${r.stages.extraction.total}`);
      if (r.status !== "queued" && r.status !== "running") break;
      await sleep(200);
    }
    const r = await caller(who.admin).runs.get({ id: runId });
    assert.equal(r.status, "succeeded", r.error ?? "");
    assert.deepEqual(r.stages.extraction, { done: 147, total: 147 });
    assert.ok([...seen].some((x) => x !== "147/147" && x !== "0/147"), `intermediate extraction progress seen: ${[...seen].join(" ")}`);
    console.log(`training with extraction from 147 demo crops: wall ${((performance.now() - t0) / 1000).toFixed(1)} s; extraction ${r.timings?.extraction?.toFixed(1)} s`);
  });

  test("cancel stops the run: cancelled, no new version", async () => {
    const before = (await t.db.select().from(modelVersions)).length;
    const { runId } = await caller(who.admin).runs.start({ cohortId, seed: 7 });
    for (let i = 0; i < 100; i++) {
      const r = await caller(who.admin).runs.get({ id: runId });
      if (r.status === "running" && Object.keys(r.stages).length) break;
      await sleep(50);
    }
    await caller(who.admin).runs.cancel({ id: runId });
    await q.idle();
    const r = await caller(who.admin).runs.get({ id: runId });
    assert.equal(r.status, "cancelled");
    assert.equal(r.job!.status, "cancelled");
    assert.equal((await t.db.select().from(modelVersions)).length, before);
  });

  test("a failing pipeline shows its error on the run", async () => {
    // one-class validation: every validation row ALN-negative -> the pipeline refuses with a clear message
    const cohortCsv = ["case_code,aln,age,t_stage,location,er,pr,us_aln,split", ...Array.from({ length: 30 }, (_, i) => `C${i},${i < 20 ? i % 2 : 0},50,T1,UOQ,positive,negative,positive,${i < 20 ? "primary" : "validation"}`)].join("\n");
    const featuresCsv = ["case_code,f1,f2", ...Array.from({ length: 30 }, (_, i) => `C${i},${(i * 7) % 11},${(i * 3) % 5}`)].join("\n");
    const imp = await caller(who.admin).cohorts.import({ name: "one-class validation", cohortCsv, featuresCsv });
    assert.ok(imp.imported, imp.report.lines.join("; "));
    const { runId } = await caller(who.admin).runs.start({ cohortId: imp.cohortId!, settings: SMALL });
    await q.idle();
    const r = await caller(who.admin).runs.get({ id: runId });
    assert.equal(r.status, "failed");
    assert.match(r.error ?? "", /validation cohort has 0 events/);
    assert.equal(r.job!.status, "failed");
  });
});
