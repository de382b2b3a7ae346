// pROC reproduction (AUC, DeLong variance/CI, curve, Youden, paired roc.test) at abs 1e-12, the CLI commands,
// and the threshold metrics (Wilson CIs vs Newcombe 1998; seeded bootstrap percentile CIs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { roc, rocTestDelong, delong, RocError } from "../../../lib/stats/roc.ts";
import { confusionMetrics, wilsonInterval, quantile7 } from "../../../lib/stats/metrics.ts";
import { run as rocCli } from "../../../lib/cli/commands/stats/roc.ts";
import { run as rocTestCli } from "../../../lib/cli/commands/stats/roc-test.ts";
import { fixture, near, num, type J } from "./wdbc-fixture.ts";

const wroc = fixture("wdbc_roc_radscore.json");
const rad = fixture("wdbc_glmnet_binomial.json").radscore;
const rr = fixture("rotterdam_roc.json");
const TOL = 1e-12;

function checkRoc(r: ReturnType<typeof roc>, E: J, what: string): void {
  assert.equal(r.nCases, E.n_cases);
  assert.equal(r.nControls, E.n_controls);
  near(r.auc, E.auc, TOL, `${what} auc`);
  near(r.delongVariance, E.delong_variance, TOL, `${what} DeLong variance`);
  near(r.ci[0], E.ci_delong_95.lower, TOL, `${what} CI lower`);
  near(r.ci[1], E.ci_delong_95.upper, TOL, `${what} CI upper`);
  assert.equal(r.curve.threshold.length, E.roc.threshold.length);
  E.roc.threshold.forEach((t: number | string, k: number) => {
    const v = num(t);
    if (Number.isFinite(v)) near(r.curve.threshold[k], v, TOL, `${what} threshold[${k}]`);
    else assert.equal(r.curve.threshold[k], v);
    near(r.curve.sensitivity[k], E.roc.sensitivity[k], TOL, `${what} sensitivity[${k}]`);
    near(r.curve.specificity[k], E.roc.specificity[k], TOL, `${what} specificity[${k}]`);
  });
  assert.equal(r.youdenRows.length, E.n_best_rows);
  const b = E.best_youden;
  r.youdenRows.forEach((row, i) => {
    near(row.threshold, b.threshold[i], TOL, `${what} youden threshold`);
    near(row.sensitivity, b.sensitivity[i], TOL, "youden sens");
    near(row.specificity, b.specificity[i], TOL, "youden spec");
    near(row.accuracy, b.accuracy[i], TOL, "youden accuracy");
    near(row.youden, b.youden[i], TOL, "youden sum");
    assert.deepEqual([row.tp, row.tn, row.fp, row.fn], [b.tp[i], b.tn[i], b.fp[i], b.fn[i]]);
  });
}

test("roc: WDBC rad-score test and training rows match pROC (abs 1e-12)", () => {
  checkRoc(roc(rad.test.malignant, rad.test.radscore), wroc.test, "wdbc test");
  checkRoc(roc(rad.train.malignant, rad.train.radscore), wroc.train, "wdbc train");
});

test("roc: Rotterdam lrm test probabilities (main, spline) and the paired DeLong roc.test match pROC", () => {
  const { aln, p_main, p_spline } = rr.inputs;
  checkRoc(roc(aln, p_main), rr.models.main, "main");
  checkRoc(roc(aln, p_spline), rr.models.spline, "spline");
  const t = rocTestDelong(aln, p_main, p_spline);
  const E = rr.roc_test_delong_paired;
  near(t.z, E.z, TOL, "z");
  near(t.pValue, E.p_value, TOL, "p");
  near(t.aucA, E.auc_a, TOL, "auc a");
  near(t.aucB, E.auc_b, TOL, "auc b");
});

test("roc: ties count 1/2, direction is never guessed, bad input errors", () => {
  const d = delong([0, 0, 1, 1], [1, 2, 2, 0]);
  near(d.auc, (0.5 + 1 + 0 + 0) / 4, 0, "auc with a tie"); // pairs: (2>1)=1, (2=2)=.5, (0<1)=0, (0<2)=0
  assert.ok(roc([0, 0, 1, 1], [3, 4, 1, 2]).auc === 0); // below 0.5 stays below 0.5
  assert.throws(() => roc([0, 0], [1, 2]), RocError);
  assert.throws(() => roc([0, 2], [1, 2]), /must be 0\/1/);
});

