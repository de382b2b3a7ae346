// Design matrices for rms-style models: factor coding (treatment contrasts, reference = first level in
// Unicode code-point order unless ref=), transformations, and Harrell's restricted cubic splines with
// knots placed as Hmisc::rcspline.eval. The fitted spec can be re-applied to new data (prediction).
import type { CsvTable } from "../data/csv.ts";
import { parseFormula, type Formula, type Term } from "./formula.ts";
import { maxOf, minOf, quantile7Sorted, seqLength } from "./rbase.ts";

export type Cell = number | string | null;

/** Column-oriented data: numeric columns hold numbers, text columns strings; null = missing. */
export interface DataFrame {
  nrow: number;
  columns: Record<string, Cell[]>;
}

export class DesignError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DesignError";
  }
}

/** A CSV table as a DataFrame: a column is numeric when every non-missing cell parses as a number (cli.md). */
export function dataFrameFromCsv(table: CsvTable): DataFrame {
  const columns: Record<string, Cell[]> = {};
  table.columns.forEach((name, j) => {
    const raw = table.rows.map((r) => r[j]);
    const numeric = raw.every((v) => v === null || Number.isFinite(Number(v)));
    columns[name] = numeric ? raw.map((v) => (v === null ? null : Number(v))) : raw;
  });
  return { nrow: table.rows.length, columns };
}

export interface FittedTerm {
  /** factor name as rms prints it (the column name, also for log/sqrt/rcs) */
  name: string;
  term: Term;
  /** factor levels, reference first; coefficients are for levels[1..] */
  levels?: string[];
  /** whether the factor came from a numeric column (levels are numbers as text) */
  numericLevels?: boolean;
  /** rcs knots */
  knots?: number[];
  /** rms coefficient names of this term's columns, before any dropping */
  colnames: string[];
  /** for each of colnames: its index in the final design (after dropping), or -1 when dropped */
  columnIndex: number[];
}

export interface DesignSpec {
  formula: Formula;
  response: string;
  terms: FittedTerm[];
  /** kept coefficient names (no Intercept), in design order */
  colnames: string[];
}

export interface Design {
  spec: DesignSpec;
  /** row-major n x p (no intercept column) */
  X: Float64Array;
  y: Float64Array;
  n: number;
  p: number;
  /** 0-based indices of the input rows used */
  rows: number[];
  /** raw values of each predictor column on the used rows (for nomogram axes / datadist) */
  values: Record<string, Cell[]>;
  warnings: string[];
}

export interface DesignOptions {
  /** "error" (default): missing values throw a DesignError listing rows and columns; "drop": rows are dropped (CLI) */
  missing?: "error" | "drop";
  /** drop constant / duplicate columns with a warning (default true) */
  dropDegenerate?: boolean;
}

