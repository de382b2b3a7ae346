// Modality LUT Sequence (PS3.3 C.11.1) and VOI LUT Sequence (C.11.2) on small synthetic files. Every expected value
// follows from the standard's definition by construction: y = data[x - first], data[0] below the first mapped value,
// data[last] above the last, descriptor entries 0 = 65536; VOI output scaled to 8 bits from the LUT's bit depth.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DicomError,
  dicomToLoadedImage,
  el,
  readDicom,
  readDicomHeader,
  voiLutDisplay,
  voiLutToDisplay,
  wrapGreyImage,
  type WriteElement,
} from "../../../lib/dicom/index.ts";

const sop = [el("SOPClassUID", "1.2.840.10008.5.1.4.1.1.7"), el("SOPInstanceUID", "1.2.3.4.5")];

function lutItem(entries: number, first: number, bits: number, data: number[] | Uint16Array, explanation?: string, extra: WriteElement[] = []): WriteElement[] {
  return [
    el("LUTDescriptor", [entries, first, bits]),
    el("LUTData", data instanceof Uint16Array ? data : Uint16Array.from(data)),
    ...(explanation ? [el("LUTExplanation", explanation)] : []),
    ...extra,
  ];
}

/** 1 x N image of the given stored values (16-bit unsigned, 12 bits stored unless told). */
function file(values: number[], attrs: WriteElement[], opts: { bitsStored?: number; photometric?: "MONOCHROME1" | "MONOCHROME2" } = {}): Uint8Array {
  return wrapGreyImage({ rows: 1, cols: values.length, data: Uint16Array.from(values), bitsStored: opts.bitsStored ?? 12, photometric: opts.photometric }, [...sop, el("Modality", "OT"), ...attrs]);
}

async function load(bytes: Uint8Array) {
  return dicomToLoadedImage(await readDicom(bytes), { orient: false });
}

test("Modality LUT that doubles values: y = 2x inside the mapped range", async () => {
  const lut = Array.from({ length: 16 }, (_, i) => 2 * i); // entries 16, first 0: LUT(x) = 2x for 0..15
  const l = await load(file([0, 1, 7, 15], [el("ModalityLUTSequence", [lutItem(16, 0, 16, lut, "doubling", [el("ModalityLUTType", "US")])])]));
  assert.deepEqual([...l.image.data], [0, 2, 14, 30]);
  assert.equal(l.modalityTransform, "Modality LUT Sequence");
});

test("Modality LUT: first mapped value offset and clamping at both ends", async () => {
  // entries 4, first 10: LUT(10..13) = 100, 200, 300, 400; x < 10 -> 100 (first entry); x > 13 -> 400 (last entry)
  const item = lutItem(4, 10, 16, [100, 200, 300, 400]);
  const l = await load(file([0, 9, 10, 11, 12, 13, 14, 4095], [el("ModalityLUTSequence", [item])]));
  assert.deepEqual([...l.image.data], [100, 100, 100, 200, 300, 400, 400, 400]);
  const h = readDicomHeader(file([0], [el("ModalityLUTSequence", [item])]));
  assert.deepEqual(h.modalityLut && [h.modalityLut.entries, h.modalityLut.firstMapped, h.modalityLut.bitsPerEntry, h.modalityLut.min, h.modalityLut.max], [4, 10, 16, 100, 400]);
});

test("Modality LUT descriptor entries 0 means 65536 entries", async () => {
  const data = new Uint16Array(65536);
  for (let i = 0; i < 65536; i++) data[i] = 65535 - i; // LUT(x) = 65535 - x
  const l = await load(file([0, 1, 40000, 65535], [el("ModalityLUTSequence", [lutItem(0, 0, 16, data)])], { bitsStored: 16 }));
  assert.deepEqual([...l.image.data], [65535, 65534, 25535, 0]);
  assert.equal(readDicomHeader(file([0], [el("ModalityLUTSequence", [lutItem(0, 0, 16, data)])], { bitsStored: 16 })).modalityLut?.entries, 65536);
});

test("rescale slope/intercept wins over a Modality LUT Sequence (they are alternatives)", async () => {
  const l = await load(file([1, 2], [el("RescaleSlope", 3), el("RescaleIntercept", 1), el("ModalityLUTSequence", [lutItem(16, 0, 16, new Uint16Array(16))])]));
  assert.deepEqual([...l.image.data], [4, 7]); // y = 3x + 1, not the all-zero LUT
  assert.equal(l.modalityTransform, "rescale");
});

test("MONOCHROME1 with a Modality LUT: y' = L(0) + L(2^bs - 1) - L(x); header window mirrored the same way", async () => {
  // bits stored 4: range 0..15; LUT(x) = 2x -> mirror m = 0 + 30
  const lut = Array.from({ length: 16 }, (_, i) => 2 * i);
  const l = await load(file([0, 5, 15], [el("ModalityLUTSequence", [lutItem(16, 0, 16, lut)]), el("WindowCenter", 10), el("WindowWidth", 8)], { bitsStored: 4, photometric: "MONOCHROME1" }));
  assert.equal(l.inverted, true);
  assert.deepEqual([...l.image.data], [30, 20, 0]);
  assert.equal(l.inversionMirror, 30);
  assert.deepEqual([l.window.center, l.window.width], [20, 8]);
});

