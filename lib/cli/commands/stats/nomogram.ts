// `axilla stats nomogram --csv F --formula …` (cli.md): rms::nomogram(fit, fun = plogis) axes and scales.
import { parseArgs } from "../../io.ts";
import { nomogram } from "../../../stats/nomogram.ts";
import { fitFromArgs } from "./lrm-common.ts";

export async function run(argv: string[]): Promise<unknown> {
  const nm = nomogram(fitFromArgs(parseArgs(argv)));
  const axes: Record<string, { values: (number | string)[]; points: number[] }> = {};
  for (const a of nm.axes) axes[a.variable] = { values: a.values, points: a.points };
  return {
    axes,
    total_points: nm.totalPointsAxis,
    probability: nm.probabilityAxis.probability,
    probability_points: nm.probabilityAxis.points,
    sc: nm.sc,
    intercept: nm.intercept,
  };
}
