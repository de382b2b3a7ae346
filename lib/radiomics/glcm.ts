// Grey-level co-occurrence matrix (GLCM) features: Haralick's 14 (seed-299) and the IBSI extras (ibsi-extended).
// Distance 1, 4 in-plane directions, symmetric (P + P^T), pairs with both pixels in the ROI, each direction
// normalised to sum 1, features per direction, then mean and range over the directions that have pairs
// (features README convention 6). log2 with +eps. The 4 directions are counted in one pass over the ROI into
// one reused Int32Array.
import { mccSecondEigenvalue } from "./eigen.ts";

/** Haralick's 14 as named in seed-299 (each reported as _mean and _range). */
export const GLCM_HARALICK_NAMES = [
  "AngularSecondMoment",
  "Contrast",
  "Correlation",
  "SumOfSquares",
  "InverseDifferenceMoment",
  "SumAverage",
  "SumVariance",
  "SumEntropy",
  "JointEntropy",
  "DifferenceVariance",
  "DifferenceEntropy",
  "Imc1",
  "Imc2",
  "MaximalCorrelationCoefficient",
] as const;

/** IBSI GLCM features Haralick's set lacks (ibsi-extended; each as _mean and _range). */
export const GLCM_EXTENDED_NAMES = [
  "JointAverage",
  "Autocorrelation",
  "ClusterTendency",
  "ClusterShade",
  "ClusterProminence",
  "DifferenceAverage",
  "InverseDifference",
  "InverseDifferenceNormalized",
  "InverseDifferenceMomentNormalized",
  "InverseVariance",
  "JointMaximum",
] as const;

export const GLCM_NF = GLCM_HARALICK_NAMES.length + GLCM_EXTENDED_NAMES.length; // 25 values per direction

/** IBSI codes of the per-direction values (Haralick then extended order); "" = no IBSI code (MCC). */
export const GLCM_IBSI = [
  "8ZQL", "ACUI", "NI2N", "UR99", "WF0Z", "ZGXS", "OEEB", "P6QZ", "TU9B", "D3YU", "NTRS", "R8DG", "JN9H", "",
  "60VM", "QWB0", "DG8W", "7NFM", "AE86", "TF7R", "IB1Z", "NDRX", "1QCO", "E8JP", "GYBY",
] as const;

const EPS = 2.220446049250313e-16;
const LN2 = Math.LN2;

/**
 * Neighbour offsets in a padded level grid with row stride `stride` (README: (row, col) = (0,1), (1,1), (1,0), (1,-1)).
 * The grid has a one-pixel frame of zeros, so neighbours never leave the array.
 */
export function directionOffsets(stride: number): [number, number, number, number] {
  return [1, stride + 1, stride, stride - 1];
}

const ws = {
  counts: new Int32Array(0),
  px: new Float64Array(0),
  sumP: new Float64Array(0),
  diffP: new Float64Array(0),
  dir: new Float64Array(4 * GLCM_NF),
  valid: new Uint8Array(4),
  present: new Int32Array(0),
  levelSeen: new Uint8Array(0),
  q: new Float64Array(0),
  w: new Float64Array(0),
  pm: new Float64Array(0),
  sq: new Float64Array(0),
  pc: new Float64Array(0),
};

function ensure(ng: number): void {
  const s = (ng + 1) * (ng + 1);
  if (ws.counts.length < 4 * s) ws.counts = new Int32Array(4 * s);
  if (ws.px.length < ng + 1) {
    ws.px = new Float64Array(ng + 1);
    ws.diffP = new Float64Array(ng + 1);
    ws.present = new Int32Array(ng + 1);
    ws.levelSeen = new Uint8Array(ng + 1);
  }
  if (ws.sumP.length < 2 * ng + 2) ws.sumP = new Float64Array(2 * ng + 2);
}

