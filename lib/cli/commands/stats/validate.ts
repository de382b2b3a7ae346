// `axilla stats validate --csv F --formula … --B 200 --seed S [--indices FILE]` (cli.md):
// rms::validate + calibrate (bootstrap optimism-corrected indexes and calibration curve).
import { parseArgs } from "../../io.ts";
import { validateAndCalibrate } from "../../../stats/validate.ts";
import { asCliError, bootstrapFromArgs, fitFromArgs } from "./lrm-common.ts";

export async function runValidateCalibrate(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const model = fitFromArgs(args);
  const opts = bootstrapFromArgs(args, model.n);
  let r;
  try {
    r = validateAndCalibrate(model, opts);
  } catch (e) {
    asCliError(e);
  }
  const index: Record<string, { apparent: number; optimism: number; corrected: number; n: number; training: number; test: number }> = {};
  for (const [k, v] of Object.entries(r.validate.index)) index[k] = { apparent: v.apparent, optimism: v.optimism, corrected: v.corrected, n: v.n, training: v.training, test: v.test };
  const c = r.calibrate;
  return {
    index,
    calibration: {
      predicted: c.predicted,
      apparent: c.apparent,
      corrected: c.corrected,
      n: c.n,
      mean_absolute_error: c.meanAbsoluteError,
      mean_squared_error: c.meanSquaredError,
      quantile90_absolute_error: c.quantile90AbsoluteError,
    },
    B: r.validate.B,
    failed: r.validate.failed,
  };
}

export async function run(argv: string[]): Promise<unknown> {
  return runValidateCalibrate(argv);
}
