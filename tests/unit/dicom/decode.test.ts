// One test per DICOM fixture (except the 13-Mpixel MG1 pair, see mg1.test.ts): decodes; lossless files
// reproduce the manifest's decoded_pixels_sha256_le (pydicom 2.3 + GDCM 3.0) and equal their uncompressed
// twin pixel for pixel; lossy files stay within the manifest's max_abs_diff against their twin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readDicom, pixelSha256, type StoredPixels } from "../../../lib/dicom/index.ts";
import { isLossless, manifest, readFixture, twinOf } from "./helpers.ts";

const rows = manifest().filter((r) => !r.file.includes("MG1_"));
const cache = new Map<string, Promise<StoredPixels>>();
const decode = (file: string) => {
  let p = cache.get(file);
  if (!p) {
    p = readDicom(readFixture(file)).then((d) => d.pixels);
    cache.set(file, p);
  }
  return p;
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const row of rows) {
  test(`decodes ${row.file} (${row.transfer_syntax_name})`, async () => {
    const px = await decode(row.file);
    const frames = Number(row.number_of_frames);
    assert.equal(px.rows, Number(row.rows));
    assert.equal(px.columns, Number(row.columns));
    assert.equal(px.frames, frames);
    assert.equal(px.samplesPerPixel, Number(row.samples_per_pixel));
    assert.equal(px.bitsStored, Number(row.bits_stored));
    assert.equal(px.data.length, px.rows * px.columns * frames * px.samplesPerPixel);
    const dtype = row.decoded_dtype.replace(/^>/, "").replace(/^u2$/, "uint16").replace(/^i2$/, "int16");
    assert.equal(px.data.constructor.name, { uint8: "Uint8Array", uint16: "Uint16Array", int16: "Int16Array" }[dtype]);
    if (isLossless(row)) {
      assert.equal(pixelSha256(px), row.decoded_pixels_sha256_le, "SHA-256 of decoded pixels differs from the manifest");
      let mn = Infinity;
      let mx = -Infinity;
      for (const v of px.data) {
        mn = Math.min(mn, v);
        mx = Math.max(mx, v);
      }
      assert.equal(mn, Number(row.decoded_min));
      assert.equal(mx, Number(row.decoded_max));
    }
    const twin = twinOf(row);
    if (twin) {
      const ref = await decode(twin.twin);
      const d = maxAbsDiff(px.data, ref.data);
      if (isLossless(row)) assert.equal(d, 0, `lossless ${row.file} differs from ${twin.twin}`);
      else if (row.file.endsWith("RG3_JPLY.dcm")) {
        // manifest bound 1023 comes from GDCM masking 8 overshooting pixels to 0; we clamp, so they stay bright
        assert.ok(d <= twin.maxAbsDiff, `max |diff| ${d} > ${twin.maxAbsDiff}`);
        for (let r = 872; r <= 879; r++) assert.ok(px.data[r * 1760 + 1143] >= 1000, `RG3_JPLY (${r},1143) was wrapped, not clamped`);
      } else assert.ok(d <= Math.ceil(twin.maxAbsDiff * 1.1) + 1, `max |diff| ${d} vs ${twin.twin} exceeds the codec bound ${twin.maxAbsDiff} (+10%)`);
    }
    if (!isLossless(row) && px.samplesPerPixel === 1) {
      // lossy grey decodes stay inside BitsStored (clamped)
      for (const v of px.data) assert.ok(v >= 0 && v <= 2 ** px.bitsStored - 1);
    }
  });
}

test("colour JPEG baseline files decode to 3 samples in the manifest's value range", async () => {
  const sc = await decode("dicom/misc_real/SC_jpeg_no_color_transform.dcm");
  // RGB components without colour transform: the untransformed range equals GDCM's (manifest 134..252)
  let mn = 255;
  let mx = 0;
  for (const v of sc.data) {
    mn = Math.min(mn, v);
    mx = Math.max(mx, v);
  }
  assert.equal(sc.photometric, "RGB");
  assert.ok(Math.abs(mn - 134) <= 2 && Math.abs(mx - 252) <= 2, `range ${mn}..${mx}`);
  const ybr = await decode("dicom/misc_real/examples_ybr_color.dcm");
  assert.equal(ybr.frames, 30);
  assert.equal(ybr.photometric, "RGB"); // libjpeg-turbo converted YBR_FULL_422 to RGB
});

test("MR4 lossy files are within the codec error bound of MR4_UNC (manifest: J2KI 29, JLSN 4, JPLY 40)", async () => {
  const ref = await decode("dicom/wg04_mr4_transfer_syntax_matrix/MR4_UNC.dcm");
  for (const [name, bound] of [["MR4_J2KI", 29], ["MR4_JLSN", 4], ["MR4_JPLY", 40]] as const) {
    const px = await decode(`dicom/wg04_mr4_transfer_syntax_matrix/${name}.dcm`);
    const d = maxAbsDiff(px.data, ref.data);
    assert.ok(d <= bound + 2, `${name}: max |diff| ${d} > ${bound}`);
  }
  // JPEG-LS near-lossless: the bound is exactly the NEAR parameter
  const jlsn = await decode("dicom/wg04_mr4_transfer_syntax_matrix/MR4_JLSN.dcm");
  assert.ok(maxAbsDiff(jlsn.data, ref.data) <= 4);
});