/**
 * Count the 4 directional co-occurrence matrices (non-symmetric counts C_d(a,b), row a = centre level,
 * b = neighbour level) for ROI pixels at grid positions idx[0..n). Matrix d lives at counts[d*S .. ), S = (ng+1)^2,
 * cell (a, b) at a*(ng+1) + b. Returns the per-direction pair totals via `pairs`.
 */
export function glcmCounts(lv: Uint16Array, stride: number, idx: Int32Array, n: number, ng: number, pairs: Int32Array): Int32Array {
  ensure(ng);
  const g1 = ng + 1;
  const s = g1 * g1;
  const counts = ws.counts;
  counts.fill(0, 0, 4 * s);
  const [o0, o1, o2, o3] = directionOffsets(stride);
  const b1 = s;
  const b2 = 2 * s;
  const b3 = 3 * s;
  // branch-free: a neighbour outside the ROI (level 0) lands in column 0, which is ignored
  for (let k = 0; k < n; k++) {
    const p = idx[k];
    const row = lv[p] * g1;
    counts[row + lv[p + o0]]++;
    counts[b1 + row + lv[p + o1]]++;
    counts[b2 + row + lv[p + o2]]++;
    counts[b3 + row + lv[p + o3]]++;
  }
  for (let d = 0; d < 4; d++) {
    let outside = 0;
    const b = d * s;
    for (let a = 1; a <= ng; a++) outside += counts[b + a * g1];
    pairs[d] = n - outside;
  }
  return counts;
}

/** Levels present in the ROI (hist[i] > 0), sorted, into ws.present; returns how many. */
function presentFromHist(hist: Float64Array, ng: number): number {
  let m = 0;
  for (let i = 1; i <= ng; i++) if (hist[i] > 0) ws.present[m++] = i;
  return m;
}

/** Levels present in the ROI (sorted) into ws.present, from a level histogram or by scanning the grid. */
function presentLevels(lv: Uint16Array, idx: Int32Array, n: number, ng: number, hist: Float64Array | null): number {
  if (hist) return presentFromHist(hist, ng);
  let m = 0;
  const seen = ws.levelSeen;
  seen.fill(0, 0, ng + 1);
  for (let k = 0; k < n; k++) seen[lv[idx[k]]] = 1;
  for (let i = 1; i <= ng; i++) if (seen[i]) ws.present[m++] = i;
  return m;
}

/**
 * Features of one direction from its counts C (at c[base ..), symmetrised here: P = C + C^T) into
 * out[off .. off+GLCM_NF). ngTop = highest discretised level N_g (for IDN/IDMN). present/m: ROI levels (for MCC).
 */
