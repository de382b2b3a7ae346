// All 299 seed-299 features of the three visible reference ROIs (independent numpy/scikit-image/PyWavelets
// implementation, shared/reference/features) within max(1e-6 |ref|, 1e-9).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readJson, readPngImage, readPngMask } from "./helpers.ts";
import { extract } from "../../../lib/radiomics/extract.ts";
import { SEED_299_NAMES } from "../../../lib/radiomics/sets.ts";

type RefCase = { id: string; spacing_mm: [number, number]; ng: number; roi_pixels: number; features: Record<string, number> };

for (const id of ["V01", "V02", "V03"]) {
  test(`seed-299 reference ${id}: all 299 features within max(1e-6*|ref|, 1e-9)`, () => {
    const ref = readJson<RefCase>(`${id}.json`);
    const res = extract(readPngImage(`${id}_image.png`), readPngMask(`${id}_mask.png`), { spacing: ref.spacing_mm, ng: ref.ng });
    assert.equal(res.settings.roi_pixels, ref.roi_pixels);
    assert.deepEqual(Object.keys(res.features), Object.keys(ref.features), "names and order as the reference");
    assert.equal(Object.keys(ref.features).length, 299);
    const failures: string[] = [];
    for (const [name, want] of Object.entries(ref.features)) {
      const got = res.features[name];
      const tol = Math.max(1e-6 * Math.abs(want), 1e-9);
      if (!(Math.abs(got - want) <= tol)) failures.push(`${name}: got ${got}, want ${want}`);
    }
    assert.deepEqual(failures, []);
  });
}

test("seed-299 names: 299 unique, in the spec's order of families", () => {
  assert.equal(SEED_299_NAMES.length, 299);
  assert.equal(new Set(SEED_299_NAMES).size, 299);
  assert.equal(SEED_299_NAMES.filter((n) => n.startsWith("original_firstorder_")).length, 22);
  assert.equal(SEED_299_NAMES.filter((n) => n.startsWith("original_shape2D_")).length, 11);
  assert.equal(SEED_299_NAMES.filter((n) => n.startsWith("original_glcm_")).length, 28);
  assert.equal(SEED_299_NAMES.filter((n) => n.startsWith("wavelet-")).length, 238);
});
