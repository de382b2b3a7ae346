// Inputs of the training pipeline: the cohort table (cli.md "Pipeline": case_code, aln, age, t_stage, location,
// er, pr, us_aln, optional split/site/image columns) and the feature table (case_code + one column per feature),
// validated with one clear message per problem (row, column, what is wrong). Pure: CSV text is parsed by
// lib/data/csv.ts; no file access here.
import { parseCsv, type CsvTable } from "../data/csv.ts";

export const T_STAGES = ["T1", "T2", "T3", "T4"] as const;
export const LOCATIONS = ["UIQ", "UOQ", "LIQ", "LOQ", "central"] as const;
export const POS_NEG = ["positive", "negative"] as const;
export const REQUIRED_COHORT_COLUMNS = ["case_code", "aln", "age", "t_stage", "location", "er", "pr", "us_aln"] as const;

export type CohortRecord = {
  caseCode: string;
  aln: 0 | 1;
  age: number;
  t_stage: (typeof T_STAGES)[number];
  location: (typeof LOCATIONS)[number];
  er: "positive" | "negative";
  pr: "positive" | "negative";
  us_aln: "positive" | "negative";
  /** given split (optional column) */
  split: "primary" | "validation" | null;
  site: string | null;
  /** other columns (image paths etc.) as text */
  extra: Record<string, string | null>;
};

export type FeatureTable = {
  names: string[];
  /** case code -> values in `names` order */
  byCase: Map<string, Float64Array>;
};

export type InputProblem = { row: number | null; column: string | null; problem: string };

/** Invalid pipeline input: `problems` lists every problem found (row numbers are CSV line numbers, header = 1). */
export class PipelineInputError extends Error {
  constructor(
    readonly problems: InputProblem[],
    what = "input",
  ) {
    super(
      `${what} has ${problems.length} problem(s): ` +
        problems
          .slice(0, 12)
          .map((p) => `${p.row !== null ? `row ${p.row}` : "header"}${p.column ? `, column "${p.column}"` : ""}: ${p.problem}`)
          .join("; ") +
        (problems.length > 12 ? "; …" : ""),
    );
    this.name = "PipelineInputError";
  }
}

function normPosNeg(v: string): "positive" | "negative" | null {
  const t = v.trim().toLowerCase();
  if (t === "positive" || t === "pos" || t === "+" || t === "1" || t === "yes") return "positive";
  if (t === "negative" || t === "neg" || t === "-" || t === "0" || t === "no") return "negative";
  return null;
}

