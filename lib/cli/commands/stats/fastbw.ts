// `axilla stats fastbw --csv F --formula … --rule aic` (cli.md): fastbw(fit, rule='aic', type='individual').
import { CliError, flag, parseArgs } from "../../io.ts";
import { fastbw } from "../../../stats/fastbw.ts";
import { fitFromArgs } from "./lrm-common.ts";

export async function run(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const rule = flag(args, "rule") ?? "aic";
  if (rule !== "aic") throw new CliError(`--rule must be "aic" (got "${rule}")`);
  const r = fastbw(fitFromArgs(args));
  return { deleted: r.deleted, kept: r.kept, steps: r.steps, coefficients: r.coefficients };
}
