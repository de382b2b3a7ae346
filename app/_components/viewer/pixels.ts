// Client side of the pixel cache ("AXPX", server/services/ingest.ts): fetch, parse, window/level LUTs.
export type PixelData = {
  rows: number;
  cols: number;
  /** intensities in the chest-wall-left frame (radiomics units) */
  data: Uint16Array | Int16Array | Float32Array;
  window: { center: number; width: number };
  min: number;
  max: number;
  bytes: number;
  /** downsampling factor: 1 = full resolution, k > 1 = a k x k box-mean preview */
  k: number;
};

const HEADER = 48;

export async function fetchPixels(url: string, signal?: AbortSignal): Promise<PixelData> {
  const r = await fetch(url, { signal, credentials: "same-origin" });
  if (!r.ok) throw new Error(r.status === 404 ? "Image not found." : `Could not load the image (HTTP ${r.status}).`);
  const buf = await r.arrayBuffer();
  const dv = new DataView(buf);
  if (buf.byteLength < HEADER || dv.getUint32(0, false) !== 0x41585058) throw new Error("The server sent something that is not image data.");
  const dtype = dv.getUint8(5);
  const rows = dv.getUint32(8, true);
  const cols = dv.getUint32(12, true);
  const n = rows * cols;
  const data = dtype === 1 ? new Uint16Array(buf, HEADER, n) : dtype === 2 ? new Int16Array(buf, HEADER, n) : new Float32Array(buf, HEADER, n);
  const k = Math.max(1, dv.getUint8(6));
  return { rows, cols, data, window: { center: dv.getFloat64(16, true), width: dv.getFloat64(24, true) }, min: dv.getFloat64(32, true), max: dv.getFloat64(40, true), bytes: buf.byteLength, k };
}

/**
 * 8-bit LUT for integer data (index = value - offset), DICOM PS3.3 C.11.2.1.2 LINEAR window:
 * x <= c - 0.5 - (w-1)/2 -> 0; x > c - 0.5 + (w-1)/2 -> 255; else ((x - (c - 0.5)) / (w - 1) + 0.5) * 255.
 * Rebuilt on each window change (65536 entries, well under a millisecond).
 */
export function buildLut(lut: Uint8Array, offset: number, center: number, width: number, invert: boolean): void {
  const w = Math.max(width, 1);
  const lo = center - 0.5 - (w - 1) / 2;
  const hi = center - 0.5 + (w - 1) / 2;
  const scale = w > 1 ? 255 / (w - 1) : 0;
  for (let i = 0; i < lut.length; i++) {
    const x = i + offset;
    let y = x <= lo ? 0 : x > hi ? 255 : w > 1 ? (x - (center - 0.5)) * scale + 127.5 : 255;
    y = y < 0 ? 0 : y > 255 ? 255 : Math.round(y);
    lut[i] = invert ? 255 - y : y;
  }
}
