// `axilla stats calibrate …` (same arguments and output as validate, cli.md).
import { runValidateCalibrate } from "./validate.ts";

export async function run(argv: string[]): Promise<unknown> {
  return runValidateCalibrate(argv);
}
