// Grey-level discretisation of ROI values (feature-set.md "Image preparation" 6, features README convention 1).
// FBN (IBSI fixed bin number, default): level = floor((Ng * (x - min)) / (max - min)) + 1, x = max -> Ng,
// a flat ROI -> 1. Evaluated in float64 in exactly that order (subtract, multiply by Ng, divide).
// FBS (IBSI fixed bin size): level = floor((x - lowerBound) / w) + 1 (lowerBound = given minimum, else ROI min).

export class DiscretisationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DiscretisationError";
  }
}

/**
 * Upper limit on the number of grey levels: texture matrices are Ng x Ng per direction and the MCC needs an
 * Ng x Ng eigenproblem per direction (O(Ng^3)), so 256 keeps a worst-case extraction to about a second.
 */
export const MAX_LEVELS = 256;

export type Discretisation = { kind: "fbn"; ng: number } | { kind: "fbs"; binWidth: number; lowerBound?: number };

/** Min and max of the first n values. */
export function minMax(vals: Float64Array, n: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = vals[k];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Discretise vals[0..n) into levels 1..Ng. With `index`, level k is written to out[index[k]], otherwise to out[k].
 * Returns the highest possible level Ng (FBN: ng, or 1 for a flat ROI; FBS: the highest level reached), which is
 * the N_g used by IDN/IDMN and the matrix size.
 */
export function discretise(
  vals: Float64Array,
  n: number,
  d: Discretisation,
  out: Uint16Array,
  index: Int32Array | null,
  min: number,
  max: number,
): number {
  if (d.kind === "fbn") {
    const ng = d.ng;
    if (!Number.isInteger(ng) || ng < 1 || ng > MAX_LEVELS) throw new DiscretisationError(`Ng must be an integer in 1..${MAX_LEVELS}, got ${ng}`);
    if (max === min) {
      // flat ROI: one level (IBSI FBN convention)
      if (index) for (let k = 0; k < n; k++) out[index[k]] = 1;
      else out.fill(1, 0, n);
      return 1;
    }
    const range = max - min;
    if (index) {
      for (let k = 0; k < n; k++) {
        let l = Math.floor((ng * (vals[k] - min)) / range) + 1; // IBSI FBN: floor(Ng (x - min)/(max - min)) + 1
        if (l > ng) l = ng; // x = max -> Ng
        out[index[k]] = l;
      }
    } else {
      for (let k = 0; k < n; k++) {
        let l = Math.floor((ng * (vals[k] - min)) / range) + 1;
        if (l > ng) l = ng;
        out[k] = l;
      }
    }
    return ng;
  }
  const w = d.binWidth;
  if (!(w > 0) || !Number.isFinite(w)) throw new DiscretisationError(`bin width must be a positive number, got ${w}`);
  const lb = d.lowerBound ?? min;
  if (!Number.isFinite(lb)) throw new DiscretisationError(`bin lower bound must be finite, got ${lb}`);
  if (min < lb) throw new DiscretisationError(`ROI minimum ${min} is below the bin lower bound ${lb}`);
  const top = Math.floor((max - lb) / w) + 1;
  if (top > MAX_LEVELS) {
    throw new DiscretisationError(`fixed bin width ${w} gives ${top} grey levels (more than ${MAX_LEVELS}); use a larger bin width`);
  }
  let hi = 1;
  for (let k = 0; k < n; k++) {
    const l = Math.floor((vals[k] - lb) / w) + 1; // IBSI FBS: floor((x - X_min)/w) + 1
    if (index) out[index[k]] = l;
    else out[k] = l;
    if (l > hi) hi = l;
  }
  return hi;
}
