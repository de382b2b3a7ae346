// ROI utilities: polygon -> mask, threshold region growing, hole filling, largest component, bounding box.
// Browser-safe: no node imports (the viewer runs these client-side for the live outline). All loops work on
// typed arrays; flood fills are scanline fills with an Int32Array stack (hand-written for speed: a
// 1000x1000 region takes a few ms, a per-pixel queue of objects would not).
import type { Image2D, Mask2D } from "../image/types.ts";

/** Bad input to an ROI utility (empty polygon, seed outside the image, size mismatch …). */
export class RoiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RoiError";
  }
}

/** Inclusive bounding box of the non-zero mask pixels, plus their count. */
export type BBox = { rowMin: number; rowMax: number; colMin: number; colMax: number; count: number };

/** A polygon vertex in pixel units: x = column axis, y = row axis, origin at the top-left CORNER of pixel (0,0). */
export type Point = { x: number; y: number };

function checkDims(rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new RoiError(`invalid mask size ${rows}x${cols}`);
  }
}

/** Bounding box of the ROI (non-zero pixels), or null for an empty mask. */
export function maskBoundingBox(mask: Mask2D): BBox | null {
  const { rows, cols, data } = mask;
  let rowMin = -1;
  let rowMax = -1;
  let colMin = cols;
  let colMax = -1;
  let count = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let first = -1;
    let last = -1;
    for (let c = 0; c < cols; c++) {
      if (data[o + c] !== 0) {
        if (first < 0) first = c;
        last = c;
        count++;
      }
    }
    if (first >= 0) {
      if (rowMin < 0) rowMin = r;
      rowMax = r;
      if (first < colMin) colMin = first;
      if (last > colMax) colMax = last;
    }
  }
  return rowMin < 0 ? null : { rowMin, rowMax, colMin, colMax, count };
}

/** Mask from decoded grey/label data (e.g. a PNG decoded by the caller): non-zero = ROI. */
export function maskFromData(rows: number, cols: number, values: ArrayLike<number>): Mask2D {
  checkDims(rows, cols);
  if (values.length !== rows * cols) throw new RoiError(`mask data has ${values.length} values, expected ${rows}x${cols}`);
  const data = new Uint8Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = values[i] !== 0 ? 1 : 0;
  return { rows, cols, data };
}

/**
 * Polygon -> mask by the pixel-centre rule: pixel (r, c) is inside when its centre (x = c + 0.5, y = r + 0.5)
 * is inside the polygon (even-odd rule; a centre exactly on a left/top edge is in, on a right/bottom edge out).
 * A rectangle with integer corners (x0,y0)-(x1,y1) gives exactly the pixels c in [x0, x1), r in [y0, y1).
 */
export function polygonToMask(rows: number, cols: number, polygon: ReadonlyArray<Point>): Mask2D {
  checkDims(rows, cols);
  const n = polygon.length;
  if (n < 3) throw new RoiError(`a polygon needs at least 3 vertices, got ${n}`);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const p = polygon[i];
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new RoiError(`polygon vertex ${i} is not a finite point`);
    xs[i] = p.x;
    ys[i] = p.y;
    if (p.y < yMin) yMin = p.y;
    if (p.y > yMax) yMax = p.y;
  }
  const data = new Uint8Array(rows * cols);
  const cross = new Float64Array(n);
  const r0 = Math.max(0, Math.floor(yMin - 0.5));
  const r1 = Math.min(rows - 1, Math.ceil(yMax));
  for (let r = r0; r <= r1; r++) {
    const y = r + 0.5;
    let k = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const ya = ys[j];
      const yb = ys[i];
      // half-open in y so a vertex exactly on the scanline is counted once
      if ((ya <= y && y < yb) || (yb <= y && y < ya)) {
        cross[k++] = xs[j] + ((y - ya) * (xs[i] - xs[j])) / (yb - ya);
      }
    }
    if (k < 2) continue;
    const sub = cross.subarray(0, k).sort();
    const o = r * cols;
    for (let t = 0; t + 1 < k; t += 2) {
      // centres c + 0.5 in [xa, xb)
      const cStart = Math.max(0, Math.ceil(sub[t] - 0.5));
      const cEnd = Math.min(cols, Math.ceil(sub[t + 1] - 0.5));
      for (let c = cStart; c < cEnd; c++) data[o + c] = 1;
    }
  }
  return { rows, cols, data };
}

