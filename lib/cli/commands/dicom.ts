// `axilla dicom --info FILE`: header facts + decoded-pixel statistics and SHA-256 (cli.md, issue 3).
// `axilla dicom --deidentify FILE --out OUT`: write a de-identified copy (PS3.15 basic profile).
import { readFile, writeFile } from "node:fs/promises";
import { CliError, flag, parseArgs } from "../io.ts";
import { DicomError, deidentifyPart10, dicomInfo } from "../../dicom/index.ts";

export async function run(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const info = flag(args, "info");
  const deid = flag(args, "deidentify");
  const file = info && info !== "true" ? info : deid && deid !== "true" ? deid : args.positional[0];
  if (!file) throw new CliError("usage: axilla dicom --info FILE | --deidentify FILE --out OUT");
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    if (deid) {
      const out = flag(args, "out");
      if (!out || out === "true") throw new CliError("--deidentify needs --out OUT");
      const clean = deidentifyPart10(bytes, { uidSecret: process.env.AXILLA_UID_SECRET, pseudonym: flag(args, "pseudonym") });
      await writeFile(out, clean);
      return { file: out, bytes: clean.length };
    }
    return { file, ...(await dicomInfo(bytes)) };
  } catch (e) {
    if (e instanceof DicomError) throw new CliError(`${file}: ${e.message} [${e.code}]`);
    throw e;
  }
}
