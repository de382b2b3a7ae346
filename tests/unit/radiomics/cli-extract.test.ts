// `axilla extract` command (cli.md): image + mask files, --repeat timing, phantom, and one-line errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run } from "../../../lib/cli/commands/extract.ts";
import { CliError } from "../../../lib/cli/io.ts";
import { fixturePath, readJson } from "./helpers.ts";

test("axilla extract --image --mask --spacing: V03 features equal the reference; --repeat adds timing_ms", async () => {
  const ref = readJson<{ features: Record<string, number>; roi_bbox_rows_cols: number[] }>("V03.json");
  const out = (await run([
    "--image", fixturePath("V03_image.png"),
    "--mask", fixturePath("V03_mask.png"),
    "--spacing", "0.2,0.2",
    "--repeat", "2",
  ])) as { set: string; settings: { roi_bbox_rows_cols: number[] }; features: Record<string, number>; timing_ms: Record<string, number> };
  assert.equal(out.set, "seed-299");
  assert.deepEqual(out.settings.roi_bbox_rows_cols, ref.roi_bbox_rows_cols);
  for (const [k, v] of Object.entries(ref.features)) assert.ok(Math.abs(out.features[k] - v) <= Math.max(1e-6 * Math.abs(v), 1e-9), k);
  assert.equal(out.timing_ms.n, 2);
  assert.ok(out.timing_ms.min <= out.timing_ms.median && out.timing_ms.median <= out.timing_ms.max);
});

test("axilla extract: PNG without --spacing, mismatched mask, unknown set -> CliError naming the problem", async () => {
  const img = fixturePath("V02_image.png");
  await assert.rejects(run(["--image", img, "--mask", fixturePath("V02_mask.png")]), (e: unknown) => e instanceof CliError && /spacing/.test(e.message));
  await assert.rejects(run(["--image", img, "--mask", fixturePath("V01_mask.png"), "--spacing", "1,1"]), (e: unknown) => e instanceof CliError && /mask is/.test(e.message));
  await assert.rejects(run(["--image", img, "--mask", fixturePath("V02_mask.png"), "--spacing", "1,1", "--set", "nope"]), /--set must be one of/);
  await assert.rejects(run(["--image", img, "--mask", fixturePath("V02_mask.png"), "--spacing", "1"]), /--spacing must be/);
});

test("axilla extract --phantom: IBSI codes, e.g. GLCM contrast ACUI 5.28 and NGTDM coarseness QCDE 0.121 (2D)", async () => {
  const out = (await run(["--phantom", fixturePath("phantom.json")])) as { features: Record<string, number> };
  assert.ok(Math.abs(out.features.ACUI - 5.28) <= 0.005);
  assert.ok(Math.abs(out.features.QCDE - 0.121) <= 0.0005);
  await assert.rejects(run(["--phantom", fixturePath("index.json")]), (e: unknown) => e instanceof CliError && /dims/.test(e.message));
});
