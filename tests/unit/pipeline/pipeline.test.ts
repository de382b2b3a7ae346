import { test } from "node:test";
import assert from "node:assert/strict";
import { runPipeline, PipelineError } from "../../../lib/stats/pipeline.ts";
import { cohortFromCsv, featuresFromCsv, PipelineInputError } from "../../../lib/stats/pipeline-input.ts";
import { parseArtefact } from "../../../lib/model/artefact.ts";
import { hashArtefact } from "../../../lib/model/hash.ts";
import { parseSettings, PipelineSettingsError } from "../../../lib/stats/pipeline-settings.ts";
import { demoCohort, FAST } from "./helpers.ts";

test("pipeline: same cohort + settings + seed -> identical artefact hash; another seed -> another hash", async () => {
  const { cohort, features } = demoCohort();
  const stages = new Set<string>();
  const lassoSteps: string[] = [];
  const a = await runPipeline(cohort, features, FAST, 11, (s, d, t) => {
    stages.add(s);
    if (s === "lasso-cv") lassoSteps.push(`${d}/${t}`);
  });
  const b = await runPipeline(cohort, features, FAST, 11);
  const c = await runPipeline(cohort, features, FAST, 12);
  assert.match(a.artefact.hash!, /^[0-9a-f]{64}$/);
  assert.equal(a.artefact.hash, b.artefact.hash);
  assert.equal(hashArtefact(a.artefact), a.artefact.hash);
  assert.notEqual(a.artefact.hash, c.artefact.hash);
  // the artefact satisfies its own schema after a JSON round trip, and the round trip keeps the hash
  const round = parseArtefact(JSON.parse(JSON.stringify(a.artefact)));
  assert.equal(hashArtefact(JSON.parse(JSON.stringify(a.artefact))), a.artefact.hash);
  assert.equal(round.cohort.training.n, 110);
  assert.equal(round.cohort.validation!.n, 37);
  for (const s of ["lasso-cv", "bootstrap", "svm-grid", "validation"]) assert.ok(stages.has(s), `progress stage ${s} reported`);
  // LASSO CV reports each fit as it finishes: the whole training cohort, then every fold
  const K = parseSettings(FAST).lasso.nfolds;
  assert.deepEqual(lassoSteps, Array.from({ length: K + 2 }, (_, i) => `${i}/${K + 1}`));
  assert.ok(a.report.timings_s.total > 0);
});

test("pipeline: stratified split when the cohort has no split column; bootstrap validation mode has no validation cohort", async () => {
  const { cohort, features } = demoCohort();
  const noSplit = cohort.map((r) => ({ ...r, split: null }));
  const s = await runPipeline(noSplit, features, FAST, 3);
  assert.equal(s.artefact.cohort.splitMethod, "stratified");
  // round(0.75 * 83) = 62 events and round(0.75 * 64) = 48 non-events in training
  assert.equal(s.artefact.cohort.training.events, 62);
  assert.equal(s.artefact.cohort.training.n, 110);
  const boot = await runPipeline(cohort, features, { ...FAST, split: { method: "bootstrap" } }, 3);
  assert.equal(boot.artefact.cohort.validation, null);
  assert.equal(boot.artefact.nomogram.performance.validation, null);
  assert.ok(boot.artefact.nomogram.cIndex.optimismCorrected! <= boot.artefact.nomogram.cIndex.apparent + 1e-9);
  assert.ok(boot.artefact.warnings.some((w) => w.code === "bootstrap-validation"));
  // whole-pipeline bootstrap runs by default in this mode: optimism-corrected AUCs below the apparent ones
  const wpb = boot.artefact.pipelineBootstrap!;
  assert.equal(wpb.B, 50);
  assert.ok(wpb.nomogram.optimism > 0 && wpb.nomogram.corrected < wpb.nomogram.apparent);
  assert.ok(wpb.svm!.optimism > 0);
  assert.equal(s.artefact.pipelineBootstrap, null);
});

test("pipeline: the seed's unnested Rad-score is available but warned; the default is cross-fitted; sample-size guard warns", async () => {
  const { cohort, features } = demoCohort();
  const d = await runPipeline(cohort, features, FAST, 5);
  const ss = d.artefact.sampleSize;
  assert.equal(ss.n, 110);
  assert.equal(ss.riley.met, false);
  assert.ok(d.artefact.warnings.some((w) => w.code === "riley"));
  assert.ok(d.artefact.warnings.some((w) => w.code === "epp"));
  assert.equal(d.artefact.radscore.nomogramInput, "cross-fitted");
  assert.ok(d.artefact.radscore.perPatient.filter((p) => p.split === "training").every((p) => p.radscoreCrossFitted !== null));
  assert.ok(!d.artefact.warnings.some((w) => w.code === "unnested-radscore"));
  const u = await runPipeline(cohort, features, { ...FAST, radscore: { nomogramInput: "apparent" } }, 5);
  assert.ok(u.artefact.warnings.some((w) => w.code === "unnested-radscore"));
});

test("pipeline: too few events for k-fold CV is an error naming the numbers", async () => {
  const { cohort, features } = demoCohort();
  // keep 4 ALN-positive and all negative primary patients, no validation rows
  let pos = 0;
  const small = cohort.filter((r) => r.split === "primary" && (r.aln === 0 || pos++ < 4));
  await assert.rejects(runPipeline(small, features, FAST, 1), (e: unknown) => {
    assert.ok(e instanceof PipelineError);
    assert.match((e as Error).message, /too few events for 5-fold LASSO cross-validation: 4 events and 49 non-events/);
    return true;
  });
});

