// `axilla stats roc-test` — paired DeLong test as pROC::roc.test(method = 'delong') (cli.md).
import { CliError, parseArgs, requireFlag } from "../../io.ts";
import { rocTestDelong, RocError } from "../../../stats/roc.ts";
import { readScores } from "./roc.ts";

export async function run(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const a = requireFlag(args, "score");
  const b = requireFlag(args, "score2");
  const { y, scores, n } = readScores(requireFlag(args, "csv"), requireFlag(args, "y"), [a, b]);
  try {
    const t = rocTestDelong(y, scores[0], scores[1]);
    return { z: t.z, p_value: t.pValue, auc_a: t.aucA, auc_b: t.aucB, n };
  } catch (e) {
    if (e instanceof RocError) throw new CliError(e.message);
    throw e;
  }
}
