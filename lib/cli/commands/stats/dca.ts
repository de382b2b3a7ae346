// `axilla stats dca --csv F --y COL --p COL [--thresholds 0.01:0.99:0.01]` (cli.md): decision curve.
import { CliError, flag, parseArgs, requireFlag } from "../../io.ts";
import { decisionCurve } from "../../../stats/dca.ts";
import { readCsvFrame, asCliError, warn } from "./lrm-common.ts";

/** "from:to:by" -> thresholds; when 1/by is an integer they are computed as i/(1/by) (R's (1:99)/100). */
export function parseThresholds(spec: string): number[] {
  const parts = spec.split(":").map(Number);
  if (parts.length !== 3 || !parts.every(Number.isFinite) || !(parts[2] > 0) || parts[1] < parts[0])
    throw new CliError(`--thresholds must be from:to:by with 0 < from <= to < 1 and by > 0, got "${spec}"`);
  const [from, to, by] = parts;
  const den = Math.round(1 / by);
  const out: number[] = [];
  if (Math.abs(den * by - 1) < 1e-12 && Math.abs(from * den - Math.round(from * den)) < 1e-9 && Math.abs(to * den - Math.round(to * den)) < 1e-9) {
    for (let i = Math.round(from * den); i <= Math.round(to * den); i++) out.push(i / den);
  } else {
    const k = Math.floor((to - from) / by + 1e-10);
    for (let i = 0; i <= k; i++) out.push(from + i * by);
  }
  if (out.some((t) => !(t > 0 && t < 1))) throw new CliError(`--thresholds must lie strictly between 0 and 1, got "${spec}"`);
  return out;
}

export async function run(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const df = readCsvFrame(requireFlag(args, "csv"));
  const yName = requireFlag(args, "y");
  const pName = requireFlag(args, "p");
  for (const c of [yName, pName]) if (!(c in df.columns)) throw new CliError(`column "${c}" is missing (columns: ${Object.keys(df.columns).join(", ")})`);
  const thresholds = parseThresholds(flag(args, "thresholds") ?? "0.01:0.99:0.01");
  const y: number[] = [];
  const p: number[] = [];
  let dropped = 0;
  for (let i = 0; i < df.nrow; i++) {
    const a = df.columns[yName][i];
    const b = df.columns[pName][i];
    if (a === null || b === null) {
      dropped++;
      continue;
    }
    if (typeof a !== "number" || typeof b !== "number") throw new CliError(`row ${i + 2}: --y and --p must be numeric (got "${a}", "${b}")`);
    y.push(a);
    p.push(b);
  }
  if (dropped) warn([`${dropped} row(s) with a missing value dropped`]);
  try {
    const d = decisionCurve(p, y, thresholds);
    return { threshold: d.thresholds, model: d.netBenefit, all: d.treatAll, none: d.treatNone, interventions_avoided_per_100: d.interventionsAvoidedPer100, tp: d.tp, fp: d.fp, n: d.n };
  } catch (e) {
    asCliError(e);
  }
}
