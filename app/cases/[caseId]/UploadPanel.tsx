"use client";
// "Upload mammograms": file picker + drag-and-drop, several files at once, a progress bar. Files go to the
// server in 1 MiB base64 chunks over tRPC (JSON), then `images.ingest` validates them. Refusals are listed per
// file; questions (not a mammogram? pixel spacing? view/laterality?) open a form and the ingest is retried
// with the answers. Nothing is guessed silently.
import { useRef, useState } from "react";
import { useTRPCClient } from "@/app/_trpc/client";

type Questions = {
  confirmNotMammogram: { modality: string | null; sopClass: string | null } | null;
  spacing: { suggestion: [number, number] | null; suggestionSource: string | null } | null;
  view: boolean;
  laterality: boolean;
};
type Answers = { confirmNotMammogram?: boolean; spacingMm?: [number, number]; view?: "CC" | "MLO"; laterality?: "L" | "R" };
type Pending = { file: string; questions: Questions; resolve(a: Answers | null): void };

/**
 * Numbers typed into a spacing field: "0.05", "0,05" (decimal comma), or two values ("0,05 x 0,05", "0.05 × 0.05",
 * "0.05\\0.05", "0,05; 0,05"). A comma is a decimal comma only between digits; null when the text is not that.
 */
function parseSpacingText(text: string): number[] | null {
  const t = text.trim();
  if (!t) return [];
  const parts = t.split(/\s*[x×*\\/;]\s*|,\s+|\s+/i);
  if (parts.length > 2) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(\d+([.,]\d+)?|[.,]\d+)$/.test(p)) return null;
    out.push(Number(p.replace(",", ".")));
  }
  return out;
}

