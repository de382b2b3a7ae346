// Patient-level prediction from a fitted nomogram (the UI and `axilla predict` call this):
// linear predictor, probability with a 95% CI by the delta method on the logit scale
// (lp ± 1.96·sqrt(x' V x), then plogis), points per factor and total points.
import { designRow, termContribution, type Cell } from "../stats/design.ts";
import { plogis } from "../stats/rbase.ts";
import { qnorm as _q } from "../stats/distributions.ts";
import type { Nomogram } from "../stats/nomogram.ts";

export type { Nomogram, NomogramAxis } from "../stats/nomogram.ts";
export { nomogram } from "../stats/nomogram.ts";

export interface PatientPrediction {
  linearPredictor: number;
  /** standard error of the linear predictor, sqrt(x' V x) with x = (1, design row) */
  seLinearPredictor: number;
  probability: number;
  /** 95% CI of the probability: plogis(lp ± z_0.975 · se) */
  ci95: [number, number];
  /** points per factor: (term contribution - min Xbeta of that axis) · sc */
  points: Record<string, number>;
  totalPoints: number;
  /** factors whose value lies outside the training range */
  outOfRange: string[];
  warnings: string[];
}

export function predictPatient(nomo: Nomogram, values: Record<string, Cell>): PatientPrediction {
  const { spec, coefficients, vcov } = nomo.model;
  const xrow = designRow(spec, values);
  const x = [1, ...xrow];
  let lp = 0;
  for (let j = 0; j < x.length; j++) lp += coefficients[j] * x[j];
  let v = 0;
  for (let i = 0; i < x.length; i++) for (let j = 0; j < x.length; j++) v += x[i] * vcov[i][j] * x[j]; // x' V x
  const se = Math.sqrt(Math.max(v, 0));
  const z = _q(0.975);
  const beta = coefficients.slice(1);
  const points: Record<string, number> = {};
  let total = 0;
  const outOfRange: string[] = [];
  for (const t of spec.terms) {
    if (!(t.name in nomo.minXbeta)) continue;
    const pts = (termContribution(t, values[t.term.column], beta) - nomo.minXbeta[t.name]) * nomo.sc;
    points[t.name] = pts;
    total += pts;
    const r = nomo.ranges[t.name];
    const val = values[t.term.column];
    if (r && typeof val === "number" && (val < r[0] || val > r[1])) outOfRange.push(t.name);
  }
  const warnings = outOfRange.map((n) => `${n} = ${values[n]} is outside the training range [${nomo.ranges[n][0]}, ${nomo.ranges[n][1]}]`);
  return {
    linearPredictor: lp,
    seLinearPredictor: se,
    probability: plogis(lp),
    ci95: [plogis(lp - z * se), plogis(lp + z * se)],
    points,
    totalPoints: total,
    outOfRange,
    warnings,
  };
}

/** Probability for a total-points value: plogis(intercept + total / sc). */
export function probabilityFromPoints(nomo: Nomogram, totalPoints: number): number {
  return plogis(nomo.intercept + totalPoints / nomo.sc);
}
