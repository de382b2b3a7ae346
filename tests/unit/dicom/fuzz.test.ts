// Hostile-input check (short seeded run; the long run belongs to the reliability suite): for every DICOM
// fixture, truncated, bit-flipped and wrong-transfer-syntax versions give a DicomError with a message, or
// (bit flips inside pixel values) a valid decode, within a time bound: never another exception or a hang.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DicomError, readDicom } from "../../../lib/dicom/index.ts";
import { createRng } from "../../../lib/random.ts";
import { manifest, readFixture, withTransferSyntax } from "./helpers.ts";

// A hang guard, not a speed target (speed lives in `npm run bench`): generous enough for the 13-Mpixel MG1
// decode on a loaded 2-core CI machine, far below "never returns".
const TIME_BOUND_MS = 60_000;

async function outcome(bytes: Uint8Array): Promise<{ ok: true } | { ok: false; err: DicomError }> {
  try {
    const d = await readDicom(bytes);
    const p = d.pixels;
    assert.equal(p.data.length, p.rows * p.columns * p.frames * p.samplesPerPixel, "valid result has the declared size");
    return { ok: true };
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    assert.ok(e instanceof DicomError, `expected a DicomError, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? String(e)}`);
    assert.ok(e.message.length > 10, "error message names the problem");
    return { ok: false, err: e };
  }
}

async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await f();
  const dt = performance.now() - t0;
  assert.ok(dt < TIME_BOUND_MS, `${label} took ${dt.toFixed(0)} ms`);
  return r;
}

const rows = manifest();
let seed = 20261127;
for (const row of rows) {
  const big = row.file.includes("MG1_");
  const rng = createRng(seed++);
  test(`mutated ${row.file}: typed error or valid result, bounded time`, { timeout: 120_000 }, async () => {
    const orig = readFixture(row.file);
    // truncation: always an error; past the header it is TRUNCATED and names the byte counts
    for (const frac of [0.02, 0.4, 0.97]) {
      const cut = orig.subarray(0, Math.floor(orig.length * frac));
      const r = await timed(`truncated ${frac}`, () => outcome(cut));
      assert.equal(r.ok, false, `truncated to ${cut.length} bytes decoded without error`);
    }
    const cut = orig.subarray(0, orig.length - 1000);
    const r = await outcome(cut);
    assert.ok(!r.ok && ["TRUNCATED", "BAD_PIXEL_DATA"].includes(r.err.code), `drop last 1000 bytes: ${!r.ok && r.err.code} ${!r.ok && r.err.message}`);
    // bit flips: half in the first 2 KB (header), half anywhere (big files: header only, to bound the run time)
    for (let k = 0; k < (big ? 2 : 6); k++) {
      const b = orig.slice();
      const n = 1 + rng.int(6);
      for (let j = 0; j < n; j++) {
        const pos = big || k % 2 === 1 ? rng.int(Math.min(2048, b.length)) : rng.int(b.length);
        b[pos] ^= 1 << rng.int(8);
      }
      await timed(`bit flip #${k}`, () => outcome(b));
    }
    // wrong transfer syntax in the meta header
    const native = row.encapsulation === "native";
    const wrong = native ? ["1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.5", "1.2.3.4.5"] : ["1.2.840.10008.1.2.1", "1.2.3.4.5"];
    if (!native && !big) wrong.push(row.transfer_syntax_uid.endsWith(".80") || row.transfer_syntax_uid.endsWith(".81") ? "1.2.840.10008.1.2.4.90" : "1.2.840.10008.1.2.4.80");
    for (const ts of wrong) {
      const r2 = await timed(`transfer syntax ${ts}`, () => outcome(withTransferSyntax(orig, ts)));
      assert.equal(r2.ok, false, `decoded with the wrong transfer syntax ${ts}`);
      if (ts === "1.2.3.4.5") assert.equal(!r2.ok && r2.err.code, "UNSUPPORTED_TRANSFER_SYNTAX");
    }
  });
}

test("hostile headers: not DICOM, huge declared size, zero rows", async () => {
  const { wrapGreyImage, el } = await import("../../../lib/dicom/index.ts");
  const png = new Uint8Array(200);
  png.set([0x89, 0x50, 0x4e, 0x47]);
  const r1 = await outcome(png);
  assert.ok(!r1.ok && r1.err.code === "NOT_DICOM" && /DICM/.test(r1.err.message));
  // 65535 x 65535 declared over 64 bytes of pixel data: refused before any allocation
  const base = wrapGreyImage({ rows: 8, cols: 8, data: new Uint8Array(64) }, [el("SOPClassUID", "1.2.840.10008.5.1.4.1.1.7"), el("SOPInstanceUID", "1.2.3"), el("Rows", 65535), el("Columns", 65535)]);
  const r2 = await outcome(base);
  assert.ok(!r2.ok && r2.err.code === "TOO_LARGE", !r2.ok ? r2.err.message : "");
  const small = wrapGreyImage({ rows: 8, cols: 8, data: new Uint8Array(64) }, [el("SOPClassUID", "1.2.840.10008.5.1.4.1.1.7"), el("SOPInstanceUID", "1.2.3"), el("Rows", 512)]);
  // 20000 nested undefined-length sequences: a typed error, not a stack-overflow crash
  const metaEnd = 132 + 12 + new DataView(base.buffer, base.byteOffset).getUint32(140, true);
  const open = [0x08, 0x00, 0x15, 0x11, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff];
  const close = [0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0];
  const nested = new Uint8Array(metaEnd + 20000 * (open.length + close.length) + (base.length - metaEnd));
  nested.set(base.subarray(0, metaEnd));
  let o = metaEnd;
  for (let i = 0; i < 20000; i++, o += open.length) nested.set(open, o);
  for (let i = 0; i < 20000; i++, o += close.length) nested.set(close, o);
  nested.set(base.subarray(metaEnd), o);
  const rn = await timed("deep nesting", () => outcome(nested));
  assert.ok(!rn.ok && rn.err.code === "PARSE_ERROR", !rn.ok ? rn.err.message : "");
  // a declared pixel-data length of 4 GB over a few bytes
  const hugeLen = base.slice();
  const at = hugeLen.length - 64 - 12;
  assert.deepEqual(Array.from(hugeLen.subarray(at, at + 4)), [0xe0, 0x7f, 0x10, 0x00]);
  new DataView(hugeLen.buffer).setUint32(at + 8, 0xfffffff0, true);
  const rh = await outcome(hugeLen);
  assert.ok(!rh.ok && rh.err.code === "TRUNCATED", !rh.ok ? rh.err.message : "");
  const r3 = await outcome(small);
  assert.ok(!r3.ok && r3.err.code === "TRUNCATED" && /expected 4096 bytes, found 64/.test(r3.err.message), !r3.ok ? r3.err.message : "");
});
