// LASSO path (glmnet port) against R glmnet 4.1-6 fixtures, with the README's tolerances.
import { test } from "node:test";
import assert from "node:assert/strict";
import { glmnet, lassoObjective, lambdaInterp, predictLink, GlmnetError } from "../../../lib/stats/glmnet.ts";
import { fixture, near, wdbc } from "./wdbc-fixture.ts";

const small = fixture("wdbc_glmnet_small.json");
const bin = fixture("wdbc_glmnet_binomial.json");

test("scaler: WDBC min/max from the training rows equal R's bit for bit", () => {
  const d = wdbc();
  assert.deepEqual(d.scaler.features, bin.scaling.features);
  assert.deepEqual(d.scaler.min, bin.scaling.min);
  assert.deepEqual(d.scaler.max, bin.scaling.max);
});

const sections = ["binomial", "gaussian", "gaussian_not_standardized"] as const;
function smallProblem(sec: (typeof sections)[number]) {
  const d = wdbc();
  const s = small[sec];
  const x = d.select(small.features, d.Xtr);
  const y = s.family === "binomial" ? d.ytr : d.radiusMeanTr;
  return { s, x, y, d };
}

for (const sec of sections) {
  test(`glmnet small ${sec}: lambda sequence (rel 1e-12), n_lambda (±2), coefficients vs path_exact (abs 1e-6·max(1,|b|))`, () => {
    const { s, x, y } = smallProblem(sec);
    const fit = glmnet(x, y, { family: s.family, standardize: s.standardize });
    near(fit.lambda[0], s.lambda_max_by_formula, 1e-12 * s.lambda_max_by_formula, "lambda_max");
    assert.ok(Math.abs(fit.lambda.length - s.path.n_lambda) <= 2, `n_lambda ${fit.lambda.length} vs R ${s.path.n_lambda}`);
    const K = Math.min(fit.lambda.length, s.path.n_lambda);
    for (let k = 0; k < K; k++) {
      near(fit.lambda[k], s.path.lambda[k], 1e-12 * s.path.lambda[k], `lambda[${k}]`);
      const a0 = s.path_exact.a0[k];
      near(fit.a0[k], a0, 1e-6 * Math.max(1, Math.abs(a0)), `a0[${k}]`);
      for (let j = 0; j < x.p; j++) {
        const b = s.path_exact.beta_by_lambda[k][j];
        near(fit.beta[k][j], b, 1e-6 * Math.max(1, Math.abs(b)), `beta[${k}][${small.features[j]}]`);
      }
      near(fit.devRatio[k], s.path.dev_ratio[k], 2 * s.gap_default_vs_exact.dev_ratio_abs_diff[k] + 1e-9, `dev_ratio[${k}]`);
      near(fit.penaltyWeights[0], s.penalty_weights_w[0], 1e-14, "penalty weight");
    }
  });
}

test("glmnet 30 features (ill-conditioned): lambdas, objective bounds at every lambda, coefficients vs exact up to index_min (abs 1e-4), dev_ratio", () => {
  const d = wdbc();
  const s = bin.binomial_30_features;
  const fit = glmnet(d.Xtr, d.ytr, { family: "binomial" });
  assert.ok(Math.abs(fit.lambda.length - s.path.n_lambda) <= 2, `n_lambda ${fit.lambda.length}`);
  const K = Math.min(fit.lambda.length, s.path.n_lambda);
  for (let k = 0; k < K; k++) {
    near(fit.lambda[k], s.path.lambda[k], 1e-12 * s.path.lambda[k], `lambda[${k}]`);
    const obj = lassoObjective(fit, d.Xtr, d.ytr, fit.lambda[k], fit.a0[k], fit.beta[k]);
    assert.ok(obj <= s.path.objective[k] * (1 + 1e-9), `objective[${k}] ${obj} above R's default ${s.path.objective[k]}`);
    assert.ok(obj >= s.path_exact.objective[k] * (1 - 1e-9), `objective[${k}] ${obj} below the exact optimum ${s.path_exact.objective[k]}`);
    near(fit.devRatio[k], s.path.dev_ratio[k], 2 * s.gap_default_vs_exact.dev_ratio_abs_diff[k] + 1e-9, `dev_ratio[${k}]`);
  }
  for (let k = 0; k < s.path_exact.beta_by_lambda.length; k++) {
    near(fit.a0[k], s.path_exact.a0[k], 1e-4, `a0[${k}]`);
    for (let j = 0; j < 30; j++) near(fit.beta[k][j], s.path_exact.beta_by_lambda[k][j], 1e-4, `beta[${k}][${d.features[j]}]`);
  }
});

test("glmnet: lambda.interp clamps outside the fold range and interpolates linearly", () => {
  const lam = [1, 0.5, 0.25];
  const r = lambdaInterp(lam, [2, 1, 0.75, 0.5, 0.3, 0.1]);
  assert.deepEqual(Array.from(r.left), [0, 0, 0, 1, 1, 2]);
  assert.deepEqual(Array.from(r.right), [0, 0, 1, 1, 2, 2]);
  near(r.frac[2], 0.5, 1e-15, "frac at 0.75");
  near(r.frac[4], 0.2, 1e-15, "frac at 0.3"); // (0.3 - 0.25) / (0.5 - 0.25)
  assert.equal(r.frac[0], 1);
  assert.equal(r.frac[5], 1);
});

test("glmnet: constant column never enters; user lambda disables the early stop; bad input errors", () => {
  const d = wdbc();
  const x = d.select(["concave_points_worst", "radius_se"], d.Xtr);
  const data = new Float64Array(x.n * 3);
  data.set(x.data);
  data.fill(0.5, 2 * x.n); // constant third column
  const fit = glmnet({ n: x.n, p: 3, data }, d.ytr, { family: "binomial", lambda: [0.1, 0.01, 0.001] });
  assert.equal(fit.lambda.length, 3);
  assert.deepEqual(fit.constantColumns, [2]);
  for (const b of fit.beta) assert.equal(b[2], 0);
  assert.throws(() => glmnet(x, new Float64Array(x.n).fill(1), { family: "binomial" }), GlmnetError);
  assert.throws(() => glmnet(x, Float64Array.from(d.ytr, (v) => v * 2), { family: "binomial" }), /must be 0\/1/);
  const bad = Float64Array.from(x.data);
  bad[5] = NaN;
  assert.throws(() => glmnet({ n: x.n, p: 2, data: bad }, d.ytr, { family: "binomial" }), /row 6, column 1 is not finite/);
});

test("glmnet: perfectly separated classes give finite coefficients and stop by dev.ratio > 0.999", () => {
  const n = 40;
  const data = new Float64Array(n * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i < 20 ? 0 : 1;
    data[i] = i / n + (i < 20 ? 0 : 1); // separates
    data[n + i] = Math.sin(i);
  }
  const fit = glmnet({ n, p: 2, data }, y, { family: "binomial" });
  assert.ok(fit.lambda.length < 100, `path length ${fit.lambda.length}`);
  assert.ok(fit.devRatio[fit.devRatio.length - 1] > 0.999);
  for (const b of fit.beta) for (const v of b) assert.ok(Number.isFinite(v));
  const p = predictLink(fit, { n, p: 2, data });
  const last = p[p.length - 1];
  for (let i = 0; i < n; i++) assert.equal(last[i] > 0, y[i] === 1);
});
