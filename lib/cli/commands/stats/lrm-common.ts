// Shared plumbing for the rms-style `axilla stats` commands (lrm, fastbw, nomogram, validate,
// calibrate): read the CSV, parse the formula, drop rows missing a used column (cli.md), fit.
import { readFileSync } from "node:fs";
import { CliError, readCsvTable, flag, numberFlag, requireFlag, type ParsedArgs } from "../../io.ts";
import { CsvError } from "../../../data/csv.ts";
import { dataFrameFromCsv, DesignError, type DataFrame } from "../../../stats/design.ts";
import { FormulaError } from "../../../stats/formula.ts";
import { lrm, type LrmModel } from "../../../stats/logistic.ts";
import type { BootstrapOptions } from "../../../stats/validate.ts";

export function readCsvFrame(path: string): DataFrame {
  return dataFrameFromCsv(readCsvTable(path));
}

export function warn(messages: string[]): void {
  for (const m of messages) process.stderr.write(`warning: ${m}\n`);
}

/** Wrap library errors caused by the input as one-line CliErrors. */
export function asCliError(e: unknown): never {
  if (e instanceof CliError) throw e;
  if (e instanceof FormulaError || e instanceof DesignError || e instanceof RangeError || e instanceof CsvError) throw new CliError(e.message);
  if (e instanceof Error && /response|no events|non-events/.test(e.message)) throw new CliError(e.message);
  throw e;
}

export function fitFromArgs(args: ParsedArgs): LrmModel {
  const df = readCsvFrame(requireFlag(args, "csv"));
  const formula = requireFlag(args, "formula");
  try {
    const model = lrm(df, formula, { missing: "drop" });
    warn(model.warnings);
    return model;
  } catch (e) {
    asCliError(e);
  }
}

export function bootstrapFromArgs(args: ParsedArgs, n: number): BootstrapOptions {
  const file = flag(args, "indices");
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new CliError(`cannot read --indices ${file}: ${(e as Error).message}`);
    }
    const list = Array.isArray(raw) ? raw : (raw as { indices?: unknown })?.indices;
    if (!Array.isArray(list) || list.length === 0 || !list.every((s) => Array.isArray(s)))
      throw new CliError(`--indices ${file} must hold a JSON array of 1-based row-index arrays`);
    const indices = (list as unknown[][]).map((s, b) => {
      if (s.length !== n) throw new CliError(`--indices: resample ${b + 1} has ${s.length} positions but ${n} rows are used`);
      return Int32Array.from(s, (v) => {
        if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > n) throw new CliError(`--indices: resample ${b + 1} has ${JSON.stringify(v)}, not a row index in 1..${n}`);
        return v - 1;
      });
    });
    return { indices };
  }
  const B = numberFlag(args, "B", 200);
  const seed = numberFlag(args, "seed", 1);
  if (!Number.isInteger(B) || B < 1) throw new CliError(`--B must be a positive integer, got ${B}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new CliError(`--seed must be an integer in [0, 2^32), got ${seed}`);
  return { B, seed };
}
