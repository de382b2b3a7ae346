// Optional isotropic resampling before extraction (feature-set.md "Image preparation" step 5): bilinear for the
// image, nearest neighbour for the mask, pixel centres aligned: output pixel centre (i + 0.5) * new lies at input
// coordinate (y + 0.5) * old. Hand-written: a separable two-tap interpolation on typed arrays, no library needed.
import type { Image2D, Mask2D } from "../image/types.ts";

/** Output size along one axis: n' = max(1, round(n * old / new)) (the same physical extent, rounded). */
export function resampledSize(n: number, oldMm: number, newMm: number): number {
  return Math.max(1, Math.round((n * oldMm) / newMm));
}

/** Input coordinate of output index i: y = (i + 0.5) * new / old - 0.5 (pixel-centre alignment). */
function coords(nOut: number, nIn: number, ratio: number): { i0: Int32Array; i1: Int32Array; f: Float64Array } {
  const i0 = new Int32Array(nOut);
  const i1 = new Int32Array(nOut);
  const f = new Float64Array(nOut);
  for (let i = 0; i < nOut; i++) {
    const y = Math.min(nIn - 1, Math.max(0, (i + 0.5) * ratio - 0.5)); // clamped to the outermost pixel centres (edge replicate)
    const a = Math.floor(y);
    i0[i] = a;
    i1[i] = Math.min(a + 1, nIn - 1);
    f[i] = y - a; // weight of the second tap
  }
  return { i0, i1, f };
}

/** Bilinear resampling of an image from spacing [sy, sx] to `mm` isotropic. */
export function resampleImage(img: Image2D, spacing: [number, number], mm: number): Image2D {
  const [sy, sx] = spacing;
  const rows = resampledSize(img.rows, sy, mm);
  const cols = resampledSize(img.cols, sx, mm);
  const ry = coords(rows, img.rows, mm / sy);
  const rx = coords(cols, img.cols, mm / sx);
  const src = img.data;
  const W = img.cols;
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o0 = ry.i0[r] * W;
    const o1 = ry.i1[r] * W;
    const fy = ry.f[r];
    for (let c = 0; c < cols; c++) {
      const a = rx.i0[c];
      const b = rx.i1[c];
      const fx = rx.f[c];
      const top = src[o0 + a] + fx * (src[o0 + b] - src[o0 + a]); // v = v0 + f (v1 - v0) along x (exactly v0 when f = 0)
      const bot = src[o1 + a] + fx * (src[o1 + b] - src[o1 + a]);
      out[r * cols + c] = top + fy * (bot - top); // then along y
    }
  }
  return { rows, cols, data: out };
}

/** Nearest-neighbour index: the input pixel containing the output centre, floor((i + 0.5) * new / old), clamped. */
function nearest(nOut: number, nIn: number, ratio: number): Int32Array {
  const idx = new Int32Array(nOut);
  // 1e-9 guards a product like 2.9999999999 that should be 3 (ratios of decimal spacings are not exact in binary)
  for (let i = 0; i < nOut; i++) idx[i] = Math.min(nIn - 1, Math.floor((i + 0.5) * ratio + 1e-9));
  return idx;
}

/** Nearest-neighbour resampling of a mask from spacing [sy, sx] to `mm` isotropic (same output size as resampleImage). */
export function resampleMask(mask: Mask2D, spacing: [number, number], mm: number): Mask2D {
  const [sy, sx] = spacing;
  const rows = resampledSize(mask.rows, sy, mm);
  const cols = resampledSize(mask.cols, sx, mm);
  const iy = nearest(rows, mask.rows, mm / sy);
  const ix = nearest(cols, mask.cols, mm / sx);
  const out = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = iy[r] * mask.cols;
    for (let c = 0; c < cols; c++) out[r * cols + c] = mask.data[o + ix[c]] ? 1 : 0;
  }
  return { rows, cols, data: out };
}