function directionFeatures(
  c: Int32Array,
  base: number,
  g1: number,
  ngTop: number,
  total: number,
  present: Int32Array,
  m: number,
  withMcc: boolean,
  out: Float64Array,
  off: number,
): void {
  const ng = g1 - 1;
  const inv = 1 / total; // total = 2 x pairs (symmetric)
  if (ws.pm.length < g1 * g1) ws.pm = new Float64Array(g1 * g1);
  const pm = ws.pm; // normalised symmetric matrix p(i,j), levels 1..ng
  const px = ws.px;
  const sumP = ws.sumP;
  const diffP = ws.diffP;
  sumP.fill(0, 0, 2 * ng + 2);
  diffP.fill(0, 0, g1);
  for (let i = 1; i <= ng; i++) {
    let s = 0;
    const ri = i * g1;
    for (let j = 1; j <= ng; j++) {
      const v = (c[base + ri + j] + c[base + j * g1 + i]) * inv;
      pm[ri + j] = v;
      s += v;
    }
    px[i] = s; // p_x(i) = sum_j p(i,j) (= p_y(i): symmetric)
  }
  let mu = 0;
  for (let i = 1; i <= ng; i++) mu += i * px[i]; // mu_x = sum i p_x(i)
  let asm = 0;
  let contrast = 0;
  let corr = 0;
  let jvar = 0;
  let idm = 0;
  let hxy = 0;
  let hxy1 = 0;
  let hxy2 = 0;
  let hx = 0;
  let autoc = 0;
  let ct = 0;
  let cs = 0;
  let cp = 0;
  let maxp = 0;
  let nonZero = 0;
  for (let i = 1; i <= ng; i++) {
    const pxi = px[i];
    if (pxi === 0) continue;
    hx -= pxi * (Math.log(pxi + EPS) / LN2); // HX = -sum p_x log2(p_x + eps)
    const ri = i * g1;
    const di = i - mu;
    for (let j = 1; j <= ng; j++) {
      const pxj = px[j];
      if (pxj === 0) continue;
      const pp = pxi * pxj;
      const lpp = Math.log(pp + EPS) / LN2; // log2(p_x(i) p_y(j) + eps), shared by HXY1 and HXY2
      hxy2 -= pp * lpp; // HXY2 = -sum p_x p_y log2(p_x p_y + eps)
      const p = pm[ri + j];
      if (p === 0) continue;
      nonZero++;
      hxy1 -= p * lpp; // HXY1 = -sum p log2(p_x p_y + eps)
      const d = i - j;
      const d2 = d * d;
      const dj = j - mu;
      asm += p * p; // ASM (IBSI 8ZQL): sum p^2
      contrast += d2 * p; // Contrast (IBSI ACUI): sum (i-j)^2 p
      corr += di * dj * p; // Correlation numerator: sum (i-mu)(j-mu) p
      jvar += di * di * p; // SumOfSquares / joint variance (IBSI UR99): sum (i-mu)^2 p
      idm += p / (1 + d2); // InverseDifferenceMoment (IBSI WF0Z): sum p / (1 + (i-j)^2)
      hxy -= p * (Math.log(p + EPS) / LN2); // JointEntropy HXY (IBSI TU9B): -sum p log2(p + eps)
      autoc += i * j * p; // Autocorrelation (IBSI QWB0): sum i j p
      const t = i + j - 2 * mu;
      const t2 = t * t;
      ct += t2 * p; // ClusterTendency (IBSI DG8W): sum (i+j-2mu)^2 p
      cs += t2 * t * p; // ClusterShade (IBSI 7NFM): sum (i+j-2mu)^3 p
      cp += t2 * t2 * p; // ClusterProminence (IBSI AE86): sum (i+j-2mu)^4 p
      if (p > maxp) maxp = p; // JointMaximum (IBSI GYBY): max p
      sumP[i + j] += p; // p_{x+y}(k)
      diffP[d < 0 ? -d : d] += p; // p_{x-y}(k)
    }
  }
  let sa = 0;
  for (let k = 2; k <= 2 * ng; k++) sa += k * sumP[k]; // SumAverage (IBSI ZGXS): sum k p_{x+y}(k)
  let sv = 0;
  let se = 0;
  for (let k = 2; k <= 2 * ng; k++) {
    const p = sumP[k];
    if (p === 0) continue;
    const d = k - sa;
    sv += d * d * p; // SumVariance (IBSI OEEB): sum (k - SA)^2 p_{x+y}(k)
    se -= p * (Math.log(p + EPS) / LN2); // SumEntropy (IBSI P6QZ): -sum p_{x+y} log2(p_{x+y} + eps)
  }
  let da = 0;
  for (let k = 1; k < g1; k++) da += k * diffP[k]; // DifferenceAverage (IBSI TF7R): sum k p_{x-y}(k)
  let dv = 0;
  let de = 0;
  let id = 0;
  let idn = 0;
  let idmn = 0;
  let ivar = 0;
  for (let k = 0; k < g1; k++) {
    const p = diffP[k];
    if (p === 0) continue;
    const d = k - da;
    dv += d * d * p; // DifferenceVariance (IBSI D3YU): sum (k - DA)^2 p_{x-y}(k)
    de -= p * (Math.log(p + EPS) / LN2); // DifferenceEntropy (IBSI NTRS): -sum p_{x-y} log2(p_{x-y} + eps)
    id += p / (1 + k); // InverseDifference (IBSI IB1Z): sum p_{x-y}(k) / (1 + k)
    idn += p / (1 + k / ngTop); // InverseDifferenceNormalized (IBSI NDRX): sum p_{x-y}(k) / (1 + k/Ng)
    idmn += p / (1 + (k * k) / (ngTop * ngTop)); // InverseDifferenceMomentNormalized (IBSI 1QCO): / (1 + k^2/Ng^2)
    if (k >= 1) ivar += p / (k * k); // InverseVariance (IBSI E8JP): sum_{k>=1} p_{x-y}(k) / k^2
  }
  const degenerate = nonZero === 1;
  // Correlation (IBSI NI2N): sum (i-mu)(j-mu) p / (sigma_x sigma_y); 1 when sigma_x sigma_y = 0
  const correlation = degenerate || jvar === 0 ? 1 : corr / jvar;
  // Imc1 (IBSI R8DG): (HXY - HXY1) / max(HX, HY); 0 when degenerate
  const imc1 = degenerate || hx === 0 ? 0 : (hxy - hxy1) / hx;
  // Imc2 (IBSI JN9H): sqrt(1 - exp(-2 (HXY2 - HXY))); 0 when HXY2 <= HXY or degenerate
  const imc2 = degenerate || hxy2 <= hxy ? 0 : Math.sqrt(1 - Math.exp(-2 * (hxy2 - hxy)));
  // MCC (no IBSI code): sqrt(second largest eigenvalue of Q), Q(i,j) = sum_k p(i,k) p(j,k) / (p_x(i) p_y(k) + eps)
  let mcc = NaN;
  if (withMcc) {
    if (m < 2) mcc = 1;
    else {
      if (ws.q.length < m * m) ws.q = new Float64Array(m * m);
      if (ws.w.length < m * m) ws.w = new Float64Array(m * m);
      if (ws.pc.length < m * m) ws.pc = new Float64Array(m * m);
      const q = ws.q;
      const wq = ws.w; // wq(a, t) = p(a, t) / (p_x(a) p_y(t) + eps)
      const pc = ws.pc; // p over the present levels, contiguous rows
      for (let a = 0; a < m; a++) {
        const ia = present[a];
        const pxa = px[ia];
        for (let t = 0; t < m; t++) {
          const kk = present[t];
          const v = pm[ia * g1 + kk];
          pc[a * m + t] = v;
          wq[a * m + t] = v / (pxa * px[kk] + EPS);
        }
      }
      for (let a = 0; a < m; a++) {
        const ra = a * m;
        for (let b = 0; b < m; b++) {
          const rb = b * m;
          let s = 0;
          for (let t = 0; t < m; t++) s += wq[ra + t] * pc[rb + t]; // Q(a,b) = sum_t wq(a,t) p(b,t)
          q[ra + b] = s;
        }
      }
      if (ws.sq.length < m) ws.sq = new Float64Array(m);
      for (let a = 0; a < m; a++) ws.sq[a] = Math.sqrt(px[present[a]]);
      const l2 = mccSecondEigenvalue(q, ws.sq, m); // second largest real part of eig(Q), numpy eigvals semantics
      mcc = Math.sqrt(l2 > 0 ? l2 : 0);
    }
  }
  let o = off;
  out[o++] = asm;
  out[o++] = contrast;
  out[o++] = correlation;
  out[o++] = jvar;
  out[o++] = idm;
  out[o++] = sa;
  out[o++] = sv;
  out[o++] = se;
  out[o++] = hxy;
  out[o++] = dv;
  out[o++] = de;
  out[o++] = imc1;
  out[o++] = imc2;
  out[o++] = mcc;
  out[o++] = mu; // JointAverage (IBSI 60VM): sum i p(i,j)
  out[o++] = autoc;
  out[o++] = ct;
  out[o++] = cs;
  out[o++] = cp;
  out[o++] = da;
  out[o++] = id;
  out[o++] = idn;
  out[o++] = idmn;
  out[o++] = ivar;
  out[o++] = maxp;
}

