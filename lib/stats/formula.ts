// Model formula parsing (cli.md): `y ~ a + factor(b, ref=X) + log(c + 1) + sqrt(d) + rcs(e, 4)`.

export type Term =
  | { kind: "plain"; column: string }
  | { kind: "factor"; column: string; ref?: string }
  | { kind: "log"; column: string; offset: number }
  | { kind: "sqrt"; column: string }
  | { kind: "rcs"; column: string; k: number };

export interface Formula {
  response: string;
  terms: Term[];
  text: string;
}

export class FormulaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FormulaError";
  }
}

const NAME = /^[A-Za-z_.][A-Za-z0-9_.]*$/;

function splitTopLevel(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of s) {
    if (c === "(") depth++;
    else if (c === ")") depth--;
    if (depth < 0) throw new FormulaError(`unbalanced ")" in formula`);
    if (c === sep && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  if (depth !== 0) throw new FormulaError(`unbalanced "(" in formula`);
  parts.push(cur);
  return parts.map((p) => p.trim());
}

function columnName(s: string, where: string): string {
  const t = s.trim().replace(/^`(.*)`$/, "$1");
  if (!t || (!NAME.test(t) && !/^`/.test(s.trim()))) throw new FormulaError(`"${s.trim()}" in ${where} is not a column name`);
  return t;
}

export function parseTerm(raw: string): Term {
  const s = raw.trim();
  const m = /^([A-Za-z]+)\s*\((.*)\)$/s.exec(s);
  if (!m) return { kind: "plain", column: columnName(s, "a term") };
  const fn = m[1];
  const args = splitTopLevel(m[2], ",");
  switch (fn) {
    case "factor": {
      const column = columnName(args[0], "factor()");
      if (args.length === 1) return { kind: "factor", column };
      const r = /^ref\s*=\s*(.+)$/.exec(args[1] ?? "");
      if (args.length !== 2 || !r) throw new FormulaError(`factor() takes a column and optionally ref=LEVEL, got "${s}"`);
      return { kind: "factor", column, ref: r[1].trim().replace(/^["'](.*)["']$/, "$1") };
    }
    case "log": {
      if (args.length !== 1) throw new FormulaError(`log() takes one argument: log(col) or log(col + k), got "${s}"`);
      const p = splitTopLevel(args[0], "+");
      const column = columnName(p[0], "log()");
      if (p.length === 1) return { kind: "log", column, offset: 0 };
      const k = Number(p[1]);
      if (p.length !== 2 || !Number.isFinite(k) || k < 0 || p[1] === "") throw new FormulaError(`log(col + k) needs a numeric k >= 0, got "${s}"`);
      return { kind: "log", column, offset: k };
    }
    case "sqrt":
      if (args.length !== 1) throw new FormulaError(`sqrt() takes one column, got "${s}"`);
      return { kind: "sqrt", column: columnName(args[0], "sqrt()") };
    case "rcs": {
      const column = columnName(args[0], "rcs()");
      const k = args.length > 1 ? Number(args[1]) : 5;
      if (args.length > 2 || !Number.isInteger(k) || k < 3 || k > 7) throw new FormulaError(`rcs(col, k) needs an integer k between 3 and 7, got "${s}"`);
      return { kind: "rcs", column, k };
    }
    default:
      throw new FormulaError(`unknown function "${fn}" in term "${s}" (allowed: factor, log, sqrt, rcs)`);
  }
}

export function parseFormula(text: string): Formula {
  const sides = text.split("~");
  if (sides.length !== 2) throw new FormulaError(`a formula needs exactly one "~": "${text}"`);
  const response = columnName(sides[0], "the response");
  const rhs = sides[1].trim();
  if (!rhs) throw new FormulaError(`the formula has no terms after "~"`);
  const terms = splitTopLevel(rhs, "+").map((t) => {
    if (!t) throw new FormulaError(`empty term in "${text}"`);
    return parseTerm(t);
  });
  const seen = new Set<string>();
  for (const t of terms) {
    if (seen.has(t.column)) throw new FormulaError(`column "${t.column}" appears in more than one term`);
    if (t.column === response) throw new FormulaError(`the response "${response}" is also a predictor`);
    seen.add(t.column);
  }
  return { response, terms, text };
}

/** The text of one term, as parseTerm reads it back. */
export function formatTerm(t: Term): string {
  switch (t.kind) {
    case "plain":
      return t.column;
    case "factor":
      return t.ref === undefined ? `factor(${t.column})` : `factor(${t.column}, ref=${t.ref})`;
    case "log":
      return t.offset === 0 ? `log(${t.column})` : `log(${t.column} + ${t.offset})`;
    case "sqrt":
      return `sqrt(${t.column})`;
    case "rcs":
      return `rcs(${t.column}, ${t.k})`;
  }
}

/** Formula text, optionally keeping only the terms whose column is in `keep` (e.g. fastbw's kept factors). */
export function formatFormula(f: Formula, keep?: string[]): string {
  const terms = keep ? f.terms.filter((t) => keep.includes(t.column)) : f.terms;
  if (terms.length === 0) throw new FormulaError("no terms left in the formula");
  return `${f.response} ~ ${terms.map(formatTerm).join(" + ")}`;
}
