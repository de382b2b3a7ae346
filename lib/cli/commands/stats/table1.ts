// `axilla stats table1 --csv F --y COL --vars A,B,… [--nonnormal A,B]` (cli.md): per-group summaries,
// univariate tests and Spearman correlations.
import { CliError, flag, parseArgs, requireFlag } from "../../io.ts";
import { table1 } from "../../../stats/table1.ts";
import { readCsvFrame, asCliError, warn } from "./lrm-common.ts";

export async function run(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const df = readCsvFrame(requireFlag(args, "csv"));
  const y = requireFlag(args, "y");
  const vars = requireFlag(args, "vars").split(",").map((s) => s.trim()).filter(Boolean);
  const nonnormal = (flag(args, "nonnormal") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (const c of [y, ...vars, ...nonnormal]) if (!(c in df.columns)) throw new CliError(`column "${c}" is missing (columns: ${Object.keys(df.columns).join(", ")})`);
  // rows missing the outcome are dropped; a variable's missing cells are dropped per variable
  const keep: number[] = [];
  for (let i = 0; i < df.nrow; i++) if (df.columns[y][i] !== null) keep.push(i);
  if (keep.length < df.nrow) warn([`${df.nrow - keep.length} row(s) missing "${y}" dropped`]);
  const sub = { nrow: keep.length, columns: Object.fromEntries(Object.entries(df.columns).map(([k, v]) => [k, keep.map((i) => v[i])])) };
  try {
    const r = table1(sub, y, vars, { nonnormal });
    warn(r.warnings);
    return { groups: r.groups, n_by_group: r.n_by_group, variables: r.variables };
  } catch (e) {
    asCliError(e);
  }
}
