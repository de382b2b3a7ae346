// Feature extraction for one 2-D ROI: `seed-299` (feature-set.md) and `ibsi-extended`.
// Everything works on the ROI bounding box (texture, shape) and the wavelet box (bbox + 8 px, clipped, wrap-padded
// to a multiple of 4); no full-image float copies. Buffers are module-level and reused between calls (grown on
// demand); `releaseWorkspace()` drops them. Synchronous and single-threaded, so sharing the workspace is safe.
import type { Image2D, Mask2D } from "../image/types.ts";
import { discretise, minMax, DiscretisationError, MAX_LEVELS, type Discretisation } from "./discretise.ts";
import { firstOrderFeatures, waveletFirstOrderFeatures, FIRSTORDER_NAMES, WAVELET_FIRSTORDER_NAMES } from "./firstorder.ts";
import { shape2DFeatures, SHAPE2D_NAMES } from "./shape2d.ts";
import { glcmAggregate, glcmDirections, GLCM_EXTENDED_NAMES, GLCM_HARALICK_NAMES } from "./glcm.ts";
import { glrlmDirections, GLRLM_NF } from "./glrlm.ts";
import { glszmFeatures, GLSZM_NF } from "./glszm.ts";
import { gldmFeatures, GLDM_NF } from "./gldm.ts";
import { ngtdmFeatures } from "./ngtdm.ts";
import { fillBox, filterCols, filterRows, waveletBox, WAVELET_CHANNELS, type WaveletChannel } from "./wavelet.ts";
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
  roi_bbox_rows_cols: [number, number, number, number];
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
  cropIdx: new Int32Array(0),
  vals: new Float64Array(0),
  x: new Float64Array(0),
  a0: new Float64Array(0),
  d0: new Float64Array(0),
  bandA: new Float64Array(0),
  bandB: new Float64Array(0),
  vec: new Float64Array(0),
  glrlmOut: new Float64Array(GLRLM_NF),
};

/** Drop the reused buffers (e.g. after a very large ROI). */
export function releaseWorkspace(): void {
  ws.grid = new Uint16Array(0);
  ws.idx = new Int32Array(0);
  ws.cropIdx = new Int32Array(0);
  ws.vals = new Float64Array(0);
  ws.x = new Float64Array(0);
  ws.a0 = new Float64Array(0);
  ws.d0 = new Float64Array(0);
  ws.bandA = new Float64Array(0);
  ws.bandB = new Float64Array(0);
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

/** Bounding box of the mask (inclusive) and ROI pixel count, scanning only rows that hold ROI pixels. */
function bbox(mask: Mask2D): [number, number, number, number, number] {
  const { rows, cols, data } = mask;
  let r0 = -1;
  let r1 = -1;
  let c0 = cols;
  let c1 = -1;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let first = -1;
    let last = -1;
    for (let c = 0; c < cols; c++) {
      if (data[o + c] !== 0) {
        if (first < 0) first = c;
        last = c;
        n++;
      }
    }
    if (first >= 0) {
      if (r0 < 0) r0 = r;
      r1 = r;
      if (first < c0) c0 = first;
      if (last > c1) c1 = last;
    }
  }
  return [r0, r1, c0, c1, n];
}

function grow<T extends Float64Array | Int32Array | Uint16Array>(buf: T, n: number, make: (n: number) => T): T {
  return buf.length >= n ? buf : make(n);
}

/**
 * Texture features of one wavelet channel: vals[0..n) -> FBN levels in the grid -> 6 first-order + 28 GLCM values.
 */
function waveletChannel(n: number, ng: number, stride: number, out: Float64Array, off: number): void {
  const vals = ws.vals;
  const [mn, mx] = minMax(vals, n);
  const top = discretise(vals, n, { kind: "fbn", ng }, ws.grid, ws.idx, mn, mx);
  waveletFirstOrderFeatures(vals, n, ws.grid, ws.idx, top, out, off);
  const dirs = glcmDirections(ws.grid, stride, ws.idx, n, top);
  glcmAggregate(dirs, 0, GLCM_HARALICK_NAMES.length, out, off + N_WFO);
}

