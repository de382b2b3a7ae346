// Test helpers: read the fixture PNGs (pngjs, 8/16-bit grey, no rescale) into Image2D / Mask2D.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { PNG } from "pngjs";
import type { Image2D, Mask2D } from "../../../lib/image/types.ts";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "radiomics");

export function fixturePath(name: string): string {
  return join(FIXTURES, name);
}

export function readJson<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), "utf8")) as T;
}

/** Grey PNG -> Image2D with the stored integer values as float64 (16-bit values kept, not rescaled). */
export function readPngImage(name: string): Image2D {
  const png = PNG.sync.read(readFileSync(fixturePath(name)), { skipRescale: true });
  const rows = png.height;
  const cols = png.width;
  const src = png.data as unknown as ArrayLike<number>; // RGBA, Uint16Array for 16-bit files
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows * cols; i++) data[i] = src[4 * i];
  return { rows, cols, data };
}

/** Grey PNG -> Mask2D (value > 0 = ROI). */
export function readPngMask(name: string): Mask2D {
  const img = readPngImage(name);
  const data = new Uint8Array(img.rows * img.cols);
  for (let i = 0; i < data.length; i++) data[i] = img.data[i] > 0 ? 1 : 0;
  return { rows: img.rows, cols: img.cols, data };
}
