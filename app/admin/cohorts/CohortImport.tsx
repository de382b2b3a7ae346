"use client";
// Cohort import (issue 5): cohort CSV + (features CSV | .zip of images and masks). "Check" validates without
// storing; "Import" stores only when there is no problem (or "Skip bad rows" is ticked). One line per problem.
// "Load demo cohort" imports the committed semi-synthetic demo cohort. When the problems are file- or column-level
// (a missing column, not a CSV) the report says so instead of row counts, and lists the columns it found; long
// problem lists show the first PROBLEMS_SHOWN lines, with the rest expandable and downloadable.
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/client";
import { errorText, useSubmitGuard } from "../_lib/mutations";
import "../models/admin.css";
import { formatDateTime } from "@/app/_components/format";
import { downloadBlob } from "../_lib/download";

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

type Report = { ok: boolean; rows: number; goodRows: number; badRows: number; events: number; lines: string[]; blocking: number; columns: string[] };

export const PROBLEMS_SHOWN = 50;

function downloadText(filename: string, text: string) {
  downloadBlob(filename, new Blob([text], { type: "text/plain;charset=utf-8" }));
}

function ProblemReport({ report }: { report: Report }) {
  const [all, setAll] = useState(false);
  const n = report.lines.length;
  const shown = all ? report.lines : report.lines.slice(0, PROBLEMS_SHOWN);
  const missingColumn = report.lines.some((l) => /required column is missing/.test(l) && l.startsWith("cohort.csv"));
  return (
    <div className="card">
      <h2>Validation report</h2>
      <p id="import-summary">
        {report.blocking > 0
          ? `The file could not be checked row by row: ${report.blocking} file- or column-level problem(s)${n > report.blocking ? ` and ${n - report.blocking} row problem(s)` : ""}. Fix the file-level problems first; nothing can be imported until then, even when skipping bad rows.`
          : `${report.rows} rows: ${report.goodRows} valid, ${report.badRows} with problems.`}
      </p>
      {missingColumn && (
        <p id="import-columns-found">
          Columns found in the cohort CSV: {report.columns.length ? report.columns.map((c) => `“${c}”`).join(", ") : "none"}.
        </p>
      )}
      <ol className="problems" id="import-problems">
        {shown.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ol>
      {n > PROBLEMS_SHOWN && (
        <p style={{ display: "flex", gap: "0.75rem", alignItems: "center", flexWrap: "wrap" }}>
          {!all && <span id="import-problems-more">… and {n - PROBLEMS_SHOWN} more.</span>}
          <button type="button" className="button secondary" onClick={() => setAll((x) => !x)} aria-controls="import-problems" aria-expanded={all}>
            {all ? `Show the first ${PROBLEMS_SHOWN} problems only` : `Show all ${n} problems`}
          </button>
          <button type="button" className="button secondary" onClick={() => downloadText("cohort-import-problems.txt", report.lines.join("\n") + "\n")}>
            Download all {n} problems (.txt)
          </button>
        </p>
      )}
    </div>
  );
}

export function CohortImport() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.cohorts.list.queryOptions());
  const [name, setName] = useState("");
  const [cohortFile, setCohortFile] = useState<File | null>(null);
  const [source, setSource] = useState<"features" | "archive">("features");
  const [sourceFile, setSourceFile] = useState<File | null>(null);
  const [skip, setSkip] = useState(false);
  const [report, setReport] = useState<Report | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const guard = useSubmitGuard();
  const busy = guard.pending;
  const validate = useMutation(trpc.cohorts.validate.mutationOptions());
  const doImport = useMutation(trpc.cohorts.import.mutationOptions());
  const demo = useMutation(trpc.cohorts.importDemo.mutationOptions());
  const [demoBusy, setDemoBusy] = useState(false);

  function loadDemo() {
    void guard.run(async () => {
      setDemoBusy(true);
      setMessage(null);
      try {
        const r = await demo.mutateAsync();
        setReport(r.report);
        setMessage(r.imported ? `Demo cohort imported: ${r.report.goodRows} patients, ${r.report.events} with ALN metastasis.` : "The demo cohort could not be imported.");
        await qc.invalidateQueries({ queryKey: trpc.cohorts.list.queryKey() });
      } catch (e) {
        setMessage(errorText(e));
      } finally {
        setDemoBusy(false);
      }
    });
  }

  async function payload() {
    if (!cohortFile) throw new Error("Choose the cohort CSV first.");
    const cohortCsv = await cohortFile.text();
    if (!sourceFile) return { cohortCsv, skipBadRows: skip };
    if (source === "features") return { cohortCsv, featuresCsv: await sourceFile.text(), skipBadRows: skip };
    return { cohortCsv, archiveBase64: toBase64(await sourceFile.arrayBuffer()), skipBadRows: skip };
  }

  function run(kind: "check" | "import") {
    void guard.run(() => runNow(kind));
  }

  async function runNow(kind: "check" | "import") {
    setMessage(null);
    try {
      const p = await payload();
      if (kind === "check") {
        const r = await validate.mutateAsync(p);
        setReport(r);
        setMessage(r.ok ? (r.lines.length ? `${r.goodRows} rows ready to import; ${r.badRows} bad rows will be skipped.` : `No problems: ${r.goodRows} rows ready to import.`) : `${r.lines.length} problem(s); nothing imported.`);
      } else {
        const r = await doImport.mutateAsync({ ...p, name: name.trim() || cohortFile!.name });
        setReport(r.report);
        setMessage(r.imported ? `Imported ${r.report.goodRows} patients${r.report.badRows ? ` (${r.report.badRows} bad rows skipped)` : ""}.` : `${r.report.lines.length} problem(s); nothing imported.`);
        if (r.imported) await qc.invalidateQueries({ queryKey: trpc.cohorts.list.queryKey() });
      }
    } catch (e) {
      setMessage(errorText(e));
    }
  }

  return (
    <div>
      <div className="card">
        <h2>Demo</h2>
        <p>The semi-synthetic demo cohort (147 patients; real mini-MIAS lesion pixels, simulated clinical factors and outcome). Demo model — not for clinical use.</p>
        <button type="button" className="button" onClick={loadDemo} disabled={busy} aria-busy={demoBusy}>
          {demoBusy ? "Loading demo cohort…" : "Load demo cohort"}
        </button>
      </div>
      <form
        className="form card"
        onSubmit={(e) => {
          e.preventDefault();
          run("import");
        }}
      >
        <h2>Import a cohort</h2>
        <div className="field">
          <label htmlFor="cohort-name">Cohort name</label>
          <input id="cohort-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={120} />
        </div>
        <div className="field">
          <label htmlFor="cohort-csv">Cohort CSV</label>
          <input id="cohort-csv" type="file" accept=".csv,text/csv" onChange={(e) => setCohortFile(e.target.files?.[0] ?? null)} />
          <small>Columns: case_code, aln (0/1), age, t_stage (T1–T4), location (UIQ/UOQ/LIQ/LOQ/central), er, pr, us_aln (positive/negative); image_mlo, mask_mlo (and/or _cc) for an archive; optional split, site, spacing_mm.</small>
        </div>
        <fieldset>
          <legend>Features from</legend>
          <label>
            <input type="radio" name="source" checked={source === "features"} onChange={() => setSource("features")} /> a features CSV (case_code + one column per feature)
          </label>
          <label style={{ marginLeft: "1rem" }}>
            <input type="radio" name="source" checked={source === "archive"} onChange={() => setSource("archive")} /> an archive (.zip) of images and masks
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor="source-file">{source === "features" ? "Features CSV" : "Image archive (.zip)"}</label>
          <input id="source-file" key={source} type="file" accept={source === "features" ? ".csv,text/csv" : ".zip,application/zip"} onChange={(e) => setSourceFile(e.target.files?.[0] ?? null)} />
        </div>
        <div className="field">
          <label>
            <input type="checkbox" checked={skip} onChange={(e) => setSkip(e.target.checked)} /> Skip bad rows (import the valid rows and list the rest)
          </label>
        </div>
        <div style={{ display: "flex", gap: "0.5rem" }}>
          <button type="button" className="button secondary" onClick={() => run("check")} disabled={busy}>
            Check
          </button>
          <button type="submit" className="button" disabled={busy}>
            Import
          </button>
        </div>
      </form>
      {message && (
        <p role="status" id="import-message">
          {message}
        </p>
      )}
      {report && report.lines.length > 0 && <ProblemReport key={report.lines.join("\n").length + ":" + report.lines.length} report={report} />}
      <h2>Imported cohorts</h2>
      {list.isPending ? (
        <p>Loading…</p>
      ) : list.isError ? (
        <p className="error">{errorText(list.error)}</p>
      ) : list.data.length === 0 ? (
        <p>No cohort yet.</p>
      ) : (
        <table className="report-table" id="cohort-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Patients</th>
              <th scope="col">Events</th>
              <th scope="col">Split</th>
              <th scope="col">Features</th>
              <th scope="col">Skipped rows</th>
              <th scope="col">Imported</th>
              <th scope="col">Id</th>
              <th scope="col">Train</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((c) => (
              <tr key={c.id}>
                <td>
                  {c.name}
                  {c.demo && <span className="badge demo">demo — not for clinical use</span>}
                </td>
                <td className="num">{c.n}</td>
                <td className="num">{c.events}</td>
                <td>{c.splits ? `${c.splits.primary} / ${c.splits.validation}` : "seeded"}</td>
                <td>
                  {c.featureCount ? `${c.featureCount} precomputed` : ""}
                  {c.images ? ` ${c.images} image files` : ""}
                </td>
                <td className="num">{c.skipped}</td>
                <td>{formatDateTime(c.createdAt)}</td>
                <td>
                  <code>…{c.id.slice(-6)}</code>
                </td>
                <td>
                  <Link href={`/admin/runs?cohort=${c.id}`}>{list.data.filter((x) => x.name === c.name).length > 1 ? `Train on ${c.name} (…${c.id.slice(-6)})` : `Train on ${c.name}`}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
