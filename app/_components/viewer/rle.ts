// Mask run-length codec shared by the viewer (same format as server/api/routers/rois.ts): comma-separated run
// lengths over the row-major mask, alternating 0-runs and 1-runs, starting with a 0-run (possibly 0).
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

export function decodeRle(rle: string, n: number, out: Uint8Array = new Uint8Array(n)): Uint8Array {
  out.fill(0);
  let pos = 0;
  let v = 0;
  for (const part of rle.split(",")) {
    const len = Number(part);
    if (!Number.isInteger(len) || len < 0 || pos + len > n) throw new Error("malformed ROI mask");
    if (v) out.fill(1, pos, pos + len);
    pos += len;
    v ^= 1;
  }
  if (pos !== n) throw new Error("ROI mask size does not match the image");
  return out;
}
