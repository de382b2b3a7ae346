// Decision curves against rotterdam_dca.json (abs 1e-12), from R's test probabilities and end to end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decisionCurve, defaultThresholds } from "../../../lib/stats/dca.ts";
import { lrm, predictLrm } from "../../../lib/stats/logistic.ts";
import { fixture, rotterdam, allAbsClose } from "./lrm-helpers.ts";

const D = fixture("rotterdam_dca.json");
const L = fixture("rotterdam_lrm.json");

test("dca thresholds are i/100 exactly", () => {
  assert.deepEqual(defaultThresholds(), D.thresholds);
});

for (const key of ["main", "spline"] as const) {
  test(`dca ${key}: net benefit, TP/FP, treat-all/none from R's test probabilities`, () => {
    const d = decisionCurve(L.models[key].test.probability, L.models[key].test.aln);
    assert.equal(d.n, D.n);
    assert.equal(d.events, D.events);
    assert.equal(d.prevalence, D.prevalence);
    assert.deepEqual(d.tp, D.models[key].tp);
    assert.deepEqual(d.fp, D.models[key].fp);
    allAbsClose(d.netBenefit, D.models[key].net_benefit, 1e-12, "net benefit");
    allAbsClose(d.treatAll, D.treat_all, 1e-12, "treat all");
    allAbsClose(d.treatNone, D.treat_none, 0, "treat none");
    // net interventions avoided = (NB - NB_all) / odds(pt) * 100
    d.interventionsAvoidedPer100.forEach((v, i) => {
      const t = D.thresholds[i];
      allAbsClose([v], [((D.models[key].net_benefit[i] - D.treat_all[i]) / (t / (1 - t))) * 100], 1e-9, `avoided[${i}]`);
    });
  });

  test(`dca ${key}: end to end from our own fit`, () => {
    const { train, test: te } = rotterdam();
    const m = lrm(train, L.models[key].formula);
    const prob = predictLrm(m, te).probability;
    const d = decisionCurve(prob, te.columns.aln as number[]);
    assert.deepEqual(d.tp, D.models[key].tp);
    assert.deepEqual(d.fp, D.models[key].fp);
    allAbsClose(d.netBenefit, D.models[key].net_benefit, 1e-12, "net benefit");
  });
}

test("dca rejects bad input", () => {
  assert.throws(() => decisionCurve([0.2, 1.2], [0, 1]), /probability/);
  assert.throws(() => decisionCurve([0.2, 0.4], [0, 2]), /0\/1/);
  assert.throws(() => decisionCurve([0.2], [0], [0, 0.5]), /thresholds/);
});
