// `axilla dicom --info FILE` prints the manifest's facts and decoded-pixel SHA-256; bad files -> CliError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { run } from "../../../lib/cli/commands/dicom.ts";
import { CliError } from "../../../lib/cli/io.ts";
import { fixturePath, manifest } from "./helpers.ts";

test("dicom --info matches the manifest (JPEG lossless SV1 MR4, signed MR_small RLE, multi-frame JPEG-LS)", async () => {
  for (const name of ["MR4_JPLL.dcm", "MR_small_RLE.dcm", "emri_small_jpeg_ls_lossless.dcm"]) {
    const row = manifest().find((r) => r.file.endsWith("/" + name))!;
    const out = (await run(["--info", fixturePath(row.file)])) as Record<string, unknown>;
    assert.equal(out.rows, Number(row.rows));
    assert.equal(out.columns, Number(row.columns));
    assert.equal(out.frames, Number(row.number_of_frames));
    assert.equal(out.transfer_syntax_uid, row.transfer_syntax_uid);
    assert.equal(out.photometric_interpretation, row.photometric_interpretation);
    assert.equal(out.bits_stored, Number(row.bits_stored));
    assert.equal(out.min, Number(row.decoded_min));
    assert.equal(out.max, Number(row.decoded_max));
    assert.equal(out.decoded_pixels_sha256_le, row.decoded_pixels_sha256_le);
    assert.ok("spacing" in out && "laterality" in out && "view" in out && typeof out.mean === "number");
  }
});

test("dicom --info on a non-DICOM file is a one-line CliError naming the problem", async () => {
  await assert.rejects(run(["--info", fixturePath("dicom/generated/mdb028.png")]), (e: unknown) => e instanceof CliError && /DICM/.test(e.message) && /NOT_DICOM/.test(e.message));
  await assert.rejects(run(["--info", "/nonexistent/x.dcm"]), (e: unknown) => e instanceof CliError && /cannot read/.test(e.message));
});