/** [rows, columns] from the two fields (or both values in the first), or null. */
function parseSpacing(rowsText: string, colsText: string): [number, number] | null {
  const a = parseSpacingText(rowsText);
  const b = parseSpacingText(colsText);
  if (!a || !b) return null;
  let pair: [number, number] | null = null;
  if (a.length === 1 && b.length === 1) pair = [a[0], b[0]];
  else if (a.length === 2 && (b.length === 0 || (b.length === 1 && b[0] === a[1]))) pair = [a[0], a[1]];
  if (!pair || !pair.every((v) => v > 0 && v < 10)) return null;
  return pair;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function UploadPanel({ caseId, onStored }: { caseId: string; onStored(): void }) {
  const client = useTRPCClient();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number; file: string } | null>(null);
  const [messages, setMessages] = useState<{ file: string; ok: boolean; text: string }[]>([]);
  const [pending, setPending] = useState<Pending | null>(null);
  const [drag, setDrag] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  async function uploadAll(files: File[]) {
    if (!files.length) return;
    setBusy(true);
    setMessages([]);
    const total = files.reduce((s, f) => s + f.size, 0);
    let base = 0;
    for (const f of files) {
      try {
        const bytes = new Uint8Array(await f.arrayBuffer());
        const { uploadId, chunkBytes } = await client.images.uploadBegin.mutate({ caseId, size: bytes.byteLength });
        for (let off = 0; off < bytes.byteLength; off += chunkBytes) {
          const chunk = bytes.subarray(off, off + chunkBytes);
          await client.images.uploadChunk.mutate({ uploadId, offset: off, data: toBase64(chunk) });
          setProgress({ done: base + off + chunk.byteLength, total, file: f.name });
        }
        let answers: Answers = {};
        for (;;) {
          const r = await client.images.ingest.mutate({ uploadId, ...answers });
          if (r.status === "stored") {
            const sp = r.image.spacingRowMm ? `${r.image.spacingRowMm} × ${r.image.spacingColMm} mm (${r.image.spacingSource})` : "no spacing";
            setMessages((m) => [...m, { file: f.name, ok: true, text: `stored: ${r.image.view ?? "view ?"} ${r.image.laterality ?? ""}, ${r.image.cols}×${r.image.rows} px, spacing ${sp}` }]);
            onStored();
            break;
          }
          const a = await new Promise<Answers | null>((resolve) => setPending({ file: f.name, questions: r.questions as Questions, resolve }));
          setPending(null);
          if (!a) {
            await client.images.uploadCancel.mutate({ uploadId });
            setMessages((m) => [...m, { file: f.name, ok: false, text: "skipped (not stored)" }]);
            break;
          }
          answers = { ...answers, ...a };
        }
      } catch (e) {
        setMessages((m) => [...m, { file: f.name, ok: false, text: (e as Error).message }]);
      }
      base += f.size;
      setProgress({ done: base, total, file: f.name });
    }
    setBusy(false);
    if (inputRef.current) inputRef.current.value = "";
  }

  return (
    <section className="card upload" aria-labelledby="upload-h">
      <h2 id="upload-h">Images</h2>
      <div
        className={`dropzone${drag ? " over" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDrag(true);
        }}
        onDragLeave={() => setDrag(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDrag(false);
          if (!busy) void uploadAll([...e.dataTransfer.files]);
        }}
      >
        <label htmlFor="upload-files" className="button">
          Upload mammograms
        </label>
        <input
          ref={inputRef}
          id="upload-files"
          className="visually-hidden-file"
          type="file"
          multiple
          accept=".dcm,application/dicom,*/*"
          disabled={busy}
          onChange={(e) => void uploadAll([...(e.target.files ?? [])])}
        />
        <span className="muted"> or drop DICOM files here (CC and MLO; several at once)</span>
      </div>
      {progress && (
        <p>
          <label htmlFor="upload-progress">Upload progress</label>{" "}
          <progress id="upload-progress" max={progress.total} value={progress.done} /> {Math.round((100 * progress.done) / Math.max(1, progress.total))}%
        </p>
      )}
      {messages.length > 0 && (
        <ul className="upload-messages" aria-live="polite">
          {messages.map((m, i) => (
            <li key={i} className={m.ok ? "ok" : "error"} role={m.ok ? undefined : "alert"}>
              <strong>{m.file}</strong>: {m.text}
            </li>
          ))}
        </ul>
      )}
      {pending && <QuestionsForm pending={pending} />}
    </section>
  );
}

function QuestionsForm({ pending }: { pending: Pending }) {
  const q = pending.questions;
  const [confirm, setConfirm] = useState(false);
  const [sy, setSy] = useState(q.spacing?.suggestion ? String(q.spacing.suggestion[0]) : "");
  const [sx, setSx] = useState(q.spacing?.suggestion ? String(q.spacing.suggestion[1]) : "");
  const [view, setView] = useState<"" | "CC" | "MLO">("");
  const [lat, setLat] = useState<"" | "L" | "R">("");
  const [err, setErr] = useState("");
  return (
    <form
      className="questions card"
      aria-labelledby="q-h"
      onSubmit={(e) => {
        e.preventDefault();
        const a: Answers = {};
        if (q.confirmNotMammogram) {
          if (!confirm) return setErr("Please confirm that this image is a mammogram, or skip the file.");
          a.confirmNotMammogram = true;
        }
        if (q.spacing) {
          const pair = parseSpacing(sy, sx);
          if (!pair)
            return setErr("Please enter the pixel spacing in millimetres: a positive number below 10 for rows and for columns, e.g. 0.05 (a decimal comma, 0,05, works too).");
          a.spacingMm = pair;
        }
        if (q.view) {
          if (!view) return setErr("Please choose the view.");
          a.view = view;
        }
        if (q.laterality) {
          if (!lat) return setErr("Please choose the side.");
          a.laterality = lat;
        }
        pending.resolve(a);
      }}
    >
      <h3 id="q-h">Before storing {pending.file}</h3>
      {q.confirmNotMammogram && (
        <div className="field warning">
          <p>
            This image does not declare itself a mammogram (DICOM Modality “{q.confirmNotMammogram.modality ?? "none"}”
            {q.confirmNotMammogram.sopClass ? `, ${q.confirmNotMammogram.sopClass}` : ""}). It may be a digitised film mammogram.
          </p>
          <label>
            <input type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} /> I confirm this image is a mammogram
          </label>
        </div>
      )}
      {q.spacing && (
        <fieldset className="field">
          <legend>Pixel spacing is missing from the file</legend>
          <p className="muted">
            {q.spacing.suggestion
              ? `Prefilled from ${q.spacing.suggestionSource} in the header — check it before storing.`
              : "The header gives no hint: enter the spacing from the scanner or digitiser documentation."}{" "}
            A decimal point or a decimal comma (0.05 or 0,05) is fine.
          </p>
          <label htmlFor="q-sy">Pixel spacing, rows (mm)</label>
          <input id="q-sy" inputMode="decimal" value={sy} onChange={(e) => setSy(e.target.value)} />
          <label htmlFor="q-sx">Pixel spacing, columns (mm)</label>
          <input id="q-sx" inputMode="decimal" value={sx} onChange={(e) => setSx(e.target.value)} />
        </fieldset>
      )}
      {q.view && (
        <div className="field">
          <label htmlFor="q-view">View</label>
          <select id="q-view" value={view} onChange={(e) => setView(e.target.value as "" | "CC" | "MLO")}>
            <option value="">choose…</option>
            <option value="CC">CC</option>
            <option value="MLO">MLO</option>
          </select>
        </div>
      )}
      {q.laterality && (
        <div className="field">
          <label htmlFor="q-lat">Laterality</label>
          <select id="q-lat" value={lat} onChange={(e) => setLat(e.target.value as "" | "L" | "R")}>
            <option value="">choose…</option>
            <option value="L">Left</option>
            <option value="R">Right</option>
          </select>
        </div>
      )}
      {err && (
        <p className="error" role="alert">
          {err}
        </p>
      )}
      <div className="row">
        <button className="button" type="submit">
          Store image
        </button>
        <button className="button secondary" type="button" onClick={() => pending.resolve(null)}>
          Skip this file
        </button>
      </div>
    </form>
  );
}
