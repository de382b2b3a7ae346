// Stationary (undecimated, à-trous) 2-D wavelet transform, coif1, identical to
// pywt.swt2(x, 'coif1', level=2, start_level=0, trim_approx=False, norm=False) (features README convention 8).
// Circular indexing over the (padded) box, N = padded length along the axis:
//   level 1: out[o] = sum_j f[j] x[(o + 3 - j) mod N]
//   level 2: out[o] = sum_j f[j] a1[(o + 6 - 2j) mod N]   (filters upsampled by 2)
// Separable: axis 0 (rows, y) then axis 1 (columns, x). Band names: first letter = filter along x (columns),
// second = along y (rows); pywt cH (detail along rows) = LH, cV = HL, cD = HH. Hand-written (no JS wavelet
// library matches pywt's SWT semantics) with the 6 taps unrolled and wrap-extended rows (no modulo in the
// inner loops).

/** coif1 decomposition low-pass (pywt `dec_lo`). */
export const COIF1_DEC_LO = [
  -0.015655728135791993, -0.07273261951252645, 0.3848648468648578, 0.8525720202116004, 0.3378976624574818, -0.07273261951252645,
] as const;
/** coif1 decomposition high-pass (pywt `dec_hi`). */
export const COIF1_DEC_HI = [
  0.07273261951252645, 0.3378976624574818, -0.8525720202116004, 0.3848648468648578, 0.07273261951252645, -0.015655728135791993,
] as const;

export const WAVELET_CHANNELS = ["LH1", "HL1", "HH1", "LH2", "HL2", "HH2", "LL2"] as const;
export type WaveletChannel = (typeof WAVELET_CHANNELS)[number];

const [L0, L1, L2, L3, L4, L5] = COIF1_DEC_LO;
const [H0, H1, H2, H3, H4, H5] = COIF1_DEC_HI;

/**
 * Axis 0 (down the rows) at dilation `dil` (1 or 2): for output rows o in [oFrom, oTo), every column.
 * lo/hi may be null to skip. src and outputs are H x W row-major; outputs are written at row o.
 */
export function filterRows(
  src: Float64Array,
  H: number,
  W: number,
  dil: 1 | 2,
  oFrom: number,
  oTo: number,
  lo: Float64Array | null,
  hi: Float64Array | null,
): void {
  const shift = 3 * dil;
  for (let o = oFrom; o < oTo; o++) {
    // source rows (o + shift - dil*j) mod H, j = 0..5
    const r0 = (((o + shift) % H) + H) % H;
    const r1 = (((o + shift - dil) % H) + H) % H;
    const r2 = (((o + shift - 2 * dil) % H) + H) % H;
    const r3 = (((o + shift - 3 * dil) % H) + H) % H;
    const r4 = (((o + shift - 4 * dil) % H) + H) % H;
    const r5 = (((o + shift - 5 * dil) % H) + H) % H;
    const s0 = r0 * W;
    const s1 = r1 * W;
    const s2 = r2 * W;
    const s3 = r3 * W;
    const s4 = r4 * W;
    const s5 = r5 * W;
    const d = o * W;
    if (lo && hi) {
      for (let c = 0; c < W; c++) {
        const x0 = src[s0 + c];
        const x1 = src[s1 + c];
        const x2 = src[s2 + c];
        const x3 = src[s3 + c];
        const x4 = src[s4 + c];
        const x5 = src[s5 + c];
        lo[d + c] = L0 * x0 + L1 * x1 + L2 * x2 + L3 * x3 + L4 * x4 + L5 * x5;
        hi[d + c] = H0 * x0 + H1 * x1 + H2 * x2 + H3 * x3 + H4 * x4 + H5 * x5;
      }
    } else {
      const out = (lo ?? hi) as Float64Array;
      const f = lo ? COIF1_DEC_LO : COIF1_DEC_HI;
      const [f0, f1, f2, f3, f4, f5] = f;
      for (let c = 0; c < W; c++) {
        out[d + c] = f0 * src[s0 + c] + f1 * src[s1 + c] + f2 * src[s2 + c] + f3 * src[s3 + c] + f4 * src[s4 + c] + f5 * src[s5 + c];
      }
    }
  }
}

/**
 * Axis 1 (along each row) at dilation `dil`, for rows [rFrom, rTo) and output columns [cFrom, cTo).
 * Outputs (may be null) are written at dst[(r - dstR0) * dstW + (c - dstC0)], i.e. into a crop-sized buffer;
 * pass dstW = W, dstR0 = dstC0 = 0 for a full-size output. Interior columns read the row directly; only the
 * few columns whose taps wrap around use modulo indexing.
 */
