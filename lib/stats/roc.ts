// ROC analysis as pROC 1.18 with levels = c(0, 1) and direction = '<' (controls = 0 score lower; a row is
// positive when score > threshold): AUC (Mann–Whitney, ties 1/2), DeLong variance and CI truncated to
// [0, 1], the full curve at pROC's midpoint thresholds (-Inf … Inf), Youden-best rows, and the paired
// DeLong test of roc.test(method = 'delong'). DeLong (1988) placements via sorting, O(n log n).
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";

export class RocError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RocError";
  }
}

export interface RocCurve {
  /** pROC thresholds: -Inf, midpoints between sorted distinct scores, Inf */
  threshold: Float64Array;
  sensitivity: Float64Array;
  specificity: Float64Array;
  /** counts at each threshold */
  tp: Int32Array;
  tn: Int32Array;
}

export interface DelongResult {
  auc: number;
  /** S = var(V10)/n_cases + var(V01)/n_controls */
  variance: number;
  /** placements: V10 per case, V01 per control */
  v10: Float64Array;
  v01: Float64Array;
}

export interface YoudenRow {
  threshold: number;
  sensitivity: number;
  specificity: number;
  accuracy: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  /** sensitivity + specificity (pROC's 'youden', no -1) */
  youden: number;
}

export interface RocResult {
  nCases: number;
  nControls: number;
  auc: number;
  delongVariance: number;
  /** 95% DeLong CI, truncated to [0, 1] */
  ci: [number, number];
  curve: RocCurve;
  /** every row attaining the maximum sens + spec, in increasing threshold order */
  youdenRows: YoudenRow[];
  /** the reported Youden row: ties go to the smallest threshold */
  youden: YoudenRow;
}

function split(y: ArrayLike<number>, score: ArrayLike<number>): { cases: Float64Array; controls: Float64Array } {
  if (y.length !== score.length) throw new RocError(`roc: ${y.length} outcomes but ${score.length} scores`);
  const cases: number[] = [];
  const controls: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const s = score[i];
    if (Number.isNaN(s)) throw new RocError(`roc: score of row ${i + 1} is missing`);
    if (y[i] === 1) cases.push(s);
    else if (y[i] === 0) controls.push(s);
    else throw new RocError(`roc: outcome must be 0/1, row ${i + 1} has ${y[i]}`);
  }
  if (cases.length === 0 || controls.length === 0) throw new RocError(`roc: need both classes (cases ${cases.length}, controls ${controls.length})`);
  return { cases: Float64Array.from(cases), controls: Float64Array.from(controls) };
}

/** number of values in sorted `a` strictly below x, and equal to x */
function countBelowEqual(a: Float64Array, x: number): [number, number] {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  let e = lo;
  while (e < a.length && a[e] === x) e++;
  return [lo, e - lo];
}

/** DeLong placements and variance (pROC delongPlacements; psi = 1 if case > control, 1/2 if equal). */
export function delong(y: ArrayLike<number>, score: ArrayLike<number>): DelongResult {
  const { cases, controls } = split(y, score);
  return delongFromGroups(cases, controls);
}

function delongFromGroups(cases: Float64Array, controls: Float64Array): DelongResult {
  const m = cases.length;
  const n = controls.length;
  const sc = Float64Array.from(controls).sort();
  const sx = Float64Array.from(cases).sort();
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const [below, eq] = countBelowEqual(sc, cases[i]);
    v10[i] = (below + 0.5 * eq) / n; // V10_i = mean over controls of psi(x_i, y_j)
    sum += below + 0.5 * eq;
  }
  for (let j = 0; j < n; j++) {
    const [below, eq] = countBelowEqual(sx, controls[j]);
    v01[j] = (m - below - eq + 0.5 * eq) / m; // V01_j = mean over cases of psi(x_i, y_j)
  }
  const auc = sum / (m * n); // Mann–Whitney U / (m n)
  const variance = sampleVar(v10) / m + sampleVar(v01) / n; // DeLong S = S10/m + S01/n
  return { auc, variance, v10, v01 };
}

function sampleVar(a: Float64Array): number {
  const k = a.length;
  if (k < 2) return 0;
  let mean = 0;
  for (let i = 0; i < k; i++) mean += a[i];
  mean /= k;
  let s = 0;
  for (let i = 0; i < k; i++) s += (a[i] - mean) ** 2;
  return s / (k - 1); // var() with n - 1
}

/** The ROC curve at pROC's thresholds (c(-Inf, u) + c(u, Inf)) / 2 of the sorted distinct scores u. */
export function rocCurve(y: ArrayLike<number>, score: ArrayLike<number>): RocCurve {
  const { cases, controls } = split(y, score);
  return curveFromGroups(cases, controls);
}

