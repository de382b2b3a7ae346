// Optional isotropic resampling (feature-set.md "Image preparation" step 5). Expected values follow by construction
// from the definition: output pixel centre (i + 0.5) * new = input coordinate (y + 0.5) * old; bilinear interpolation
// reproduces a linear function exactly; nearest neighbour takes the input pixel containing the output centre.
import { test } from "node:test";
import assert from "node:assert/strict";
import { extract, ExtractError } from "../../../lib/radiomics/extract.ts";
import { resampleImage, resampleMask } from "../../../lib/radiomics/resample.ts";
import { run } from "../../../lib/cli/commands/extract.ts";
import { fixturePath, readJson, readPngImage, readPngMask } from "./helpers.ts";
import type { Image2D, Mask2D } from "../../../lib/image/types.ts";

const ramp = (rows: number, cols: number, f: (r: number, c: number) => number): Image2D => {
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = f(r, c);
  return { rows, cols, data };
};

function rectMask(rows: number, cols: number, r0: number, h: number, c0: number, w: number): Mask2D {
  const data = new Uint8Array(rows * cols);
  for (let r = r0; r < r0 + h; r++) for (let c = c0; c < c0 + w; c++) data[r * cols + c] = 1;
  return { rows, cols, data };
}

const count = (m: Mask2D) => m.data.reduce((s, v) => s + v, 0);

test("resampleMm equal to the spacing is the identity: bit-for-bit the same 299 features (V03, 0.2 mm)", () => {
  const img = readPngImage("V03_image.png");
  const mask = readPngMask("V03_mask.png");
  const plain = extract(img, mask, { spacing: [0.2, 0.2] });
  const same = extract(img, mask, { spacing: [0.2, 0.2], resampleMm: 0.2 });
  assert.equal(Object.keys(same.features).length, 299);
  for (const [k, v] of Object.entries(plain.features)) assert.ok(Object.is(same.features[k], v), `${k}: ${same.features[k]} !== ${v}`);
  // and still the outside reference (V03.json, numpy/PyWavelets) within relative 1e-6
  const ref = readJson<{ features: Record<string, number> }>("V03.json");
  for (const [k, v] of Object.entries(ref.features)) assert.ok(Math.abs(same.features[k] - v) <= Math.max(1e-6 * Math.abs(v), 1e-9), k);
  // off by default: no resampling keys in the settings
  assert.equal("resampled_mm" in plain.settings, false);
  assert.equal(same.settings.resampled_mm, 0.2);
});

test("a linear ramp stays the same linear ramp (0.2 -> 0.4 mm: exact everywhere; 0.4 -> 0.2 mm: exact at interior pixels)", () => {
  const f = (y: number, x: number) => 3 * y + 5 * x + 7;
  const down = resampleImage(ramp(8, 10, f), [0.2, 0.2], 0.4);
  assert.deepEqual([down.rows, down.cols], [4, 5]);
  // output centre (i + 0.5) * 0.4 = (y + 0.5) * 0.2 -> y = 2i + 0.5
  for (let i = 0; i < 4; i++) for (let j = 0; j < 5; j++) assert.equal(down.data[i * 5 + j], f(2 * i + 0.5, 2 * j + 0.5), `(${i},${j})`);
  const up = resampleImage(ramp(4, 6, f), [0.4, 0.4], 0.2);
  assert.deepEqual([up.rows, up.cols], [8, 12]);
  // y = (i + 0.5) / 2 - 0.5 = i/2 - 0.25; inside [0, 3] for i = 1..6 (interior), edges clamp to the outermost centre
  for (let i = 1; i < 7; i++) for (let j = 1; j < 11; j++) assert.equal(up.data[i * 12 + j], f(i / 2 - 0.25, j / 2 - 0.25), `(${i},${j})`);
  assert.equal(up.data[0], f(0, 0)); // corner: y = -0.25, x = -0.25 clamped to 0
  assert.equal(up.data[7 * 12 + 11], f(3, 5)); // y = 3.25 -> 3, x = 5.25 -> 5
});

