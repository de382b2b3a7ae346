// rms::lrm, anova and fastbw against rotterdam_lrm.json (README tolerances: relative 1e-7; C/Dxy abs 1e-9).
import { test } from "node:test";
import assert from "node:assert/strict";
import { lrm } from "../../../lib/stats/logistic.ts";
import { fastbw } from "../../../lib/stats/fastbw.ts";
import { applyDesign } from "../../../lib/stats/design.ts";
import { somers2 } from "../../../lib/stats/logistic.ts";
import { plogis } from "../../../lib/stats/rbase.ts";
import { fixture, rotterdam, relClose, absClose, allRelClose, allAbsClose } from "./lrm-helpers.ts";

const R = fixture("rotterdam_lrm.json");

for (const key of ["main", "spline"] as const) {
  const F = R.models[key];
  const fit = () => lrm(rotterdam().train, F.formula);

  test(`lrm ${key}: design (names, knots, first 60 training rows)`, () => {
    const m = fit();
    assert.deepEqual(m.names, F.design.coefficient_names);
    const knots = m.spec.terms.filter((t) => t.knots).map((t) => [t.name, t.knots]);
    assert.deepEqual(Object.fromEntries(knots), F.design.rcs_knots);
    const p = m.spec.colnames.length;
    F.design_matrix_train.colnames.forEach((c: string, j: number) => {
      assert.equal(m.spec.colnames[j], c);
      const col = Array.from({ length: 60 }, (_, i) => m.X[i * p + j]);
      allRelClose(col, F.design_matrix_train.columns[c], 1e-13, `X[, ${c}]`);
    });
    assert.equal(m.n, F.n);
    assert.equal(m.events, F.events);
  });

  test(`lrm ${key}: coefficients, SE, Wald, OR CI, vcov`, () => {
    const m = fit();
    assert.equal(m.method, "mle");
    assert.ok(m.converged);
    const C = F.coefficients;
    allRelClose(m.coefficients, C.estimate, 1e-7, "coef");
    allRelClose(m.se, C.se, 1e-7, "se");
    allRelClose(m.waldZ, C.wald_z, 1e-7, "z");
    allRelClose(m.pValue, C.p_value, 1e-7, "p");
    allRelClose(m.oddsRatio, C.odds_ratio, 1e-7, "OR");
    allRelClose(m.orLower95, C.or_lower95, 1e-7, "OR lo");
    allRelClose(m.orUpper95, C.or_upper95, 1e-7, "OR hi");
    m.vcov.forEach((row, i) => allRelClose(row, F.vcov.rows[i], 1e-7, `vcov[${i}]`));
    // against the fully converged R fit the agreement is much tighter
    allAbsClose(m.coefficients, F.convergence.coefficients_fully_converged, 1e-10, "coef vs fully converged");
  });

  test(`lrm ${key}: LR chi2, deviance, logLik, AIC, BIC and fit$stats`, () => {
    const m = fit();
    relClose(m.lrChi2, F.LR_chi2, 1e-7, "LR");
    assert.equal(m.lrDf, F.LR_df);
    assert.equal(F.LR_p, 0); // R prints 1 - pchisq(), which underflows to 0; ours is the exact upper tail
    assert.ok(m.lrP > 0 && m.lrP < 1e-40);
    relClose(m.deviance[0], F.deviance_null_and_model[0], 1e-7, "null deviance");
    relClose(m.deviance[1], F.deviance_null_and_model[1], 1e-7, "deviance");
    relClose(m.logLik, F.logLik, 1e-7, "logLik");
    relClose(m.aic, F.AIC, 1e-7, "AIC");
    relClose(m.bic, F.BIC, 1e-7, "BIC");
    const S = F.stats;
    relClose(m.stats.R2, S.R2, 1e-7, "R2");
    relClose(m.stats.Brier, S.Brier, 1e-7, "Brier");
    relClose(m.stats.g, S.g, 1e-7, "g");
    relClose(m.stats.gr, S.gr, 1e-7, "gr");
    relClose(m.stats.gp, S.gp, 1e-7, "gp");
    absClose(m.stats.C, S.C, 1e-9, "binned C");
    absClose(m.stats.Dxy, S.Dxy, 1e-9, "binned Dxy");
    absClose(m.stats.Gamma, S.Gamma, 1e-9, "binned Gamma");
    absClose(m.stats["TauA"], S["Tau-a"], 1e-9, "binned Tau-a");
    absClose(m.cIndex, F.discrimination.train_exact_somers2.C, 1e-9, "somers2 C");
    absClose(m.dxy, F.discrimination.train_exact_somers2.Dxy, 1e-9, "somers2 Dxy");
    allAbsClose(m.linearPredictor, F.train.linear_predictor, 1e-9, "training lp");
  });

  test(`lrm ${key}: prediction on the test rows (design re-applied) and test C`, () => {
    const m = fit();
    const { test: te } = rotterdam();
    const X = applyDesign(m.spec, te);
    const p = m.spec.colnames.length;
    const lp = Array.from({ length: te.nrow }, (_, i) => {
      let s = m.coefficients[0];
      for (let j = 0; j < p; j++) s += m.coefficients[j + 1] * X[i * p + j];
      return s;
    });
    allAbsClose(lp, F.test.linear_predictor, 1e-9, "test lp");
    allAbsClose(lp.map(plogis), F.test.probability, 1e-9, "test probability");
    const s = somers2(lp.map(plogis), F.test.aln);
    absClose(s.C, F.discrimination.test_exact_somers2.C, 1e-9, "test C");
  });

  test(`lrm ${key}: Wald anova rows`, () => {
    const m = fit();
    const A = F.anova_wald;
    assert.deepEqual(m.anova.map((r) => r.name), A.rows);
    allRelClose(m.anova.map((r) => r.chi2), A.chi_square, 1e-7, "anova chi2");
    assert.deepEqual(m.anova.map((r) => r.df), A.df);
    m.anova.forEach((r, i) => (A.p_value[i] === 0 ? assert.ok(r.p < 1e-30) : relClose(r.p, A.p_value[i], 1e-7, `anova p ${r.name}`)));
  });

  test(`fastbw ${key}: rule aic, type individual`, () => {
    const m = fit();
    const fb = fastbw(m);
    const E = F.fastbw;
    assert.deepEqual(fb.deleted, E.factors_deleted);
    assert.deepEqual(fb.kept, E.factors_kept);
    assert.deepEqual(fb.parmsKept, E.parms_kept);
    allRelClose(fb.steps.map((s) => s.chi2), E.steps.chi_square, 1e-7, "step chi2");
    assert.deepEqual(fb.steps.map((s) => s.df), E.steps.df);
    allRelClose(fb.steps.map((s) => s.p), E.steps.p, 1e-7, "step P");
    allRelClose(fb.steps.map((s) => s.residualChi2), E.steps.residual_chi_square, 1e-7, "residual chi2");
    assert.deepEqual(fb.steps.map((s) => s.residualDf), E.steps.residual_df);
    allRelClose(fb.steps.map((s) => s.residualP), E.steps.residual_p, 1e-7, "residual P");
    allRelClose(fb.steps.map((s) => s.aic), E.steps.AIC, 1e-7, "AIC");
    assert.deepEqual(Object.keys(fb.coefficients), Object.keys(E.coefficients_after_deletion));
    for (const [k, v] of Object.entries(fb.coefficients)) relClose(v, E.coefficients_after_deletion[k], 1e-7, `approx coef ${k}`);
  });
}