/**
 * Scanline flood fill over `grid` (rows x cols): every pixel reachable from the seeds through pixels with
 * grid == from is set to `to`. 8- or 4-connectivity. Returns the number of pixels filled.
 */
function floodFill(
  grid: Uint8Array,
  rows: number,
  cols: number,
  seeds: Int32Array,
  nSeeds: number,
  from: number,
  to: number,
  conn: 4 | 8,
): number {
  let stack = new Int32Array(Math.max(64, nSeeds * 2 + 64));
  let sp = 0;
  const push = (idx: number): void => {
    if (sp === stack.length) {
      const s2 = new Int32Array(stack.length * 2);
      s2.set(stack);
      stack = s2;
    }
    stack[sp++] = idx;
  };
  for (let i = 0; i < nSeeds; i++) push(seeds[i]);
  let filled = 0;
  const ext = conn === 8 ? 1 : 0;
  while (sp > 0) {
    const idx = stack[--sp];
    if (grid[idx] !== from) continue;
    const r = (idx / cols) | 0;
    const o = r * cols;
    let c0 = idx - o;
    let c1 = c0;
    while (c0 > 0 && grid[o + c0 - 1] === from) c0--;
    while (c1 < cols - 1 && grid[o + c1 + 1] === from) c1++;
    for (let c = c0; c <= c1; c++) grid[o + c] = to;
    filled += c1 - c0 + 1;
    const lo = Math.max(0, c0 - ext);
    const hi = Math.min(cols - 1, c1 + ext);
    for (let dr = -1; dr <= 1; dr += 2) {
      const rr = r + dr;
      if (rr < 0 || rr >= rows) continue;
      const oo = rr * cols;
      let c = lo;
      while (c <= hi) {
        if (grid[oo + c] === from) {
          push(oo + c); // one seed per run of fillable pixels
          while (c <= hi && grid[oo + c] === from) c++;
        } else c++;
      }
    }
  }
  return filled;
}

export type RegionGrowOptions = {
  /** 8 (default) or 4 */
  connectivity?: 4 | 8;
  /** fill holes of the grown region (default false) */
  fillHoles?: boolean;
};

/**
 * Threshold region growing: the connected set (8-connectivity by default) of pixels with
 * lower <= value <= upper that contains the seed. Empty mask if the seed itself is outside the bounds.
 */
export function regionGrow(
  image: Image2D,
  seed: { row: number; col: number },
  lower: number,
  upper: number,
  options: RegionGrowOptions = {},
): Mask2D {
  const { rows, cols, data } = image;
  checkDims(rows, cols);
  if (data.length !== rows * cols) throw new RoiError(`image data has ${data.length} values, expected ${rows}x${cols}`);
  const { row, col } = seed;
  if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= rows || col >= cols) {
    throw new RoiError(`seed (row ${row}, col ${col}) is outside the ${rows}x${cols} image`);
  }
  if (!(lower <= upper)) throw new RoiError(`region growing needs lower <= upper, got [${lower}, ${upper}]`);
  const conn = options.connectivity ?? 8;
  const out = new Uint8Array(rows * cols);
  // scanline fill straight on the image values: only the region and its border are ever touched.
  // A pixel is fillable when out == 0 and lower <= value <= upper (checks inlined for speed).
  let stack = new Int32Array(1024);
  let sp = 0;
  const start = row * cols + col;
  if (!(data[start] >= lower && data[start] <= upper)) return { rows, cols, data: out };
  stack[sp++] = start;
  const ext = conn === 8 ? 1 : 0;
  while (sp > 0) {
    const idx = stack[--sp];
    if (out[idx] !== 0) continue;
    const r = (idx / cols) | 0;
    const o = r * cols;
    let c0 = idx - o;
    let c1 = c0;
    while (c0 > 0) {
      const v = data[o + c0 - 1];
      if (out[o + c0 - 1] !== 0 || !(v >= lower && v <= upper)) break;
      c0--;
    }
    while (c1 < cols - 1) {
      const v = data[o + c1 + 1];
      if (out[o + c1 + 1] !== 0 || !(v >= lower && v <= upper)) break;
      c1++;
    }
    out.fill(1, o + c0, o + c1 + 1);
    const lo = c0 - ext < 0 ? 0 : c0 - ext;
    const hi = c1 + ext > cols - 1 ? cols - 1 : c1 + ext;
    for (let dr = -1; dr <= 1; dr += 2) {
      const rr = r + dr;
      if (rr < 0 || rr >= rows) continue;
      const oo = rr * cols;
      let inSpan = false;
      for (let c = lo; c <= hi; c++) {
        const q = oo + c;
        const v = data[q];
        const fillable = out[q] === 0 && v >= lower && v <= upper;
        if (fillable && !inSpan) {
          if (sp === stack.length) {
            const s2 = new Int32Array(stack.length * 2);
            s2.set(stack);
            stack = s2;
          }
          stack[sp++] = q; // one seed per run of fillable pixels
        }
        inSpan = fillable;
      }
    }
  }
  const res: Mask2D = { rows, cols, data: out };
  return options.fillHoles ? fillHoles(res, conn) : res;
}

