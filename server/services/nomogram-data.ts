// Plain data for the D3 nomogram chart (app/_charts/Nomogram.tsx) and the PDF drawer, built from the rms-exact nomogram engine object (lib/stats/nomogram.ts
// `Nomogram`, stored in a model artefact as nomogram.engine). Pure (no React, no D3): the chart, the PDF
// drawer and the tests use it. Every number is the engine's (which matches rms::nomogram): axis values,
// points per value, total-points ticks and the probability ticks at R's positions.
// Also the inverse mapping a what-if drag needs: points on an axis -> the axis's value.

export interface NomogramEngineLike {
  sc: number;
  intercept: number;
  axes: { variable: string; values: (number | string)[]; points: number[]; categorical: boolean; monotone: boolean }[];
  totalPointsAxis: number[];
  probabilityAxis: { probability: number[]; points: number[] };
  ranges?: Record<string, [number, number]>;
}

export interface NomogramAxisData {
  variable: string;
  label: string;
  values: (number | string)[];
  /** rms points of each value */
  points: number[];
  categorical: boolean;
  monotone: boolean;
  /** training [min, max] of a numeric predictor */
  trainingRange: [number, number] | null;
}

export interface NomogramData {
  axes: NomogramAxisData[];
  /** points per unit of linear predictor (rms sc) */
  sc: number;
  /** rms Intercept_info: lp = intercept + totalPoints / sc */
  intercept: number;
  /** the per-factor points scale: 0 .. maxPoints (100 for rms defaults) */
  maxPoints: number;
  totalPointsTicks: number[];
  probabilityTicks: { value: number; points: number }[];
}

export function nomogramData(engine: NomogramEngineLike, labels: Record<string, string> = {}): NomogramData {
  const axes = engine.axes.map((a) => ({
    variable: a.variable,
    label: labels[a.variable] ?? a.variable,
    values: a.values.slice(),
    points: a.points.slice(),
    categorical: a.categorical,
    monotone: a.monotone,
    trainingRange: engine.ranges?.[a.variable] ?? null,
  }));
  let maxPoints = 100;
  for (const a of axes) for (const p of a.points) maxPoints = Math.max(maxPoints, p);
  return {
    axes,
    sc: engine.sc,
    intercept: engine.intercept,
    maxPoints,
    totalPointsTicks: engine.totalPointsAxis.slice(),
    probabilityTicks: engine.probabilityAxis.probability.map((value, i) => ({ value, points: engine.probabilityAxis.points[i] })),
  };
}

/** Total points of a probability: (qlogis(p) - intercept) * sc (exact inverse of lp = intercept + total/sc). */
export function pointsOfProbability(d: Pick<NomogramData, "sc" | "intercept">, p: number): number {
  const q = Math.log(p / (1 - p)); // qlogis
  return (q - d.intercept) * d.sc;
}

/** The value of a numeric axis at `points` by linear interpolation between its tick values (plain linear terms
 *  are exactly linear in points); clamped to the axis ends. For a non-monotone axis, the nearest tick. */
export function valueAtPoints(axis: NomogramAxisData, points: number): number | string {
  if (axis.categorical) return nearestLevel(axis, points);
  const v = axis.values as number[];
  const p = axis.points;
  if (!axis.monotone) return v[nearestIndex(p, points)];
  const inc = p[p.length - 1] >= p[0];
  const lo = inc ? p[0] : p[p.length - 1];
  const hi = inc ? p[p.length - 1] : p[0];
  const x = Math.min(hi, Math.max(lo, points));
  for (let i = 1; i < p.length; i++) {
    const a = p[i - 1];
    const b = p[i];
    if ((x >= Math.min(a, b) && x <= Math.max(a, b)) || i === p.length - 1) {
      if (a === b) return v[i - 1];
      return v[i - 1] + ((x - a) / (b - a)) * (v[i] - v[i - 1]); // linear interpolation between ticks
    }
  }
  return v[0];
}

/** Points of a numeric value on an axis (linear interpolation; extrapolated past the ends like the model). */
export function pointsAtValue(axis: NomogramAxisData, value: number): number {
  const v = axis.values as number[];
  const p = axis.points;
  if (v.length === 1) return p[0];
  let i = 1;
  while (i < v.length - 1 && value > v[i]) i++;
  const a = v[i - 1];
  const b = v[i];
  return p[i - 1] + ((value - a) / (b - a)) * (p[i] - p[i - 1]);
}

function nearestIndex(points: number[], x: number): number {
  let best = 0;
  for (let i = 1; i < points.length; i++) if (Math.abs(points[i] - x) < Math.abs(points[best] - x)) best = i;
  return best;
}

/** The factor level whose points position is nearest to `points`. */
export function nearestLevel(axis: NomogramAxisData, points: number): string | number {
  return axis.values[nearestIndex(axis.points, points)];
}

/** Keyboard step on an axis: next/previous level (in level order) or a numeric step, clamped to the axis values. */
export function stepValue(axis: NomogramAxisData, value: number | string, dir: 1 | -1, big = false): number | string {
  if (axis.categorical) {
    const i = axis.values.indexOf(value);
    const j = Math.min(axis.values.length - 1, Math.max(0, (i < 0 ? 0 : i) + dir));
    return axis.values[j];
  }
  const v = axis.values as number[];
  const span = v[v.length - 1] - v[0];
  const step = numericStep(axis.variable, span) * (big ? 10 : 1);
  const lo = Math.min(v[0], v[v.length - 1]);
  const hi = Math.max(v[0], v[v.length - 1]);
  const next = Math.round(((value as number) + dir * step) / step) * step;
  return Number(Math.min(hi, Math.max(lo, next)).toFixed(6));
}

export function numericStep(variable: string, span: number): number {
  if (variable === "age") return 1;
  if (span <= 2) return 0.01;
  if (span <= 20) return 0.1;
  return 1;
}

/** Rounds a what-if numeric value for display and for the form (age in whole years, others 0.01 / 0.1). */
export function roundForAxis(axis: NomogramAxisData, value: number): number {
  const v = axis.values as number[];
  const step = numericStep(axis.variable, Math.abs(v[v.length - 1] - v[0]));
  return Number((Math.round(value / step) * step).toFixed(6));
}

export interface OperatingPoint {
  threshold: number;
  cohort: string;
  n: number;
  events: number;
  sensitivity: number;
  specificity: number;
  npv: number;
}

/** Sensitivity, specificity and NPV at a probability threshold from a ROC table (treat when p >= threshold):
 *  the operating point of the smallest ROC threshold >= the chosen one (pROC thresholds are midpoints between
 *  observed probabilities, so this is exact unless an observed probability lies between them).
 *  NPV = spec·(n - events) / (spec·(n - events) + (1 - sens)·events). */
export function operatingPoint(
  op: { cohort: string; n: number; events: number; roc: { threshold: number; sensitivity: number; specificity: number }[] },
  threshold: number,
): OperatingPoint {
  const rows = op.roc.slice().sort((a, b) => a.threshold - b.threshold);
  const r = rows.find((x) => x.threshold >= threshold) ?? { sensitivity: 0, specificity: 1 };
  const neg = op.n - op.events;
  const tn = r.specificity * neg;
  const fn = (1 - r.sensitivity) * op.events;
  return { threshold, cohort: op.cohort, n: op.n, events: op.events, sensitivity: r.sensitivity, specificity: r.specificity, npv: tn + fn > 0 ? tn / (tn + fn) : NaN };
}
