// `axilla stats roc` — pROC roc(levels = c(0, 1), direction = '<'), ci.auc(method = 'delong'), Youden (cli.md).
import { CsvError } from "../../../data/csv.ts";
import { CliError, readCsvTable, parseArgs, requireFlag } from "../../io.ts";
import { roc, RocError } from "../../../stats/roc.ts";
import { completeNumericRows, DataError } from "../../../stats/prep.ts";

/** Read a CSV and the complete rows of the listed numeric columns; y must be 0/1. */
export function readScores(csvPath: string, yName: string, cols: string[]): { y: Float64Array; scores: Float64Array[]; n: number } {
  const table = readCsvTable(csvPath);
  try {
    const { values, rows } = completeNumericRows(table, [yName, ...cols]);
    const y = values[0];
    for (let i = 0; i < y.length; i++) if (y[i] !== 0 && y[i] !== 1) throw new CliError(`--y ${yName} must be 0/1; row ${rows[i] + 2} has ${y[i]}`);
    return { y, scores: values.slice(1), n: rows.length };
  } catch (e) {
    if (e instanceof CsvError || e instanceof DataError) throw new CliError(e.message);
    throw e;
  }
}

export async function run(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const yName = requireFlag(args, "y");
  const scoreName = requireFlag(args, "score");
  const { y, scores, n } = readScores(requireFlag(args, "csv"), yName, [scoreName]);
  try {
    const r = roc(y, scores[0]);
    const c = r.curve;
    return {
      auc: r.auc,
      ci_delong: r.ci,
      delong_variance: r.delongVariance,
      youden: { threshold: r.youden.threshold, sensitivity: r.youden.sensitivity, specificity: r.youden.specificity, accuracy: r.youden.accuracy },
      curve: Array.from(c.threshold, (t, k) => ({ threshold: t, sensitivity: c.sensitivity[k], specificity: c.specificity[k] })),
      n,
      n_cases: r.nCases,
      n_controls: r.nControls,
    };
  } catch (e) {
    if (e instanceof RocError) throw new CliError(e.message);
    throw e;
  }
}
