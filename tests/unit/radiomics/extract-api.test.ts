// extract(): typed errors, discretisation convention, feature-set names; ibsi-extended on a reference ROI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { extract, ExtractError } from "../../../lib/radiomics/extract.ts";
import { discretise } from "../../../lib/radiomics/discretise.ts";
import { IBSI_EXTENDED_NAMES, SEED_299_NAMES } from "../../../lib/radiomics/sets.ts";
import { readJson, readPngImage, readPngMask } from "./helpers.ts";
import type { Image2D, Mask2D } from "../../../lib/image/types.ts";

const img: Image2D = { rows: 4, cols: 4, data: Float64Array.from({ length: 16 }, (_, i) => i) };
const full: Mask2D = { rows: 4, cols: 4, data: new Uint8Array(16).fill(1) };

test("extract: empty ROI, size mismatch and missing spacing are typed errors naming the problem", () => {
  const empty: Mask2D = { rows: 4, cols: 4, data: new Uint8Array(16) };
  assert.throws(() => extract(img, empty, { spacing: [1, 1] }), (e: unknown) => e instanceof ExtractError && e.code === "EMPTY_ROI" && /empty/.test(e.message));
  const small: Mask2D = { rows: 3, cols: 4, data: new Uint8Array(12).fill(1) };
  assert.throws(() => extract(img, small, { spacing: [1, 1] }), (e: unknown) => e instanceof ExtractError && e.code === "SIZE_MISMATCH" && /3x4.*4x4/.test(e.message));
  assert.throws(
    () => extract(img, full, {} as unknown as { spacing: [number, number] }),
    (e: unknown) => e instanceof ExtractError && e.code === "MISSING_SPACING" && /spacing/.test(e.message),
  );
  assert.throws(() => extract(img, full, { spacing: [0, 1] }), (e: unknown) => e instanceof ExtractError && e.code === "MISSING_SPACING");
  assert.throws(() => extract(img, full, { spacing: [1, 1], ng: 0 }), (e: unknown) => e instanceof ExtractError && e.code === "BAD_OPTION");
  assert.throws(() => extract(img, full, { spacing: [1, 1], binWidth: 0.001 }), (e: unknown) => e instanceof ExtractError && /grey levels/.test(e.message));
});

test("FBN discretisation: floor(Ng (x - min)/(max - min)) + 1, max -> Ng, flat -> 1", () => {
  const vals = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const out = new Uint16Array(11);
  assert.equal(discretise(vals, 11, { kind: "fbn", ng: 5 }, out, null, 0, 10), 5);
  assert.deepEqual(Array.from(out), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5]);
  const flat = new Uint16Array(3);
  assert.equal(discretise(Float64Array.from([7, 7, 7]), 3, { kind: "fbn", ng: 32 }, flat, null, 7, 7), 1);
  assert.deepEqual(Array.from(flat), [1, 1, 1]);
  const fbs = new Uint16Array(4);
  assert.equal(discretise(Float64Array.from([10, 14.9, 15, 31]), 4, { kind: "fbs", binWidth: 5, lowerBound: 10 }, fbs, null, 10, 31), 5);
  assert.deepEqual(Array.from(fbs), [1, 1, 2, 5]);
});

test("flat ROI: skewness/kurtosis 0, one grey level (Correlation 1, Imc 0, MCC 1)", () => {
  const flatImg: Image2D = { rows: 4, cols: 4, data: new Float64Array(16).fill(5) };
  const f = extract(flatImg, full, { spacing: [1, 1] }).features;
  assert.equal(f.original_firstorder_Skewness, 0);
  assert.equal(f.original_firstorder_Kurtosis, 0);
  assert.equal(f.original_firstorder_Mode, 1);
  assert.equal(f.original_firstorder_Entropy, -Math.log2(1 + 2.220446049250313e-16));
  assert.equal(f.original_glcm_Correlation_mean, 1);
  assert.equal(f.original_glcm_Imc1_mean, 0);
  assert.equal(f.original_glcm_MaximalCorrelationCoefficient_mean, 1);
  assert.equal(f["wavelet-LL2_firstorder_Mean"], 20); // LL2 of a constant c is 4c
});

test("ibsi-extended = seed-299 + 73 IBSI families; its seed part equals seed-299 on reference V01", () => {
  assert.equal(IBSI_EXTENDED_NAMES.length, 299 + 22 + 16 + 16 + 14 + 5);
  const ref = readJson<{ spacing_mm: [number, number]; features: Record<string, number> }>("V01.json");
  const image = readPngImage("V01_image.png");
  const mask = readPngMask("V01_mask.png");
  const ext = extract(image, mask, { spacing: ref.spacing_mm, set: "ibsi-extended" });
  assert.deepEqual(Object.keys(ext.features), [...IBSI_EXTENDED_NAMES]);
  for (const name of SEED_299_NAMES) {
    const want = ref.features[name];
    assert.ok(Math.abs(ext.features[name] - want) <= Math.max(1e-6 * Math.abs(want), 1e-9), name);
  }
  // cross-family identities that hold by definition
  const f = ext.features;
  assert.ok(Math.abs(f.original_glcm_ClusterTendency_mean - f.original_glcm_SumVariance_mean) < 1e-9);
  assert.ok(Math.abs(f.original_glcm_SumAverage_mean - 2 * f.original_glcm_JointAverage_mean) < 1e-9);
  assert.ok(Math.abs(f.original_glszm_ZonePercentage * 4166 - Math.round(f.original_glszm_ZonePercentage * 4166)) < 1e-6);
  for (const v of Object.values(f)) assert.ok(Number.isFinite(v));
});