function gatherBand(band: Float64Array, n: number): void {
  const vals = ws.vals;
  const ci = ws.cropIdx;
  for (let k = 0; k < n; k++) vals[k] = band[ci[k]];
}

/**
 * Extract a feature set from one image + ROI mask. Throws ExtractError for an empty ROI, a size mismatch, missing
 * spacing or a bad option. Feature order and names: sets.ts.
 */
export function extract(image: Image2D, mask: Mask2D, opts: ExtractOptions): ExtractResult {
  validate(image, mask, opts);
  const set: FeatureSetName = opts.set ?? "seed-299";
  const ng = opts.ng ?? 32;
  const [sy, sx] = opts.spacing;
  const [rowMin, rowMax, colMin, colMax, n] = bbox(mask);
  if (n === 0) throw new ExtractError("EMPTY_ROI", "the ROI mask is empty (no non-zero pixels)");
  const h = rowMax - rowMin + 1;
  const w = colMax - colMin + 1;
  const W2 = w + 2;
  const H2 = h + 2;
  const gridSize = H2 * W2;
  ws.grid = grow(ws.grid, gridSize, (k) => new Uint16Array(k));
  ws.grid.fill(0, 0, gridSize);
  ws.idx = grow(ws.idx, n, (k) => new Int32Array(k));
  ws.cropIdx = grow(ws.cropIdx, n, (k) => new Int32Array(k));
  ws.vals = grow(ws.vals, n, (k) => new Float64Array(k));
  const { idx, cropIdx, vals } = ws;
  const img = image.data;
  const md = mask.data;
  const cols = image.cols;
  // ROI pixel lists (row-major): grid position, crop position, and the original intensities
  let k = 0;
  for (let r = 0; r < h; r++) {
    const so = (rowMin + r) * cols + colMin;
    const go = (r + 1) * W2 + 1;
    const co = r * w;
    for (let c = 0; c < w; c++) {
      if (md[so + c] === 0) continue;
      idx[k] = go + c;
      cropIdx[k] = co + c;
      vals[k] = img[so + c];
      k++;
    }
  }
  for (let t = 0; t < n; t++) {
    if (!Number.isFinite(vals[t])) throw new ExtractError("BAD_IMAGE", "the image has a non-finite intensity inside the ROI");
  }
  const names = featureNames(set);
  ws.vec = grow(ws.vec, names.length, (m) => new Float64Array(m));
  const vec = ws.vec;

  // ---- original image: discretise, first order, shape, GLCM (+ extended families)
  const disc: Discretisation =
    opts.binWidth !== undefined ? { kind: "fbs", binWidth: opts.binWidth, lowerBound: opts.binLowerBound } : { kind: "fbn", ng };
  const [mn, mx] = minMax(vals, n);
  let top: number;
  try {
    top = discretise(vals, n, disc, ws.grid, idx, mn, mx);
  } catch (e) {
    if (e instanceof DiscretisationError) throw new ExtractError("BAD_OPTION", e.message);
    throw e;
  }
  firstOrderFeatures(vals, n, ws.grid, idx, top, vec, 0);
  shape2DFeatures(ws.grid, H2, W2, sy, sx, vec, OFF_SH);
  const dirs = glcmDirections(ws.grid, W2, idx, n, top);
  glcmAggregate(dirs, 0, GLCM_HARALICK_NAMES.length, vec, OFF_GLCM);
  if (set === "ibsi-extended") {
    glcmAggregate(dirs, GLCM_HARALICK_NAMES.length, GLCM_HARALICK_NAMES.length + GLCM_EXTENDED_NAMES.length, vec, OFF_EXT);
    const gl = glrlmDirections(ws.grid, W2, idx, n, top, Math.max(h, w));
    for (let f = 0; f < GLRLM_NF; f++) vec[OFF_GLRLM + f] = (gl[f] + gl[GLRLM_NF + f] + gl[2 * GLRLM_NF + f] + gl[3 * GLRLM_NF + f]) / 4; // mean over 4 directions
    glszmFeatures(ws.grid, W2, gridSize, idx, n, top, vec, OFF_GLSZM);
    gldmFeatures(ws.grid, W2, idx, n, top, vec, OFF_GLDM);
    ngtdmFeatures(ws.grid, W2, idx, n, top, vec, OFF_NGTDM);
  }

  // ---- wavelet: SWT coif1, 2 levels on the box; bands computed on the bbox only (except LL1, needed in full)
  const box = waveletBox(image.rows, image.cols, rowMin, rowMax, colMin, colMax, 8);
  const { H, W } = box;
  const bs = H * W;
  ws.x = grow(ws.x, bs, (m) => new Float64Array(m));
  ws.a0 = grow(ws.a0, bs, (m) => new Float64Array(m));
  ws.d0 = grow(ws.d0, bs, (m) => new Float64Array(m));
  ws.bandA = grow(ws.bandA, h * w, (m) => new Float64Array(m));
  ws.bandB = grow(ws.bandB, h * w, (m) => new Float64Array(m));
  const { x, a0, d0, bandA, bandB } = ws;
  fillBox(img, cols, box, x);
  const br0 = rowMin - box.r0;
  const bc0 = colMin - box.c0;
  const br1 = br0 + h;
  const bc1 = bc0 + w;
  const chOff = (ch: WaveletChannel): number => OFF_WAV + WAVELET_CHANNELS.indexOf(ch) * N_CH;
  // level 1, axis 0: low along y on every row (for LL1), high along y only on the bbox rows
  filterRows(x, H, W, 1, 0, br0, a0, null);
  filterRows(x, H, W, 1, br0, br1, a0, d0);
  filterRows(x, H, W, 1, br1, H, a0, null);
  // axis 1 on the high-y rows: LH1 (low x), HH1 (high x), bbox only
  filterCols(d0, W, 1, br0, br1, bc0, bc1, bandA, bandB, w, br0, bc0);
  gatherBand(bandA, n);
  waveletChannel(n, ng, W2, vec, chOff("LH1"));
  gatherBand(bandB, n);
  waveletChannel(n, ng, W2, vec, chOff("HH1"));
  // axis 1 on the low-y rows: HL1 on the bbox, LL1 everywhere (into x, which is no longer needed)
  filterCols(a0, W, 1, br0, br1, bc0, bc1, null, bandA, w, br0, bc0);
  gatherBand(bandA, n);
  waveletChannel(n, ng, W2, vec, chOff("HL1"));
  filterCols(a0, W, 1, 0, H, 0, W, x, null, W, 0, 0);
  // level 2 (dilated filters) on LL1: axis 0 on the bbox rows only, then axis 1 on the bbox
  filterRows(x, H, W, 2, br0, br1, a0, d0);
  filterCols(d0, W, 2, br0, br1, bc0, bc1, bandA, bandB, w, br0, bc0);
  gatherBand(bandA, n);
  waveletChannel(n, ng, W2, vec, chOff("LH2"));
  gatherBand(bandB, n);
  waveletChannel(n, ng, W2, vec, chOff("HH2"));
  filterCols(a0, W, 2, br0, br1, bc0, bc1, bandA, bandB, w, br0, bc0);
  gatherBand(bandB, n);
  waveletChannel(n, ng, W2, vec, chOff("HL2"));
  gatherBand(bandA, n);
  waveletChannel(n, ng, W2, vec, chOff("LL2"));

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
    roi_bbox_rows_cols: [rowMin, rowMax, colMin, colMax],
  };
  return { set, settings, features };
}