test("mask rectangle of W x H pixels at 0.2 mm resampled to 0.4 mm: (W/2) x (H/2) pixels at the mapped place", () => {
  // rows 4..9 (H = 6), cols 6..15 (W = 10): output i keeps input pixel floor((i + 0.5) * 2) = 2i + 1
  const m = resampleMask(rectMask(20, 30, 4, 6, 6, 10), [0.2, 0.2], 0.4);
  assert.deepEqual([m.rows, m.cols], [10, 15]);
  assert.equal(count(m), 3 * 5);
  assert.deepEqual(m, rectMask(10, 15, 2, 3, 3, 5)); // 2i + 1 in [4, 10) -> i = 2..4; in [6, 16) -> j = 3..7
  // odd height 5 (rows 4..8): 2i + 1 in {5, 7} -> 2 rows; odd start 5 with H = 6 (rows 5..10): {5, 7, 9} -> 3 rows
  assert.equal(count(resampleMask(rectMask(20, 30, 4, 5, 6, 10), [0.2, 0.2], 0.4)), 2 * 5);
  assert.equal(count(resampleMask(rectMask(20, 30, 5, 6, 6, 10), [0.2, 0.2], 0.4)), 3 * 5);
  // physical area is kept: 6 * 10 * 0.2^2 = 3 * 5 * 0.4^2 = 2.4 mm^2
  assert.ok(Math.abs(6 * 10 * 0.04 - count(m) * 0.16) < 1e-12);
});

test("anisotropic [0.1, 0.2] mm to 0.2 mm: columns unchanged, rows halved (image averages row pairs)", () => {
  const img = ramp(20, 10, (r, c) => (r * 37 + c * 11) % 23); // not linear, integer
  const out = resampleImage(img, [0.1, 0.2], 0.2);
  assert.deepEqual([out.rows, out.cols], [10, 10]);
  // x: ratio 1 -> input column j exactly; y: 2i + 0.5 -> halfway between rows 2i and 2i + 1
  for (let i = 0; i < 10; i++)
    for (let j = 0; j < 10; j++) assert.equal(out.data[i * 10 + j], (img.data[2 * i * 10 + j] + img.data[(2 * i + 1) * 10 + j]) / 2, `(${i},${j})`);
  // mask rows 4..11 (8 rows), cols 2..6 (5 cols): rows 2i + 1 in [4, 12) -> i = 2..5; cols unchanged
  const m = resampleMask(rectMask(20, 10, 4, 8, 2, 5), [0.1, 0.2], 0.2);
  assert.deepEqual(m, rectMask(10, 10, 2, 4, 2, 5));
});

test("extract records resampled_mm and the original spacing; bad resampleMm is a typed error", () => {
  const img = readPngImage("V03_image.png");
  const mask = readPngMask("V03_mask.png");
  const r = extract(img, mask, { spacing: [0.2, 0.2], resampleMm: 0.4 });
  assert.equal(r.settings.resampled_mm, 0.4);
  assert.deepEqual(r.settings.original_spacing_mm, [0.2, 0.2]);
  assert.deepEqual(r.settings.spacing_mm, [0.4, 0.4]);
  // the features are those of the explicitly resampled image/mask at 0.4 mm
  const direct = extract(resampleImage(img, [0.2, 0.2], 0.4), resampleMask(mask, [0.2, 0.2], 0.4), { spacing: [0.4, 0.4] });
  assert.deepEqual(r.features, direct.features);
  assert.equal(r.settings.roi_pixels, count(resampleMask(mask, [0.2, 0.2], 0.4)));
  for (const bad of [0, -1, Number.NaN, Infinity])
    assert.throws(() => extract(img, mask, { spacing: [0.2, 0.2], resampleMm: bad }), (e: unknown) => e instanceof ExtractError && e.code === "BAD_OPTION" && /resampleMm/.test(e.message));
  const tiny = rectMask(75, 75, 10, 1, 10, 1); // one pixel: 2i + 1 = 10 has no solution at 0.4 mm
  assert.throws(() => extract(img, tiny, { spacing: [0.2, 0.2], resampleMm: 0.4 }), (e: unknown) => e instanceof ExtractError && e.code === "EMPTY_ROI" && /after resampling/.test(e.message));
});

test("axilla extract --resample MM: settings JSON carries resampled_mm and original_spacing_mm", async () => {
  const out = (await run(["--image", fixturePath("V03_image.png"), "--mask", fixturePath("V03_mask.png"), "--spacing", "0.2,0.2", "--resample", "0.4"])) as {
    settings: Record<string, unknown>;
    features: Record<string, number>;
  };
  assert.equal(out.settings.resampled_mm, 0.4);
  assert.deepEqual(out.settings.original_spacing_mm, [0.2, 0.2]);
  assert.deepEqual(out.settings.spacing_mm, [0.4, 0.4]);
  const plain = (await run(["--image", fixturePath("V03_image.png"), "--mask", fixturePath("V03_mask.png"), "--spacing", "0.2,0.2"])) as { settings: Record<string, unknown> };
  assert.equal("resampled_mm" in plain.settings, false);
  await assert.rejects(run(["--image", fixturePath("V03_image.png"), "--mask", fixturePath("V03_mask.png"), "--spacing", "0.2,0.2", "--resample", "0"]), /--resample must be a positive number/);
});
