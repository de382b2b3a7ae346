// IBSI digital phantom (3-D, 5x4x4): each z-slice as its own 2-D image, grey levels used as given (no
// discretisation, N_g = highest level, 6 for the phantom). Aggregation as IBSI: GLCM and GLRLM "2D_avg" (BTW3:
// features of every slice x direction matrix, plain mean), GLSZM / NGTDM / NGLDM(GLDM) "2D" (8QNN: features per
// slice, mean over slices). First-order features over the whole 3-D ROI ("3D", DHQ4). Output keyed by IBSI code.
import { firstOrderFeatures, FIRSTORDER_NAMES } from "./firstorder.ts";
import { glcmDirections, GLCM_IBSI, GLCM_NF } from "./glcm.ts";
import { glrlmDirections, GLRLM_IBSI, GLRLM_NF } from "./glrlm.ts";
import { glszmFeatures, GLSZM_IBSI, GLSZM_NF } from "./glszm.ts";
import { gldmFeatures, GLDM_IBSI, GLDM_NF } from "./gldm.ts";
import { ngtdmFeatures, NGTDM_IBSI, NGTDM_NF } from "./ngtdm.ts";
import { MAX_LEVELS } from "./discretise.ts";

export class PhantomError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PhantomError";
  }
}

/** phantom.json: dims [Z, Y, X], flat z-major arrays (index z*Y*X + y*X + x). */
export type PhantomJson = { dims: [number, number, number]; image: number[]; mask: number[]; spacing?: number[] };

/** IBSI codes of the first-order features (FIRSTORDER_NAMES order); "" = no IBSI code (StandardDeviation). */
export const FIRSTORDER_IBSI = [
  "Q4LE", "ECT3", "", "KE2A", "IPH6", "Y12H", "1GSF", "QG58", "8DWT", "84IY", "SALO", "2OJQ", "4FUA", "1128", "N72L",
  "7TET", "9S40", "N8CA", "5ZWQ", "TLU2", "BJ5W", "AMMC",
] as const;

export type PhantomResult = {
  features: Record<string, number>;
  settings: { ng: number; slices: number; aggregation: Record<string, string> };
};

function validatePhantom(ph: PhantomJson): [number, number, number] {
  if (!ph || !Array.isArray(ph.dims) || ph.dims.length !== 3) throw new PhantomError("phantom JSON needs dims [Z, Y, X]");
  const [Z, Y, X] = ph.dims;
  if (![Z, Y, X].every((v) => Number.isInteger(v) && v > 0)) throw new PhantomError(`phantom dims must be positive integers, got ${JSON.stringify(ph.dims)}`);
  const N = Z * Y * X;
  if (!Array.isArray(ph.image) || ph.image.length !== N) throw new PhantomError(`phantom image must have ${N} values`);
  if (!Array.isArray(ph.mask) || ph.mask.length !== N) throw new PhantomError(`phantom mask must have ${N} values`);
  return [Z, Y, X];
}

/** Compute the phantom features (see the file comment). ng: N_g (default: the highest grey level in the ROI). */
export function extractPhantom(ph: PhantomJson, opts: { ng?: number } = {}): PhantomResult {
  const [Z, Y, X] = validatePhantom(ph);
  let top = 0;
  let nAll = 0;
  for (let i = 0; i < ph.image.length; i++) {
    if (!ph.mask[i]) continue;
    const v = ph.image[i];
    if (!Number.isInteger(v) || v < 1 || v > MAX_LEVELS) throw new PhantomError(`phantom grey levels inside the ROI must be integers 1..${MAX_LEVELS}, got ${v}`);
    if (v > top) top = v;
    nAll++;
  }
  if (nAll === 0) throw new PhantomError("the phantom ROI is empty");
  const ng = opts.ng ?? top;
  if (ng < top) throw new PhantomError(`ng ${ng} is below the highest grey level ${top}`);
  const W2 = X + 2;
  const grid = new Uint16Array((Y + 2) * W2);
  const idx = new Int32Array(Y * X);
  const glcmSum = new Float64Array(GLCM_NF);
  let glcmCount = 0;
  const glrlmSum = new Float64Array(GLRLM_NF);
  let glrlmCount = 0;
  const zoneSum = new Float64Array(GLSZM_NF + GLDM_NF + NGTDM_NF);
  const tmp = new Float64Array(GLSZM_NF + GLDM_NF + NGTDM_NF);
  let slices = 0;
  for (let z = 0; z < Z; z++) {
    grid.fill(0);
    let n = 0;
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        const f = z * Y * X + y * X + x;
        if (!ph.mask[f]) continue;
        const p = (y + 1) * W2 + x + 1;
        grid[p] = ph.image[f];
        idx[n++] = p;
      }
    }
    if (n === 0) continue;
    slices++;
    const d = glcmDirections(grid, W2, idx, n, ng, false);
    for (let dir = 0; dir < 4; dir++) {
      if (!d.valid[dir]) continue;
      for (let f = 0; f < GLCM_NF; f++) glcmSum[f] += d.values[dir * GLCM_NF + f];
      glcmCount++;
    }
    const rl = glrlmDirections(grid, W2, idx, n, ng, Math.max(X, Y));
    for (let dir = 0; dir < 4; dir++) {
      for (let f = 0; f < GLRLM_NF; f++) glrlmSum[f] += rl[dir * GLRLM_NF + f];
      glrlmCount++;
    }
    glszmFeatures(grid, W2, grid.length, idx, n, ng, tmp, 0);
    gldmFeatures(grid, W2, idx, n, ng, tmp, GLSZM_NF);
    ngtdmFeatures(grid, W2, idx, n, ng, tmp, GLSZM_NF + GLDM_NF);
    for (let f = 0; f < tmp.length; f++) zoneSum[f] += tmp[f];
  }
  const features: Record<string, number> = {};
  // first order over the whole 3-D ROI (levels = grey levels)
  const vals = new Float64Array(nAll);
  const hist = new Float64Array(ng + 1);
  let k = 0;
  for (let i = 0; i < ph.image.length; i++) {
    if (!ph.mask[i]) continue;
    vals[k++] = ph.image[i];
    hist[ph.image[i]]++;
  }
  const fo = new Float64Array(FIRSTORDER_NAMES.length);
  firstOrderFeatures(vals, nAll, hist, ng, fo, 0);
  FIRSTORDER_IBSI.forEach((code, i) => {
    if (code) features[code] = fo[i];
  });
  GLCM_IBSI.forEach((code, i) => {
    if (code) features[code] = glcmSum[i] / glcmCount;
  });
  features["8S9J"] = features["TF7R"]; // dissimilarity = difference average
  GLRLM_IBSI.forEach((code, i) => (features[code] = glrlmSum[i] / glrlmCount));
  GLSZM_IBSI.forEach((code, i) => (features[code] = zoneSum[i] / slices));
  GLDM_IBSI.forEach((code, i) => (features[code] = zoneSum[GLSZM_NF + i] / slices));
  NGTDM_IBSI.forEach((code, i) => (features[code] = zoneSum[GLSZM_NF + GLDM_NF + i] / slices));
  return {
    features,
    settings: {
      ng,
      slices,
      aggregation: {
        firstorder: "3D (DHQ4): whole ROI",
        glcm: "2D_avg (BTW3): mean over slices x directions",
        glrlm: "2D_avg (BTW3): mean over slices x directions",
        glszm: "2D (8QNN): mean over slices",
        ngldm: "2D (8QNN): mean over slices, alpha 0, distance 1",
        ngtdm: "2D (8QNN): mean over slices, distance 1",
      },
    },
  };
}
