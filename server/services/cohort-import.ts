// Cohort import (issue 5): a cohort CSV (cli.md "Pipeline" columns) plus either a CSV of precomputed features
// or a .zip archive of images and masks. Everything is validated first and reported one line per problem
// (file, row, column, problem); nothing is stored while a problem remains unless the admin chose "skip bad
// rows" (then rows with problems are left out and listed). File-level problems (a missing column, no feature
// source, an unreadable archive) can never be skipped. Stored: the cleaned cohort CSV, the features CSV and the
// referenced image/mask files (content-addressed, server/storage); cohorts.meta holds counts and the file map —
// case codes are pseudonymous, nothing identifying is kept.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { unzipSync } from "fflate";
import { CsvError, parseCsv, type CsvTable } from "../../lib/data/csv.ts";
import { sniffFormat } from "../../lib/image/load.ts";
import {
  LOCATIONS,
  POS_NEG,
  REQUIRED_COHORT_COLUMNS,
  T_STAGES,
  cohortFromTable,
  featuresFromTable,
  PipelineInputError,
  type CohortRecord,
  type FeatureTable,
} from "../../lib/stats/pipeline-input.ts";
import { audit } from "../audit.ts";
import type { SessionUser } from "../auth/roles.ts";
import type { Db } from "../db/index.ts";
import { cohorts } from "../db/schema.ts";
import { env } from "../env.ts";
import { storage } from "../storage/index.ts";

export const IMAGE_COLUMNS = ["image_cc", "mask_cc", "image_mlo", "mask_mlo"] as const;

export type ImportFile = "cohort.csv" | "features.csv" | "archive";
export interface ImportProblem {
  file: ImportFile;
  /** CSV line number (header = 1); null for a file-level problem */
  row: number | null;
  column: string | null;
  problem: string;
}

/** One human line per problem, e.g. `cohort.csv row 4, column "age": "abc" is not a number`. */
export function formatProblem(p: ImportProblem): string {
  return `${p.file}${p.row !== null ? ` row ${p.row}` : ""}${p.column ? `, column "${p.column}"` : ""}: ${p.problem}`;
}

export class CohortImportError extends Error {
  constructor(
    message: string,
    readonly problems: ImportProblem[] = [],
  ) {
    super(message);
    this.name = "CohortImportError";
  }
}

export interface CohortImportInput {
  name: string;
  cohortCsv: string;
  featuresCsv?: string | null;
  /** a .zip with the image and mask files named in the cohort CSV */
  archive?: Uint8Array | null;
  skipBadRows?: boolean;
  source?: string | null;
  demo?: boolean;
}

export interface CohortMeta {
  source: string | null;
  demo: boolean;
  mode: "features" | "images";
  n: number;
  events: number;
  splits: { primary: number; validation: number } | null;
  sites: string[];
  columns: string[];
  featureCount: number | null;
  /** files: CSV file name -> stored path (relative to DATA_DIR) */
  files: Record<string, string>;
  cohortPath: string;
  featuresPath: string | null;
  skipped: { row: number; caseCode: string | null; problems: string[] }[];
  rowsInFile: number;
}

export interface ValidationReport {
  ok: boolean;
  rows: number;
  goodRows: number;
  badRows: number;
  events: number;
  mode: "features" | "images" | null;
  problems: ImportProblem[];
  /** problems that skipping rows cannot fix */
  blocking: number;
  /** the columns found in the cohort CSV (shown next to a missing-column problem) */
  columns: string[];
}

export interface ImportResult {
  imported: boolean;
  cohortId: string | null;
  report: ValidationReport;
}

const NUM = (s: string): number => (/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(s) ? Number(s) : NaN);

function posNeg(v: string): boolean {
  return ["positive", "negative", "pos", "neg", "+", "-", "0", "1", "yes", "no"].includes(v.trim().toLowerCase());
}

interface Prepared {
  table: CsvTable;
  problems: ImportProblem[];
  /** row index (0-based data row) -> problems */
  rowProblems: Map<number, ImportProblem[]>;
  features: CsvTable | null;
  archiveFiles: Map<string, Uint8Array> | null;
  /** name in the CSV -> archive entry name */
  nameToEntry: Map<string, string>;
  mode: "features" | "images" | null;
}

