// `axilla stats <method> …`: each method lives in ./stats/<method>.ts and mirrors one R function (cli.md).
import { CliError } from "../io.ts";

const METHODS: Record<string, () => Promise<{ run(argv: string[]): Promise<unknown> }>> = {
  lasso: () => import("./stats/lasso.ts"),
  roc: () => import("./stats/roc.ts"),
  "roc-test": () => import("./stats/roc-test.ts"),
  svm: () => import("./stats/svm.ts"),
  lrm: () => import("./stats/lrm.ts"),
  fastbw: () => import("./stats/fastbw.ts"),
  nomogram: () => import("./stats/nomogram.ts"),
  validate: () => import("./stats/validate.ts"),
  calibrate: () => import("./stats/calibrate.ts"),
  dca: () => import("./stats/dca.ts"),
  table1: () => import("./stats/table1.ts"),
};

export async function run(argv: string[]): Promise<unknown> {
  const [method, ...rest] = argv;
  if (!method || !(method in METHODS)) throw new CliError(`usage: axilla stats <${Object.keys(METHODS).join("|")}> …`);
  return (await METHODS[method]()).run(rest);
}
