// `axilla stats svm` — e1071::svm(type = 'C-classification', kernel = 'radial', scale = FALSE) (cli.md).
import { CsvError, columnIndex } from "../../../data/csv.ts";
import { CliError, readCsvTable, flag, numberFlag, parseArgs, requireFlag } from "../../io.ts";
import { svmTrain, svmDecision, SvmError } from "../../../stats/svm.ts";
import { DataError } from "../../../stats/prep.ts";

export async function run(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const csvPath = requireFlag(args, "csv");
  const yName = requireFlag(args, "y");
  const xNames = requireFlag(args, "x").split(",").map((s) => s.trim()).filter(Boolean);
  const cost = numberFlag(args, "cost");
  const gamma = numberFlag(args, "gamma");
  const tolerance = numberFlag(args, "tolerance", 1e-3);
  const trainCol = requireFlag(args, "train-col");
  const trainValue = flag(args, "train-value") ?? "train";
  const table = readCsvTable(csvPath);
  try {
    const cols = xNames.map((c) => columnIndex(table, c));
    const yj = columnIndex(table, yName);
    const tj = columnIndex(table, trainCol);
    const trainRows: Float64Array[] = [];
    const yTrain: number[] = [];
    const testRows: Float64Array[] = [];
    let n = 0;
    table.rows.forEach((r, i) => {
      const isTrain = r[tj] === trainValue;
      if (cols.some((j) => r[j] === null) || (isTrain && r[yj] === null)) return; // rows missing a used column are dropped
      const v = Float64Array.from(cols, (j, c) => {
        const x = Number(r[j]);
        if (!Number.isFinite(x)) throw new DataError(`row ${i + 2}, column "${xNames[c]}": "${r[j]}" is not a number`);
        return x;
      });
      n++;
      if (isTrain) {
        const yv = Number(r[yj]);
        if (!Number.isFinite(yv)) throw new DataError(`row ${i + 2}, column "${yName}": "${r[yj]}" is not a number`);
        trainRows.push(v);
        yTrain.push(yv);
      } else testRows.push(v);
    });
    if (trainRows.length === 0) throw new CliError(`no rows with ${trainCol} == "${trainValue}"`);
    const model = svmTrain(trainRows, yTrain, { cost, gamma, tolerance });
    return {
      decision_values: svmDecision(model, testRows),
      n_sv: model.sv.length,
      rho: model.rho,
      n_sv_per_class: model.nSV,
      labels: model.labels,
      sv_index: Array.from(model.svIndex, (i) => i + 1),
      n,
      n_train: trainRows.length,
    };
  } catch (e) {
    if (e instanceof CsvError || e instanceof SvmError || e instanceof DataError) throw new CliError(e.message);
    throw e;
  }
}
