// Feature extraction for one 2-D ROI: `seed-299` (feature-set.md) and `ibsi-extended`.
// Everything works on the ROI bounding box (texture, shape) and the wavelet box (bbox + 8 px, clipped, wrap-padded
// to a multiple of 4); no full-image float copies. Buffers are module-level and reused between calls (grown on
// demand); `releaseWorkspace()` drops them. Synchronous and single-threaded, so sharing the workspace is safe.
import { resampleImage, resampleMask, resampledSize } from "./resample.ts";
import type { Image2D, Mask2D } from "../image/types.ts";
import { MAX_LEVELS, type Discretisation } from "./discretise.ts";
import { firstOrderFeatures, waveletFirstOrderFromMoments, FIRSTORDER_NAMES, WAVELET_FIRSTORDER_NAMES } from "./firstorder.ts";
import { shape2DFeatures, SHAPE2D_NAMES } from "./shape2d.ts";
import { glcmAggregate, glcmCountBuffer, glcmDirectionsFromCounts, GLCM_EXTENDED_NAMES, GLCM_HARALICK_NAMES } from "./glcm.ts";
import { glrlmDirections, GLRLM_NF } from "./glrlm.ts";
import { glszmFeatures, GLSZM_NF } from "./glszm.ts";
import { gldmFeatures, GLDM_NF } from "./gldm.ts";
import { ngtdmFeatures } from "./ngtdm.ts";
import { colsAtRoi, fillBox, filterCols, filterRows, waveletBox, WAVELET_CHANNELS, type WaveletChannel } from "./wavelet.ts";
import { featureNames, FEATURE_SET_VERSION, isFeatureSetName, type FeatureSetName } from "./sets.ts";

export type ExtractErrorCode = "EMPTY_ROI" | "SIZE_MISMATCH" | "MISSING_SPACING" | "BAD_OPTION" | "BAD_IMAGE";

/** Bad input to `extract`: the code says which problem, the message names it. */
export class ExtractError extends Error {
  constructor(
    readonly code: ExtractErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ExtractError";
  }
}

export type ExtractOptions = {
  /** pixel spacing in mm as [row spacing sy, column spacing sx]; required (shape features are in mm) */
  spacing: [number, number];
  set?: FeatureSetName;
  /** FBN bin number (default 32); also used for the wavelet channels */
  ng?: number;
  /** fixed bin width (IBSI FBS) for the original image instead of FBN */
  binWidth?: number;
  /** FBS lower bound (default: the ROI minimum) */
  binLowerBound?: number;
  /**
   * Optional isotropic resampling (feature-set.md step 5) to this spacing in mm before extraction: bilinear image,
   * nearest-neighbour mask (resample.ts). Off by default.
   */
  resampleMm?: number;
};

export type ExtractSettings = {
  set: FeatureSetName;
  set_version: string;
  software: string;
  ng: number;
  discretisation: string;
  bin_width: number | null;
  bin_lower_bound: number | null;
  spacing_mm: [number, number];
  glcm: string;
  wavelet: { name: "coif1"; levels: 2; start_level: 0; margin_px: 8; pad: string; box: [number, number, number, number] };
  roi_pixels: number;
  /** [first row, last row + 1, first col, last col + 1] (end-exclusive, as the reference JSON) */
  roi_bbox_rows_cols: [number, number, number, number];
  /** only when resampleMm was given: the isotropic spacing used (spacing_mm is then [mm, mm]) */
  resampled_mm?: number;
  /** only when resampleMm was given: the spacing of the input image, [sy, sx] mm */
  original_spacing_mm?: [number, number];
  /** only when resampleMm was given: how */
  resampling?: string;
};

export type ExtractResult = { set: FeatureSetName; settings: ExtractSettings; features: Record<string, number> };

export const ENGINE_VERSION = "axilla-radiomics/1.0";

