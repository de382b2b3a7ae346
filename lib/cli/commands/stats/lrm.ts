// `axilla stats lrm --csv F --formula "…"` (cli.md): rms::lrm coefficients, SEs, LR chi2, AIC, exact C.
import { parseArgs } from "../../io.ts";
import { fitFromArgs } from "./lrm-common.ts";

export async function run(argv: string[]): Promise<unknown> {
  const m = fitFromArgs(parseArgs(argv));
  const coefficients: Record<string, number> = {};
  const se: Record<string, number> = {};
  m.names.forEach((nm, j) => {
    coefficients[nm] = m.coefficients[j];
    se[nm] = m.se[j];
  });
  return { coefficients, se, lr_chi2: m.lrChi2, aic: m.aic, c_index: m.cIndex, dxy: m.dxy, n: m.n, events: m.events, method: m.method };
}
