// Image and mask loading for radiomics and the CLI: DICOM (any transfer syntax lib/dicom reads),
// 8/16-bit greyscale PNG (pngjs) and PGM (P2/P5, maxval <= 65535). Bad input -> ImageLoadError or DicomError.
import { readFile } from "node:fs/promises";
import { PNG } from "pngjs";
import type { Image2D, LoadedImage, Mask2D } from "./types.ts";
import { DicomError, loadDicomImage, type ReadOptions, type ToLoadedOptions } from "../dicom/index.ts";

export class ImageLoadError extends Error {
  constructor(
    readonly code: "UNKNOWN_FORMAT" | "BAD_PNG" | "BAD_PGM" | "NOT_GREY" | "SIZE_MISMATCH" | "TOO_LARGE" | "READ_FAILED",
    message: string,
  ) {
    super(message);
    this.name = "ImageLoadError";
  }
}

export type LoadOptions = ReadOptions & ToLoadedOptions & {
  /** cap on rows*cols for PNG/PGM (default 2^27) */
  maxPixels?: number;
};

/** Sniff the format from the bytes (not the file name): "dicom" | "png" | "pgm" | null. */
export function sniffFormat(b: Uint8Array): "dicom" | "png" | "pgm" | null {
  if (b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d) return "dicom";
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "png";
  if (b.length >= 2 && b[0] === 0x50 && (b[1] === 0x32 || b[1] === 0x35)) return "pgm";
  return null;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new ImageLoadError("READ_FAILED", `cannot read ${path}: ${(e as Error).message}`);
  }
}

/** Load DICOM / PNG / PGM from disk. */
export async function loadImageFile(path: string, opts: LoadOptions = {}): Promise<LoadedImage> {
  return loadImageBytes(await readBytes(path), path, opts);
}

/** Load from bytes; `name` is only used in messages. */
export async function loadImageBytes(bytes: Uint8Array, name: string, opts: LoadOptions = {}): Promise<LoadedImage> {
  const fmt = sniffFormat(bytes);
  if (fmt === "dicom") return loadDicomImage(bytes, opts);
  if (fmt === "png") {
    const { rows, cols, data } = decodePngGrey(bytes, name, opts.maxPixels);
    return plain({ rows, cols, data: Float64Array.from(data) }, "png");
  }
  if (fmt === "pgm") return plain(decodePgm(bytes, name, opts.maxPixels), "pgm");
  if (/\.dcm$/i.test(name) || bytes.length >= 4)
    throw new DicomError("NOT_DICOM", `${name}: not a DICOM Part 10 file (no "DICM" at byte 128), PNG or PGM`);
  throw new ImageLoadError("UNKNOWN_FORMAT", `${name}: unknown image format`);
}

function plain(image: Image2D, format: "png" | "pgm"): LoadedImage {
  return { image, spacing: null, format, inverted: false, laterality: null, view: null };
}