function readZip(bytes: Uint8Array, maxBytes: number): Map<string, Uint8Array> {
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.name.endsWith("/") || f.name.startsWith("__MACOSX/")) return false;
        total += f.originalSize;
        if (f.originalSize > maxBytes || total > maxBytes * 4) throw new CohortImportError(`the archive expands to more than ${Math.round((maxBytes * 4) / 1e6)} MB`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof CohortImportError) throw e;
    throw new CohortImportError(`the archive is not a readable .zip file (${(e as Error).message})`);
  }
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(files)) out.set(k.replace(/\\/g, "/").replace(/^\.\//, ""), v);
  return out;
}

/** Find the archive entry for a name from the CSV: exact path, or a unique entry ending in "/name". */
function findEntry(files: Map<string, Uint8Array>, name: string): string | null {
  const n = name.replace(/\\/g, "/").replace(/^\.\//, "");
  if (n.includes("..") || n.startsWith("/")) return null;
  if (files.has(n)) return n;
  const hits = [...files.keys()].filter((k) => k.endsWith(`/${n}`));
  return hits.length === 1 ? hits[0] : null;
}

/** What a non-text upload looks like ("a PNG image"), or null for text. The browser reads the file as UTF-8, so
 *  bytes that are not UTF-8 arrive as U+FFFD. */
export function binaryKind(text: string): string | null {
  const head = text.slice(0, 8192);
  if (/^\uFFFDPNG/.test(head)) return "a PNG image";
  if (head.startsWith("PK\u0003\u0004")) return "a .zip archive";
  if (head.startsWith("%PDF")) return "a PDF document";
  if (/^\uFFFD\uFFFD\uFFFD/.test(head)) return "an image or other binary file";
  if (head.slice(128, 132) === "DICM") return "a DICOM image";
  if (head.includes("\u0000")) return "a binary file";
  return null;
}

const normColumn = (s: string): string => s.toLowerCase().replace(/[\s_\-.]+/g, "");

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** A found column that is probably the wanted one ("ER" for "er", "T stage" for "t_stage", "ER status" for "er"). */
export function nearColumn(want: string, found: string[]): string | null {
  const w = normColumn(want);
  for (const c of found) {
    const n = normColumn(c);
    if (n === w || n.replace(/status$/, "") === w) return c;
  }
  if (w.length >= 4) for (const c of found) if (editDistance(normColumn(c), w) <= 1) return c;
  return null;
}

function prepare(input: CohortImportInput): Prepared {
  const problems: ImportProblem[] = [];
  const rowProblems = new Map<number, ImportProblem[]>();
  const addRow = (i: number, column: string | null, problem: string, file: ImportFile = "cohort.csv"): void => {
    const p: ImportProblem = { file, row: i + 2, column, problem };
    problems.push(p);
    rowProblems.set(i, [...(rowProblems.get(i) ?? []), p]);
  };
  let table: CsvTable;
  const noRows = (problem: string, file: ImportFile = "cohort.csv"): Prepared => ({ table: { columns: [], rows: [] }, problems: [{ file, row: null, column: null, problem }], rowProblems, features: null, archiveFiles: null, nameToEntry: new Map(), mode: null });
  const binary = binaryKind(input.cohortCsv);
  if (binary) return noRows(`is not a CSV text file (it looks like ${binary}); choose the cohort CSV`);
  try {
    table = parseCsv(input.cohortCsv);
  } catch (e) {
    const msg = e instanceof CsvError ? e.message : String(e);
    return { table: { columns: [], rows: [] }, problems: [{ file: "cohort.csv", row: null, column: null, problem: `cannot be read as CSV: ${msg}` }], rowProblems, features: null, archiveFiles: null, nameToEntry: new Map(), mode: null };
  }
  const cols = table.columns.map((c) => c.trim());
  table = { columns: cols, rows: table.rows };
  for (const c of REQUIRED_COHORT_COLUMNS)
    if (!cols.includes(c)) {
      const near = nearColumn(c, cols.filter((x) => !(REQUIRED_COHORT_COLUMNS as readonly string[]).includes(x)));
      problems.push({ file: "cohort.csv", row: null, column: c, problem: near ? `required column is missing; found "${near}" — rename it to "${c}" (column names are exact)` : "required column is missing" });
    }
  if (table.rows.length === 0) problems.push({ file: "cohort.csv", row: null, column: null, problem: "the cohort has no rows" });
  const get = (row: (string | null)[], name: string): string | null | undefined => {
    const j = cols.indexOf(name);
    return j < 0 ? undefined : row[j];
  };

  // feature source
  let features: CsvTable | null = null;
  let archiveFiles: Map<string, Uint8Array> | null = null;
  let mode: Prepared["mode"] = null;
  const maxBytes = env().UPLOAD_MAX_MB * 1024 * 1024;
  if (input.featuresCsv) {
    mode = "features";
    const fBinary = binaryKind(input.featuresCsv);
    try {
      if (fBinary) throw new CsvError(`it looks like ${fBinary}, not a CSV text file`);
      features = parseCsv(input.featuresCsv);
      features = { columns: features.columns.map((c) => c.trim()), rows: features.rows };
      if (!features.columns.includes("case_code")) problems.push({ file: "features.csv", row: null, column: "case_code", problem: "required column is missing" });
      if (features.columns.filter((c) => c !== "case_code").length === 0) problems.push({ file: "features.csv", row: null, column: null, problem: "no feature columns" });
    } catch (e) {
      problems.push({ file: "features.csv", row: null, column: null, problem: `cannot be read as CSV: ${e instanceof CsvError ? e.message : String(e)}` });
      features = null;
    }
  } else if (input.archive && input.archive.byteLength > 0) {
    mode = "images";
    try {
      archiveFiles = readZip(input.archive, maxBytes);
    } catch (e) {
      problems.push({ file: "archive", row: null, column: null, problem: (e as Error).message });
    }
  } else {
    problems.push({ file: "cohort.csv", row: null, column: null, problem: "give either a features CSV or a .zip archive of the images and masks" });
  }
  if (mode === "images" && !IMAGE_COLUMNS.some((c) => cols.includes(c)))
    problems.push({ file: "cohort.csv", row: null, column: "image_mlo", problem: `with an image archive the cohort needs image columns (${IMAGE_COLUMNS.join(", ")})` });

  // feature rows by case code
  const featureRows = new Map<string, number>();
  if (features && features.columns.includes("case_code")) {
    const ci = features.columns.indexOf("case_code");
    const fnames = features.columns.map((c, j) => [c, j] as const).filter(([c]) => c !== "case_code");
    features.rows.forEach((r, i) => {
      const code = r[ci];
      if (code === null) {
        problems.push({ file: "features.csv", row: i + 2, column: "case_code", problem: "missing value" });
        return;
      }
      if (featureRows.has(code)) problems.push({ file: "features.csv", row: i + 2, column: "case_code", problem: `duplicate case code "${code}"` });
      featureRows.set(code, i);
      let missing = 0;
      for (const [c, j] of fnames) {
        const cell = r[j];
        if (cell === null) missing++;
        else if (!Number.isFinite(NUM(cell))) problems.push({ file: "features.csv", row: i + 2, column: c, problem: `"${cell}" is not a finite number` });
      }
      if (missing) problems.push({ file: "features.csv", row: i + 2, column: null, problem: `missing value in ${missing} feature column(s)` });
    });
  }

  const nameToEntry = new Map<string, string>();
  const seen = new Map<string, number>();
  table.rows.forEach((row, i) => {
    const code = get(row, "case_code");
    if (code === null) addRow(i, "case_code", "missing value");
    else if (code !== undefined) {
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(code)) addRow(i, "case_code", `"${code.slice(0, 40)}" is not a pseudonymous code (letters, digits, . _ - only)`);
      else if (seen.has(code)) addRow(i, "case_code", `duplicate case code "${code}" (first on row ${seen.get(code)! + 2})`);
      else seen.set(code, i);
    }
    const aln = get(row, "aln");
    if (aln === null) addRow(i, "aln", "missing value");
    else if (aln !== undefined && !["0", "1", "positive", "negative"].includes(aln.trim().toLowerCase())) addRow(i, "aln", `"${aln}" is not 0/1`);
    const age = get(row, "age");
    if (age === null) addRow(i, "age", "missing value");
    else if (age !== undefined) {
      const a = NUM(age);
      if (!Number.isFinite(a)) addRow(i, "age", `"${age}" is not a number`);
      else if (a < 0 || a > 120) addRow(i, "age", `${a} is outside 0–120 years`);
    }
    const t = get(row, "t_stage");
    if (t === null) addRow(i, "t_stage", "missing value");
    else if (t !== undefined && !(T_STAGES as readonly string[]).includes(t.trim().toUpperCase())) addRow(i, "t_stage", `unknown T stage "${t}" (expected ${T_STAGES.join(", ")})`);
    const loc = get(row, "location");
    if (loc === null) addRow(i, "location", "missing value");
    else if (loc !== undefined) {
      const l = loc.trim().toLowerCase() === "central" ? "central" : loc.trim().toUpperCase();
      if (!(LOCATIONS as readonly string[]).includes(l)) addRow(i, "location", `unknown location "${loc}" (expected ${LOCATIONS.join(", ")})`);
    }
    for (const c of ["er", "pr", "us_aln"]) {
      const v = get(row, c);
      if (v === null) addRow(i, c, "missing value");
      else if (v !== undefined && !posNeg(v)) addRow(i, c, `"${v}" is not ${POS_NEG.join("/")}`);
    }
    const split = get(row, "split");
    if (split !== undefined && split !== null && !["primary", "training", "train", "validation", "test"].includes(split.trim().toLowerCase()))
      addRow(i, "split", `"${split}" is not primary/validation`);
    const sp = get(row, "spacing_mm");
    if (sp !== undefined && sp !== null && !(NUM(sp) > 0)) addRow(i, "spacing_mm", `"${sp}" is not a positive number`);
    if (mode === "features" && features && code && !featureRows.has(code)) addRow(i, "case_code", `no row for case "${code}" in the features CSV`);
    if (mode === "images" && archiveFiles) {
      let pairs = 0;
      for (const view of ["cc", "mlo"]) {
        const img = get(row, `image_${view}`);
        const msk = get(row, `mask_${view}`);
        if (img) {
          pairs++;
          if (!msk) addRow(i, `mask_${view}`, `image "${img}" has no mask file name`);
        } else if (msk) addRow(i, `image_${view}`, `mask "${msk}" has no image file name`);
        for (const [col, name] of [
          [`image_${view}`, img],
          [`mask_${view}`, msk],
        ] as const) {
          if (!name) continue;
          const entry = findEntry(archiveFiles, name);
          if (!entry) addRow(i, col, `file "${name}" is not in the archive`);
          else {
            const fmt = sniffFormat(archiveFiles.get(entry)!.subarray(0, 200));
            if (!fmt) addRow(i, col, `file "${name}" is not a DICOM, PNG or PGM image`);
            else nameToEntry.set(name, entry);
          }
        }
      }
      if (pairs === 0 && IMAGE_COLUMNS.some((c) => cols.includes(c))) addRow(i, "image_mlo", "no image file name for any view");
    }
  });
  return { table, problems, rowProblems, features, archiveFiles, nameToEntry, mode };
}

function summarise(p: Prepared, skip: boolean): ValidationReport {
  const fileLevel = p.problems.filter((x) => x.row === null || x.file === "archive").length;
  const badRows = p.rowProblems.size;
  const good = p.table.rows.length - badRows;
  const alnIdx = p.table.columns.indexOf("aln");
  let events = 0;
  p.table.rows.forEach((r, i) => {
    if (!p.rowProblems.has(i) && alnIdx >= 0) events += ["1", "positive"].includes((r[alnIdx] ?? "").trim().toLowerCase()) ? 1 : 0;
  });
  const ok = fileLevel === 0 && good > 0 && (p.problems.length === 0 || skip);
  return { ok, rows: p.table.rows.length, goodRows: good, badRows, events, mode: p.mode, problems: p.problems, blocking: fileLevel, columns: p.table.columns };
}

/** Validate without storing anything (the import form's "Check" button and the first step of import). */
export function validateCohortImport(input: CohortImportInput): ValidationReport {
  return summarise(prepare(input), input.skipBadRows === true);
}

function csvCell(v: string | null): string {
  if (v === null) return "";
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(t: CsvTable): string {
  return [t.columns.map(csvCell).join(","), ...t.rows.map((r) => r.map(csvCell).join(","))].join("\n") + "\n";
}

/**
 * Validate and (when clean, or when skipping bad rows leaves a usable cohort) store the cohort. Audited either way.
 */
export async function importCohort(db: Db, user: Pick<SessionUser, "id" | "role">, input: CohortImportInput, ip: string | null = null): Promise<ImportResult> {
  const p = prepare(input);
  const skip = input.skipBadRows === true;
  const report = summarise(p, skip);
  // features.csv row problems: with skip, the cases whose feature row is bad are skipped too
  if (skip && p.features) {
    const ci = p.features.columns.indexOf("case_code");
    const badCodes = new Set(p.problems.filter((x) => x.file === "features.csv" && x.row !== null).map((x) => p.features!.rows[x.row! - 2]?.[ci]).filter((c): c is string => !!c));
    const cc = p.table.columns.indexOf("case_code");
    p.table.rows.forEach((r, i) => {
      const code = r[cc];
      if (code && badCodes.has(code) && !p.rowProblems.has(i))
        p.rowProblems.set(i, [{ file: "features.csv", row: null, column: null, problem: `the feature row of "${code}" has a problem` }]);
    });
  }
  const fileLevel = p.problems.filter((x) => x.row === null || x.file === "archive");
  const goodIdx = p.table.rows.map((_, i) => i).filter((i) => !p.rowProblems.has(i));
  const finalReport: ValidationReport = { ...report, goodRows: goodIdx.length, badRows: p.table.rows.length - goodIdx.length };
  const refuse = async (why: string): Promise<ImportResult> => {
    await audit(db, { actorId: user.id, actorRole: user.role, action: "cohorts.import", objectType: "cohort", outcome: "failure", detail: { reason: why, problems: p.problems.length, rows: p.table.rows.length }, ip });
    return { imported: false, cohortId: null, report: { ...finalReport, ok: false } };
  };
  if (fileLevel.length > 0) return refuse("file-level problems");
  if (p.problems.length > 0 && !skip) return refuse("row problems");
  if (goodIdx.length === 0) return refuse("no valid rows");

  const table: CsvTable = { columns: p.table.columns, rows: goodIdx.map((i) => p.table.rows[i]) };
  let records: CohortRecord[];
  try {
    records = cohortFromTable(table);
  } catch (e) {
    if (e instanceof PipelineInputError) {
      for (const x of e.problems) p.problems.push({ file: "cohort.csv", row: null, column: x.column, problem: x.problem });
      return refuse("cohort check");
    }
    throw e;
  }
  const events = records.reduce((a, r) => a + r.aln, 0);
  if (events < 2 || records.length - events < 2) {
    p.problems.push({ file: "cohort.csv", row: null, column: "aln", problem: `the cohort has ${events} ALN-positive and ${records.length - events} ALN-negative patients; at least 2 of each are needed` });
    return refuse("outcome");
  }
  const st = storage();
  const cohortFile = await st.putFile(new TextEncoder().encode(toCsv(table)), { ext: "csv" });
  let featuresPath: string | null = null;
  let featureCount: number | null = null;
  const files: Record<string, string> = {};
  if (p.features) {
    const codes = new Set(records.map((r) => r.caseCode));
    const ci = p.features.columns.indexOf("case_code");
    const ft: CsvTable = { columns: p.features.columns, rows: p.features.rows.filter((r) => r[ci] !== null && codes.has(r[ci]!)) };
    featureCount = ft.columns.length - 1;
    featuresPath = (await st.putFile(new TextEncoder().encode(toCsv(ft)), { ext: "csv" })).path;
  } else if (p.archiveFiles) {
    for (const r of records)
      for (const c of IMAGE_COLUMNS) {
        const name = r.extra[c];
        if (!name || files[name]) continue;
        const entry = p.nameToEntry.get(name)!;
        const bytes = p.archiveFiles.get(entry)!;
        const fmt = sniffFormat(bytes.subarray(0, 200)) ?? "bin";
        files[name] = (await st.putFile(bytes, { ext: fmt === "dicom" ? "dcm" : fmt })).path;
      }
  }
  const splitsGiven = records.every((r) => r.split !== null);
  const meta: CohortMeta = {
    source: input.source ?? null,
    demo: input.demo === true,
    mode: p.mode!,
    n: records.length,
    events,
    splits: splitsGiven ? { primary: records.filter((r) => r.split === "primary").length, validation: records.filter((r) => r.split === "validation").length } : null,
    sites: Array.from(new Set(records.map((r) => r.site).filter((s): s is string => !!s))).sort(),
    columns: table.columns,
    featureCount,
    files,
    cohortPath: cohortFile.path,
    featuresPath,
    skipped: p.table.rows
      .map((r, i) => ({ r, i }))
      .filter(({ i }) => p.rowProblems.has(i))
      .map(({ r, i }) => ({ row: i + 2, caseCode: r[p.table.columns.indexOf("case_code")] ?? null, problems: p.rowProblems.get(i)!.map(formatProblem) })),
    rowsInFile: p.table.rows.length,
  };
  const [row] = await db
    .insert(cohorts)
    .values({ name: input.name.trim() || "cohort", meta, filePath: cohortFile.path, createdBy: user.id })
    .returning({ id: cohorts.id });
  await audit(db, {
    actorId: user.id,
    actorRole: user.role,
    action: "cohorts.import",
    objectType: "cohort",
    objectId: row.id,
    outcome: "success",
    detail: { n: meta.n, events, skipped: meta.skipped.length, mode: meta.mode, demo: meta.demo, files: Object.keys(files).length },
    ip,
  });
  return { imported: true, cohortId: row.id, report: { ...finalReport, ok: true, events } };
}

/** Root of the committed demo folder (overridable for tests). */
export function demoDir(): string {
  return process.env.AXILLA_DEMO_DIR ?? join(/*turbopackIgnore: true*/ process.cwd(), "demo");
}

export const DEMO_SOURCE =
  "Axilla demo cohort: SEMI-SYNTHETIC (real mini-MIAS lesion pixels and seed-299 features; simulated clinical factors and ALN status) — see demo/README.md";

/** "Load demo cohort": demo/cohort.csv + demo/features.csv + the referenced crops and masks, imported as one cohort. */
export async function importDemoCohort(db: Db, user: Pick<SessionUser, "id" | "role">, ip: string | null = null, dir = demoDir()): Promise<ImportResult> {
  const cohortCsv = await readFile(join(/*turbopackIgnore: true*/ dir, "cohort.csv"), "utf8");
  const featuresCsv = await readFile(join(/*turbopackIgnore: true*/ dir, "features.csv"), "utf8");
  const res = await importCohort(db, user, { name: "Demo cohort (semi-synthetic, not for clinical use)", cohortCsv, featuresCsv, source: DEMO_SOURCE, demo: true }, ip);
  if (res.imported && res.cohortId) {
    // the demo images are stored too, so a run can re-extract features from them (extraction stage)
    const [row] = await db.select().from(cohorts).where(eq(cohorts.id, res.cohortId));
    const meta = row.meta as CohortMeta;
    const table = parseCsv(cohortCsv);
    const files: Record<string, string> = {};
    for (const c of IMAGE_COLUMNS) {
      const j = table.columns.indexOf(c);
      if (j < 0) continue;
      for (const r of table.rows) {
        const name = r[j];
        if (!name || files[name]) continue;
        const bytes = new Uint8Array(await readFile(join(/*turbopackIgnore: true*/ dir, name)));
        files[name] = (await storage().putFile(bytes, { ext: "png" })).path;
      }
    }
    await db
      .update(cohorts)
      .set({ meta: { ...meta, files } })
      .where(eq(cohorts.id, res.cohortId));
  }
  return res;
}

export type CohortRow = typeof cohorts.$inferSelect;

/** The stored cohort as pipeline inputs: records, the feature table (features mode) and the stored file map. */
export async function loadCohort(db: Db, cohortId: string): Promise<{ row: CohortRow; meta: CohortMeta; records: CohortRecord[]; features: FeatureTable | null }> {
  const [row] = await db.select().from(cohorts).where(eq(cohorts.id, cohortId));
  if (!row) throw new CohortImportError("No such cohort.");
  const meta = row.meta as CohortMeta;
  const st = storage();
  const records = cohortFromTable(parseCsv((await st.readStoredFile(meta.cohortPath)).toString("utf8")));
  const features = meta.featuresPath ? featuresFromTable(parseCsv((await st.readStoredFile(meta.featuresPath)).toString("utf8"))) : null;
  return { row, meta, records, features };
}
