// `axilla stats lasso` — glmnet / cv.glmnet(foldid = …) on CSV columns (cli.md).
import { CsvError } from "../../../data/csv.ts";
import { CliError, readCsvTable, flag, numberFlag, parseArgs, requireFlag } from "../../io.ts";
import { glmnet, GlmnetError, type Family } from "../../../stats/glmnet.ts";
import { cvGlmnet, CvError, type CvMeasure } from "../../../stats/cv.ts";
import { completeNumericRows, dropDegenerateColumns, DataError } from "../../../stats/prep.ts";
import { fromColumns } from "../../../stats/scaler.ts";

const MEASURES = ["deviance", "auc", "mae", "class", "mse"];

export async function run(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const csvPath = requireFlag(args, "csv");
  const yName = requireFlag(args, "y");
  const xNames = requireFlag(args, "x").split(",").map((s) => s.trim()).filter(Boolean);
  if (xNames.length === 0) throw new CliError("--x needs at least one column");
  const family = (flag(args, "family") ?? "gaussian") as Family;
  if (family !== "gaussian" && family !== "binomial") throw new CliError(`--family must be binomial or gaussian, got "${family}"`);
  const foldCol = flag(args, "foldid");
  const stdFlag = flag(args, "standardize") ?? "true";
  if (stdFlag !== "true" && stdFlag !== "false") throw new CliError(`--standardize must be true or false, got "${stdFlag}"`);
  const nlambda = numberFlag(args, "nlambda", 100);
  const ratioFlag = flag(args, "lambda-min-ratio");
  const measure = (flag(args, "type-measure") ?? (family === "binomial" ? "deviance" : "mse")) as CvMeasure;
  if (!MEASURES.includes(measure)) throw new CliError(`--type-measure must be one of ${MEASURES.join(", ")}, got "${measure}"`);
  const table = readCsvTable(csvPath);
  try {
    const used = [yName, ...xNames, ...(foldCol ? [foldCol] : [])];
    const { values, rows } = completeNumericRows(table, used);
    if (rows.length < 3) throw new CliError(`only ${rows.length} complete rows in ${csvPath}`);
    const y = values[0];
    if (family === "binomial") for (let i = 0; i < y.length; i++) if (y[i] !== 0 && y[i] !== 1) throw new CliError(`--y ${yName} must be 0/1 for family binomial; row ${rows[i] + 2} has ${y[i]}`);
    const screen = dropDegenerateColumns(fromColumns(values.slice(1, 1 + xNames.length)), xNames);
    if (screen.names.length === 0) throw new CliError("no usable --x columns (all constant or duplicate)");
    const opts = {
      family,
      standardize: stdFlag === "true",
      nlambda,
      lambdaMinRatio: ratioFlag === undefined ? undefined : numberFlag(args, "lambda-min-ratio"),
    };
    const warnings = [...screen.warnings];
    const result: Record<string, unknown> = {};
    const fit = foldCol ? undefined : glmnet(screen.x, y, opts);
    const cv = foldCol ? cvGlmnet(screen.x, y, values[values.length - 1], { ...opts, measure }) : undefined;
    const f = cv ? cv.fit : fit!;
    result.lambda = f.lambda;
    result.a0 = f.a0;
    const beta: Record<string, number[]> = {};
    screen.names.forEach((name, j) => (beta[name] = f.beta.map((b) => b[j])));
    result.beta = beta;
    result.dev_ratio = f.devRatio;
    result.df = f.df;
    if (cv) result.cv = { cvm: cv.cvm, cvsd: cv.cvsd, lambda_min: cv.lambdaMin, lambda_1se: cv.lambda1se, index_min: cv.indexMin + 1, index_1se: cv.index1se + 1, measure };
    result.n = rows.length;
    result.warnings = warnings;
    return result;
  } catch (e) {
    if (e instanceof CsvError || e instanceof GlmnetError || e instanceof CvError || e instanceof DataError) throw new CliError(e.message);
    throw e;
  }
}