// value-vector layout (matches sets.ts name order)
const N_FO = FIRSTORDER_NAMES.length; // 22
const N_SH = SHAPE2D_NAMES.length; // 11
const N_GH = 2 * GLCM_HARALICK_NAMES.length; // 28
const N_WFO = WAVELET_FIRSTORDER_NAMES.length; // 6
const N_CH = N_WFO + N_GH; // 34
const OFF_SH = N_FO;
const OFF_GLCM = OFF_SH + N_SH;
const OFF_WAV = OFF_GLCM + N_GH; // 61
const OFF_EXT = OFF_WAV + WAVELET_CHANNELS.length * N_CH; // 299
const N_GX = 2 * GLCM_EXTENDED_NAMES.length; // 22
const OFF_GLRLM = OFF_EXT + N_GX;
const OFF_GLSZM = OFF_GLRLM + GLRLM_NF;
const OFF_GLDM = OFF_GLSZM + GLSZM_NF;
const OFF_NGTDM = OFF_GLDM + GLDM_NF;

const ws = {
  grid: new Uint16Array(0),
  idx: new Int32Array(0),
  runs: new Int32Array(0),
  vals: new Float64Array(0),
  valsA: new Float64Array(0),
  valsB: new Float64Array(0),
  x: new Float64Array(0),
  a0: new Float64Array(0),
  d0: new Float64Array(0),
  vec: new Float64Array(0),
  hist: new Float64Array(MAX_LEVELS + 1),
  stats: new Float64Array(8),
  counts: new Int32Array(0) as Int32Array,
};

/** Drop the reused buffers (e.g. after a very large ROI). */
export function releaseWorkspace(): void {
  ws.grid = new Uint16Array(0);
  ws.idx = new Int32Array(0);
  ws.runs = new Int32Array(0);
  ws.vals = new Float64Array(0);
  ws.valsA = new Float64Array(0);
  ws.valsB = new Float64Array(0);
  ws.x = new Float64Array(0);
  ws.a0 = new Float64Array(0);
  ws.d0 = new Float64Array(0);
}

function validate(image: Image2D, mask: Mask2D, opts: ExtractOptions): void {
  if (!image || !(image.data instanceof Float64Array)) throw new ExtractError("BAD_IMAGE", "image data must be a Float64Array");
  if (!mask || !(mask.data instanceof Uint8Array)) throw new ExtractError("BAD_IMAGE", "mask data must be a Uint8Array");
  if (image.data.length !== image.rows * image.cols) {
    throw new ExtractError("BAD_IMAGE", `image has ${image.data.length} values but is declared ${image.rows}x${image.cols}`);
  }
  if (mask.rows !== image.rows || mask.cols !== image.cols || mask.data.length !== mask.rows * mask.cols) {
    throw new ExtractError("SIZE_MISMATCH", `mask is ${mask.rows}x${mask.cols} but the image is ${image.rows}x${image.cols}`);
  }
  const sp = opts?.spacing;
  if (!sp || sp.length !== 2) {
    throw new ExtractError("MISSING_SPACING", "pixel spacing [sy, sx] in mm is required (shape features are in mm); none was given");
  }
  if (!(sp[0] > 0) || !(sp[1] > 0) || !Number.isFinite(sp[0]) || !Number.isFinite(sp[1])) {
    throw new ExtractError("MISSING_SPACING", `pixel spacing must be two positive numbers in mm, got [${sp[0]}, ${sp[1]}]`);
  }
  if (opts.set !== undefined && !isFeatureSetName(opts.set)) throw new ExtractError("BAD_OPTION", `unknown feature set "${opts.set}"`);
  if (opts.ng !== undefined && (!Number.isInteger(opts.ng) || opts.ng < 1 || opts.ng > MAX_LEVELS)) {
    throw new ExtractError("BAD_OPTION", `ng must be an integer in 1..${MAX_LEVELS}, got ${opts.ng}`);
  }
  if (opts.binWidth !== undefined && !(opts.binWidth > 0 && Number.isFinite(opts.binWidth))) {
    throw new ExtractError("BAD_OPTION", `binWidth must be a positive number, got ${opts.binWidth}`);
  }
}

/**
 * Bounding box of the mask (inclusive) and whether it has any ROI pixel. The first and last non-zero bytes are found
 * 4 bytes at a time (a 13-Mpixel mask is mostly zeros), then each row in between is scanned from both ends only
 * until its first ROI pixel.
 */
