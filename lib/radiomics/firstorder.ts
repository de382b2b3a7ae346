// First-order (intensity statistics + intensity histogram) features of the ROI values (feature-set.md
// original_firstorder, features README conventions 2-5 and 9). Values are the raw (rescaled) intensities;
// Entropy, Uniformity and Mode use the discretised levels. Percentiles: numpy "linear" (R type 7).

export const FIRSTORDER_NAMES = [
  "Mean",
  "Variance",
  "StandardDeviation",
  "Skewness",
  "Kurtosis",
  "Median",
  "Minimum",
  "10Percentile",
  "90Percentile",
  "Maximum",
  "InterquartileRange",
  "Range",
  "MeanAbsoluteDeviation",
  "RobustMeanAbsoluteDeviation",
  "MedianAbsoluteDeviation",
  "CoefficientOfVariation",
  "QuartileCoefficientOfDispersion",
  "Energy",
  "RootMeanSquared",
  "Entropy",
  "Uniformity",
  "Mode",
] as const;

/** The 6 first-order features taken on each wavelet channel. */
export const WAVELET_FIRSTORDER_NAMES = ["Mean", "StandardDeviation", "Skewness", "Kurtosis", "Energy", "Entropy"] as const;

const EPS = 2.220446049250313e-16; // float64 machine epsilon, inside every log (README convention 2)

/** Reusable buffers (grown on demand, never shrunk). */
const ws = {
  hist: new Float64Array(1025),
  sorted: new Float64Array(0),
  cum: new Int32Array(0),
  cnt: new Int32Array(0),
};

/** Histogram of the levels 1..ng (levels read as lv[index[k]] or lv[k]) into ws.hist[1..ng]; returns it. */
export function levelHistogram(lv: Uint16Array, index: Int32Array | null, n: number, ng: number): Float64Array {
  if (ws.hist.length < ng + 1) ws.hist = new Float64Array(ng + 1);
  const h = ws.hist;
  h.fill(0, 0, ng + 1);
  if (index) for (let k = 0; k < n; k++) h[lv[index[k]]]++;
  else for (let k = 0; k < n; k++) h[lv[k]]++;
  return h;
}

/** Entropy (IBSI TLU2, log2 with +eps) and Uniformity (IBSI BJ5W) of the level histogram. */
function histEntropyUniformity(h: Float64Array, ng: number, n: number): [number, number] {
  let ent = 0;
  let uni = 0;
  for (let i = 1; i <= ng; i++) {
    if (h[i] === 0) continue;
    const p = h[i] / n;
    ent -= p * Math.log2(p + EPS); // entropy = -sum p_i log2(p_i + eps)
    uni += p * p; // uniformity = sum p_i^2
  }
  return [ent, uni];
}

type Moments = { mean: number; m2: number; m3: number; m4: number; min: number; max: number; energy: number };

function moments(vals: Float64Array, n: number): Moments {
  let s = 0;
  let e = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = vals[k];
    s += v;
    e += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let k = 0; k < n; k++) {
    const d = vals[k] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return { mean, m2: m2 / n, m3: m3 / n, m4: m4 / n, min, max, energy: e };
}

/** numpy.percentile(..., method="linear") given an order-statistic accessor (0-based rank). */
function percentile(n: number, q100: number, at: (k: number) => number): number {
  const q = q100 / 100;
  const virt = n * q + (1 + q * -1) - 1; // numpy _compute_virtual_index with alpha = beta = 1
  let lo = Math.floor(virt);
  if (lo < 0) lo = 0;
  if (lo > n - 1) lo = n - 1;
  const hiIdx = lo + 1 > n - 1 ? n - 1 : lo + 1;
  const g = virt - lo;
  const a = at(lo);
  const b = at(hiIdx);
  const diff = b - a;
  return g >= 0.5 ? b - diff * (1 - g) : a + diff * g; // numpy _lerp
}

/**
 * Value histogram of integer-valued data with a moderate range (all 8/16-bit images): counts of min+i into ws.cnt
 * and their running sums into ws.cum. Returns false (nothing usable) for non-integer data or a very wide range.
 * Exact and O(N + range); a Float64Array sort of 206k values costs ~13 ms.
 */
