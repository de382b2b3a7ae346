import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArtefact } from "../../../lib/model/artefact.ts";
import { predict, radscore, PredictionInputError } from "../../../lib/model/predict.ts";
import { demoCohort, ROOT } from "../pipeline/helpers.ts";

const model = parseArtefact(JSON.parse(readFileSync(resolve(ROOT, "demo/model.json"), "utf8")));
const plogis = (x: number): number => 1 / (1 + Math.exp(-x));

function featureRecord(code: string): Record<string, number> {
  const { features } = demoCohort();
  const v = features.byCase.get(code)!;
  return Object.fromEntries(features.names.map((n, j) => [n, v[j]]));
}

test("radscore: equals the artefact's stored per-patient Rad-score for training and validation cases", () => {
  for (const p of [model.radscore.perPatient[0], model.radscore.perPatient.find((q) => q.split === "validation")!]) {
    const r = radscore(model, featureRecord(p.caseCode));
    assert.ok(Math.abs(r.radscore - p.radscore) < 1e-12, `${p.caseCode}: ${r.radscore} vs ${p.radscore}`);
  }
});

test("radscore: a value outside the training range is flagged; a missing feature is an error naming it", () => {
  const f = featureRecord(model.radscore.perPatient[0].caseCode);
  const name = model.lasso.features[0];
  const j = model.scaler.features.indexOf(name);
  const r = radscore(model, { ...f, [name]: model.scaler.max[j] + 10 * (model.scaler.max[j] - model.scaler.min[j]) });
  assert.deepEqual(r.outOfRange, [name]);
  const { [name]: _drop, ...missing } = f;
  assert.throws(() => radscore(model, missing), (e: unknown) => e instanceof PredictionInputError && new RegExp(name).test((e as Error).message));
});

test("predict: probability = plogis(linear predictor); points sum to total points; lp = Intercept_info + total/sc", () => {
  const cases = [
    { age: 55, t_stage: "T2", location: "UOQ", er: "positive", pr: "negative", us_aln: "positive", radscore: 0.3 },
    { age: 71, t_stage: "T1", location: "LIQ", er: "negative", pr: "positive", us_aln: "negative", radscore: -1.2 },
  ];
  for (const c of cases) {
    const r = predict(model, c);
    assert.ok(Math.abs(r.probability - plogis(r.linearPredictor)) < 1e-12);
    const sum = Object.values(r.points).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - r.totalPoints) < 1e-9);
    assert.ok(Math.abs(model.nomogram.nomogram.interceptInfo + r.totalPoints / model.nomogram.nomogram.sc - r.linearPredictor) < 1e-9); // rms nomogram: lp = Intercept + total/sc
    assert.ok(r.ci95[0] < r.probability && r.probability < r.ci95[1]);
    assert.ok(r.warnings.includes("Demo model — not for clinical use"));
    // the linear predictor from the stored coefficients (rms names) agrees
    const b = model.nomogram.coefficients;
    let lp = b.Intercept;
    for (const [name, v] of Object.entries(b)) {
      if (name === "Intercept") continue;
      const [varName, level] = name.split("=");
      const val = (c as Record<string, unknown>)[varName];
      lp += level === undefined ? v * (val as number) : val === level ? v : 0;
    }
    assert.ok(Math.abs(lp - r.linearPredictor) < 1e-9);
  }
});

test("predict: from a feature vector gives the same Rad-score and an SVM probability; bad inputs are clear errors", () => {
  const p = model.radscore.perPatient.find((q) => q.split === "validation")!;
  const { cohort } = demoCohort();
  const c = cohort.find((r) => r.caseCode === p.caseCode)!;
  const r = predict(model, { ...c, features: featureRecord(p.caseCode) });
  assert.ok(Math.abs(r.radscore - p.radscore) < 1e-12);
  assert.ok(r.svmProbability! > 0 && r.svmProbability! < 1);
  const base = { age: 50, t_stage: "T2", location: "UOQ", er: "positive", pr: "negative", us_aln: "positive" };
  assert.throws(() => predict(model, base), /needs either a Rad-score or a feature vector/);
  assert.throws(() => predict(model, { ...base, us_aln: "maybe", radscore: 0 }), /ultrasound ALN status must be "positive" or "negative"/);
  assert.throws(() => predict(model, { ...base, age: Number.NaN, radscore: 0 }), /age must be a number/);
});
