// The real parsers under fuzzing, with the outcome rule of issue 7 item 1: each input gives a valid result or a
// typed error with a message; anything else (another exception, a crash, a hang) is a finding.
//   DICOM: lib/dicom readDicomHeader (upload validation fast path) and readDicom (full decode).
//   Cohort CSV: lib/data/csv.ts parseCsv, lib/stats/pipeline-input.ts cohortFromCsv/featuresFromCsv, and the
//   import's validation (server/services/cohort-import.ts validateCohortImport).
import { CsvError, parseCsv } from "../../lib/data/csv.ts";
import { DicomError, readDicom, readDicomHeader } from "../../lib/dicom/index.ts";
import { cohortFromCsv, featuresFromCsv, PipelineInputError } from "../../lib/stats/pipeline-input.ts";
import { CohortImportError, validateCohortImport } from "../../server/services/cohort-import.ts";

export type Outcome = { ok: true } | { ok: false; code: string };

/** A finding: not a typed error and not a valid result. */
export class FuzzFinding extends Error {
  override name = "FuzzFinding";
}

function typedDicom(e: unknown, where: string): Outcome {
  if (e instanceof DicomError && typeof e.code === "string" && e.message.length > 10) return { ok: false, code: e.code };
  const err = e as Error;
  throw new FuzzFinding(`${where}: expected a DicomError, got ${err?.constructor?.name ?? typeof e}: ${err?.message ?? String(e)}`);
}

/** Header fast path, then the full decode. Returns the full decode's outcome. */
export async function runDicom(bytes: Uint8Array): Promise<{ header: Outcome; full: Outcome }> {
  let header: Outcome;
  try {
    const h = readDicomHeader(bytes);
    if (typeof h !== "object" || h === null) throw new FuzzFinding("readDicomHeader returned no summary");
    header = { ok: true };
  } catch (e) {
    if (e instanceof FuzzFinding) throw e;
    header = typedDicom(e, "readDicomHeader");
  }
  let full: Outcome;
  try {
    const d = await readDicom(bytes);
    const p = d.pixels;
    if (!(p.rows > 0 && p.columns > 0 && p.frames > 0)) throw new FuzzFinding(`valid result with empty dimensions ${p.rows}x${p.columns}x${p.frames}`);
    if (p.data.length !== p.rows * p.columns * p.frames * p.samplesPerPixel) throw new FuzzFinding(`valid result with ${p.data.length} values for ${p.rows}x${p.columns}x${p.frames}x${p.samplesPerPixel}`);
    full = { ok: true };
  } catch (e) {
    if (e instanceof FuzzFinding) throw e;
    full = typedDicom(e, "readDicom");
  }
  return { header, full };
}

function typedCsv(e: unknown, where: string): Outcome {
  if ((e instanceof CsvError || e instanceof PipelineInputError || e instanceof CohortImportError) && e.message.length > 5) return { ok: false, code: e.name };
  const err = e as Error;
  throw new FuzzFinding(`${where}: expected CsvError/PipelineInputError/CohortImportError, got ${err?.constructor?.name ?? typeof e}: ${err?.message ?? String(e)}`);
}

export function runCsv(cohort: string, features: string): { parse: Outcome; cohort: Outcome; features: Outcome; importCheck: Outcome } {
  const attempt = (where: string, f: () => unknown): Outcome => {
    try {
      f();
      return { ok: true };
    } catch (e) {
      if (e instanceof FuzzFinding) throw e;
      return typedCsv(e, where);
    }
  };
  const parse = attempt("parseCsv", () => {
    const t = parseCsv(cohort);
    if (t.rows.some((r) => r.length !== t.columns.length)) throw new FuzzFinding("parseCsv returned a ragged table");
  });
  const c = attempt("cohortFromCsv", () => {
    const recs = cohortFromCsv(cohort);
    for (const r of recs) if (!(r.aln === 0 || r.aln === 1) || !Number.isFinite(r.age)) throw new FuzzFinding(`cohortFromCsv accepted a bad record ${r.caseCode}`);
  });
  const f = attempt("featuresFromCsv", () => {
    const t = featuresFromCsv(features);
    for (const v of t.byCase.values()) if (v.some((x) => !Number.isFinite(x))) throw new FuzzFinding("featuresFromCsv accepted a non-finite value");
  });
  let refused = false;
  let importCheck = attempt("validateCohortImport", () => {
    const r = validateCohortImport({ name: "fuzz", cohortCsv: cohort, featuresCsv: features });
    if (typeof r?.ok !== "boolean" || !Array.isArray(r.problems)) throw new FuzzFinding("validateCohortImport returned no report");
    if (!r.ok && r.problems.length === 0) throw new FuzzFinding("validateCohortImport refused without naming a problem");
    refused = !r.ok;
  });
  if (refused) importCheck = { ok: false, code: "ImportReport" }; // refused with a problem list (typed, not thrown)
  return { parse, cohort: c, features: f, importCheck };
}