test("pipeline: a missing feature row, missing values and bad cohort cells are errors listing rows and columns", async () => {
  const { cohort, features } = demoCohort();
  const fewer = { names: features.names, byCase: new Map([...features.byCase].filter(([k]) => k !== "DEMO-007")) };
  await assert.rejects(runPipeline(cohort, fewer, FAST, 1), (e: unknown) => e instanceof PipelineInputError && /no feature row for case "DEMO-007"/.test((e as Error).message));
  assert.throws(
    () => featuresFromCsv("case_code,f1,f2\nA,1,NA\nB,2,3\nC,x,4\n"),
    (e: unknown) => e instanceof PipelineInputError && /row 2, column "f2": missing value/.test((e as Error).message) && /row 4, column "f1": "x" is not a finite number/.test((e as Error).message),
  );
  assert.throws(
    () => cohortFromCsv("case_code,aln,age,t_stage,location,er,pr,us_aln\nA,1,abc,T2,UOQ,positive,negative,positive\nB,0,50,T9,UOQ,positive,negative,positive\n"),
    (e: unknown) => e instanceof PipelineInputError && (e as PipelineInputError).problems.length === 2 && /row 2, column "age": "abc" is not a number/.test((e as Error).message) && /row 3, column "t_stage": unknown T stage "T9"/.test((e as Error).message),
  );
  assert.throws(() => cohortFromCsv("case_code,aln,age\nA,1,50\n"), /column "t_stage": required column is missing/);
});

test("pipeline: constant features are dropped with a warning; all-constant features are an error", async () => {
  const { cohort, features } = demoCohort();
  const names = [...features.names, "const_feature"];
  const byCase = new Map([...features.byCase].map(([k, v]) => [k, Float64Array.from([...v, 7])]));
  const r = await runPipeline(cohort, { names, byCase }, FAST, 2);
  assert.ok(r.artefact.cohort.droppedFeatures.some((d) => d.name === "const_feature" && /constant/.test(d.reason)));
  assert.ok(!r.artefact.scaler.features.includes("const_feature"));
  const flat = { names: ["a", "b"], byCase: new Map(cohort.map((c) => [c.caseCode, Float64Array.from([1, 2])])) };
  await assert.rejects(runPipeline(cohort, flat, FAST, 2), /every feature is constant/);
});

test("pipeline: settings are validated (unknown keys and bad values rejected, defaults filled)", () => {
  const s = parseSettings({});
  assert.equal(s.lasso.nfolds, 10);
  assert.equal(s.lasso.bootstrapB, 100);
  assert.equal(s.validation.B, 200);
  assert.equal(s.svm.cost.length * s.svm.gamma.length, 81);
  assert.throws(() => parseSettings({ lasso: { lambdaRule: "max" } }), PipelineSettingsError);
  assert.throws(() => parseSettings({ nonsense: 1 }), /Unrecognized key/);
});

test("pipeline: nested cross-fitting (inner CV per outer fold) gives out-of-fold Rad-scores that differ from the preval ones", async () => {
  const { cohort, features } = demoCohort();
  const p = await runPipeline(cohort, features, FAST, 8);
  const n = await runPipeline(cohort, features, { ...FAST, radscore: { crossFit: "nested" } }, 8);
  const a = p.artefact.radscore.perPatient.filter((r) => r.split === "training").map((r) => r.radscoreCrossFitted!);
  const b = n.artefact.radscore.perPatient.filter((r) => r.split === "training").map((r) => r.radscoreCrossFitted!);
  assert.equal(b.length, 110);
  assert.ok(b.every(Number.isFinite));
  assert.ok(a.some((v, i) => v !== b[i]));
  // the final Rad-score (full training data) is the same either way
  assert.deepEqual(p.artefact.lasso.features, n.artefact.lasso.features);
});

test("pipeline: validation patients with a factor level unseen in training are left out of the nomogram validation, with a warning", async () => {
  const { cohort, features } = demoCohort();
  const moved = cohort.map((r) => (r.split === "primary" && r.t_stage === "T4" ? { ...r, t_stage: "T3" as const } : r));
  const nT4 = moved.filter((r) => r.split === "validation" && r.t_stage === "T4").length;
  assert.ok(nT4 > 0);
  const r = await runPipeline(moved, features, { ...FAST, nomogram: { stepwise: "none" } }, 4);
  const w = r.artefact.warnings.find((x) => x.code === "unscorable-validation");
  assert.ok(w, "warning present");
  assert.equal(r.artefact.nomogram.performance.validation!.n, 37 - nT4);
  assert.equal(r.artefact.svm.performance.validation!.n, 37);
  assert.deepEqual(r.artefact.nomogram.deleted, []);
});

test("pipeline: an AbortSignal cancels a run between stages; validation progress only moves forward", async () => {
  const { cohort, features } = demoCohort();
  const { PipelineCancelledError } = await import("../../../lib/stats/pipeline.ts");
  const ac = new AbortController();
  await assert.rejects(
    runPipeline(cohort, features, FAST, 1, (stage) => {
      if (stage === "bootstrap") ac.abort();
    }, { signal: ac.signal }),
    PipelineCancelledError,
  );
  const seen: [number, number][] = [];
  await runPipeline(cohort, features, { ...FAST, validation: { ...FAST.validation, pipelineB: 20 } }, 1, (stage, d, t) => {
    if (stage === "validation") seen.push([d, t]);
  });
  assert.ok(seen.every(([d, t], i) => t === 22 && (i === 0 || d >= seen[i - 1][0])), JSON.stringify(seen));
  assert.deepEqual(seen[seen.length - 1], [22, 22]);
});
