// Grey-level run-length matrix (GLRLM) features, IBSI 2D averaged (BTW3) / PyRadiomics default: one matrix per
// in-plane direction (distance 1; the same 4 directions as the GLCM), features per direction, mean over directions.
// Runs are found on the padded level grid (0 = outside the ROI) in one walk per run start; no allocation per call.
import { directionOffsets } from "./glcm.ts";

export const GLRLM_NAMES = [
  "ShortRunEmphasis",
  "LongRunEmphasis",
  "GrayLevelNonUniformity",
  "GrayLevelNonUniformityNormalized",
  "RunLengthNonUniformity",
  "RunLengthNonUniformityNormalized",
  "RunPercentage",
  "GrayLevelVariance",
  "RunVariance",
  "RunEntropy",
  "LowGrayLevelRunEmphasis",
  "HighGrayLevelRunEmphasis",
  "ShortRunLowGrayLevelEmphasis",
  "ShortRunHighGrayLevelEmphasis",
  "LongRunLowGrayLevelEmphasis",
  "LongRunHighGrayLevelEmphasis",
] as const;
export const GLRLM_NF = GLRLM_NAMES.length;
/** IBSI codes in GLRLM_NAMES order. */
export const GLRLM_IBSI = ["22OV", "W4KF", "R5YN", "OVBL", "W92Y", "IC23", "9ZK5", "8CE5", "SXLW", "HJ9O", "V3SW", "G3QZ", "HTZT", "GD3A", "IVPO", "3KUM"] as const;

const EPS = 2.220446049250313e-16;

const ws = { m: new Float64Array(0), rowSum: new Float64Array(0), colSum: new Float64Array(0), dir: new Float64Array(4 * GLRLM_NF) };

/**
 * Per-direction GLRLM features (4 x GLRLM_NF into the returned reused array) for ROI pixels at grid positions
 * idx[0..n); ng = highest level, maxRun = an upper bound on the run length (max of the crop's rows and cols).
 */
export function glrlmDirections(lv: Uint16Array, stride: number, idx: Int32Array, n: number, ng: number, maxRun: number): Float64Array {
  const g1 = ng + 1;
  const L1 = maxRun + 1;
  if (ws.m.length < g1 * L1) ws.m = new Float64Array(g1 * L1);
  if (ws.rowSum.length < g1) ws.rowSum = new Float64Array(g1);
  if (ws.colSum.length < L1) ws.colSum = new Float64Array(L1);
  const M = ws.m;
  const offs = directionOffsets(stride);
  for (let d = 0; d < 4; d++) {
    const off = offs[d];
    M.fill(0, 0, g1 * L1);
    let longest = 0;
    for (let k = 0; k < n; k++) {
      const p = idx[k];
      const a = lv[p];
      if (lv[p - off] === a) continue; // not a run start
      let len = 1;
      let q = p + off;
      while (lv[q] === a) {
        len++;
        q += off;
      }
      M[a * L1 + len]++;
      if (len > longest) longest = len;
    }
    perDirection(M, ng, L1, longest, n, ws.dir, d * GLRLM_NF);
  }
  return ws.dir;
}

/** The 16 features of one run-length matrix M (levels 1..ng, lengths 1..longest), N_p = n. */
function perDirection(M: Float64Array, ng: number, L1: number, longest: number, np: number, out: Float64Array, off: number): void {
  const rs = ws.rowSum;
  const cs = ws.colSum;
  rs.fill(0, 0, ng + 1);
  cs.fill(0, 0, longest + 1);
  let nr = 0;
  let sre = 0;
  let lre = 0;
  let lgre = 0;
  let hgre = 0;
  let srlge = 0;
  let srhge = 0;
  let lrlge = 0;
  let lrhge = 0;
  let ent = 0;
  for (let i = 1; i <= ng; i++) {
    const ii = i * i;
    for (let j = 1; j <= longest; j++) {
      const c = M[i * L1 + j];
      if (c === 0) continue;
      const jj = j * j;
      nr += c;
      rs[i] += c;
      cs[j] += c;
      sre += c / jj;
      lre += c * jj;
      lgre += c / ii;
      hgre += c * ii;
      srlge += c / (ii * jj);
      srhge += (c * ii) / jj;
      lrlge += (c * jj) / ii;
      lrhge += c * ii * jj;
    }
  }
  let gln = 0;
  let mui = 0;
  for (let i = 1; i <= ng; i++) {
    gln += rs[i] * rs[i];
    mui += (i * rs[i]) / nr;
  }
  let rln = 0;
  let muj = 0;
  for (let j = 1; j <= longest; j++) {
    rln += cs[j] * cs[j];
    muj += (j * cs[j]) / nr;
  }
  let glv = 0;
  let rv = 0;
  for (let i = 1; i <= ng; i++) {
    for (let j = 1; j <= longest; j++) {
      const c = M[i * L1 + j];
      if (c === 0) continue;
      const p = c / nr;
      glv += p * (i - mui) * (i - mui);
      rv += p * (j - muj) * (j - muj);
      ent -= p * Math.log2(p + EPS);
    }
  }
  let o = off;
  out[o++] = sre / nr; // SRE (IBSI 22OV): sum P/j^2 / N_r
  out[o++] = lre / nr; // LRE (IBSI W4KF): sum P j^2 / N_r
  out[o++] = gln / nr; // GLN (IBSI R5YN): sum_i (sum_j P)^2 / N_r
  out[o++] = gln / (nr * nr); // GLNN (IBSI OVBL): sum_i (sum_j P)^2 / N_r^2
  out[o++] = rln / nr; // RLN (IBSI W92Y): sum_j (sum_i P)^2 / N_r
  out[o++] = rln / (nr * nr); // RLNN (IBSI IC23): sum_j (sum_i P)^2 / N_r^2
  out[o++] = nr / np; // RunPercentage (IBSI 9ZK5): N_r / N_p
  out[o++] = glv; // GrayLevelVariance (IBSI 8CE5): sum p (i - mu_i)^2
  out[o++] = rv; // RunVariance (IBSI SXLW): sum p (j - mu_j)^2
  out[o++] = ent; // RunEntropy (IBSI HJ9O): -sum p log2(p + eps)
  out[o++] = lgre / nr; // LowGrayLevelRunEmphasis (IBSI V3SW): sum P/i^2 / N_r
  out[o++] = hgre / nr; // HighGrayLevelRunEmphasis (IBSI G3QZ): sum P i^2 / N_r
  out[o++] = srlge / nr; // ShortRunLowGrayLevelEmphasis (IBSI HTZT): sum P/(i^2 j^2) / N_r
  out[o++] = srhge / nr; // ShortRunHighGrayLevelEmphasis (IBSI GD3A): sum P i^2/j^2 / N_r
  out[o++] = lrlge / nr; // LongRunLowGrayLevelEmphasis (IBSI IVPO): sum P j^2/i^2 / N_r
  out[o++] = lrhge / nr; // LongRunHighGrayLevelEmphasis (IBSI 3KUM): sum P i^2 j^2 / N_r
}
