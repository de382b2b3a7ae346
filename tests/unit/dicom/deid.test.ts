// De-identification (PS3.15 Annex E basic profile, whitelisted): the stored header summary and the
// de-identified Part 10 stream carry none of the fixture's identifying values or private tags; the
// pixels are unchanged (manifest SHA-256) in every transfer syntax.
import { test } from "node:test";
import assert from "node:assert/strict";
import dicomParser from "dicom-parser";
import { deidentifyPart10, hashUid, parseDicomBytes, pixelSha256, readDicom, summariseHeader, DEIDENTIFICATION_METHOD } from "../../../lib/dicom/index.ts";
import { manifest, readFixture } from "./helpers.ts";

// the identifying values written by scripts/fixtures/make-mg-dicom.ts into identifying.dcm
const IDENTIFYING = [
  "DOE", "JANE", "QUINN", "PID-4711-XYZ", "ST ELSEWHERE", "OTHER-ID-777", "19610214", "064Y", "Acacia", "5550-1234",
  "morning", "ACC-20260101-99", "Elsewhere General", "Hospital Road", "Breast Imaging Unit", "HOUSE^GREGORY", "MEDICINE",
  "RADTECH", "MAMMO-ROOM-7", "SN-998877", "20260315", "101112", "101530", "STUDY-555", "Screening mammogram",
  "SEQ-HIDDEN-ID-31337", "ACME_PRIVATE", "PRIVATE-JANE-DOE-SECRET", "SIEMENS CSA", "CSA-PRIVATE-BLOB",
  "1.2.826.0.1.3680043.99.4711",
];
const latin1 = (b: Uint8Array) => new TextDecoder("latin1").decode(b);

test("fixture really is identifying (guards against a test that cannot fail)", () => {
  const text = latin1(readFixture("dicom/generated/identifying.dcm"));
  for (const s of IDENTIFYING) assert.ok(text.toUpperCase().includes(s.toUpperCase()), `fixture lacks ${s}`);
});

test("de-identified Part 10: no identifying value, no private tag, Z attributes empty, UIDs hashed, pixels unchanged", async () => {
  const src = readFixture("dicom/generated/identifying.dcm");
  const out = deidentifyPart10(src, { uidSecret: "test-secret" });
  const text = latin1(out).toUpperCase();
  for (const s of IDENTIFYING) assert.ok(!text.includes(s.toUpperCase()), `de-identified file still contains ${s}`);
  const ds = dicomParser.parseDicom(out);
  for (const t of Object.keys(ds.elements)) assert.equal(parseInt(t.slice(1, 5), 16) % 2, 0, `private tag ${t} kept`);
  assert.equal(ds.string("x00120062"), "YES");
  assert.equal(ds.string("x00120063"), DEIDENTIFICATION_METHOD);
  for (const z of ["x00100010", "x00100020", "x00100030", "x00080020", "x00080050", "x00080090"]) {
    assert.ok(z in ds.elements, `Z attribute ${z} must be present`);
    assert.equal(ds.elements[z].length, 0, `Z attribute ${z} must be empty`);
  }
  assert.equal(ds.string("x0020000d"), hashUid("1.2.826.0.1.3680043.99.4711.1", "test-secret"));
  assert.equal(ds.string("x00080018"), ds.string("x00020003"));
  assert.match(ds.string("x00080018")!, /^2\.25\.\d+$/);
  // kept technical attributes
  assert.equal(ds.string("x00080060"), "MG");
  assert.equal(ds.string("x00200062"), "R");
  assert.equal(ds.string("x00185101"), "CC");
  const before = await readDicom(src);
  const after = await readDicom(out);
  assert.equal(pixelSha256(after.pixels), pixelSha256(before.pixels));
  assert.equal(after.header.view, "CC");
  // pseudonym option
  const named = dicomParser.parseDicom(deidentifyPart10(src, { pseudonym: "CASE-0042" }));
  assert.equal(named.string("x00100010"), "CASE-0042");
});

test("stored header summary holds only technical attributes", () => {
  const f = parseDicomBytes(readFixture("dicom/generated/identifying.dcm"));
  const s = summariseHeader(f, { uidSecret: "k" });
  const json = JSON.stringify(s).toUpperCase();
  for (const v of IDENTIFYING) assert.ok(!json.includes(v.toUpperCase()), `summary contains ${v}`);
  assert.equal(s.rows, 64);
  assert.equal(s.modality, "MG");
  assert.equal(s.laterality, "R");
  assert.equal(s.view, "CC");
  assert.deepEqual(s.spacing, { mm: [0.1, 0.1], source: "PixelSpacing" });
  assert.equal(s.studyInstanceUidHash, hashUid("1.2.826.0.1.3680043.99.4711.1", "k"));
});

test("de-identification keeps pixel data in every transfer syntax (manifest SHA-256)", async () => {
  const rows = manifest().filter((r) => !r.file.includes("MG1_") && r.lossy_image_compression !== "01" && !/4\.(50|51|81|91)$/.test(r.transfer_syntax_uid));
  for (const row of rows) {
    const out = deidentifyPart10(readFixture(row.file));
    const img = await readDicom(out);
    assert.equal(pixelSha256(img.pixels), row.decoded_pixels_sha256_le, row.file);
    assert.equal(img.file.transferSyntaxUid, row.transfer_syntax_uid, row.file);
  }
  // deflated input is written inflated (explicit VR little endian), same pixels as MR_small.dcm
  const mr = manifest().find((r) => r.file.endsWith("/MR_small.dcm"))!;
  const defl = readFixture("dicom/generated/MR_small_deflated.dcm");
  const img = await readDicom(deidentifyPart10(defl));
  assert.equal(img.file.transferSyntaxUid, "1.2.840.10008.1.2.1");
  assert.equal(pixelSha256(img.pixels), mr.decoded_pixels_sha256_le);
});

test("deflated explicit VR little endian decodes (MR_small re-encoded; manifest SHA-256 of MR_small.dcm)", async () => {
  const mr = manifest().find((r) => r.file.endsWith("/MR_small.dcm"))!;
  const img = await readDicom(readFixture("dicom/generated/MR_small_deflated.dcm"));
  assert.equal(img.file.transferSyntaxUid, "1.2.840.10008.1.2.1.99");
  assert.equal(pixelSha256(img.pixels), mr.decoded_pixels_sha256_le);
});