function writeCsv(cols: Record<string, ArrayLike<number>>): string {
  const dir = mkdtempSync(join(tmpdir(), "axilla-roc-"));
  const file = join(dir, "scores.csv");
  const names = Object.keys(cols);
  const n = cols[names[0]].length;
  const lines = [names.join(",")];
  for (let i = 0; i < n; i++) lines.push(names.map((c) => String(cols[c][i])).join(","));
  lines.push(names.map((_, j) => (j === 0 ? "1" : "NA")).join(",")); // incomplete row: dropped
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

test("CLI stats roc and roc-test reproduce pROC from a CSV", async () => {
  const file = writeCsv({ y: rad.test.malignant, score: rad.test.radscore });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const out: any = await rocCli(["--csv", file, "--y", "y", "--score", "score"]);
  assert.equal(out.n, 142);
  near(out.auc, wroc.test.auc, TOL, "auc");
  near(out.ci_delong[0], wroc.test.ci_delong_95.lower, TOL, "ci lo");
  assert.equal(out.ci_delong[1], 1);
  near(out.youden.threshold, wroc.test.best_youden.threshold[0], TOL, "youden threshold");
  near(out.youden.accuracy, wroc.test.best_youden.accuracy[0], TOL, "youden accuracy");
  assert.equal(out.curve.length, 143);
  assert.equal(out.curve[0].threshold, -Infinity);
  near(out.curve[71].specificity, wroc.test.roc.specificity[71], TOL, "curve spec");
  const f2 = writeCsv({ aln: rr.inputs.aln, a: rr.inputs.p_main, b: rr.inputs.p_spline });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const t: any = await rocTestCli(["--csv", f2, "--y", "aln", "--score", "a", "--score2", "b"]);
  near(t.z, rr.roc_test_delong_paired.z, TOL, "z");
  near(t.p_value, rr.roc_test_delong_paired.p_value, TOL, "p");
  await assert.rejects(() => rocTestCli(["--csv", f2, "--y", "aln", "--score", "a"]), /missing required option --score2/);
});

test("metrics: Wilson intervals match Newcombe (1998) Table I (4 d.p.)", () => {
  const cases: [number, number, number, number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ];
  for (const [x, n, lo, hi] of cases) {
    const [l, h] = wilsonInterval(x, n);
    near(l, lo, 5e-5, `Wilson lower ${x}/${n}`);
    near(h, hi, 5e-5, `Wilson upper ${x}/${n}`);
  }
});

test("metrics: counts at the Youden threshold equal pROC's; bootstrap CIs are seeded and bracket the estimate", () => {
  const E = wroc.test.best_youden;
  const m = confusionMetrics(rad.test.malignant, rad.test.radscore, E.threshold[0], { B: 500, seed: 3 });
  assert.deepEqual([m.tp, m.tn, m.fp, m.fn], [E.tp[0], E.tn[0], E.fp[0], E.fn[0]]);
  near(m.metrics.sensitivity.value, E.sensitivity[0], TOL, "sensitivity");
  near(m.metrics.specificity.value, E.specificity[0], TOL, "specificity");
  near(m.metrics.accuracy.value, E.accuracy[0], TOL, "accuracy");
  assert.equal(m.metrics.ppv.value, 52 / 53);
  assert.equal(m.metrics.npv.value, 88 / 89);
  for (const k of ["accuracy", "sensitivity", "specificity", "ppv", "npv"] as const) {
    const c = m.metrics[k];
    assert.ok(c.bootstrap[0] <= c.value && c.value <= c.bootstrap[1], `${k} bootstrap CI brackets`);
    assert.ok(c.wilson[0] < c.value && c.value < c.wilson[1], `${k} Wilson CI brackets`);
  }
  const again = confusionMetrics(rad.test.malignant, rad.test.radscore, E.threshold[0], { B: 500, seed: 3 });
  assert.deepEqual(again.metrics.accuracy.bootstrap, m.metrics.accuracy.bootstrap);
  assert.equal(quantile7([1, 2, 3, 4], 0.25), 1.75); // R: quantile(1:4, .25) = 1.75
});