function integerHistogram(vals: Float64Array, n: number, min: number, max: number): boolean {
  const range = max - min;
  if (!Number.isInteger(min) || !Number.isInteger(max) || range > 4 * n + 65536 || range >= 1 << 24) return false;
  const m = range + 1;
  if (ws.cum.length < m) {
    ws.cum = new Int32Array(m);
    ws.cnt = new Int32Array(m);
  }
  const cnt = ws.cnt;
  cnt.fill(0, 0, m);
  for (let k = 0; k < n; k++) {
    const v = vals[k] - min;
    if (v !== Math.floor(v)) return false;
    cnt[v]++;
  }
  const cum = ws.cum;
  let c = 0;
  for (let i = 0; i < m; i++) {
    c += cnt[i];
    cum[i] = c;
  }
  return true;
}

/** Moments of the ROI values: mean, central moments m2..m4 (/N), min, max, energy = sum x^2. */
export type FirstOrderMoments = { mean: number; m2: number; m3: number; m4: number; min: number; max: number; energy: number };

/**
 * The 22 original_firstorder features into out[off .. off+22) (order = FIRSTORDER_NAMES).
 * vals: the N ROI intensities; hist[1..ng]: the histogram of their discretised levels; ng: highest level;
 * pre: the moments when the caller already has them (otherwise computed here).
 */
export function firstOrderFeatures(
  vals: Float64Array,
  n: number,
  hist: Float64Array,
  ng: number,
  out: Float64Array,
  off: number,
  pre?: FirstOrderMoments,
): void {
  const m = pre ?? moments(vals, n);
  const flat = m.max === m.min; // README convention 4: flat means max == min
  const sd = Math.sqrt(m.m2);
  let p10: number;
  let p25: number;
  let median: number;
  let p75: number;
  let p90: number;
  let mad = 0;
  let medad = 0;
  let rs = 0;
  let rn = 0;
  let rmad = 0;
  if (integerHistogram(vals, n, m.min, m.max)) {
    // everything from the value histogram: O(range) after one counting pass
    const cum = ws.cum;
    const cnt = ws.cnt;
    const nb = m.max - m.min + 1;
    const min = m.min;
    const at = (k: number): number => {
      let lo = 0;
      let hi = nb - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid] > k) hi = mid;
        else lo = mid + 1;
      }
      return min + lo; // value of rank k = smallest v with cum[v] > k
    };
    p10 = percentile(n, 10, at);
    p25 = percentile(n, 25, at);
    median = percentile(n, 50, at);
    p75 = percentile(n, 75, at);
    p90 = percentile(n, 90, at);
    for (let i = 0; i < nb; i++) {
      const c = cnt[i];
      if (c === 0) continue;
      const v = min + i;
      mad += c * Math.abs(v - m.mean);
      medad += c * Math.abs(v - median);
      if (v >= p10 && v <= p90) {
        rs += c * v;
        rn += c;
      }
    }
    const rmean = rs / rn;
    for (let i = 0; i < nb; i++) {
      const c = cnt[i];
      const v = min + i;
      if (c !== 0 && v >= p10 && v <= p90) rmad += c * Math.abs(v - rmean);
    }
  } else {
    if (ws.sorted.length < n) ws.sorted = new Float64Array(n);
    const sorted = ws.sorted.subarray(0, n);
    sorted.set(vals.subarray(0, n));
    sorted.sort();
    const at = (k: number): number => sorted[k];
    p10 = percentile(n, 10, at);
    p25 = percentile(n, 25, at);
    median = percentile(n, 50, at);
    p75 = percentile(n, 75, at);
    p90 = percentile(n, 90, at);
    for (let k = 0; k < n; k++) {
      const v = vals[k];
      mad += Math.abs(v - m.mean);
      medad += Math.abs(v - median);
      if (v >= p10 && v <= p90) {
        rs += v;
        rn++;
      }
    }
    const rmean = rs / rn;
    for (let k = 0; k < n; k++) {
      const v = vals[k];
      if (v >= p10 && v <= p90) rmad += Math.abs(v - rmean);
    }
  }
  const h = hist;
  const [ent, uni] = histEntropyUniformity(h, ng, n);
  // Mode (IBSI AMMC): most frequent level; ties -> nearest the mean level, then the lower level
  let meanLevel = 0;
  for (let i = 1; i <= ng; i++) meanLevel += i * h[i];
  meanLevel /= n;
  let mode = 1;
  let best = -1;
  for (let i = 1; i <= ng; i++) {
    const c = h[i];
    if (c > best || (c === best && Math.abs(i - meanLevel) < Math.abs(mode - meanLevel))) {
      best = c;
      mode = i;
    }
  }
  let o = off;
  out[o++] = m.mean; // Mean, IBSI Q4LE: sum x / N
  out[o++] = m.m2; // Variance, IBSI ECT3: sum (x - mean)^2 / N
  out[o++] = sd; // StandardDeviation: sqrt(Variance)
  out[o++] = flat ? 0 : m.m3 / (m.m2 * Math.sqrt(m.m2)); // Skewness, IBSI KE2A: m3 / m2^1.5
  out[o++] = flat ? 0 : m.m4 / (m.m2 * m.m2) - 3; // Kurtosis (excess), IBSI IPH6: m4 / m2^2 - 3
  out[o++] = median; // Median, IBSI Y12H
  out[o++] = m.min; // Minimum, IBSI 1GSF
  out[o++] = p10; // 10Percentile, IBSI QG58
  out[o++] = p90; // 90Percentile, IBSI 8DWT
  out[o++] = m.max; // Maximum, IBSI 84IY
  out[o++] = p75 - p25; // InterquartileRange, IBSI SALO: P75 - P25
  out[o++] = m.max - m.min; // Range, IBSI 2OJQ: max - min
  out[o++] = mad / n; // MeanAbsoluteDeviation, IBSI 4FUA: mean |x - mean|
  out[o++] = rmad / rn; // RobustMeanAbsoluteDeviation, IBSI 1128: mean |x - mean_10-90| over P10 <= x <= P90
  out[o++] = medad / n; // MedianAbsoluteDeviation, IBSI N72L: mean |x - median|
  out[o++] = m.mean === 0 ? NaN : sd / m.mean; // CoefficientOfVariation, IBSI 7TET: SD / mean
  out[o++] = p75 + p25 === 0 ? NaN : (p75 - p25) / (p75 + p25); // QuartileCoefficientOfDispersion, IBSI 9S40
  out[o++] = m.energy; // Energy, IBSI N8CA: sum x^2
  out[o++] = Math.sqrt(m.energy / n); // RootMeanSquared, IBSI 5ZWQ: sqrt(sum x^2 / N)
  out[o++] = ent; // Entropy, IBSI TLU2: -sum p log2(p + eps) of the level histogram
  out[o++] = uni; // Uniformity, IBSI BJ5W: sum p^2
  out[o++] = mode; // Mode, IBSI AMMC: most frequent discretised level
}