function bbox(mask: Mask2D): [number, number, number, number, boolean] {
  const { rows, cols, data } = mask;
  const len = rows * cols;
  let first = -1;
  let last = -1;
  const aligned = data.byteOffset % 4 === 0;
  const words = aligned ? new Uint32Array(data.buffer, data.byteOffset, len >> 2) : null;
  if (words) {
    for (let i = 0; i < words.length; i++) {
      if (words[i] !== 0) {
        first = i << 2;
        break;
      }
    }
    if (first < 0) first = words.length << 2;
    while (first < len && data[first] === 0) first++;
    if (first >= len) return [-1, -1, -1, -1, false];
    let tail = len - 1;
    while (tail >= words.length << 2 && data[tail] === 0) tail--;
    if (tail >= words.length << 2) last = tail;
    else {
      for (let i = words.length - 1; i >= 0; i--) {
        if (words[i] !== 0) {
          last = (i << 2) + 3;
          break;
        }
      }
      while (data[last] === 0) last--;
    }
  } else {
    for (let i = 0; i < len; i++) {
      if (data[i] !== 0) {
        first = i;
        break;
      }
    }
    if (first < 0) return [-1, -1, -1, -1, false];
    for (let i = len - 1; i >= 0; i--) {
      if (data[i] !== 0) {
        last = i;
        break;
      }
    }
  }
  const r0 = (first / cols) | 0;
  const r1 = (last / cols) | 0;
  let c0 = cols;
  let c1 = -1;
  for (let r = r0; r <= r1; r++) {
    const o = r * cols;
    let c = 0;
    const stopL = Math.min(c0, cols);
    while (c < stopL && data[o + c] === 0) c++;
    if (c < stopL) c0 = c;
    let e = cols - 1;
    while (e > c1 && data[o + e] === 0) e--;
    if (e > c1) c1 = e;
  }
  return [r0, r1, c0, c1, true];
}

function grow<T extends Float64Array | Int32Array | Uint16Array>(buf: T, n: number, make: (n: number) => T): T {
  return buf.length >= n ? buf : make(n);
}

const mom = { m2: 0, m3: 0, m4: 0 };

/**
 * The fused per-image pass: discretise vals[0..n) into the grid (FBN: floor((Ng (x - min))/(max - min)) + 1,
 * x = max -> Ng, flat -> 1; FBS: floor((x - lb)/w) + 1), build the level histogram, the central moments about
 * `mean` (into mom, / N) and the 4 GLCM count matrices. Pairs are counted from the later pixel of each pair,
 * whose earlier neighbours (left, up-left, up, up-right) already hold this image's level, so no second pass is
 * needed. Returns the highest level N_g.
 */
function levelsPass(vals: Float64Array, n: number, stride: number, d: Discretisation, min: number, max: number, mean: number): number {
  const grid = ws.grid;
  const idx = ws.idx;
  const fbn = d.kind === "fbn";
  const flat = max === min;
  let top: number;
  let lb = 0;
  let bw = 1;
  if (fbn) top = flat ? 1 : d.ng;
  else {
    bw = d.binWidth;
    lb = d.lowerBound ?? min;
    if (!Number.isFinite(lb)) throw new ExtractError("BAD_OPTION", `bin lower bound must be finite, got ${lb}`);
    if (min < lb) throw new ExtractError("BAD_OPTION", `ROI minimum ${min} is below the bin lower bound ${lb}`);
    top = Math.floor((max - lb) / bw) + 1;
    if (top > MAX_LEVELS) {
      throw new ExtractError("BAD_OPTION", `fixed bin width ${bw} gives ${top} grey levels (more than ${MAX_LEVELS}); use a larger bin width`);
    }
  }
  const ng = fbn ? d.ng : top;
  const range = max - min;
  const g1 = top + 1;
  const S = g1 * g1;
  const counts = glcmCountBuffer(top);
  ws.counts = counts;
  const h = ws.hist;
  h.fill(0, 0, g1);
  const u1 = stride + 1;
  const u2 = stride;
  const u3 = stride - 1;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let k = 0; k < n; k++) {
    const v = vals[k];
    let l: number;
    if (!fbn) l = Math.floor((v - lb) / bw) + 1; // IBSI FBS: floor((x - X_min)/w) + 1
    else if (flat) l = 1; // flat ROI: one level
    else {
      l = Math.floor((ng * (v - min)) / range) + 1; // IBSI FBN: floor(Ng (x - min)/(max - min)) + 1
      if (l > ng) l = ng; // x = max -> Ng
    }
    const p = idx[k];
    grid[p] = l;
    h[l]++;
    counts[grid[p - 1] * g1 + l]++; // direction (0,1)
    counts[S + grid[p - u1] * g1 + l]++; // direction (1,1)
    counts[2 * S + grid[p - u2] * g1 + l]++; // direction (1,0)
    counts[3 * S + grid[p - u3] * g1 + l]++; // direction (1,-1)
    const dv = v - mean;
    const d2 = dv * dv;
    m2 += d2;
    m3 += d2 * dv;
    m4 += d2 * d2;
  }
  mom.m2 = m2 / n;
  mom.m3 = m3 / n;
  mom.m4 = m4 / n;
  return top;
}

