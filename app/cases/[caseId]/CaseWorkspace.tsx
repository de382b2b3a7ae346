"use client";
// The case page's client part: upload, the CC/MLO viewer, the ROI editor (seed + threshold region growing with a
// live outline, freehand polygon, brush/eraser, undo/redo), ROI save/restore and "Compute Rad-score".
// Region growing runs here with lib/radiomics/roi.ts (browser-safe), on the same intensities the server
// extracts from (the pixel cache), so what the surgeon sees outlined is what gets measured.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTRPC, useTRPCClient } from "@/app/_trpc/client";
import { Viewport, type Tool, type ViewportHandle } from "@/app/_components/viewer/Viewport";
import type { PixelData } from "@/app/_components/viewer/pixels";
import { decodeRle, encodeRle } from "@/lib/image/rle";
import { fillHoles, polygonToMask, regionGrow } from "@/lib/radiomics/roi";
import type { Image2D } from "@/lib/image/types";
import { UploadPanel } from "./UploadPanel";

type Method = "threshold" | "freehand" | "brush";
type Hist = { rle: string; method: Method; seed: { row: number; col: number } | null; halfWidth: number };
type RoiState = { imageId: string; mask: Uint8Array; hist: Hist[]; index: number; version: number; savedIndex: number; seed: { row: number; col: number } | null; seedValue: number | null; halfWidth: number; method: Method };

const TOOLS: { id: Tool; label: string; key: string }[] = [
  { id: "wl", label: "Window/level", key: "W" },
  { id: "pan", label: "Pan", key: "H" },
  { id: "seed", label: "Seed + threshold", key: "S" },
  { id: "freehand", label: "Freehand", key: "D" },
  { id: "brush", label: "Brush", key: "B" },
  { id: "eraser", label: "Eraser", key: "E" },
];

/** Typed pixel data seen as an Image2D: lib/radiomics/roi only indexes `data`, so 16-bit data need no float copy. */
function asImage(px: PixelData): Image2D {
  return { rows: px.rows, cols: px.cols, data: px.data as unknown as Float64Array };
}

