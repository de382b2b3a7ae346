// The 13-Mpixel WG04 MG1 film mammogram (J2KI and JPLY, both lossy), each decoded once.
// Expected values: shared/data README section 2 and dicom_manifest.csv.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readDicom, pixelSha256, readDicomHeader, dicomToLoadedImage, type DicomImage } from "../../../lib/dicom/index.ts";
import { manifest, readFixture } from "./helpers.ts";

const rows = Object.fromEntries(manifest().map((r) => [r.file.split("/").pop()!, r]));
let j2ki: DicomImage;
let jply: DicomImage;

before(async () => {
  j2ki = await readDicom(readFixture("dicom/mammography_wg04_mg1/MG1_J2KI.dcm"));
  jply = await readDicom(readFixture("dicom/mammography_wg04_mg1/MG1_JPLY.dcm"));
});

test("MG1_J2KI decodes: 4664 x 3064, 12 bits stored, joined 41 fragments; same pixels as GDCM/OpenJPEG", () => {
  const p = j2ki.pixels;
  assert.equal(p.rows, 4664);
  assert.equal(p.columns, 3064);
  assert.equal(p.bitsStored, 12);
  let mn = Infinity;
  let mx = -Infinity;
  for (const v of p.data) {
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  assert.equal(mn, Number(rows["MG1_J2KI.dcm"].decoded_min));
  assert.equal(mx, Number(rows["MG1_J2KI.dcm"].decoded_max));
  // lossy, so decoder-dependent; our pinned OpenJPEG build reproduces the manifest's GDCM (OpenJPEG) result
  assert.equal(pixelSha256(p), rows["MG1_J2KI.dcm"].decoded_pixels_sha256_le);
});

test("MG1_JPLY (12-bit JPEG Extended, 44 fragments) is within the manifest bound of J2KI (max |diff| 192)", () => {
  const a = jply.pixels.data;
  const b = j2ki.pixels.data;
  assert.equal(a.length, b.length);
  let m = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    s += d;
    if (d > m) m = d;
  }
  assert.ok(m <= 192 + 8, `max |diff| ${m}`);
  assert.ok(s / a.length < 13.5 * 1.1, `mean |diff| ${s / a.length} (README: about 13)`); // README: "mean about 13 of 4095"
  for (const v of a) if (v > 4095) assert.fail("JPLY output not clamped to 12 bits");
});

test("MG1 header: RG secondary capture, not a mammogram SOP; no spacing, SpatialResolution 0.05 only as a suggestion; L MLO", () => {
  const h = readDicomHeader(readFixture("dicom/mammography_wg04_mg1/MG1_JPLY.dcm"));
  assert.equal(h.modality, "RG");
  assert.equal(h.isMammogram, false);
  assert.equal(h.spacing, null);
  assert.deepEqual(h.spacingSuggestion, { mm: [0.05, 0.05], source: "SpatialResolution" });
  assert.equal(h.laterality, "L");
  assert.equal(h.view, "MLO");
  assert.deepEqual(h.windows, [{ center: 2047, width: 4095 }]);
  const loaded = dicomToLoadedImage(j2ki);
  assert.equal(loaded.spacing, null);
  assert.equal(loaded.inverted, false);
  assert.equal(loaded.orientation.flipHorizontal, false); // left breast
});