const FBN32: Discretisation = { kind: "fbn", ng: 32 };

/** Features of one wavelet channel whose ROI values (vals) and pass-1 stats (stats[so .. so+4)) are ready. */
function waveletChannel(vals: Float64Array, so: number, n: number, ng: number, stride: number, out: Float64Array, off: number): void {
  const stats = ws.stats;
  const min = stats[so];
  const max = stats[so + 1];
  const mean = stats[so + 2] / n;
  const d = ng === 32 ? FBN32 : ({ kind: "fbn", ng } as Discretisation);
  const top = levelsPass(vals, n, stride, d, min, max, mean);
  waveletFirstOrderFromMoments(n, mean, mom.m2, mom.m3, mom.m4, stats[so + 3], max === min, ws.hist, top, out, off);
  const dirs = glcmDirectionsFromCounts(ws.counts, n, top, ws.hist);
  glcmAggregate(dirs, 0, GLCM_HARALICK_NAMES.length, out, off + N_WFO);
}

/**
 * Extract a feature set from one image + ROI mask. Throws ExtractError for an empty ROI, a size mismatch, missing
 * spacing or a bad option. Feature order and names: sets.ts.
 */
export function extract(image: Image2D, mask: Mask2D, opts: ExtractOptions): ExtractResult {
  if (opts?.resampleMm === undefined) return extractAt(image, mask, opts);
  validate(image, mask, opts);
  const mm = opts.resampleMm;
  if (!(typeof mm === "number" && mm > 0 && Number.isFinite(mm))) throw new ExtractError("BAD_OPTION", `resampleMm must be a positive number of mm, got ${String(mm)}`);
  const [sy, sx] = opts.spacing;
  const outPixels = resampledSize(image.rows, sy, mm) * resampledSize(image.cols, sx, mm);
  if (outPixels > MAX_RESAMPLED_PIXELS)
    throw new ExtractError("BAD_OPTION", `resampling ${image.rows}x${image.cols} pixels at [${sy}, ${sx}] mm to ${mm} mm would make ${outPixels} pixels (limit ${MAX_RESAMPLED_PIXELS})`);
  const rMask = resampleMask(mask, [sy, sx], mm);
  if (!rMask.data.includes(1)) throw new ExtractError("EMPTY_ROI", `the ROI mask is empty after resampling to ${mm} mm (the ROI is smaller than one resampled pixel)`);
  const result = extractAt(resampleImage(image, [sy, sx], mm), rMask, { ...opts, spacing: [mm, mm], resampleMm: undefined });
  result.settings.resampled_mm = mm;
  result.settings.original_spacing_mm = [sy, sx];
  result.settings.resampling = "isotropic; bilinear image, nearest-neighbour mask; pixel centres aligned: (i+0.5)*new = (y+0.5)*old";
  return result;
}

/** Upper bound on a resampled image (a 13-Mpixel mammogram at half its spacing is 52 Mpixel). */
const MAX_RESAMPLED_PIXELS = 64 * 1024 * 1024;