/** Greyscale PNG (colour type 0 or 4; 1/2/4/8/16-bit) -> raw grey values (no gamma, alpha dropped). */
export function decodePngGrey(bytes: Uint8Array, name = "PNG", maxPixels = 2 ** 27): { rows: number; cols: number; data: Uint16Array } {
  if (bytes.length < 33) throw new ImageLoadError("BAD_PNG", `${name}: PNG is truncated (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const w = dv.getUint32(16);
  const h = dv.getUint32(20);
  const colorType = bytes[25];
  if (w * h > maxPixels || w === 0 || h === 0) throw new ImageLoadError("TOO_LARGE", `${name}: PNG size ${w}x${h} is outside the allowed range`);
  if (colorType !== 0 && colorType !== 4) throw new ImageLoadError("NOT_GREY", `${name}: PNG colour type ${colorType} is not greyscale (expected 0 or 4)`);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: true } as never);
  } catch (e) {
    throw new ImageLoadError("BAD_PNG", `${name}: PNG could not be decoded: ${(e as Error).message}`);
  }
  // pngjs expands to RGBA; with skipRescale 16-bit data stays 16-bit (Uint16Array), else 8-bit bytes
  const n = w * h;
  const src = png.data as unknown as ArrayLike<number>;
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = src[4 * i];
  return { rows: h, cols: w, data: out };
}

/** PGM P5 (binary, 8-bit or 16-bit big-endian per Netpbm) and P2 (ASCII). */
export function decodePgm(bytes: Uint8Array, name = "PGM", maxPixels = 2 ** 27): Image2D {
  let pos = 2;
  const ascii = bytes[1] === 0x32;
  const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
  const token = (): number => {
    for (;;) {
      while (pos < bytes.length && isSpace(bytes[pos])) pos++;
      if (bytes[pos] === 0x23) {
        while (pos < bytes.length && bytes[pos] !== 0x0a && bytes[pos] !== 0x0d) pos++;
        continue;
      }
      break;
    }
    const start = pos;
    while (pos < bytes.length && bytes[pos] >= 0x30 && bytes[pos] <= 0x39) pos++;
    if (pos === start || pos - start > 10) throw new ImageLoadError("BAD_PGM", `${name}: PGM header is malformed at byte ${start}`);
    return Number(new TextDecoder().decode(bytes.subarray(start, pos)));
  };
  const cols = token();
  const rows = token();
  const maxval = token();
  if (cols < 1 || rows < 1 || cols * rows > maxPixels) throw new ImageLoadError("TOO_LARGE", `${name}: PGM size ${cols}x${rows} is outside the allowed range`);
  if (maxval < 1 || maxval > 65535) throw new ImageLoadError("BAD_PGM", `${name}: PGM maxval ${maxval} is not within 1..65535`);
  const n = rows * cols;
  const data = new Float64Array(n);
  if (ascii) {
    for (let i = 0; i < n; i++) {
      if (pos >= bytes.length) throw new ImageLoadError("BAD_PGM", `${name}: PGM is truncated: ${i} of ${n} values`);
      data[i] = token();
    }
  } else {
    pos++; // exactly one whitespace byte after maxval
    const bpp = maxval < 256 ? 1 : 2;
    if (pos + n * bpp > bytes.length) throw new ImageLoadError("BAD_PGM", `${name}: PGM is truncated: expected ${n * bpp} pixel bytes, found ${bytes.length - pos}`);
    if (bpp === 1) for (let i = 0; i < n; i++) data[i] = bytes[pos + i];
    else for (let i = 0; i < n; i++) data[i] = (bytes[pos + 2 * i] << 8) | bytes[pos + 2 * i + 1]; // Netpbm: most significant byte first
  }
  return { rows, cols, data };
}

/** Mask PNG: non-zero = ROI (1), zero = 0. Checks the size against `expected` when given. */
export async function loadMaskFile(path: string, expected?: { rows: number; cols: number }): Promise<Mask2D> {
  return loadMaskBytes(await readBytes(path), path, expected);
}

export function loadMaskBytes(bytes: Uint8Array, name: string, expected?: { rows: number; cols: number }): Mask2D {
  if (sniffFormat(bytes) !== "png") throw new ImageLoadError("BAD_PNG", `${name}: mask must be a PNG file`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const colorType = bytes.length > 25 ? bytes[25] : -1;
  let rows: number;
  let cols: number;
  let grey: ArrayLike<number>;
  if (colorType === 0 || colorType === 4) ({ rows, cols, data: grey } = decodePngGrey(bytes, name));
  else {
    // colour masks (e.g. exported overlays): any non-zero channel counts
    let png: PNG;
    try {
      png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      throw new ImageLoadError("BAD_PNG", `${name}: PNG could not be decoded: ${(e as Error).message}`);
    }
    rows = dv.getUint32(20);
    cols = dv.getUint32(16);
    const g = new Uint8Array(rows * cols);
    for (let i = 0; i < g.length; i++) g[i] = png.data[4 * i] | png.data[4 * i + 1] | png.data[4 * i + 2] ? 1 : 0;
    grey = g;
  }
  if (expected && (expected.rows !== rows || expected.cols !== cols))
    throw new ImageLoadError("SIZE_MISMATCH", `${name}: mask is ${cols}x${rows} but the image is ${expected.cols}x${expected.rows}`);
  const data = new Uint8Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = grey[i] !== 0 ? 1 : 0;
  return { rows, cols, data };
}