function codePointCompare(a: string, b: string): number {
  // Unicode code-point order (not UTF-16 unit order, not locale order)
  const aa = Array.from(a);
  const bb = Array.from(b);
  for (let i = 0; i < Math.min(aa.length, bb.length); i++) {
    const d = aa[i].codePointAt(0)! - bb[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return aa.length - bb.length;
}

/** Hmisc::rcspline.eval knot placement (Hmisc 4.8, fractied = 0.05): type-7 quantiles with its tie/small-n rules. */
export function rcsKnots(values: ArrayLike<number>, nk: number): { knots: number[]; warning?: string } {
  let xx = Array.from(values).filter((v) => !Number.isNaN(v));
  const n = xx.length;
  if (n < 6) throw new DesignError(`rcs(): knots need at least 6 non-missing values, got ${n}`);
  const xu = Array.from(new Set(xx)).sort((a, b) => a - b);
  const nxu = xu.length;
  let knots: number[];
  let warning: string | undefined;
  if (nxu - 2 <= nk) {
    warning = `${nk} knots requested with ${nxu} unique values of x; knots set to ${nxu - 2} interior values`;
    knots = xu.slice(1, -1);
  } else {
    let outer = nk > 3 ? 0.05 : 0.1;
    if (nk > 6) outer = 0.025;
    let nke = nk;
    let firstknot: number[] = [];
    let lastknot: number[] = [];
    let overrideFirst = false;
    let overrideLast = false;
    // f <- table(xx)/n; if the interior values are all rarer than fractied, a heavy first/last value becomes a knot
    const counts = new Map<number, number>();
    for (const v of xx) counts.set(v, (counts.get(v) ?? 0) + 1);
    const f = xu.map((v) => counts.get(v)! / n);
    const interiorMax = maxOf(f.slice(1, -1));
    if (interiorMax < 0.05) {
      if (f[0] >= 0.05) {
        const mn = xu[0];
        firstknot = [minOf(xx.filter((v) => v > mn))];
        xx = xx.filter((v) => v > firstknot[0]);
        nke--;
        overrideFirst = true;
      }
      if (f[f.length - 1] >= 0.05) {
        const mx = maxOf(xx);
        lastknot = [maxOf(xx.filter((v) => v < mx))];
        xx = xx.filter((v) => v < lastknot[0]);
        nke--;
        overrideLast = true;
      }
    }
    const sorted = Float64Array.from(xx).sort();
    if (nke === 1) knots = quantile7Sorted(sorted, [0.5]);
    else {
      if (nxu <= nke) knots = xu.slice();
      else {
        const p = nke === 2 ? seqLength(0.5, 1 - outer, nke) : seqLength(outer, 1 - outer, nke);
        knots = quantile7Sorted(sorted, p);
        if (new Set(knots).size < Math.min(nke, 3)) {
          knots = quantile7Sorted(sorted, seqLength(outer, 1 - outer, 2 * nke));
          if (firstknot.length && new Set(knots).size < 3) {
            const midval = firstknot.length && lastknot.length ? (firstknot[0] + lastknot[0]) / 2 : quantile7Sorted(sorted, [0.5])[0];
            knots = [firstknot[0], midval, lastknot.length ? lastknot[0] : quantile7Sorted(sorted, [1 - outer])[0]].sort((a, b) => a - b);
          }
          const nu = new Set(knots).size;
          if (nu < 3) throw new DesignError(`rcs(): fewer than 3 unique knots can be placed (${nu})`);
          warning = `could not obtain ${nke} interior knots with the default algorithm; used an alternate algorithm to obtain ${nu} knots`;
        }
      }
      if (sorted.length < 100) {
        if (!overrideFirst) knots[0] = sorted[4];
        if (!overrideLast) knots[nke - 1] = sorted[sorted.length - 5];
      }
    }
    knots = [...firstknot, ...knots, ...lastknot];
  }
  knots = Array.from(new Set(knots)).sort((a, b) => a - b);
  if (knots.length < 3) throw new DesignError(`rcs(): fewer than 3 unique knots (${knots.length})`);
  return { knots, warning };
}

/** Restricted cubic spline basis columns (k-2 of them) as Hmisc::rcspline.eval(norm = 2). */
export function rcsBasis(x: number, knots: number[]): number[] {
  const nk = knots.length;
  const t1 = knots[0];
  const tk = knots[nk - 1];
  const tk1 = knots[nk - 2];
  const kd = Math.pow(tk - t1, 2 / 3); // norm = 2: (t_k - t_1)^(2/3) inside the cube = /(t_k - t_1)^2 overall
  const out: number[] = [];
  for (let j = 0; j < nk - 2; j++) {
    const tj = knots[j];
    // (x-t_j)+^3 + ((t_{k-1}-t_j)(x-t_k)+^3 - (t_k-t_j)(x-t_{k-1})+^3)/(t_k-t_{k-1}), all on the kd scale
    out.push(
      Math.pow(Math.max((x - tj) / kd, 0), 3) +
        ((tk1 - tj) * Math.pow(Math.max((x - tk) / kd, 0), 3) - (tk - tj) * Math.pow(Math.max((x - tk1) / kd, 0), 3)) / (tk - tk1),
    );
  }
  return out;
}

function cellLabel(v: Cell): string {
  return typeof v === "number" ? String(v) : (v as string);
}

/** The design columns of one term for one value (all of colnames, before dropping). */
export function termColumns(t: FittedTerm, v: Cell): number[] {
  const term = t.term;
  if (v === null || (typeof v === "number" && Number.isNaN(v))) throw new DesignError(`"${t.name}" is missing`);
  if (term.kind === "factor" || t.levels) {
    const lab = cellLabel(v);
    const li = t.levels!.indexOf(lab);
    if (li < 0) throw new DesignError(`"${t.name}" = "${lab}" is not one of the levels ${t.levels!.join(", ")}`);
    return t.levels!.slice(1).map((_, j) => (li === j + 1 ? 1 : 0));
  }
  if (typeof v !== "number") throw new DesignError(`"${t.name}" must be numeric, got "${v}"`);
  switch (term.kind) {
    case "plain":
      return [v];
    case "log": {
      const a = v + term.offset;
      if (!(a > 0)) throw new DesignError(`log(${t.name} + ${term.offset}) is undefined for ${t.name} = ${v}`);
      return [Math.log(a)];
    }
    case "sqrt":
      if (v < 0) throw new DesignError(`sqrt(${t.name}) is undefined for ${t.name} = ${v}`);
      return [Math.sqrt(v)];
    case "rcs":
      return [v, ...rcsBasis(v, t.knots!)];
  }
}

/** Sum of a term's contribution b'x for value v (uncentred; rms type = 'terms'); coef indexed by final design column (no intercept). */
export function termContribution(t: FittedTerm, v: Cell, beta: ArrayLike<number>): number {
  const cols = termColumns(t, v);
  let s = 0;
  for (let j = 0; j < cols.length; j++) if (t.columnIndex[j] >= 0) s += beta[t.columnIndex[j]] * cols[j];
  return s;
}

function usedColumns(f: Formula): string[] {
  return [f.response, ...f.terms.map((t) => t.column)];
}

/** Rows with a missing value in any used column: [{row (1-based data row), columns}] */
export function missingCells(df: DataFrame, columns: string[]): { row: number; columns: string[] }[] {
  const out: { row: number; columns: string[] }[] = [];
  for (let i = 0; i < df.nrow; i++) {
    const miss = columns.filter((c) => {
      const v = df.columns[c][i];
      return v === null || (typeof v === "number" && Number.isNaN(v));
    });
    if (miss.length) out.push({ row: i + 1, columns: miss });
  }
  return out;
}

/** Build the design for `formula` on `df`. */
export function buildDesign(df: DataFrame, formulaText: string | Formula, options: DesignOptions = {}): Design {
  const formula = typeof formulaText === "string" ? parseFormula(formulaText) : formulaText;
  const warnings: string[] = [];
  for (const c of usedColumns(formula)) if (!(c in df.columns)) throw new DesignError(`column "${c}" is missing (columns: ${Object.keys(df.columns).join(", ")})`);
  const miss = missingCells(df, usedColumns(formula));
  if (miss.length && (options.missing ?? "error") === "error") {
    const shown = miss.slice(0, 20).map((m) => `row ${m.row} (${m.columns.join(", ")})`).join("; ");
    throw new DesignError(`missing values in ${miss.length} row(s): ${shown}${miss.length > 20 ? "; …" : ""}`);
  }
  const missSet = new Set(miss.map((m) => m.row - 1));
  const rows: number[] = [];
  for (let i = 0; i < df.nrow; i++) if (!missSet.has(i)) rows.push(i);
  if (miss.length) warnings.push(`${miss.length} row(s) with missing values dropped`);
  const n = rows.length;
  if (n === 0) throw new DesignError("no complete rows to fit");
  const yCol = df.columns[formula.response];
  const y = new Float64Array(n);
  rows.forEach((r, i) => {
    const v = yCol[r];
    if (v !== 0 && v !== 1) throw new DesignError(`the response "${formula.response}" must be 0/1, row ${r + 1} has "${v}"`);
    y[i] = v;
  });
  const terms: FittedTerm[] = formula.terms.map((term) => {
    const col = df.columns[term.column];
    const vals = rows.map((r) => col[r]);
    const isText = vals.some((v) => typeof v === "string");
    if (term.kind === "factor" || isText) {
      if (term.kind !== "factor" && term.kind !== "plain") throw new DesignError(`${term.kind}(${term.column}) needs a numeric column; "${term.column}" has text`);
      const numericLevels = !isText;
      const uniq = Array.from(new Set(vals.map(cellLabel)));
      let levels = numericLevels ? uniq.sort((a, b) => Number(a) - Number(b)) : uniq.sort(codePointCompare);
      const ref = term.kind === "factor" ? term.ref : undefined;
      if (ref !== undefined) {
        if (!levels.includes(ref)) throw new DesignError(`factor(${term.column}, ref=${ref}): "${ref}" is not a level (levels: ${levels.join(", ")})`);
        levels = [ref, ...levels.filter((l) => l !== ref)];
      }
      if (levels.length < 2) warnings.push(`"${term.column}" has a single level (${levels[0]}) and carries no information`);
      return { name: term.column, term, levels, numericLevels, colnames: levels.slice(1).map((l) => `${term.column}=${l}`), columnIndex: [] };
    }
    if (term.kind === "rcs") {
      const { knots, warning } = rcsKnots(vals as number[], term.k);
      if (warning) warnings.push(`rcs(${term.column}, ${term.k}): ${warning}`);
      const colnames = [term.column];
      for (let j = 1; j < knots.length - 1; j++) colnames.push(term.column + "'".repeat(j));
      return { name: term.column, term, knots, colnames, columnIndex: [] };
    }
    return { name: term.column, term, colnames: [term.column], columnIndex: [] };
  });
  // raw columns
  const raw: { term: number; k: number; name: string; values: Float64Array }[] = [];
  terms.forEach((t, ti) => {
    const colVals = t.colnames.map(() => new Float64Array(n));
    const col = df.columns[t.term.column];
    rows.forEach((r, i) => {
      const cs = termColumns(t, col[r]);
      cs.forEach((v, k) => (colVals[k][i] = v));
    });
    t.colnames.forEach((name, k) => raw.push({ term: ti, k, name, values: colVals[k] }));
  });
  // constant / duplicate columns
  const kept: typeof raw = [];
  for (const c of raw) {
    if (options.dropDegenerate !== false) {
      const v0 = c.values[0];
      if (c.values.every((v) => v === v0)) {
        warnings.push(`column "${c.name}" is constant (${v0}) in the fitted rows and was dropped`);
        terms[c.term].columnIndex[c.k] = -1;
        continue;
      }
      const dup = kept.find((o) => o.values.every((v, i) => v === c.values[i]));
      if (dup) {
        warnings.push(`column "${c.name}" duplicates "${dup.name}" and was dropped`);
        terms[c.term].columnIndex[c.k] = -1;
        continue;
      }
    }
    terms[c.term].columnIndex[c.k] = kept.length;
    kept.push(c);
  }
  const p = kept.length;
  const X = new Float64Array(n * p);
  kept.forEach((c, j) => {
    for (let i = 0; i < n; i++) X[i * p + j] = c.values[i];
  });
  const spec: DesignSpec = { formula, response: formula.response, terms, colnames: kept.map((c) => c.name) };
  const values: Record<string, Cell[]> = {};
  for (const t of formula.terms) values[t.column] = rows.map((r) => df.columns[t.column][r]);
  return { spec, X, y, n, p, rows, values, warnings };
}

/** One design row (no intercept) for a record of raw values keyed by column name. */
export function designRow(spec: DesignSpec, values: Record<string, Cell>): Float64Array {
  const x = new Float64Array(spec.colnames.length);
  for (const t of spec.terms) {
    if (!(t.term.column in values)) throw new DesignError(`value for "${t.name}" is missing`);
    const cs = termColumns(t, values[t.term.column]);
    cs.forEach((v, k) => {
      if (t.columnIndex[k] >= 0) x[t.columnIndex[k]] = v;
    });
  }
  return x;
}

/** Re-apply a fitted spec to new data: row-major X for the given rows (missing values throw). */
export function applyDesign(spec: DesignSpec, df: DataFrame, rows?: number[]): Float64Array {
  const rr = rows ?? Array.from({ length: df.nrow }, (_, i) => i);
  const p = spec.colnames.length;
  const X = new Float64Array(rr.length * p);
  rr.forEach((r, i) => {
    const rec: Record<string, Cell> = {};
    for (const t of spec.terms) rec[t.term.column] = df.columns[t.term.column]?.[r] ?? null;
    try {
      X.set(designRow(spec, rec), i * p);
    } catch (e) {
      throw new DesignError(`row ${r + 1}: ${(e as Error).message}`);
    }
  });
  return X;
}