function extractAt(image: Image2D, mask: Mask2D, opts: ExtractOptions): ExtractResult {
  validate(image, mask, opts);
  const set: FeatureSetName = opts.set ?? "seed-299";
  const ng = opts.ng ?? 32;
  const [sy, sx] = opts.spacing;
  const [rowMin, rowMax, colMin, colMax, any] = bbox(mask);
  if (!any) throw new ExtractError("EMPTY_ROI", "the ROI mask is empty (no non-zero pixels)");
  const h = rowMax - rowMin + 1;
  const w = colMax - colMin + 1;
  const W2 = w + 2;
  const H2 = h + 2;
  const gridSize = H2 * W2;
  ws.grid = grow(ws.grid, gridSize, (k) => new Uint16Array(k));
  ws.grid.fill(0, 0, gridSize);
  const cap = h * w; // upper bound on the ROI pixel count
  ws.idx = grow(ws.idx, cap, (k) => new Int32Array(k));
  ws.vals = grow(ws.vals, cap, (k) => new Float64Array(k));
  ws.valsA = grow(ws.valsA, cap, (k) => new Float64Array(k));
  ws.valsB = grow(ws.valsB, cap, (k) => new Float64Array(k));
  const { idx, vals } = ws;
  const img = image.data;
  const md = mask.data;
  const cols = image.cols;
  // ROI pixel list (raster order): grid positions, original intensities, and runs (row, first col, last col)
  let k = 0;
  let nRuns = 0;
  let runs = ws.runs;
  let mn = Infinity;
  let mx = -Infinity;
  let sum = 0;
  let sumSq = 0;
  for (let r = 0; r < h; r++) {
    const so = (rowMin + r) * cols + colMin;
    const go = (r + 1) * W2 + 1;
    let inRun = false;
    for (let c = 0; c < w; c++) {
      if (md[so + c] === 0) {
        if (inRun) {
          runs[3 * nRuns - 1] = c - 1;
          inRun = false;
        }
        continue;
      }
      if (!inRun) {
        if (runs.length < 3 * (nRuns + 1)) {
          const r2 = new Int32Array(Math.max(3 * 1024, runs.length * 2));
          r2.set(runs);
          runs = r2;
        }
        runs[3 * nRuns] = r;
        runs[3 * nRuns + 1] = c;
        nRuns++;
        inRun = true;
      }
      const v = img[so + c];
      idx[k] = go + c;
      vals[k] = v;
      k++;
      sum += v;
      sumSq += v * v;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    if (inRun) runs[3 * nRuns - 1] = w - 1;
  }
  ws.runs = runs;
  const n = k;
  if (!Number.isFinite(sum) || !Number.isFinite(sumSq)) {
    throw new ExtractError("BAD_IMAGE", "the image has a non-finite intensity inside the ROI");
  }
  const names = featureNames(set);
  ws.vec = grow(ws.vec, names.length, (m) => new Float64Array(m));
  const vec = ws.vec;

  // ---- original image: discretise (+ GLCM counts, histogram), first order, shape, GLCM (+ extended families)
  const disc: Discretisation =
    opts.binWidth !== undefined ? { kind: "fbs", binWidth: opts.binWidth, lowerBound: opts.binLowerBound } : { kind: "fbn", ng };
  const top = levelsPass(vals, n, W2, disc, mn, mx, sum / n);
  firstOrderFeatures(vals, n, ws.hist, top, vec, 0, { mean: sum / n, m2: mom.m2, m3: mom.m3, m4: mom.m4, min: mn, max: mx, energy: sumSq });
  shape2DFeatures(ws.grid, H2, W2, sy, sx, vec, OFF_SH);
  const dirs = glcmDirectionsFromCounts(ws.counts, n, top, ws.hist);
  glcmAggregate(dirs, 0, GLCM_HARALICK_NAMES.length, vec, OFF_GLCM);
  if (set === "ibsi-extended") {
    glcmAggregate(dirs, GLCM_HARALICK_NAMES.length, GLCM_HARALICK_NAMES.length + GLCM_EXTENDED_NAMES.length, vec, OFF_EXT);
    const gl = glrlmDirections(ws.grid, W2, idx, n, top, Math.max(h, w));
    for (let f = 0; f < GLRLM_NF; f++) vec[OFF_GLRLM + f] = (gl[f] + gl[GLRLM_NF + f] + gl[2 * GLRLM_NF + f] + gl[3 * GLRLM_NF + f]) / 4; // mean over 4 directions
    glszmFeatures(ws.grid, W2, gridSize, idx, n, top, vec, OFF_GLSZM);
    gldmFeatures(ws.grid, W2, idx, n, top, vec, OFF_GLDM);
    ngtdmFeatures(ws.grid, W2, idx, n, top, vec, OFF_NGTDM);
  }

  // ---- wavelet: SWT coif1, 2 levels on the box. LL1 is computed in full (level 2 needs it); every other band
  // only at the ROI pixels, straight into the value lists.
  const box = waveletBox(image.rows, image.cols, rowMin, rowMax, colMin, colMax, 8);
  const { H, W } = box;
  const bs = H * W;
  ws.x = grow(ws.x, bs, (m) => new Float64Array(m));
  ws.a0 = grow(ws.a0, bs, (m) => new Float64Array(m));
  ws.d0 = grow(ws.d0, bs, (m) => new Float64Array(m));
  const { x, a0, d0, valsA, valsB, stats } = ws;
  fillBox(img, cols, box, x);
  const br0 = rowMin - box.r0;
  const bc0 = colMin - box.c0;
  const br1 = br0 + h;
  const chOff = (ch: WaveletChannel): number => OFF_WAV + WAVELET_CHANNELS.indexOf(ch) * N_CH;
  // level 1, axis 0: low along y on every row (for LL1), high along y only on the bbox rows
  filterRows(x, H, W, 1, 0, br0, a0, null);
  filterRows(x, H, W, 1, br0, br1, a0, d0);
  filterRows(x, H, W, 1, br1, H, a0, null);
  // axis 1 on the high-y rows: LH1 (low x), HH1 (high x)
  colsAtRoi(d0, W, 1, runs, nRuns, br0, bc0, valsA, valsB, stats);
  waveletChannel(valsA, 0, n, ng, W2, vec, chOff("LH1"));
  waveletChannel(valsB, 4, n, ng, W2, vec, chOff("HH1"));
  // axis 1 on the low-y rows: HL1 (high x; the low-x output at the ROI is not needed), then LL1 everywhere into x
  colsAtRoi(a0, W, 1, runs, nRuns, br0, bc0, valsA, valsB, stats);
  waveletChannel(valsB, 4, n, ng, W2, vec, chOff("HL1"));
  filterCols(a0, W, 1, 0, H, 0, W, x, null, W, 0, 0);
  // level 2 (dilated filters) on LL1: axis 0 on the bbox rows only, then axis 1 at the ROI
  filterRows(x, H, W, 2, br0, br1, a0, d0);
  colsAtRoi(d0, W, 2, runs, nRuns, br0, bc0, valsA, valsB, stats);
  waveletChannel(valsA, 0, n, ng, W2, vec, chOff("LH2"));
  waveletChannel(valsB, 4, n, ng, W2, vec, chOff("HH2"));
  colsAtRoi(a0, W, 2, runs, nRuns, br0, bc0, valsA, valsB, stats);
  waveletChannel(valsB, 4, n, ng, W2, vec, chOff("HL2"));
  waveletChannel(valsA, 0, n, ng, W2, vec, chOff("LL2"));

  const features: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) features[names[i]] = vec[i];
  const settings: ExtractSettings = {
    set,
    set_version: FEATURE_SET_VERSION,
    software: ENGINE_VERSION,
    ng,
    discretisation:
      disc.kind === "fbn"
        ? "FBN over ROI [min,max]: floor((Ng*(x-min))/(max-min))+1, max->Ng"
        : "FBS: floor((x-lower)/w)+1 (original image); wavelet channels FBN",
    bin_width: disc.kind === "fbs" ? disc.binWidth : null,
    bin_lower_bound: disc.kind === "fbs" ? (disc.lowerBound ?? mn) : null,
    spacing_mm: [sy, sx],
    glcm: "distance 1, 0/45/90/135 deg, symmetric, ROI pairs only, mean+range, log2(+eps)",
    wavelet: {
      name: "coif1",
      levels: 2,
      start_level: 0,
      margin_px: 8,
      pad: "wrap at end of each axis to a multiple of 4",
      box: [box.r0, box.c0, box.h, box.w],
    },
    roi_pixels: n,
    roi_bbox_rows_cols: [rowMin, rowMax + 1, colMin, colMax + 1],
  };
  return { set, settings, features };
}