/** The 6 wavelet-channel first-order features into out[off .. off+6) (order = WAVELET_FIRSTORDER_NAMES). */
export function waveletFirstOrderFeatures(
  vals: Float64Array,
  n: number,
  lv: Uint16Array,
  index: Int32Array | null,
  ng: number,
  out: Float64Array,
  off: number,
): void {
  const m = moments(vals, n);
  const h = levelHistogram(lv, index, n, ng);
  waveletFirstOrderFromMoments(n, m.mean, m.m2, m.m3, m.m4, m.energy, m.max === m.min, h, ng, out, off);
}

/**
 * The same 6 features from precomputed moments (central moments / N) and the level histogram h[1..ng]
 * (used by the extractor's fused per-channel pass).
 */
export function waveletFirstOrderFromMoments(
  n: number,
  mean: number,
  m2: number,
  m3: number,
  m4: number,
  energy: number,
  flat: boolean,
  h: Float64Array,
  ng: number,
  out: Float64Array,
  off: number,
): void {
  const [ent] = histEntropyUniformity(h, ng, n);
  out[off] = mean; // Mean, IBSI Q4LE: sum x / N
  out[off + 1] = Math.sqrt(m2); // StandardDeviation: sqrt(sum (x - mean)^2 / N)
  out[off + 2] = flat ? 0 : m3 / (m2 * Math.sqrt(m2)); // Skewness, IBSI KE2A: m3 / m2^1.5 (0 if flat)
  out[off + 3] = flat ? 0 : m4 / (m2 * m2) - 3; // Kurtosis (excess), IBSI IPH6: m4 / m2^2 - 3 (0 if flat)
  out[off + 4] = energy; // Energy, IBSI N8CA: sum x^2
  out[off + 5] = ent; // Entropy, IBSI TLU2: -sum p log2(p + eps) of the level histogram
}