test("VOI LUT: exposed with explanation in the header; window stays the default; chosen LUT scaled from its bit depth to 8 bits", async () => {
  // 12-bit VOI LUT, entries 3, first 100: LUT(100) = 0, LUT(101) = 2048, LUT(102) = 4095
  const v1 = lutItem(3, 100, 12, [0, 2048, 4095], "SOFT");
  const v2 = lutItem(2, 0, 8, [255, 0], "INVERSE"); // 8-bit entries, one per word
  const bytes = file([50, 100, 101, 102, 4000], [el("VOILUTSequence", [v1, v2]), el("WindowCenter", 101), el("WindowWidth", 3)]);
  const h = readDicomHeader(bytes);
  assert.deepEqual(
    h.voiLuts.map((v) => [v.explanation, v.entries, v.firstMapped, v.bitsPerEntry]),
    [
      ["SOFT", 3, 100, 12],
      ["INVERSE", 2, 0, 8],
    ],
  );
  const l = await load(bytes);
  assert.deepEqual([l.window.center, l.window.width], [101, 3]); // header window is the default display
  // 255 * v / 4095: 0 -> 0, 2048 -> 127.53 -> 128, 4095 -> 255; clamped below (50 -> LUT(100)) and above (4000 -> LUT(102))
  assert.deepEqual([...voiLutDisplay(l, 0)], [0, 0, Math.round((255 * 2048) / 4095), 255, 255]);
  assert.deepEqual([...voiLutDisplay(l, 1)], [0, 0, 0, 0, 0]); // all inputs >= 1 -> last entry 0
  assert.deepEqual([...voiLutDisplay(l, 0, { invert: true })], [255, 255, 255 - Math.round((255 * 2048) / 4095), 0, 0]);
  assert.throws(() => voiLutDisplay(l, 2), (e: unknown) => e instanceof DicomError && /VOI LUT 3 does not exist/.test(e.message));
});

test("VOI LUT on MONOCHROME1: applied to the file's own values and shown inverted", async () => {
  // bits stored 2 (0..3), no rescale: mirror m = 3; VOI LUT = [0, 0, 0, 255] (8-bit); MONOCHROME1 shows 255 - LUT(x)
  const bytes = file([0, 1, 2, 3], [el("VOILUTSequence", [lutItem(4, 0, 8, [0, 0, 0, 255])])], { bitsStored: 2, photometric: "MONOCHROME1" });
  const l = await load(bytes);
  assert.deepEqual([...l.image.data], [3, 2, 1, 0]);
  assert.equal(l.inversionMirror, 3);
  assert.deepEqual([...voiLutDisplay(l, 0)], [255, 255, 255, 0]);
  // applying the LUT to the inverted intensities directly (no mirror) would be wrong: LUT(x') = [255, 0, 0, 0]
  assert.deepEqual([...voiLutToDisplay(l.image, l.voiLuts[0])], [255, 0, 0, 0]);
});

test("8-bit LUT entries packed two per word are read when LUT Data is half the size", async () => {
  // 4 entries of 8 bits in 2 words: bytes 10, 20, 30, 40 (little endian: first entry in the low byte)
  const packed = new Uint16Array([10 | (20 << 8), 30 | (40 << 8)]);
  const l = await load(file([0, 1, 2, 3, 9], [el("ModalityLUTSequence", [lutItem(4, 0, 8, packed)])]));
  assert.deepEqual([...l.image.data], [10, 20, 30, 40, 40]);
});

test("malformed LUT sequences give a DicomError naming the problem", () => {
  const bad = (attrs: WriteElement[], re: RegExp) =>
    assert.throws(
      () => readDicomHeader(file([0], attrs)),
      (e: unknown) => e instanceof DicomError && re.test(e.message),
    );
  bad([el("VOILUTSequence", [lutItem(4096, 0, 16, new Uint16Array(100))])], /VOI LUT Descriptor says 4096 entries but LUT Data has 100/);
  bad([el("ModalityLUTSequence", [lutItem(0, 0, 16, new Uint16Array(10))])], /Modality LUT Descriptor says 65536 entries but LUT Data has 10/);
  bad([el("VOILUTSequence", [lutItem(2, 0, 20, [0, 1])])], /says 20 bits per entry/);
  bad([el("VOILUTSequence", [lutItem(2, 0, 8, [0, 300])])], /entry 1 is 300, more than the 8 bits/);
  bad([el("VOILUTSequence", [[el("LUTDescriptor", [2, 0]), el("LUTData", new Uint16Array([0, 1]))]])], /must have 3 values/);
  bad([el("VOILUTSequence", [[el("LUTDescriptor", [2, 0, 16])]])], /VOI LUT Sequence item 1 has no LUT Data/);
  bad([el("ModalityLUTSequence", [[el("LUTData", new Uint16Array([0, 1]))]])], /Modality LUT Sequence item 1 has no LUT Descriptor/);
  bad([el("ModalityLUTSequence", [])], /Modality LUT Sequence \(0028,3000\) is present but has no item/);
});