export type GlcmDirections = {
  /** 4 x GLCM_NF per-direction values (row d = direction d), valid only where valid[d] = 1 */
  values: Float64Array;
  valid: Uint8Array;
  nValid: number;
};

const pairsBuf = new Int32Array(4);

/**
 * Per-direction GLCM features for the ROI pixels at grid positions idx[0..n) of the padded level grid lv.
 * ng: matrix size / highest level N_g. hist (optional): level histogram of the ROI, to find the levels present
 * without another pass. The returned arrays are reused by the next call.
 */
export function glcmDirections(
  lv: Uint16Array,
  stride: number,
  idx: Int32Array,
  n: number,
  ng: number,
  withMcc = true,
  hist: Float64Array | null = null,
): GlcmDirections {
  const counts = glcmCounts(lv, stride, idx, n, ng, pairsBuf);
  const m = withMcc ? presentLevels(lv, idx, n, ng, hist) : 0;
  return featuresFromCounts(counts, pairsBuf, ng, m, withMcc);
}

/**
 * A zeroed count buffer for 4 directions of an (ng+1)^2 matrix each, for callers that count pairs themselves
 * (the extractor fuses counting into its discretisation pass). Row 0 / column 0 collect pairs with a pixel outside
 * the ROI and are ignored.
 */