/** Validate and type a cohort table. Collects every problem before throwing. */
export function cohortFromTable(table: CsvTable): CohortRecord[] {
  const problems: InputProblem[] = [];
  for (const c of REQUIRED_COHORT_COLUMNS) if (!table.columns.includes(c)) problems.push({ row: null, column: c, problem: "required column is missing" });
  if (problems.length) throw new PipelineInputError(problems, "the cohort CSV");
  const col = (name: string): number => table.columns.indexOf(name);
  const seen = new Map<string, number>();
  const out: CohortRecord[] = [];
  table.rows.forEach((row, i) => {
    const line = i + 2;
    const get = (name: string): string | null => (col(name) >= 0 ? row[col(name)] : null);
    const bad = (column: string, problem: string): void => {
      problems.push({ row: line, column, problem });
    };
    const code = get("case_code");
    if (code === null) bad("case_code", "missing value");
    else if (seen.has(code)) bad("case_code", `duplicate case code "${code}" (first on row ${seen.get(code)})`);
    else seen.set(code, line);
    const alnRaw = get("aln");
    let aln: 0 | 1 = 0;
    if (alnRaw === null) bad("aln", "missing value");
    else if (alnRaw === "1" || alnRaw.toLowerCase() === "positive") aln = 1;
    else if (alnRaw === "0" || alnRaw.toLowerCase() === "negative") aln = 0;
    else bad("aln", `"${alnRaw}" is not 0/1`);
    const ageRaw = get("age");
    const age = ageRaw === null ? NaN : Number(ageRaw);
    if (ageRaw === null) bad("age", "missing value");
    else if (!Number.isFinite(age)) bad("age", `"${ageRaw}" is not a number`);
    else if (age < 0 || age > 120) bad("age", `${age} is outside 0–120 years`);
    const t = get("t_stage");
    const tNorm = t === null ? null : t.trim().toUpperCase();
    if (t === null) bad("t_stage", "missing value");
    else if (!T_STAGES.includes(tNorm as (typeof T_STAGES)[number])) bad("t_stage", `unknown T stage "${t}" (expected ${T_STAGES.join(", ")})`);
    const loc = get("location");
    const locNorm = loc === null ? null : loc.trim().toLowerCase() === "central" ? "central" : loc.trim().toUpperCase();
    if (loc === null) bad("location", "missing value");
    else if (!LOCATIONS.includes(locNorm as (typeof LOCATIONS)[number])) bad("location", `unknown location "${loc}" (expected ${LOCATIONS.join(", ")})`);
    const pn: Record<string, "positive" | "negative"> = {};
    for (const c of ["er", "pr", "us_aln"]) {
      const v = get(c);
      if (v === null) bad(c, "missing value");
      else {
        const n = normPosNeg(v);
        if (!n) bad(c, `"${v}" is not positive/negative`);
        else pn[c] = n;
      }
    }
    const splitRaw = get("split");
    let split: CohortRecord["split"] = null;
    if (splitRaw !== null) {
      const s = splitRaw.trim().toLowerCase();
      if (s === "primary" || s === "training" || s === "train") split = "primary";
      else if (s === "validation" || s === "test") split = "validation";
      else bad("split", `"${splitRaw}" is not primary/validation`);
    }
    const extra: Record<string, string | null> = {};
    table.columns.forEach((c, j) => {
      if (!(REQUIRED_COHORT_COLUMNS as readonly string[]).includes(c) && c !== "split" && c !== "site") extra[c] = row[j];
    });
    out.push({
      caseCode: code ?? "",
      aln,
      age,
      t_stage: tNorm as CohortRecord["t_stage"],
      location: locNorm as CohortRecord["location"],
      er: pn.er,
      pr: pn.pr,
      us_aln: pn.us_aln,
      split,
      site: get("site"),
      extra,
    });
  });
  if (out.length === 0) problems.push({ row: null, column: null, problem: "the cohort has no rows" });
  if (problems.length) throw new PipelineInputError(problems, "the cohort CSV");
  const splits = new Set(out.map((r) => r.split));
  if (splits.has(null) && splits.size > 1)
    throw new PipelineInputError([{ row: null, column: "split", problem: "the split column is filled for some rows but not others" }], "the cohort CSV");
  return out;
}

/** Validate and type a feature table (case_code + numeric feature columns). */
export function featuresFromTable(table: CsvTable): FeatureTable {
  const problems: InputProblem[] = [];
  const ci = table.columns.indexOf("case_code");
  if (ci < 0) throw new PipelineInputError([{ row: null, column: "case_code", problem: "required column is missing" }], "the features CSV");
  const names = table.columns.filter((c) => c !== "case_code");
  if (names.length === 0) throw new PipelineInputError([{ row: null, column: null, problem: "no feature columns" }], "the features CSV");
  const idx = names.map((n) => table.columns.indexOf(n));
  const byCase = new Map<string, Float64Array>();
  table.rows.forEach((row, i) => {
    const code = row[ci];
    if (code === null) {
      problems.push({ row: i + 2, column: "case_code", problem: "missing value" });
      return;
    }
    if (byCase.has(code)) problems.push({ row: i + 2, column: "case_code", problem: `duplicate case code "${code}"` });
    const v = new Float64Array(names.length);
    const missingCols: string[] = [];
    idx.forEach((j, k) => {
      const cell = row[j];
      const num = cell === null ? NaN : Number(cell);
      if (cell === null) missingCols.push(names[k]);
      else if (!Number.isFinite(num)) problems.push({ row: i + 2, column: names[k], problem: `"${cell}" is not a finite number` });
      v[k] = num;
    });
    if (missingCols.length)
      problems.push({ row: i + 2, column: missingCols.length === 1 ? missingCols[0] : null, problem: `missing value in ${missingCols.length} column(s): ${missingCols.slice(0, 5).join(", ")}${missingCols.length > 5 ? ", …" : ""}` });
    byCase.set(code, v);
  });
  if (problems.length) throw new PipelineInputError(problems, "the features CSV");
  return { names, byCase };
}

export function cohortFromCsv(text: string): CohortRecord[] {
  return cohortFromTable(parseCsv(text));
}

export function featuresFromCsv(text: string): FeatureTable {
  return featuresFromTable(parseCsv(text));
}