export function filterCols(
  src: Float64Array,
  W: number,
  dil: 1 | 2,
  rFrom: number,
  rTo: number,
  cFrom: number,
  cTo: number,
  lo: Float64Array | null,
  hi: Float64Array | null,
  dstW: number,
  dstR0: number,
  dstC0: number,
): void {
  // out[o] = sum_j f[j] x[(o + 3 dil - dil j) mod W]; taps span [o - 2 dil, o + 3 dil]
  const shift = 3 * dil;
  const iFrom = Math.max(cFrom, 2 * dil); // first column with no wrap
  const iTo = Math.min(cTo, W - 3 * dil); // end of the no-wrap columns
  const s1 = dil;
  const s2 = 2 * dil;
  const s3 = 3 * dil;
  const s4 = 4 * dil;
  const s5 = 5 * dil;
  for (let r = rFrom; r < rTo; r++) {
    const s = r * W;
    const d = (r - dstR0) * dstW - dstC0;
    // wrapped columns (left and right edges)
    for (let o = cFrom; o < cTo; o++) {
      if (o >= iFrom && o < iTo) {
        o = iTo - 1;
        continue;
      }
      let a = 0;
      let b = 0;
      for (let j = 0; j < 6; j++) {
        const i = (((o + shift - dil * j) % W) + W) % W;
        const x = src[s + i];
        a += COIF1_DEC_LO[j] * x;
        b += COIF1_DEC_HI[j] * x;
      }
      if (lo) lo[d + o] = a;
      if (hi) hi[d + o] = b;
    }
    const e0 = s + shift; // src index of tap j = 0 for o = 0
    if (lo && hi) {
      for (let o = iFrom; o < iTo; o++) {
        const e = e0 + o;
        const x0 = src[e];
        const x1 = src[e - s1];
        const x2 = src[e - s2];
        const x3 = src[e - s3];
        const x4 = src[e - s4];
        const x5 = src[e - s5];
        lo[d + o] = L0 * x0 + L1 * x1 + L2 * x2 + L3 * x3 + L4 * x4 + L5 * x5;
        hi[d + o] = H0 * x0 + H1 * x1 + H2 * x2 + H3 * x3 + H4 * x4 + H5 * x5;
      }
    } else {
      const out = (lo ?? hi) as Float64Array;
      const [f0, f1, f2, f3, f4, f5] = lo ? COIF1_DEC_LO : COIF1_DEC_HI;
      for (let o = iFrom; o < iTo; o++) {
        const e = e0 + o;
        out[d + o] = f0 * src[e] + f1 * src[e - s1] + f2 * src[e - s2] + f3 * src[e - s3] + f4 * src[e - s4] + f5 * src[e - s5];
      }
    }
  }
}

/**
 * Level-1 SWT of an H x W array (any H, W, circular): the four full-size bands { LL, LH, HL, HH }.
 * For tests and small arrays; the extractor uses the crop-restricted passes directly.
 */
export function swt2Level1(x: Float64Array, H: number, W: number): Record<"LL" | "LH" | "HL" | "HH", Float64Array> {
  const a0 = new Float64Array(H * W); // low along y
  const d0 = new Float64Array(H * W); // high along y
  filterRows(x, H, W, 1, 0, H, a0, d0);
  const LL = new Float64Array(H * W);
  const HL = new Float64Array(H * W);
  const LH = new Float64Array(H * W);
  const HH = new Float64Array(H * W);
  filterCols(a0, W, 1, 0, H, 0, W, LL, HL, W, 0, 0); // x low -> LL, x high -> HL
  filterCols(d0, W, 1, 0, H, 0, W, LH, HH, W, 0, 0);
  return { LL, LH, HL, HH };
}

/** Full two-level SWT of an H x W array (H, W multiples of 4): the 7 channels plus LL1, full size. */
export function swt2Level2(x: Float64Array, H: number, W: number): Record<WaveletChannel | "LL1", Float64Array> {
  const l1 = swt2Level1(x, H, W);
  const a0 = new Float64Array(H * W);
  const d0 = new Float64Array(H * W);
  filterRows(l1.LL, H, W, 2, 0, H, a0, d0);
  const LL2 = new Float64Array(H * W);
  const HL2 = new Float64Array(H * W);
  const LH2 = new Float64Array(H * W);
  const HH2 = new Float64Array(H * W);
  filterCols(a0, W, 2, 0, H, 0, W, LL2, HL2, W, 0, 0);
  filterCols(d0, W, 2, 0, H, 0, W, LH2, HH2, W, 0, 0);
  return { LH1: l1.LH, HL1: l1.HL, HH1: l1.HH, LH2, HL2, HH2, LL2, LL1: l1.LL };
}