function curveFromGroups(cases: Float64Array, controls: Float64Array): RocCurve {
  const all = Float64Array.from([...cases, ...controls]).sort();
  const u: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) u.push(all[i]);
  const sx = Float64Array.from(cases).sort();
  const sc = Float64Array.from(controls).sort();
  const m = sx.length;
  const n = sc.length;
  const K = u.length + 1;
  const threshold = new Float64Array(K);
  const sensitivity = new Float64Array(K);
  const specificity = new Float64Array(K);
  const tp = new Int32Array(K);
  const tn = new Int32Array(K);
  let ix = 0; // cases below u[k]
  let ic = 0; // controls below u[k]
  for (let k = 0; k < K; k++) {
    threshold[k] = k === 0 ? -Infinity : k === K - 1 ? Infinity : (u[k - 1] + u[k]) / 2; // pROC midpoint
    // threshold k lies between u[k-1] and u[k]: positives are scores >= u[k]
    if (k < K - 1) {
      while (ix < m && sx[ix] < u[k]) ix++;
      while (ic < n && sc[ic] < u[k]) ic++;
    } else {
      ix = m;
      ic = n;
    }
    tp[k] = m - ix;
    tn[k] = ic;
    sensitivity[k] = tp[k] / m;
    specificity[k] = tn[k] / n;
  }
  return { threshold, sensitivity, specificity, tp, tn };
}

/** Everything pROC reports for one score: AUC, DeLong variance/CI, curve, Youden rows. */
export function roc(y: ArrayLike<number>, score: ArrayLike<number>, level = 0.95): RocResult {
  const { cases, controls } = split(y, score);
  const d = delongFromGroups(cases, controls);
  const curve = curveFromGroups(cases, controls);
  const m = cases.length;
  const n = controls.length;
  let best = -Infinity;
  for (let k = 0; k < curve.threshold.length; k++) best = Math.max(best, curve.sensitivity[k] + curve.specificity[k]);
  const youdenRows: YoudenRow[] = [];
  for (let k = 0; k < curve.threshold.length; k++) {
    const yd = curve.sensitivity[k] + curve.specificity[k];
    if (yd !== best) continue;
    const tp = curve.tp[k];
    const tn = curve.tn[k];
    youdenRows.push({
      threshold: curve.threshold[k],
      sensitivity: curve.sensitivity[k],
      specificity: curve.specificity[k],
      accuracy: (tp + tn) / (m + n), // (tp + tn) / n
      tp,
      tn,
      fp: n - tn,
      fn: m - tp,
      youden: yd,
    });
  }
  return { nCases: m, nControls: n, auc: d.auc, delongVariance: d.variance, ci: delongCi(d.auc, d.variance, level), curve, youdenRows, youden: youdenRows[0] };
}

/** qnorm(c(a/2, 1 - a/2), auc, sqrt(S)) truncated to [0, 1] (pROC ci.auc, method = 'delong'). */
export function delongCi(auc: number, variance: number, level = 0.95): [number, number] {
  const sd = Math.sqrt(variance);
  const a = (1 - level) / 2;
  const lo = sd > 0 ? normalQuantile(a, auc, sd) : auc;
  const hi = sd > 0 ? normalQuantile(1 - a, auc, sd) : auc;
  return [Math.max(0, lo), Math.min(1, hi)];
}

export interface RocTestResult {
  z: number;
  pValue: number;
  aucA: number;
  aucB: number;
  /** var(A) + var(B) - 2 cov(A, B) */
  variance: number;
}

/** Paired DeLong test (pROC roc.test(method = 'delong', paired = TRUE)): z = (A - B) / sqrt(var), p = 2 pnorm(-|z|). */
export function rocTestDelong(y: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): RocTestResult {
  if (a.length !== y.length || b.length !== y.length) throw new RocError("roc-test: scores and outcome differ in length");
  const da = delong(y, a);
  const db = delong(y, b);
  const m = da.v10.length;
  const n = da.v01.length;
  let sxx = 0,
    sxy = 0,
    syy = 0;
  for (let i = 0; i < m; i++) {
    const ea = da.v10[i] - da.auc;
    const eb = db.v10[i] - db.auc;
    sxx += ea * ea;
    sxy += ea * eb;
    syy += eb * eb;
  }
  let txx = 0,
    txy = 0,
    tyy = 0;
  for (let j = 0; j < n; j++) {
    const ea = da.v01[j] - da.auc;
    const eb = db.v01[j] - db.auc;
    txx += ea * ea;
    txy += ea * eb;
    tyy += eb * eb;
  }
  // S = SX/m + SY/n with SX, SY the placement covariance matrices (n - 1 denominators); var = L'SL, L = (1, -1)
  const vA = sxx / (m - 1) / m + txx / (n - 1) / n;
  const vB = syy / (m - 1) / m + tyy / (n - 1) / n;
  const cov = sxy / (m - 1) / m + txy / (n - 1) / n;
  const variance = vA + vB - 2 * cov;
  const z = (da.auc - db.auc) / Math.sqrt(variance);
  const pValue = 2 * normalCdf(-Math.abs(z), 0, 1);
  return { z, pValue, aucA: da.auc, aucB: db.auc, variance };
}