export function CaseWorkspace({ caseId, caseCode }: { caseId: string; caseCode: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const caseQ = useQuery(trpc.cases.get.queryOptions({ id: caseId }));
  const modelQ = useQuery(trpc.radscore.activeModel.queryOptions());
  const [activeId, setActiveId] = useState<string | null>(null);
  const [tool, setTool] = useState<Tool>("wl");
  const [help, setHelp] = useState(false);
  const [brushRadius, setBrushRadius] = useState(6);
  const [roi, setRoi] = useState<RoiState | null>(null);
  const [saved, setSaved] = useState<Record<string, Uint8Array>>({});
  const [note, setNote] = useState("");
  const pixels = useRef<Record<string, PixelData>>({});
  const handles = useRef<Record<string, ViewportHandle | null>>({});
  const [timings, setTimings] = useState<Record<string, number>>({});

  const images = useMemo(() => caseQ.data?.images ?? [], [caseQ.data]);
  const canEdit = caseQ.data?.canEdit ?? false;
  const active = images.find((i) => i.id === activeId) ?? null;

  useEffect(() => {
    if (!activeId && images.length) setActiveId(images[0].id);
  }, [images, activeId]);

  // ---- ROI state helpers
  const startRoi = useCallback((imageId: string, px: PixelData, mask?: Uint8Array, meta?: Partial<Hist>) => {
    const m = mask ?? new Uint8Array(px.rows * px.cols);
    const h: Hist = { rle: encodeRle(m), method: meta?.method ?? "threshold", seed: meta?.seed ?? null, halfWidth: meta?.halfWidth ?? Math.max(1, Math.round((px.max - px.min) / 20)) };
    setRoi({ imageId, mask: m, hist: [h], index: 0, version: 1, savedIndex: 0, seed: h.seed, seedValue: h.seed ? px.data[h.seed.row * px.cols + h.seed.col] : null, halfWidth: h.halfWidth, method: h.method });
  }, []);

  // when the active image changes: its saved ROI (or an empty one) becomes the editable ROI
  useEffect(() => {
    if (!activeId) return;
    const px = pixels.current[activeId];
    if (!px || roi?.imageId === activeId) return;
    startRoi(activeId, px, saved[activeId] ? saved[activeId].slice() : undefined);
  }, [activeId, saved, roi?.imageId, startRoi]);

  const onLoaded = useCallback(
    async (imageId: string, px: PixelData, ms: number) => {
      pixels.current[imageId] = px;
      setTimings((t) => ({ ...t, [imageId]: ms }));
      const r = await client.rois.get.query({ imageId });
      let m: Uint8Array | undefined;
      if (r && r.rows === px.rows && r.cols === px.cols) m = decodeRle(r.rle, px.rows * px.cols);
      if (m) setSaved((s) => ({ ...s, [imageId]: m! }));
      setActiveId((cur) => {
        if (cur === imageId || cur === null) {
          const tp = (r?.thresholdParams ?? {}) as { seed?: { row: number; col: number }; halfWidth?: number };
          startRoi(imageId, px, m ? m.slice() : undefined, { method: (r?.method as Method) ?? "threshold", seed: tp.seed ?? null, halfWidth: tp.halfWidth });
        }
        return cur ?? imageId;
      });
    },
    [client, startRoi],
  );

  /** Replace the mask; `coalesce` merges into the last history step (threshold slider drags). */
  const commit = useCallback((next: Uint8Array, meta: Omit<Hist, "rle">, coalesce = false) => {
    setRoi((r) => {
      if (!r) return r;
      const h: Hist = { ...meta, rle: encodeRle(next) };
      const hist = r.hist.slice(0, r.index + 1);
      if (coalesce && hist.length > 1) hist[hist.length - 1] = h;
      else hist.push(h);
      while (hist.length > 60) hist.shift();
      return { ...r, mask: next, hist, index: hist.length - 1, version: r.version + 1, seed: meta.seed, halfWidth: meta.halfWidth, method: meta.method };
    });
  }, []);

  const lastWasSlider = useRef(false);

  const grow = useCallback(
    (seed: { row: number; col: number }, halfWidth: number, fromSlider: boolean) => {
      if (!roi) return;
      const px = pixels.current[roi.imageId];
      if (!px) return;
      const v = px.data[seed.row * px.cols + seed.col];
      const m = fillHoles(regionGrow(asImage(px), seed, v - halfWidth, v + halfWidth)); // bounds around the seed intensity
      commit(m.data, { method: "threshold", seed, halfWidth }, fromSlider && lastWasSlider.current);
      lastWasSlider.current = fromSlider;
      setRoi((r) => (r ? { ...r, seedValue: v } : r));
    },
    [roi, commit],
  );

  const undo = useCallback(() => {
    lastWasSlider.current = false;
    setRoi((r) => {
      if (!r || r.index === 0) return r;
      const i = r.index - 1;
      const h = r.hist[i];
      return { ...r, index: i, mask: decodeRle(h.rle, r.mask.length), version: r.version + 1, seed: h.seed, halfWidth: h.halfWidth, method: h.method };
    });
  }, []);
  const redo = useCallback(() => {
    lastWasSlider.current = false;
    setRoi((r) => {
      if (!r || r.index >= r.hist.length - 1) return r;
      const i = r.index + 1;
      const h = r.hist[i];
      return { ...r, index: i, mask: decodeRle(h.rle, r.mask.length), version: r.version + 1, seed: h.seed, halfWidth: h.halfWidth, method: h.method };
    });
  }, []);

  // brush strokes paint into a working copy and become one history step at the end
  const stroke = useRef<Uint8Array | null>(null);
  const onBrush = useCallback(
    (row: number, col: number, erase: boolean, phase: "start" | "move" | "end") => {
      if (!roi) return;
      const px = pixels.current[roi.imageId];
      if (!px) return;
      if (phase === "start") stroke.current = roi.mask.slice();
      const m = stroke.current;
      if (!m) return;
      const r2 = brushRadius * brushRadius;
      for (let dy = -brushRadius; dy <= brushRadius; dy++) {
        const y = row + dy;
        if (y < 0 || y >= px.rows) continue;
        for (let dx = -brushRadius; dx <= brushRadius; dx++) {
          const x = col + dx;
          if (x < 0 || x >= px.cols || dx * dx + dy * dy > r2) continue;
          m[y * px.cols + x] = erase ? 0 : 1;
        }
      }
      if (phase === "end") {
        stroke.current = null;
        lastWasSlider.current = false;
        commit(m, { method: roi.method === "threshold" && roi.hist.length > 1 ? roi.method : "brush", seed: roi.seed, halfWidth: roi.halfWidth });
      } else {
        setRoi((r) => (r ? { ...r, mask: m, version: r.version + 1 } : r));
      }
    },
    [roi, brushRadius, commit],
  );

  const onFreehand = useCallback(
    (pts: { x: number; y: number }[]) => {
      if (!roi) return;
      const px = pixels.current[roi.imageId];
      if (!px) return;
      const poly = polygonToMask(px.rows, px.cols, pts);
      const m = roi.mask.slice();
      for (let i = 0; i < m.length; i++) if (poly.data[i]) m[i] = 1;
      lastWasSlider.current = false;
      commit(m, { method: "freehand", seed: null, halfWidth: roi.halfWidth });
    },
    [roi, commit],
  );

  // measurements of the current ROI: area = pixel count x row spacing x column spacing; mean intensity
  const stats = useMemo(() => {
    if (!roi) return null;
    const px = pixels.current[roi.imageId];
    const img = images.find((i) => i.id === roi.imageId);
    if (!px || !img) return null;
    let n = 0;
    let s = 0;
    const m = roi.mask;
    for (let i = 0; i < m.length; i++) {
      if (m[i]) {
        n++;
        s += px.data[i];
      }
    }
    return { pixels: n, areaMm2: img.spacingRowMm && img.spacingColMm ? n * img.spacingRowMm * img.spacingColMm : null, mean: n ? s / n : null };
    // roi.version changes whenever the mask does
  }, [roi, images]);

  const save = useMutation(trpc.rois.save.mutationOptions());
  const compute = useMutation(trpc.radscore.compute.mutationOptions());

  const saveRoi = useCallback(async () => {
    if (!roi) return;
    const px = pixels.current[roi.imageId];
    if (!px) return;
    const h = roi.hist[roi.index];
    try {
      const r = await save.mutateAsync({
        imageId: roi.imageId,
        method: roi.method,
        rows: px.rows,
        cols: px.cols,
        rle: h.rle,
        thresholdParams: roi.seed ? { seed: roi.seed, halfWidth: roi.halfWidth, lower: (roi.seedValue ?? 0) - roi.halfWidth, upper: (roi.seedValue ?? 0) + roi.halfWidth, edits: roi.index } : null,
      });
      setSaved((s) => ({ ...s, [roi.imageId]: roi.mask.slice() }));
      setRoi((x) => (x ? { ...x, savedIndex: x.index } : x));
      setNote(`ROI saved (${r.pixels} pixels${r.areaMm2 ? `, ${r.areaMm2.toFixed(1)} mm²` : ""}).`);
      void caseQ.refetch();
    } catch (e) {
      setNote((e as Error).message);
    }
  }, [roi, save, caseQ]);

  // keyboard shortcuts
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      const typing = t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA") && (t as HTMLInputElement).type !== "range";
      if (typing) return;
      const k = e.key.toLowerCase();
      if ((e.ctrlKey || e.metaKey) && k === "z") {
        e.preventDefault();
        if (e.shiftKey) redo();
        else undo();
        return;
      }
      if ((e.ctrlKey || e.metaKey) && k === "y") {
        e.preventDefault();
        redo();
        return;
      }
      if ((e.ctrlKey || e.metaKey) && k === "s") {
        e.preventDefault();
        void saveRoi();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "?") setHelp((h) => !h);
      else if (e.key === "Escape") setHelp(false);
      else if (t && t.tagName === "INPUT") return;
      else {
        const h = activeId ? handles.current[activeId] : null;
        const tl = TOOLS.find((x) => x.key.toLowerCase() === k);
        if (tl) setTool(tl.id);
        else if (k === "f") h?.fit();
        else if (k === "i") h?.toggleInvert();
        else if (k === "1") h?.preset("header");
        else if (k === "2") h?.preset("full");
        else if (k === "3") h?.preset("dense");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [undo, redo, saveRoi, activeId]);

  const model = modelQ.data;
  const rs = compute.data ?? null;
  const latest = caseQ.data?.radscore ?? null;
  const px = roi ? pixels.current[roi.imageId] : null;
  const range = px ? Math.max(1, px.max - px.min) : 100;
  const sorted = [...images].sort((a, b) => (a.view === b.view ? 0 : a.view === "CC" ? -1 : b.view === "CC" ? 1 : 0));

  return (
    <div className="workspace">
      <div className="ws-head">
        <h1>
          Case <span data-testid="case-code">{caseCode}</span>
        </h1>
        <button className="button secondary" type="button" onClick={() => setHelp(true)} aria-keyshortcuts="?">
          Keyboard shortcuts
        </button>
      </div>
      {canEdit && <UploadPanel caseId={caseId} onStored={() => void caseQ.refetch()} />}

      {images.length > 0 && (
        <section aria-label="Viewer and ROI tools" className="viewer-section">
          <div className="toolbar" role="toolbar" aria-label="Viewer tools">
            {TOOLS.map((t) => (
              <button key={t.id} type="button" className={`tool${tool === t.id ? " on" : ""}`} aria-pressed={tool === t.id} onClick={() => setTool(t.id)} aria-keyshortcuts={t.key}>
                {t.label}
              </button>
            ))}
            <span className="sep" />
            <button type="button" className="tool" onClick={() => activeId && handles.current[activeId]?.fit()} aria-keyshortcuts="F">
              Fit
            </button>
            <button type="button" className="tool" onClick={() => activeId && handles.current[activeId]?.toggleInvert()} aria-keyshortcuts="I">
              Invert
            </button>
            <button type="button" className="tool" onClick={() => activeId && handles.current[activeId]?.preset("header")} aria-keyshortcuts="1">
              Header window
            </button>
            <button type="button" className="tool" onClick={() => activeId && handles.current[activeId]?.preset("full")} aria-keyshortcuts="2">
              Full range
            </button>
            <button type="button" className="tool" onClick={() => activeId && handles.current[activeId]?.preset("dense")} aria-keyshortcuts="3">
              Dense tissue
            </button>
          </div>
          <div className="viewports">
            {sorted.map((img) => (
              <Viewport
                key={img.id}
                url={`/cases/${caseId}/pixels/${img.id}`}
                rows={img.rows}
                cols={img.cols}
                label={`${img.view ?? "?"} ${img.laterality ?? ""} · ${img.cols}×${img.rows}`}
                active={img.id === activeId}
                tool={img.id === activeId && canEdit ? tool : tool === "pan" ? "pan" : "wl"}
                mask={roi && roi.imageId === img.id ? roi.mask : (saved[img.id] ?? null)}
                maskVersion={roi && roi.imageId === img.id ? roi.version : 0}
                brushRadius={brushRadius}
                onActivate={() => {
                  setActiveId(img.id);
                  if (roi?.imageId !== img.id) setRoi(null);
                }}
                onLoaded={(p, ms) => void onLoaded(img.id, p, ms)}
                onSeed={(row, col) => canEdit && grow({ row, col }, roi?.halfWidth ?? Math.max(1, Math.round(range / 20)), false)}
                onFreehand={(pts) => canEdit && onFreehand(pts)}
                onBrush={(r, c, erase, phase) => canEdit && onBrush(r, c, erase, phase)}
                handleRef={(h) => {
                  handles.current[img.id] = h;
                }}
              />
            ))}
          </div>

          {canEdit && active && (
            <div className="roi-panel card" aria-label="ROI">
              <h2>
                Tumour ROI on {active.view ?? "?"} {active.laterality ?? ""}
              </h2>
              <div className="row">
                <label htmlFor="threshold">Threshold</label>
                <input
                  id="threshold"
                  type="range"
                  min={1}
                  max={Math.max(2, Math.round(range / 4))}
                  step={1}
                  value={roi?.halfWidth ?? 1}
                  disabled={!roi?.seed}
                  onChange={(e) => roi?.seed && grow(roi.seed, Number(e.target.value), true)}
                  aria-describedby="threshold-help"
                />
                <output htmlFor="threshold" data-testid="threshold-value">
                  {roi?.seed && roi.seedValue !== null ? `${roi.seedValue - roi.halfWidth} – ${roi.seedValue + roi.halfWidth}` : "click a seed"}
                </output>
                <span id="threshold-help" className="muted">
                  intensity bounds around the seed (seed tool: click inside the tumour)
                </span>
              </div>
              <div className="row">
                <label htmlFor="brush">Brush size (px)</label>
                <input id="brush" type="number" min={1} max={200} value={brushRadius} onChange={(e) => setBrushRadius(Math.max(1, Math.min(200, Number(e.target.value) || 1)))} />
                <button type="button" className="button secondary" onClick={undo} disabled={!roi || roi.index === 0} aria-keyshortcuts="Control+Z">
                  Undo
                </button>
                <button type="button" className="button secondary" onClick={redo} disabled={!roi || roi.index >= roi.hist.length - 1} aria-keyshortcuts="Control+Shift+Z">
                  Redo
                </button>
                <button type="button" className="button" onClick={() => void saveRoi()} disabled={!roi || !stats?.pixels || save.isPending} aria-keyshortcuts="Control+S">
                  Save ROI
                </button>
              </div>
              <p data-testid="roi-stats" aria-live="polite">
                {stats && stats.pixels > 0
                  ? `Area ${stats.areaMm2 !== null ? stats.areaMm2.toFixed(1) + " mm²" : "unknown (no spacing)"} · ${stats.pixels} pixels · mean intensity ${stats.mean!.toFixed(1)}`
                  : "No ROI yet."}
                {roi && roi.index !== roi.savedIndex ? " · unsaved changes" : ""}
              </p>
              {note && <p role="status">{note}</p>}
            </div>
          )}
        </section>
      )}

      <section className="card radscore" aria-labelledby="rs-h">
        <h2 id="rs-h">Rad-score</h2>
        {model && !model.ok && <p className="error">{model.error}</p>}
        {model && model.ok && (
          <p className="muted">
            Active model: <span data-testid="model-version">{model.model.version}</span>
            {model.model.demo && <strong className="demo-flag"> — {model.model.displayLabel ?? "Demo model — not for clinical use"}</strong>}. Uses the{" "}
            {model.model.views.join(" + ")} view{model.model.views.length > 1 ? `s (${model.model.combination})` : ""}, feature set {model.model.featureSet}.
          </p>
        )}
        {canEdit && (
          <button type="button" className="button" disabled={compute.isPending} onClick={() => compute.mutate({ caseId }, { onSuccess: () => void caseQ.refetch() })}>
            Compute Rad-score
          </button>
        )}
        {compute.isPending && <p role="status">Extracting features…</p>}
        {compute.error && (
          <p className="error" role="alert">
            {compute.error.message}
          </p>
        )}
        {(rs || latest) && (
          <div aria-live="polite">
            <p className="rs-value">
              Rad-score: <strong data-testid="radscore-value">{(rs?.value ?? latest!.value).toFixed(4)}</strong>
            </p>
            {canEdit && (
              <p>
                <a href={`/cases/${caseId}/predict`}>Next: clinical factors and nomogram →</a>
              </p>
            )}
            {rs && (
              <>
                <p className="muted">
                  Model {rs.model.version}
                  {rs.model.demo ? ` — ${rs.model.displayLabel ?? "Demo model — not for clinical use"}` : ""}; views used: {rs.views.map((v) => `${v.view} (${v.roiPixels} ROI pixels)`).join(", ")}.
                </p>
                {rs.warnings.map((w) => (
                  <p key={w} className="warning">
                    {w}
                  </p>
                ))}
                {rs.outOfRange.length > 0 && (
                  <div className="warning">
                    <p>
                      {rs.outOfRange.length} feature{rs.outOfRange.length > 1 ? "s are" : " is"} outside the model&apos;s training range — interpret the Rad-score with caution:
                    </p>
                    <ul>
                      {rs.outOfRange.map((o) => (
                        <li key={o.feature}>
                          {o.feature} = {o.value.toPrecision(4)} (training {o.min.toPrecision(4)} to {o.max.toPrecision(4)})
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
              </>
            )}
          </div>
        )}
      </section>

      {help && (
        <div className="help-overlay" role="dialog" aria-modal="true" aria-labelledby="help-h" onClick={() => setHelp(false)}>
          <div className="card" onClick={(e) => e.stopPropagation()}>
            <h2 id="help-h">Keyboard shortcuts</h2>
            <table>
              <tbody>
                {TOOLS.map((t) => (
                  <tr key={t.id}>
                    <th scope="row">{t.key}</th>
                    <td>{t.label} tool</td>
                  </tr>
                ))}
                <tr><th scope="row">F</th><td>Fit image to the window</td></tr>
                <tr><th scope="row">I</th><td>Invert</td></tr>
                <tr><th scope="row">1 / 2 / 3</th><td>Window presets: header, full range, dense tissue</td></tr>
                <tr><th scope="row">Mouse wheel</th><td>Zoom about the cursor</td></tr>
                <tr><th scope="row">Right or middle drag, Shift+drag</th><td>Pan</td></tr>
                <tr><th scope="row">Drag (window/level tool)</th><td>Horizontal: window width; vertical: level</td></tr>
                <tr><th scope="row">Ctrl+Z / Ctrl+Shift+Z</th><td>Undo / redo ROI edits</td></tr>
                <tr><th scope="row">Ctrl+S</th><td>Save ROI</td></tr>
                <tr><th scope="row">?</th><td>Show or hide this help</td></tr>
              </tbody>
            </table>
            <button type="button" className="button" onClick={() => setHelp(false)}>
              Close
            </button>
          </div>
        </div>
      )}
      <span hidden data-testid="open-timings">{JSON.stringify(timings)}</span>
    </div>
  );
}
