// lib/image/load.ts: PNG (8/16-bit grey), PGM (P2/P5, 8/16-bit), DICOM by content sniffing, masks.
// Reference: shared/data/mini-mias/images.csv pixels_sha256 of mdb028 and the mini-MIAS truth table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { loadImageBytes, loadImageFile, loadMaskFile, ImageLoadError } from "../../../lib/image/load.ts";
import { DicomError } from "../../../lib/dicom/index.ts";
import { FIXTURES } from "./helpers.ts";

const MDB028_PIXELS_SHA256 = "1f4db6d9311218676b26a6a7212e7f2512ab3ff6cc096c37a253c60b557305f1"; // images.csv
const pngPath = join(FIXTURES, "generated/mdb028.png");
const tmp = mkdtempSync(join(tmpdir(), "axilla-load-"));

test("8-bit PNG: mdb028 loads with the images.csv pixel hash, no spacing", async () => {
  const l = await loadImageFile(pngPath);
  assert.equal(l.format, "png");
  assert.equal(l.image.rows, 1024);
  assert.equal(l.image.cols, 1024);
  assert.equal(l.spacing, null);
  const bytes = Uint8Array.from(l.image.data);
  assert.equal(createHash("sha256").update(bytes).digest("hex"), MDB028_PIXELS_SHA256);
});

test("the MG DICOM wrapper of mdb028 loads to the same intensities as the PNG", async () => {
  const a = await loadImageFile(pngPath);
  const b = await loadImageFile(join(FIXTURES, "generated/mdb028_MG.dcm"));
  assert.equal(b.format, "dicom");
  assert.deepEqual(b.spacing, { mm: [0.2, 0.2], source: "PixelSpacing" });
  assert.equal(b.laterality, "L");
  assert.equal(b.view, "MLO");
  assert.deepEqual(Array.from(b.image.data.subarray(0, 5000)), Array.from(a.image.data.subarray(0, 5000)));
  assert.ok(a.image.data.every((v, i) => v === b.image.data[i]));
});

test("16-bit PNG and PGM P5 8/16-bit and P2 load exactly", async () => {
  const base = (await loadImageFile(pngPath)).image;
  const w = 64;
  const h = 48;
  const vals16 = new Uint16Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) vals16[r * w + c] = base.data[(400 + r) * 1024 + 300 + c] * 257;
  const png = new PNG({ width: w, height: h, bitDepth: 16, colorType: 0, inputColorType: 0, inputHasAlpha: false } as never);
  png.data = vals16 as never;
  const file16 = join(tmp, "x16.png");
  writeFileSync(file16, PNG.sync.write(png, { bitDepth: 16, colorType: 0, inputColorType: 0, inputHasAlpha: false } as never));
  const l16 = await loadImageFile(file16);
  assert.deepEqual(Array.from(l16.image.data), Array.from(vals16));
  // PGM P5 16-bit: most significant byte first (Netpbm)
  const head16 = new TextEncoder().encode(`P5\n# comment\n${w} ${h}\n65535\n`);
  const body16 = new Uint8Array(w * h * 2);
  vals16.forEach((v, i) => {
    body16[2 * i] = v >> 8;
    body16[2 * i + 1] = v & 255;
  });
  const p5 = await loadImageBytes(new Uint8Array([...head16, ...body16]), "x.pgm");
  assert.equal(p5.format, "pgm");
  assert.deepEqual(Array.from(p5.image.data), Array.from(vals16));
  const vals8 = vals16.map((v) => v / 257);
  const p5b = await loadImageBytes(new Uint8Array([...new TextEncoder().encode(`P5 ${w} ${h} 255\n`), ...vals8]), "x8.pgm");
  assert.deepEqual(Array.from(p5b.image.data), Array.from(vals8));
  const p2 = await loadImageBytes(new TextEncoder().encode(`P2\n${w} ${h}\n255\n${Array.from(vals8).join(" ")}\n`), "x.pgm");
  assert.deepEqual(Array.from(p2.image.data), Array.from(vals8));
  await assert.rejects(loadImageBytes(new Uint8Array([...head16, ...body16.subarray(0, 100)]), "cut.pgm"), (e: unknown) => e instanceof ImageLoadError && /truncated/.test(e.message));
});

test("mask PNG: non-zero = ROI; size checked against the image", async () => {
  // mdb028 truth table: centre x 338, y 314 (origin bottom-left) -> row 1024 - 314 = 710, radius 56
  const m = new PNG({ width: 1024, height: 1024, colorType: 0, inputColorType: 0, inputHasAlpha: false } as never);
  const d = Buffer.alloc(1024 * 1024);
  let inside = 0;
  for (let r = 0; r < 1024; r++)
    for (let c = 0; c < 1024; c++)
      if ((r - 710) ** 2 + (c - 338) ** 2 <= 56 * 56) {
        d[r * 1024 + c] = 255;
        inside++;
      }
  m.data = d;
  const file = join(tmp, "mask.png");
  writeFileSync(file, PNG.sync.write(m, { colorType: 0, inputColorType: 0, inputHasAlpha: false } as never));
  const mask = await loadMaskFile(file, { rows: 1024, cols: 1024 });
  assert.equal(mask.data.reduce((a, b) => a + b, 0), inside);
  assert.equal(mask.data[710 * 1024 + 338], 1);
  assert.equal(mask.data[0], 0);
  await assert.rejects(loadMaskFile(file, { rows: 512, cols: 1024 }), (e: unknown) => e instanceof ImageLoadError && e.code === "SIZE_MISMATCH");
});

test("a PNG renamed .dcm is refused as not DICOM", async () => {
  const bytes = new Uint8Array(readFileSync(pngPath));
  // sniffing by content: as .png it loads, a DICOM reader refuses it
  const { readDicom } = await import("../../../lib/dicom/index.ts");
  await assert.rejects(readDicom(bytes), (e: unknown) => e instanceof DicomError && e.code === "NOT_DICOM");
  await assert.rejects(loadImageBytes(new Uint8Array(300), "empty.dcm"), (e: unknown) => e instanceof DicomError && e.code === "NOT_DICOM");
});
