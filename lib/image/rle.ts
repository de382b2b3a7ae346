// Binary-mask run-length codec, shared by the viewer (browser) and the server (ROI storage): comma-separated
// run lengths over the row-major mask, alternating 0-runs and 1-runs, starting with a 0-run (possibly 0).
// Browser-safe: no node imports.

export class RleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RleError";
  }
}

/** Encode a mask (non-zero = inside). */
export function encodeRle(data: Uint8Array): string {
  const runs: number[] = [];
  let v = 0;
  let len = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i] !== 0 ? 1 : 0;
    if (b === v) len++;
    else {
      runs.push(len);
      v = b;
      len = 1;
    }
  }
  runs.push(len);
  return runs.join(",");
}

/** Decode into `out` (n = rows*cols pixels); RleError names the problem for malformed input or a size mismatch. */
export function decodeRle(rle: string, n: number, out: Uint8Array = new Uint8Array(n)): Uint8Array {
  if (!/^\d+(,\d+)*$/.test(rle)) throw new RleError("The ROI mask encoding is malformed.");
  out.fill(0);
  let pos = 0;
  let v = 0;
  for (const part of rle.split(",")) {
    const len = Number(part);
    if (pos + len > n) throw new RleError("The ROI mask is larger than its image.");
    if (v) out.fill(1, pos, pos + len);
    pos += len;
    v ^= 1;
  }
  if (pos !== n) throw new RleError(`The ROI mask covers ${pos} pixels, the image has ${n}.`);
  return out;
}