/**
 * Fill holes: background pixels not connected to the image border are set to 1. Background connectivity is the
 * complement of the foreground's (4 for an 8-connected foreground, the default), so a diagonal gap does not leak.
 */
export function fillHoles(mask: Mask2D, foregroundConnectivity: 4 | 8 = 8): Mask2D {
  const { rows, cols } = mask;
  checkDims(rows, cols);
  const out = new Uint8Array(rows * cols);
  const bb = maskBoundingBox(mask);
  if (!bb) return { rows, cols, data: out };
  // work on the bounding box grown by one pixel (outside it everything is background connected to the border)
  const r0 = Math.max(0, bb.rowMin - 1);
  const r1 = Math.min(rows - 1, bb.rowMax + 1);
  const c0 = Math.max(0, bb.colMin - 1);
  const c1 = Math.min(cols - 1, bb.colMax + 1);
  const h = r1 - r0 + 3;
  const w = c1 - c0 + 3; // plus a 1-pixel frame of outside background
  const grid = new Uint8Array(h * w);
  for (let r = r0; r <= r1; r++) {
    const so = r * cols;
    const go = (r - r0 + 1) * w + 1;
    for (let c = c0; c <= c1; c++) grid[go + c - c0] = mask.data[so + c] !== 0 ? 1 : 0;
  }
  const seeds = new Int32Array(1);
  seeds[0] = 0;
  floodFill(grid, h, w, seeds, 1, 0, 2, foregroundConnectivity === 8 ? 4 : 8);
  out.set(mask.data);
  for (let i = 0; i < out.length; i++) out[i] = out[i] !== 0 ? 1 : 0;
  for (let r = r0; r <= r1; r++) {
    const so = r * cols;
    const go = (r - r0 + 1) * w + 1;
    for (let c = c0; c <= c1; c++) if (grid[go + c - c0] === 0) out[so + c] = 1;
  }
  return { rows, cols, data: out };
}

/** Keep only the largest connected component (8-connectivity by default; ties -> the first in raster order). */
export function largestComponent(mask: Mask2D, connectivity: 4 | 8 = 8): Mask2D {
  const { rows, cols } = mask;
  checkDims(rows, cols);
  const grid = new Uint8Array(rows * cols);
  for (let i = 0; i < grid.length; i++) grid[i] = mask.data[i] !== 0 ? 1 : 0;
  const seed = new Int32Array(1);
  let bestSeed = -1;
  let bestSize = 0;
  for (let i = 0; i < grid.length; i++) {
    if (grid[i] !== 1) continue;
    seed[0] = i;
    const size = floodFill(grid, rows, cols, seed, 1, 1, 2, connectivity);
    if (size > bestSize) {
      bestSize = size;
      bestSeed = i;
    }
  }
  const out = new Uint8Array(rows * cols);
  if (bestSeed < 0) return { rows, cols, data: out };
  // grid now holds 2 for every ROI pixel; relabel the winner to 3 and keep it
  seed[0] = bestSeed;
  floodFill(grid, rows, cols, seed, 1, 2, 3, connectivity);
  for (let i = 0; i < grid.length; i++) out[i] = grid[i] === 3 ? 1 : 0;
  return { rows, cols, data: out };
}

/** Number of ROI pixels. */
export function maskArea(mask: Mask2D): number {
  let n = 0;
  const d = mask.data;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) n++;
  return n;
}
