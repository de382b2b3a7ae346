// Univariate tests as base R computes them: Welch t.test, wilcox.test(exact = FALSE) (Mann–Whitney with
// tie correction, with/without continuity correction), chisq.test(correct = FALSE), fisher.test
// (exact enumeration, R's 1e-7 relative tolerance for "as or less likely"), cor.test(method =
// "spearman", exact = FALSE). Tails use complementary evaluation (./distributions.ts).
import gammaln from "@stdlib/math-base-special-gammaln";
import { pchisqUpper, pnorm, pnormUpper, ptTwoSided, qt } from "./distributions.ts";
import { midRanks } from "./rbase.ts";

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const m = s / x.length;
  let c = 0; // R's second pass correction of the mean
  for (let i = 0; i < x.length; i++) c += x[i] - m;
  return m + c / x.length;
}

function variance(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return s / (x.length - 1);
}

export interface WelchResult {
  t: number;
  df: number;
  pValue: number;
  /** 95% CI of mean(x) - mean(y) */
  confInt: [number, number];
  means: [number, number];
  sds: [number, number];
}

/** t.test(x, y) (Welch): t = (mean x - mean y) / sqrt(vx/nx + vy/ny), Welch–Satterthwaite df. */
export function welchTTest(x: ArrayLike<number>, y: ArrayLike<number>, confLevel = 0.95): WelchResult {
  const nx = x.length;
  const ny = y.length;
  if (nx < 2 || ny < 2) throw new RangeError(`Welch t-test needs at least 2 values per group (got ${nx} and ${ny})`);
  const mx = mean(x);
  const my = mean(y);
  const vx = variance(x);
  const vy = variance(y);
  const sex = Math.sqrt(vx / nx);
  const sey = Math.sqrt(vy / ny);
  const se = Math.sqrt(sex ** 2 + sey ** 2);
  const df = se ** 4 / (sex ** 4 / (nx - 1) + sey ** 4 / (ny - 1)); // Welch–Satterthwaite
  const t = (mx - my) / se;
  const q = qt(1 - (1 - confLevel) / 2, df);
  return { t, df, pValue: ptTwoSided(t, df), confInt: [mx - my - q * se, mx - my + q * se], means: [mx, my], sds: [Math.sqrt(vx), Math.sqrt(vy)] };
}

export interface MannWhitneyResult {
  /** W of the first group */
  W: number;
  /** two-sided p with continuity correction (R's default) */
  pValue: number;
  pValueNoCorrection: number;
}

/** wilcox.test(x, y, exact = FALSE): normal approximation with tie correction. */
export function mannWhitney(x: ArrayLike<number>, y: ArrayLike<number>): MannWhitneyResult {
  const nx = x.length;
  const ny = y.length;
  if (nx === 0 || ny === 0) throw new RangeError("Mann–Whitney needs values in both groups");
  const all = new Float64Array(nx + ny);
  all.set(Array.from(x), 0);
  all.set(Array.from(y), nx);
  const r = midRanks(all);
  let sr = 0;
  for (let i = 0; i < nx; i++) sr += r[i];
  const W = sr - (nx * (nx + 1)) / 2;
  const counts = new Map<number, number>();
  for (const v of r) counts.set(v, (counts.get(v) ?? 0) + 1);
  let tieSum = 0;
  for (const c of counts.values()) tieSum += c ** 3 - c;
  const z0 = W - (nx * ny) / 2;
  const sigma = Math.sqrt(((nx * ny) / 12) * (nx + ny + 1 - tieSum / ((nx + ny) * (nx + ny - 1))));
  const p2 = (z: number) => 2 * Math.min(pnorm(z), pnormUpper(z));
  const corr = Math.sign(z0) * 0.5;
  return { W, pValue: Math.min(1, p2((z0 - corr) / sigma)), pValueNoCorrection: Math.min(1, p2(z0 / sigma)) };
}

export interface ChisqResult {
  statistic: number;
  df: number;
  pValue: number;
  expected: number[][];
}

/** chisq.test(table, correct = FALSE) on an r x c table of counts. */
export function chisqTest(table: number[][]): ChisqResult {
  const r = table.length;
  const c = table[0]?.length ?? 0;
  if (r < 2 || c < 2) throw new RangeError(`chi-square test needs at least a 2 x 2 table (got ${r} x ${c})`);
  const sr = table.map((row) => row.reduce((a, b) => a + b, 0));
  const sc = table[0].map((_, j) => table.reduce((a, row) => a + row[j], 0));
  const n = sr.reduce((a, b) => a + b, 0);
  const E = sr.map((a) => sc.map((b) => (a * b) / n)); // outer(sr, sc) / n
  let x2 = 0;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) x2 += (table[i][j] - E[i][j]) ** 2 / E[i][j];
  const df = (r - 1) * (c - 1);
  return { statistic: x2, df, pValue: pchisqUpper(x2, df), expected: E };
}