export function glcmCountBuffer(ng: number): Int32Array {
  ensure(ng);
  const s = (ng + 1) * (ng + 1);
  ws.counts.fill(0, 0, 4 * s);
  return ws.counts;
}

/**
 * Per-direction features from counts made in glcmCountBuffer() where, for each direction, every ROI pixel added one
 * count at [level of its neighbour (0 if outside)][own level]; hist: the ROI level histogram; n: ROI pixels.
 */
export function glcmDirectionsFromCounts(counts: Int32Array, n: number, ng: number, hist: Float64Array, withMcc = true): GlcmDirections {
  const g1 = ng + 1;
  const s = g1 * g1;
  for (let d = 0; d < 4; d++) {
    let outside = 0;
    for (let b = 1; b <= ng; b++) outside += counts[d * s + b]; // row 0: neighbour outside the ROI
    pairsBuf[d] = n - outside;
  }
  const m = withMcc ? presentFromHist(hist, ng) : 0;
  return featuresFromCounts(counts, pairsBuf, ng, m, withMcc);
}

function featuresFromCounts(counts: Int32Array, pairs: Int32Array, ng: number, m: number, withMcc: boolean): GlcmDirections {
  const g1 = ng + 1;
  const s = g1 * g1;
  let nValid = 0;
  for (let d = 0; d < 4; d++) {
    const np = pairs[d];
    ws.valid[d] = np > 0 ? 1 : 0;
    if (np === 0) continue; // directions with no pairs are dropped
    nValid++;
    directionFeatures(counts, d * s, g1, ng, 2 * np, ws.present, m, withMcc, ws.dir, d * GLCM_NF);
  }
  return { values: ws.dir, valid: ws.valid, nValid };
}

/**
 * Mean and range over valid directions of features [from, to) of the per-direction vector, written as
 * (mean, range) pairs to out[off ..). All NaN when no direction has pairs.
 */
export function glcmAggregate(dirs: GlcmDirections, from: number, to: number, out: Float64Array, off: number): void {
  let o = off;
  for (let f = from; f < to; f++) {
    let s = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let d = 0; d < 4; d++) {
      if (!dirs.valid[d]) continue;
      const v = dirs.values[d * GLCM_NF + f];
      s += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (dirs.nValid === 0) {
      out[o++] = NaN;
      out[o++] = NaN;
    } else {
      out[o++] = s / dirs.nValid; // _mean over directions
      out[o++] = hi - lo; // _range = max - min over directions
    }
  }
}
