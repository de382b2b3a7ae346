// Shared CLI plumbing: argument parsing, JSON output with the cli.md conventions, CSV reading.
import { readFileSync } from "node:fs";
import { parseCsv, CsvError, type CsvTable } from "../data/csv.ts";

/** An error caused by the user's input: printed as one line, exit code 2. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = "CliError";
  }
}

/** JSON with non-finite numbers written as "Inf", "-Inf", "NaN" and undefined as null (cli.md). */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Inf" : "-Inf";
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v === undefined ? null : v;
    },
    0,
  );
}

export type ParsedArgs = { flags: Map<string, string[]>; positional: string[] };

/** `--name value`, `--name=value`, repeated flags collect; `--flag` alone means "true". */
export function parseArgs(argv: string[]): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      let key: string;
      let val: string;
      if (eq >= 0) {
        key = a.slice(2, eq);
        val = a.slice(eq + 1);
      } else {
        key = a.slice(2);
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith("--")) {
          val = next;
          i++;
        } else val = "true";
      }
      const list = flags.get(key) ?? [];
      list.push(val);
      flags.set(key, list);
    } else positional.push(a);
  }
  return { flags, positional };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return v ? v[v.length - 1] : undefined;
}

export function requireFlag(args: ParsedArgs, name: string): string {
  const v = flag(args, name);
  if (v === undefined || v === "true") throw new CliError(`missing required option --${name}`);
  return v;
}

export function numberFlag(args: ParsedArgs, name: string, fallback?: number): number {
  const v = flag(args, name);
  if (v === undefined) {
    if (fallback === undefined) throw new CliError(`missing required option --${name}`);
    return fallback;
  }
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`--${name} must be a number, got "${v}"`);
  return n;
}

/** Read and parse a CSV file given by a flag; unreadable files and malformed CSV become one-line CliErrors. */
export function readCsvTable(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CliError(`cannot read --csv ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parseCsv(text);
  } catch (e) {
    if (e instanceof CsvError) throw new CliError(`${path}: ${e.message}`);
    throw e;
  }
}
