// libsvm C-SVC port vs e1071::svm (3 cost/gamma runs): decision values and rho (abs 1e-6), nSV and SV
// indices exact; the tight (tolerance 1e-10) re-runs; the CLI; grid search and Platt scaling checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { svmTrain, svmDecision, rowsOf, SvmError } from "../../../lib/stats/svm.ts";
import { svmGridSearch, stratifiedFolds, GridError } from "../../../lib/stats/grid.ts";
import { sigmoidTrain, sigmoidPredict, plattCalibrate } from "../../../lib/stats/platt.ts";
import { aucMannWhitney } from "../../../lib/stats/cv.ts";
import { run as svmCli } from "../../../lib/cli/commands/stats/svm.ts";
import { createRng } from "../../../lib/random.ts";
import { fixture, near, wdbc } from "./wdbc-fixture.ts";

const S = fixture("wdbc_svm.json");
const TOL = 1e-6;

function data() {
  const d = wdbc();
  return { d, xtr: d.select(S.selected_features, d.Xtr), xte: d.select(S.selected_features, d.Xte) };
}

for (const run of S.runs) {
  test(`svm cost=${run.cost} gamma=${run.gamma}: rho, coefs, decision values (abs 1e-6), nSV and SV indices exact`, () => {
    const { d, xtr, xte } = data();
    const m = svmTrain(xtr, d.ytr, { cost: run.cost, gamma: run.gamma });
    assert.deepEqual(m.labels.map(String), run.libsvm_label_order);
    near(m.rho, run.rho, TOL, "rho");
    assert.deepEqual(m.nSV, run.nSV_per_class.n);
    assert.equal(m.sv.length, run.tot_nSV);
    assert.deepEqual(Array.from(m.svIndex, (i) => i + 1), run.sv_index_1based_in_training_rows);
    run.coefs.forEach((c: number, k: number) => near(m.coef[k], c, TOL, `coef[${k}]`));
    const fte = svmDecision(m, xte);
    run.decision_values_test.forEach((v: number, i: number) => near(fte[i], v, TOL, `test f[${i}]`));
    const ftr = svmDecision(m, xtr);
    run.decision_values_train.forEach((v: number, i: number) => near(ftr[i], v, TOL, `train f[${i}]`));
    near(aucMannWhitney(d.yte, fte), run.test_auc_malignant_positive, 1e-12, "test AUC");
    const tight = svmTrain(xtr, d.ytr, { cost: run.cost, gamma: run.gamma, tolerance: run.tight.tolerance });
    near(tight.rho, run.tight.rho, TOL, "tight rho");
    assert.equal(tight.sv.length, run.tight.tot_nSV);
    const ft = svmDecision(tight, xte);
    run.tight.decision_values_test.forEach((v: number, i: number) => near(ft[i], v, TOL, `tight f[${i}]`));
  });
}

test("svm: the sign follows the class of the first training row", () => {
  const { d, xtr, xte } = data();
  const rows = rowsOf(xtr);
  const firstBenign = Array.from(d.ytr).indexOf(0);
  const order = [firstBenign, ...rows.map((_, i) => i).filter((i) => i !== firstBenign)];
  const m = svmTrain(order.map((i) => rows[i]), order.map((i) => d.ytr[i]), { cost: 10, gamma: 0.1, tolerance: 1e-10 });
  assert.deepEqual(m.labels, [0, 1]);
  const f = svmDecision(m, xte);
  // same (tightly converged) optimum, opposite sign
  S.runs[1].tight.decision_values_test.forEach((v: number, i: number) => near(f[i], -v, 1e-6, `flipped f[${i}]`));
});

test("svm: degenerate input — one class, bad parameters; perfectly separable data is fine", () => {
  const rows = [Float64Array.of(0, 0), Float64Array.of(0, 1), Float64Array.of(5, 5), Float64Array.of(5, 6)];
  assert.throws(() => svmTrain(rows, [1, 1, 1, 1], { cost: 1, gamma: 1 }), (e: unknown) => e instanceof SvmError && /only one class/.test(e.message));
  assert.throws(() => svmTrain(rows, [0, 1, 0, 1], { cost: 0, gamma: 1 }), /cost must be > 0/);
  assert.throws(() => svmTrain(rows, [0, 1, 2, 1], { cost: 1, gamma: 1 }), /exactly 2 classes/);
  const m = svmTrain(rows, [0, 0, 1, 1], { cost: 1, gamma: 0.5 });
  const f = svmDecision(m, rows);
  assert.deepEqual(Array.from(f, (v) => v > 0), [true, true, false, false]); // f > 0 favours class 0 (first row)
});

