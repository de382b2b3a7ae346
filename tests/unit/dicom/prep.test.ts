// Image preparation (feature-set.md steps 1-4): Modality LUT, MONOCHROME1 inversion, spacing rules,
// laterality/view, chest-wall-left flip, window -> 8-bit display (PS3.3 C.11.2.1.2).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  dicomToLoadedImage,
  el,
  normaliseView,
  readDicom,
  readDicomHeader,
  windowToDisplay,
  wrapGreyImage,
  type WriteElement,
} from "../../../lib/dicom/index.ts";
import { FIXTURES, manifest, readFixture } from "./helpers.ts";

const M = Object.fromEntries(manifest().map((r) => [r.file.split("/").pop()!, r]));
const sop = [el("SOPClassUID", "1.2.840.10008.5.1.4.1.1.1.2"), el("SOPInstanceUID", "1.2.3.4")];
const tiny = (attrs: WriteElement[]) => wrapGreyImage({ rows: 2, cols: 3, data: new Uint16Array([0, 1, 2, 3, 4, 5]), bitsStored: 12 }, [...sop, el("Modality", "MG"), ...attrs]);

test("MONOCHROME1 (RG3_J2KR) is inverted x' = 2^BitsStored - 1 - x and recorded; header window follows", async () => {
  const img = await readDicom(readFixture("dicom/monochrome1_wg04_rg3/RG3_J2KR.dcm"));
  assert.equal(img.pixels.photometric, "MONOCHROME1");
  const loaded = dicomToLoadedImage(img);
  assert.equal(loaded.inverted, true);
  assert.equal(loaded.orientation.source, "none"); // a tibia CR: the chest-wall rule does not apply
  const raw = img.pixels.data;
  for (let i = 0; i < raw.length; i += 997) assert.equal(loaded.image.data[i], 1023 - raw[i]);
  // manifest window 550/1024 in MONOCHROME1 sense -> centre 1023 - 550 = 473 in the inverted image
  assert.deepEqual([loaded.window?.center, loaded.window?.width], [1023 - Number(M["RG3_J2KR.dcm"].window_center), Number(M["RG3_J2KR.dcm"].window_width)]);
  // display of the inverted image with the mapped window == inverse display of the original (within rounding)
  const orig = dicomToLoadedImage(img, { orient: false });
  const rawImg = { rows: orig.image.rows, cols: orig.image.cols, data: Float64Array.from(raw) };
  const a = windowToDisplay(loaded.image, loaded.window!);
  const b = windowToDisplay(rawImg, { center: 550, width: 1024 }, { invert: true });
  let maxd = 0;
  for (let i = 0; i < a.length; i += 101) maxd = Math.max(maxd, Math.abs(a[i] - b[i]));
  assert.ok(maxd <= 1, `display mismatch ${maxd}`);
  const noInv = dicomToLoadedImage(img, { orient: false }); // invertMonochrome1 is on by default
  assert.equal(noInv.inverted, true);
});

test("Modality LUT: MR4_UNC intensities = RescaleSlope * x + RescaleIntercept (manifest 9.570207, -19595)", async () => {
  const img = await readDicom(readFixture("dicom/wg04_mr4_transfer_syntax_matrix/MR4_UNC.dcm"));
  const l = dicomToLoadedImage(img);
  const s = Number(M["MR4_UNC.dcm"].rescale_slope);
  const b = Number(M["MR4_UNC.dcm"].rescale_intercept);
  for (let i = 0; i < img.pixels.data.length; i += 499) assert.ok(Math.abs(l.image.data[i] - (s * img.pixels.data[i] + b)) < 1e-9);
});

test("window display follows PS3.3 C.11.2.1.2 LINEAR at the edges and centre", () => {
  const img = { rows: 1, cols: 5, data: new Float64Array([0, 49.5 - 1, 50, 100, 200]) };
  const out = windowToDisplay(img, { center: 50, width: 101 });
  // lower edge: x <= c - 0.5 - (w-1)/2 = -0.5 -> 0 ; x > c - 0.5 + (w-1)/2 = 99.5 -> 255
  assert.equal(out[0], Math.round(((0 - 49.5) / 100 + 0.5) * 255));
  assert.equal(out[2], Math.round(((50 - 49.5) / 100 + 0.5) * 255));
  assert.equal(out[3], 255);
  assert.equal(out[4], 255);
  const low = windowToDisplay({ rows: 1, cols: 1, data: new Float64Array([-0.5]) }, { center: 50, width: 101 });
  assert.equal(low[0], 0);
});