export interface FisherResult {
  pValue: number;
  /** number of tables enumerated */
  tables: number;
}

/**
 * fisher.test(table) two-sided p for an r x c table by exhaustive enumeration of all tables with the
 * same margins: p = sum of P(table) over tables with P <= P(observed) * (1 + 1e-7) (R's relErr).
 * Throws when more than `maxTables` tables would be needed.
 */
export function fisherTest(table0: number[][], maxTables = 2e7): FisherResult {
  // enumerate over the shorter dimension (2 x k tables become cheap): the p-value is transpose-invariant
  const table = table0.length > (table0[0]?.length ?? 0) ? table0[0].map((_, j) => table0.map((row) => row[j])) : table0;
  const r = table.length;
  const c = table[0]?.length ?? 0;
  if (r < 2 || c < 2) throw new RangeError(`Fisher's test needs at least a 2 x 2 table (got ${r} x ${c})`);
  const rows = table.map((row) => row.reduce((a, b) => a + b, 0));
  const cols = table[0].map((_, j) => table.reduce((a, row) => a + row[j], 0));
  const n = rows.reduce((a, b) => a + b, 0);
  // log P = sum lgamma(r_i + 1) + sum lgamma(c_j + 1) - lgamma(n + 1) - sum lgamma(x_ij + 1)
  let konst = -gammaln(n + 1);
  for (const v of rows) konst += gammaln(v + 1);
  for (const v of cols) konst += gammaln(v + 1);
  const lf = (k: number) => gammaln(k + 1);
  let obs = konst;
  for (const row of table) for (const v of row) obs -= lf(v);
  const thresh = obs + Math.log1p(1e-7);
  let total = 0;
  let count = 0;
  const rem = rows.slice();
  // fill column by column; within a column, row by row
  const fillCol = (j: number, acc: number): void => {
    if (j === c - 1) {
      // last column is determined by the remaining row sums
      let a = acc;
      for (let i = 0; i < r; i++) a -= lf(rem[i]);
      count++;
      if (count > maxTables) throw new RangeError(`Fisher's exact test would need more than ${maxTables} tables; use the chi-square test`);
      if (a <= thresh) total += Math.exp(a);
      return;
    }
    const fillCell = (i: number, left: number, a: number): void => {
      if (i === r - 1) {
        if (left > rem[i]) return;
        rem[i] -= left;
        fillCol(j + 1, a - lf(left));
        rem[i] += left;
        return;
      }
      let restCap = 0;
      for (let k = i + 1; k < r; k++) restCap += rem[k];
      const lo = Math.max(0, left - restCap);
      const hi = Math.min(rem[i], left);
      for (let v = lo; v <= hi; v++) {
        rem[i] -= v;
        fillCell(i + 1, left - v, a - lf(v));
        rem[i] += v;
      }
    };
    fillCell(0, cols[j], acc);
  };
  fillCol(0, konst);
  return { pValue: Math.min(1, total), tables: count };
}

export interface SpearmanResult {
  rho: number;
  S: number;
  pValue: number;
  n: number;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i] - mx;
    const b = y[i] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** cor.test(x, y, method = "spearman", exact = FALSE): mid-rank correlation, t approximation. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): SpearmanResult {
  const n = x.length;
  if (n !== y.length || n < 3) throw new RangeError(`Spearman needs at least 3 paired values (got ${n})`);
  const rho = pearson(midRanks(x), midRanks(y));
  const S = ((n ** 3 - n) * (1 - rho)) / 6; // q <- (n^3 - n) * (1 - r) / 6
  const den = (n * (n * n - 1)) / 6;
  const r = 1 - S / den; // pspearman's r
  const t = r / Math.sqrt((1 - r * r) / (n - 2));
  return { rho, S, pValue: ptTwoSided(t, n - 2), n };
}

export interface ContinuousSummary {
  n: number;
  /** null for an empty group */
  mean: number | null;
  /** null when n < 2 */
  sd: number | null;
  median: number | null;
  q1: number | null;
  q3: number | null;
}

export { mean as meanR, variance as varianceR };