/** The wavelet box of an ROI: bbox grown by `margin` and clipped to the image, then padded to multiples of 4. */
export type WaveletBox = {
  r0: number;
  c0: number;
  /** box size before padding */
  h: number;
  w: number;
  /** padded size (multiples of 4) */
  H: number;
  W: number;
};

export function waveletBox(rows: number, cols: number, rowMin: number, rowMax: number, colMin: number, colMax: number, margin = 8): WaveletBox {
  const r0 = Math.max(0, rowMin - margin);
  const r1 = Math.min(rows - 1, rowMax + margin);
  const c0 = Math.max(0, colMin - margin);
  const c1 = Math.min(cols - 1, colMax + margin);
  const h = r1 - r0 + 1;
  const w = c1 - c0 + 1;
  return { r0, c0, h, w, H: Math.ceil(h / 4) * 4, W: Math.ceil(w / 4) * 4 };
}

/** Copy the box out of the image into dst (H x W), wrap-padding at the end of each axis (numpy pad mode 'wrap'). */
export function fillBox(img: Float64Array, cols: number, b: WaveletBox, dst: Float64Array): void {
  for (let r = 0; r < b.H; r++) {
    const sr = (b.r0 + (r % b.h)) * cols + b.c0;
    const d = r * b.W;
    for (let c = 0; c < b.w; c++) dst[d + c] = img[sr + c];
    for (let c = b.w; c < b.W; c++) dst[d + c] = img[sr + (c % b.w)];
  }
}

/**
 * Axis-1 pass evaluated only at the ROI pixels: for each run (row r, columns c0..c1 inclusive, bbox coordinates;
 * triples in `runs`) the low-pass result goes to outA[k] and the high-pass result to outB[k], k counting ROI
 * pixels in raster order. src is the box (row stride W); the bbox starts at (br0, bc0) inside it. stats receives
 * [minA, maxA, sumA, sumSqA, minB, maxB, sumB, sumSqB] (pass 1 of the per-channel features, fused here).
 */
export function colsAtRoi(
  src: Float64Array,
  W: number,
  dil: 1 | 2,
  runs: Int32Array,
  nRuns: number,
  br0: number,
  bc0: number,
  outA: Float64Array,
  outB: Float64Array,
  stats: Float64Array,
): void {
  const shift = 3 * dil;
  const s1 = dil;
  const s2 = 2 * dil;
  const s3 = 3 * dil;
  const s4 = 4 * dil;
  const s5 = 5 * dil;
  const iFrom = 2 * dil;
  const iTo = W - 3 * dil;
  let minA = Infinity;
  let maxA = -Infinity;
  let sumA = 0;
  let sqA = 0;
  let minB = Infinity;
  let maxB = -Infinity;
  let sumB = 0;
  let sqB = 0;
  let k = 0;
  for (let t = 0; t < nRuns; t++) {
    const row = br0 + runs[3 * t];
    const oStart = bc0 + runs[3 * t + 1];
    const oEnd = bc0 + runs[3 * t + 2] + 1;
    const s = row * W;
    const e0 = s + shift;
    for (let o = oStart; o < oEnd; o++) {
      let a: number;
      let b: number;
      if (o >= iFrom && o < iTo) {
        const e = e0 + o;
        const x0 = src[e];
        const x1 = src[e - s1];
        const x2 = src[e - s2];
        const x3 = src[e - s3];
        const x4 = src[e - s4];
        const x5 = src[e - s5];
        a = L0 * x0 + L1 * x1 + L2 * x2 + L3 * x3 + L4 * x4 + L5 * x5;
        b = H0 * x0 + H1 * x1 + H2 * x2 + H3 * x3 + H4 * x4 + H5 * x5;
      } else {
        a = 0;
        b = 0;
        for (let j = 0; j < 6; j++) {
          const i = (((o + shift - dil * j) % W) + W) % W;
          const x = src[s + i];
          a += COIF1_DEC_LO[j] * x;
          b += COIF1_DEC_HI[j] * x;
        }
      }
      outA[k] = a;
      outB[k] = b;
      k++;
      sumA += a;
      sqA += a * a;
      if (a < minA) minA = a;
      if (a > maxA) maxA = a;
      sumB += b;
      sqB += b * b;
      if (b < minB) minB = b;
      if (b > maxB) maxB = b;
    }
  }
  stats[0] = minA;
  stats[1] = maxA;
  stats[2] = sumA;
  stats[3] = sqA;
  stats[4] = minB;
  stats[5] = maxB;
  stats[6] = sumB;
  stats[7] = sqB;
}