test("spacing rules (feature-set.md step 4)", () => {
  const h1 = readDicomHeader(tiny([el("PixelSpacing", "0.07\\0.08"), el("ImagerPixelSpacing", "0.1\\0.1")]));
  assert.deepEqual(h1.spacing, { mm: [0.07, 0.08], source: "PixelSpacing" });
  const h2 = readDicomHeader(tiny([el("ImagerPixelSpacing", "0.1\\0.1"), el("EstimatedRadiographicMagnificationFactor", "1.25")]));
  assert.equal(h2.spacing?.source, "ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor");
  assert.ok(Math.abs(h2.spacing!.mm[0] - 0.08) < 1e-12 && Math.abs(h2.spacing!.mm[1] - 0.08) < 1e-12);
  const h3 = readDicomHeader(tiny([el("ImagerPixelSpacing", "0.1\\0.1")]));
  assert.deepEqual(h3.spacing, { mm: [0.1, 0.1], source: "ImagerPixelSpacing" });
  const h4 = readDicomHeader(tiny([el("SpatialResolution", "0.05")]));
  assert.equal(h4.spacing, null);
  assert.deepEqual(h4.spacingSuggestion, { mm: [0.05, 0.05], source: "SpatialResolution" });
  const h5 = readDicomHeader(tiny([]));
  assert.equal(h5.spacing, null);
  assert.equal(h5.spacingSuggestion, null);
});

test("view normalisation and laterality", () => {
  for (const [raw, want] of [["MLO", "MLO"], ["cc", "CC"], ["XCCL", "CC"], ["XCCM", "CC"], ["FB", "CC"], ["SIO", "MLO"], ["LMO", "MLO"], ["ML", null], ["LM", null], ["", null], [null, null], ["AP", null]] as const)
    assert.equal(normaliseView(raw), want, String(raw));
  assert.equal(readDicomHeader(tiny([el("Laterality", "R")])).laterality, "R");
  assert.equal(readDicomHeader(tiny([el("Laterality", "R"), el("ImageLaterality", "L")])).laterality, "L"); // ImageLaterality wins
  assert.equal(readDicomHeader(tiny([el("ImageLaterality", "B")])).laterality, null);
  // ViewCodeSequence fallback (SNOMED-RT R-10226 = medio-lateral oblique)
  const seq: WriteElement = { group: 0x0054, element: 0x0220, vr: "SQ", value: [[{ group: 0x0008, element: 0x0100, vr: "SH", value: "R-10226" }]] };
  assert.equal(readDicomHeader(tiny([seq])).view, "MLO");
});

test("orientation: chest wall left; the flip is recorded and applied", async () => {
  const withPo = readDicomHeader(tiny([el("ImageLaterality", "R"), el("PatientOrientation", "P\\L")]));
  assert.deepEqual(withPo.orientation, { flipHorizontal: true, flipVertical: false, source: "PatientOrientation" });
  const left = readDicomHeader(tiny([el("ImageLaterality", "R"), el("PatientOrientation", "A\\R")]));
  assert.equal(left.orientation.flipHorizontal, false);
  const none = readDicomHeader(tiny([]));
  assert.deepEqual(none.orientation, { flipHorizontal: false, flipVertical: false, source: "none" });
  // identifying.dcm: right breast, no PatientOrientation -> flipped by the laterality convention
  const img = await readDicom(readFixture("dicom/generated/identifying.dcm"));
  const l = dicomToLoadedImage(img);
  assert.deepEqual(l.orientation, { flipHorizontal: true, flipVertical: false, source: "Laterality" });
  for (let r = 0; r < 64; r += 7) for (let c = 0; c < 64; c += 5) assert.equal(l.image.data[r * 64 + c], img.pixels.data[r * 64 + 63 - c]);
  assert.equal(dicomToLoadedImage(img, { orient: false }).image.data[5], img.pixels.data[5]);
});

test("mini-MIAS mdb028 wrapped as MG DICOM: pixels unchanged (images.csv pixels_sha256), MG, L MLO, 0.2 mm", async () => {
  const img = await readDicom(new Uint8Array(readFileSync(join(FIXTURES, "generated/mdb028_MG.dcm"))));
  const { pixelSha256 } = await import("../../../lib/dicom/index.ts");
  // shared/data/mini-mias/images.csv, row mdb028, column pixels_sha256
  assert.equal(pixelSha256(img.pixels), "1f4db6d9311218676b26a6a7212e7f2512ab3ff6cc096c37a253c60b557305f1");
  assert.equal(img.header.modality, "MG");
  assert.equal(img.header.isMammogram, true);
  assert.equal(img.header.laterality, "L"); // even refnum = left (Info.txt note 1)
  assert.equal(img.header.view, "MLO");
  assert.deepEqual(img.header.spacing, { mm: [0.2, 0.2], source: "PixelSpacing" });
  assert.equal(dicomToLoadedImage(img).orientation.flipHorizontal, false);
});