test("grid search: fold AUCs equal direct per-fold fits; best point; too few events is an error naming the numbers", () => {
  const { d, xtr } = data();
  const rows = rowsOf(xtr);
  const g = svmGridSearch(rows, d.ytr, { costs: [0.5, 10], gammas: [0.1, 2], folds: d.foldtr });
  assert.equal(g.points.length, 4);
  const p = g.points[3]; // cost 10, gamma 2
  const f = 4;
  const tr = rows.map((_, i) => i).filter((i) => d.foldtr[i] !== f);
  const te = rows.map((_, i) => i).filter((i) => d.foldtr[i] === f);
  const m = svmTrain(tr.map((i) => rows[i]), tr.map((i) => d.ytr[i]), { cost: 10, gamma: 2 });
  const s = svmDecision(m, te.map((i) => rows[i])).map((v) => (m.labels[0] === 1 ? v : -v));
  near(p.foldAuc[f - 1], aucMannWhitney(te.map((i) => d.ytr[i]), s), 1e-15, "fold 4 AUC");
  assert.equal(g.best.auc, Math.max(...g.points.map((q) => q.auc)));
  const y = Float64Array.from(d.ytr);
  let ones = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1 && ++ones > 6) y[i] = 0;
  assert.throws(() => svmGridSearch(rows, y, { folds: d.foldtr }), (e: unknown) => e instanceof GridError && e.message === "10-fold CV needs at least 10 events per class; class 1 has 6");
  const folds = stratifiedFolds(d.ytr, 10, 42);
  for (let k = 1; k <= 10; k++) {
    const ev = Array.from(folds).filter((v, i) => v === k && d.ytr[i] === 1).length;
    assert.ok(ev === 15 || ev === 16, `fold ${k} has ${ev} events`); // 159 events over 10 folds
  }
});

test("platt: sigmoid_train recovers a known logistic link; 5-fold Platt on WDBC is monotone and seeded", () => {
  const rng = createRng(5);
  const dec: number[] = [];
  const lab: number[] = [];
  for (let i = 0; i < 20000; i++) {
    const f = rng.normal() * 2;
    dec.push(f);
    lab.push(rng.uniform() < 1 / (1 + Math.exp(-1.5 * f + 0.3)) ? 1 : -1); // P(+1|f) = 1/(1+exp(A f + B)), A=-1.5, B=0.3
  }
  const fit = sigmoidTrain(dec, lab);
  near(fit.A, -1.5, 0.08, "A");
  near(fit.B, 0.3, 0.06, "B");
  const { d, xtr } = data();
  const rows = rowsOf(xtr);
  const p1 = plattCalibrate(rows, d.ytr, { cost: 1, gamma: 0.5 }, 7);
  const p2 = plattCalibrate(rows, d.ytr, { cost: 1, gamma: 0.5 }, 7);
  assert.deepEqual(p1, p2);
  assert.ok(p1.A < 0, "larger f -> higher probability of the first class");
  assert.ok(sigmoidPredict(2, p1) > 0.9 && sigmoidPredict(-2, p1) < 0.1);
});

test("CLI stats svm reproduces e1071 on the WDBC split", async () => {
  const { d } = data();
  const dir = mkdtempSync(join(tmpdir(), "axilla-svm-"));
  const file = join(dir, "wdbc_sel.csv");
  const n = d.trainRows.length + d.testRows.length;
  const all: string[][] = Array.from({ length: n });
  const put = (rowsIdx: number[], X: { n: number; data: Float64Array }, y: Float64Array, split: string) =>
    rowsIdx.forEach((r, i) => (all[r] = [String(y[i]), split, ...S.selected_features.map((f: string) => String(X.data[d.features.indexOf(f) * X.n + i]))]));
  put(d.trainRows, d.Xtr, d.ytr, "train");
  put(d.testRows, d.Xte, d.yte, "test");
  writeFileSync(file, ["malignant,split," + S.selected_features.join(","), ...all.map((r) => r.join(","))].join("\n") + "\n");
  const run = S.runs[0];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const out: any = await svmCli(["--csv", file, "--y", "malignant", "--x", S.selected_features.join(","), "--cost", String(run.cost), "--gamma", String(run.gamma), "--train-col", "split", "--train-value", "train"]);
  assert.equal(out.n_sv, run.tot_nSV);
  near(out.rho, run.rho, TOL, "rho");
  assert.equal(out.decision_values.length, 142);
  run.decision_values_test.forEach((v: number, i: number) => near(out.decision_values[i], v, TOL, `f[${i}]`));
  await assert.rejects(() => svmCli(["--csv", file, "--y", "malignant", "--x", "radius_mean", "--cost", "1", "--gamma", "1", "--train-col", "split"]), /column "radius_mean" is missing/);
});
