// rms::nomogram(fit, fun = plogis) against rotterdam_lrm.json (README tolerances: axis values and ticks
// relative 1e-12; Xbeta, points, sc, Intercept, lp positions, patient points abs 1e-8; probability-tick
// positions abs 1e-8 vs R's 1000-point interpolation), plus R's pretty() and patient prediction.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lrm } from "../../../lib/stats/logistic.ts";
import { nomogram } from "../../../lib/stats/nomogram.ts";
import { pretty } from "../../../lib/stats/rbase.ts";
import { predictPatient, probabilityFromPoints } from "../../../lib/nomogram/index.ts";
import { qnorm } from "../../../lib/stats/distributions.ts";
import type { Cell } from "../../../lib/stats/design.ts";
import { fixture, rotterdam, allAbsClose, allRelClose, absClose } from "./lrm-helpers.ts";

const R = fixture("rotterdam_lrm.json");
const VARS = ["age", "meno", "size", "grade", "er", "pgr"];

test("pretty(): R's outputs including its float noise", () => {
  // probability ticks R printed in rotterdam_lrm.json (before restriction to the lp range) contain 0.6000000000000001
  const main = R.models.main.nomogram.probability_axis.probability;
  const got = pretty([1 / (1 + Math.exp(1)), 1 / (1 + Math.exp(-2.5))], 10).filter((p) => p >= main[0] && p <= main[main.length - 1]);
  assert.deepEqual(got, main);
  assert.deepEqual(pretty([24, 90], 10), R.models.main.nomogram.axes.age.values);
  assert.deepEqual(pretty([0, 3228], 10), R.models.main.nomogram.axes.er.values);
  assert.deepEqual(pretty([0, 5004], 10), R.models.main.nomogram.axes.pgr.values);
});

for (const key of ["main", "spline"] as const) {
  const F = R.models[key];
  const N = F.nomogram;
  const build = () => nomogram(lrm(rotterdam().train, F.formula));

  test(`nomogram ${key}: axes (values, Xbeta, points)`, () => {
    const nm = build();
    assert.deepEqual(nm.axes.map((a) => a.variable), Object.keys(N.axes));
    for (const a of nm.axes) {
      const E = N.axes[a.variable];
      if (typeof E.values[0] === "string") assert.deepEqual(a.values, E.values);
      else allRelClose(a.values as number[], E.values, 1e-12, `${a.variable} values`);
      allAbsClose(a.xbeta, E.Xbeta, 1e-8, `${a.variable} Xbeta`);
      allAbsClose(a.points, E.points, 1e-8, `${a.variable} points`);
      absClose(nm.minXbeta[a.variable], N.info.R_min_Xbeta[a.variable], 1e-8, `${a.variable} min Xbeta`);
      absClose(nm.maxXbeta[a.variable], N.info.R_max_Xbeta[a.variable], 1e-8, `${a.variable} max Xbeta`);
    }
    // the monotone flag (the UI draws non-monotone spline axes differently) follows R's points
    const age = nm.axes.find((a) => a.variable === "age")!;
    const pts = N.axes.age.points as number[];
    const monotone = pts.every((p, i) => i === 0 || p <= pts[i - 1]) || pts.every((p, i) => i === 0 || p >= pts[i - 1]);
    assert.equal(age.monotone, monotone);
  });

  test(`nomogram ${key}: sc, Intercept, lp_at, total-points and probability axes`, () => {
    const nm = build();
    absClose(nm.sc, N.info.sc, 1e-8, "sc");
    absClose(nm.intercept, N.info.Intercept, 1e-8, "Intercept");
    allRelClose(nm.lpAt, N.info.lp_at, 1e-12, "lp_at");
    allRelClose(nm.totalPointsAxis, N.total_points_axis, 1e-12, "total points ticks");
    allAbsClose(nm.lpAxis.points, N.lp_axis.points, 1e-8, "lp axis points");
    allRelClose(nm.probabilityAxis.probability, N.probability_axis.probability, 1e-12, "probability ticks");
    allAbsClose(nm.probabilityAxis.points, N.probability_axis.points_R, 1e-8, "probability positions (R 1000-point)");
    allAbsClose(nm.probabilityAxis.pointsExact, N.probability_axis.points_exact_qlogis, 1e-8, "probability positions (exact)");
  });

  test(`nomogram ${key}: patient total points and linear predictor for every test row`, () => {
    const nm = build();
    const { test: te } = rotterdam();
    for (let i = 0; i < te.nrow; i++) {
      const vals: Record<string, Cell> = {};
      for (const v of VARS) vals[v] = te.columns[v][i];
      const p = predictPatient(nm, vals);
      absClose(p.totalPoints, F.test.nomogram_total_points[i], 1e-8, `row ${i} total points`);
      absClose(p.linearPredictor, F.test.linear_predictor[i], 1e-8, `row ${i} lp`);
      absClose(p.probability, F.test.probability[i], 1e-9, `row ${i} probability`);
      absClose(probabilityFromPoints(nm, p.totalPoints), F.test.probability[i], 1e-9, `row ${i} probability from points`);
    }
  });

  test(`nomogram ${key}: 95% CI by the delta method with R's vcov and R's design row`, () => {
    const nm = build();
    const { train } = rotterdam();
    const D = F.design_matrix_train;
    const V: number[][] = F.vcov.rows;
    const z = qnorm(0.975);
    for (let i = 0; i < 10; i++) {
      const x = [1, ...D.colnames.map((c: string) => D.columns[c][i])];
      let v = 0;
      for (let a = 0; a < x.length; a++) for (let b = 0; b < x.length; b++) v += x[a] * V[a][b] * x[b];
      const lp = F.train.linear_predictor[i];
      const se = Math.sqrt(v);
      const vals: Record<string, Cell> = {};
      for (const c of VARS) vals[c] = train.columns[c][i];
      const p = predictPatient(nm, vals);
      absClose(p.seLinearPredictor, se, 1e-9, `row ${i} se(lp)`);
      absClose(p.ci95[0], 1 / (1 + Math.exp(-(lp - z * se))), 1e-9, `row ${i} CI low`);
      absClose(p.ci95[1], 1 / (1 + Math.exp(-(lp + z * se))), 1e-9, `row ${i} CI high`);
      assert.deepEqual(p.outOfRange, []);
    }
    // the nomogram is plain JSON (stored in the model artefact): predictions survive a round trip
    const stored = JSON.parse(JSON.stringify(nm));
    const v0: Record<string, Cell> = {};
    for (const c of VARS) v0[c] = train.columns[c][0];
    assert.deepEqual(predictPatient(stored, v0), predictPatient(nm, v0));
    const out = predictPatient(nm, { age: 99, meno: 1, size: "T2", grade: 3, er: 10, pgr: 10 });
    assert.deepEqual(out.outOfRange, ["age"]);
    assert.throws(() => predictPatient(nm, { age: 50, meno: 1, size: "T9", grade: 3, er: 10, pgr: 10 }), /not one of the levels/);
  });
}
