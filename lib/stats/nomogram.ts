// rms::nomogram(fit, fun = plogis) with default settings (rms 6.5), number for number:
// axis values (<= 10 distinct -> all; factor levels; else pretty(range, 10)), uncentred term
// contributions (predict type = "terms"), sc = 100 / widest Xbeta range, points, Intercept_info,
// total-points ticks, lp_at = pretty(range(training lp), 10), probability ticks positioned by R's
// 1000-point linear interpolation (and by the exact qlogis, for comparison).
import { pretty, seqLength, approx, plogis, qlogis, minOf, maxOf } from "./rbase.ts";
import { termContribution, type Cell, type DesignSpec } from "./design.ts";
import type { LrmModel } from "./logistic.ts";

export interface NomogramAxis {
  /** factor name (column) */
  variable: string;
  /** axis values: numbers on the original scale, or factor levels as text */
  values: (number | string)[];
  /** term contribution b'x at each value (uncentred) */
  xbeta: number[];
  points: number[];
  categorical: boolean;
  /** false for non-monotone axes (splines): points rise then fall */
  monotone: boolean;
}

export interface Nomogram {
  /** points per unit of linear predictor */
  sc: number;
  /** Intercept_info = b0 + sum of per-axis min Xbeta; lp = intercept + totalPoints / sc */
  intercept: number;
  minXbeta: Record<string, number>;
  maxXbeta: Record<string, number>;
  axes: NomogramAxis[];
  totalPointsAxis: number[];
  lpAt: number[];
  lpAxis: { lp: number[]; points: number[] };
  probabilityAxis: {
    probability: number[];
    /** R's positions: plogis inverted by linear interpolation on a 1000-point grid over lp_at */
    points: number[];
    /** (qlogis(p) - intercept) * sc */
    pointsExact: number[];
  };
  /** what prediction needs (lib/nomogram) */
  model: { spec: DesignSpec; names: string[]; coefficients: number[]; vcov: number[][] };
  /** training range per continuous variable (for out-of-range flags) */
  ranges: Record<string, [number, number]>;
}

function axisValues(t: DesignSpec["terms"][number], vals: Cell[]): { values: (number | string)[]; categorical: boolean } {
  if (t.levels) return { values: t.levels.slice(), categorical: true };
  const nums = vals.filter((v): v is number => typeof v === "number" && !Number.isNaN(v));
  const distinct = Array.from(new Set(nums)).sort((a, b) => a - b);
  if (distinct.length <= 10) return { values: distinct, categorical: false };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of nums) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { values: pretty([lo, hi], 10), categorical: false };
}

export function nomogram(model: LrmModel): Nomogram {
  const beta = model.coefficients.slice(1);
  const axes: NomogramAxis[] = [];
  const minX: Record<string, number> = {};
  const maxX: Record<string, number> = {};
  const ranges: Record<string, [number, number]> = {};
  for (const t of model.spec.terms) {
    if (t.columnIndex.every((c) => c < 0)) continue;
    const raw = model.values[t.term.column];
    const { values, categorical } = axisValues(t, raw);
    if (!t.levels) {
      const nums = raw.filter((v): v is number => typeof v === "number");
      ranges[t.name] = [minOf(nums), maxOf(nums)];
    }
    const xbeta = values.map((v) => termContribution(t, v, beta));
    const mn = minOf(xbeta);
    const mx = maxOf(xbeta);
    minX[t.name] = mn;
    maxX[t.name] = mx;
    let up = true;
    let down = true;
    for (let i = 1; i < xbeta.length; i++) {
      if (xbeta[i] < xbeta[i - 1]) up = false;
      if (xbeta[i] > xbeta[i - 1]) down = false;
    }
    axes.push({ variable: t.name, values, xbeta, points: [], categorical, monotone: categorical || up || down });
  }
  if (axes.length === 0) throw new RangeError("the model has no predictors left, so there is no nomogram to draw");
  let widest = 0;
  for (const a of axes) widest = Math.max(widest, maxX[a.variable] - minX[a.variable]);
  const sc = 100 / widest; // sc = maxscale / max(range of Xbeta)
  for (const a of axes) a.points = a.xbeta.map((x) => (x - minX[a.variable]) * sc);
  let intercept = model.coefficients[0];
  for (const a of axes) intercept += minX[a.variable];
  const lpAt = pretty(model.linearPredictor, 10);
  let maxLp = -Infinity;
  for (const l of lpAt) maxLp = Math.max(maxLp, l - intercept);
  const totalPointsAxis = pretty([0, Math.max(100, sc * maxLp)], 10);
  const lpMin = minOf(lpAt);
  const lpMax = maxOf(lpAt);
  const pLo = plogis(lpMin);
  const pHi = plogis(lpMax);
  const probability = pretty([pLo, pHi], 10).filter((p) => p >= pLo && p <= pHi);
  const grid = seqLength(lpMin, lpMax, 1000);
  const fu = grid.map(plogis);
  const lpOfP = approx(fu, grid, probability);
  return {
    sc,
    intercept,
    minXbeta: minX,
    maxXbeta: maxX,
    axes,
    totalPointsAxis,
    lpAt,
    lpAxis: { lp: lpAt, points: lpAt.map((l) => (l - intercept) * sc) },
    probabilityAxis: {
      probability,
      points: lpOfP.map((l) => (l - intercept) * sc),
      pointsExact: probability.map((p) => (qlogis(p) - intercept) * sc),
    },
    model: { spec: model.spec, names: model.names, coefficients: model.coefficients, vcov: model.vcov },
    ranges,
  };
}
