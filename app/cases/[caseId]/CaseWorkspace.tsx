"use client";
// The case page's client part: upload, the CC/MLO viewer, the ROI editor (seed + threshold region growing with a
// live outline, freehand polygon, brush/eraser, undo/redo), ROI save/restore and "Compute Rad-score".
// Region growing runs here with lib/radiomics/roi.ts (browser-safe), on the same intensities the server
// extracts from (the pixel cache), so what the surgeon sees outlined is what gets measured.
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTRPC } from "@/app/_trpc/client";
import { Viewport, type Tool, type ViewportHandle } from "@/app/_components/viewer/Viewport";
import type { PixelData } from "@/app/_components/viewer/pixels";
import { decodeRle, encodeRle } from "@/lib/image/rle";
import { fillHoles, polygonToMask, regionGrow } from "@/lib/radiomics/roi";
import type { Image2D } from "@/lib/image/types";
import { UploadPanel } from "./UploadPanel";
import "./workspace.css";

type Method = "threshold" | "freehand" | "brush";
type Seed = { row: number; col: number };
type Hist = { rle: string; method: Method; seed: Seed | null; halfWidth: number };
/**
 * The editable ROI of one image: mask, undo history, and the RLE of what the server has (savedRle; the empty mask
 * when nothing is saved). Every loaded image keeps its own draft, so switching images never throws edits away.
 */
type RoiState = { imageId: string; mask: Uint8Array; hist: Hist[]; index: number; version: number; savedRle: string; seed: Seed | null; seedValue: number | null; halfWidth: number; method: Method };

const isDirty = (r: RoiState) => r.hist[r.index].rle !== r.savedRle;

const TOOLS: { id: Tool; label: string; key: string; edit: boolean }[] = [
  { id: "wl", label: "Window/level", key: "W", edit: false },
  { id: "pan", label: "Pan", key: "H", edit: false },
  { id: "seed", label: "Seed + threshold", key: "S", edit: true },
  { id: "freehand", label: "Freehand", key: "D", edit: true },
  { id: "brush", label: "Brush", key: "B", edit: true },
  { id: "eraser", label: "Eraser", key: "E", edit: true },
];

/** Typed pixel data seen as an Image2D: lib/radiomics/roi only indexes `data`, so 16-bit data need no float copy. */
function asImage(px: PixelData): Image2D {
  return { rows: px.rows, cols: px.cols, data: px.data as unknown as Float64Array };
}

function newDraft(imageId: string, px: PixelData, mask?: Uint8Array, meta?: Partial<Hist>): RoiState {
  const m = mask ?? new Uint8Array(px.rows * px.cols);
  const h: Hist = { rle: encodeRle(m), method: meta?.method ?? "threshold", seed: meta?.seed ?? null, halfWidth: meta?.halfWidth ?? Math.max(1, Math.round((px.max - px.min) / 20)) };
  const seedValue = h.seed && h.seed.row < px.rows && h.seed.col < px.cols ? px.data[h.seed.row * px.cols + h.seed.col] : null;
  return { imageId, mask: m, hist: [h], index: 0, version: 1, savedRle: h.rle, seed: seedValue === null ? null : h.seed, seedValue, halfWidth: h.halfWidth, method: h.method };
}

type ImageInfo = { id: string; view: string | null; laterality: string | null; rows: number; cols: number };
const viewName = (i: ImageInfo) => `${i.view ?? "?"} ${i.laterality ?? ""}`.trim();
const viewportLabel = (i: ImageInfo) => `${i.view ?? "?"} ${i.laterality ?? ""} · ${i.cols}×${i.rows}`;

/** Reasons an ROI does not look like a tumour outline (shown as a warning before saving; saving stays possible). */
function plausibility(mask: Uint8Array, px: PixelData): { pixels: number; sum: number; warnings: string[] } {
  const { rows, cols } = px;
  let n = 0;
  let s = 0;
  let r0 = rows;
  let r1 = -1;
  let c0 = cols;
  let c1 = -1;
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++, i++) {
      if (!mask[i]) continue;
      n++;
      s += px.data[i];
      if (r < r0) r0 = r;
      if (r > r1) r1 = r;
      if (c < c0) c0 = c;
      if (c > c1) c1 = c;
    }
  }
  const warnings: string[] = [];
  if (n === 0) return { pixels: 0, sum: 0, warnings };
  const frac = n / (rows * cols);
  if (frac > 0.25) warnings.push(`it covers ${(100 * frac).toFixed(0)}% of the image`);
  const sides = [r0 === 0, r1 === rows - 1, c0 === 0, c1 === cols - 1].filter(Boolean).length;
  if (sides >= 2) warnings.push(`it touches the image border on ${sides} sides`);
  const mean = s / n;
  if (mean <= px.min + 0.01 * Math.max(1, px.max - px.min)) warnings.push(`its mean intensity (${mean.toFixed(1)}) is the image minimum, i.e. background`);
  return { pixels: n, sum: s, warnings };
}

export function CaseWorkspace({ caseId, caseCode }: { caseId: string; caseCode: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const caseQ = useQuery(trpc.cases.get.queryOptions({ id: caseId }));
  const modelQ = useQuery(trpc.radscore.activeModel.queryOptions());
  const [activeId, setActiveId] = useState<string | null>(null);
  const [tool, setTool] = useState<Tool>("wl");
  const [help, setHelp] = useState(false);
  const [brushRadius, setBrushRadius] = useState(6);
  const [drafts, setDrafts] = useState<Record<string, RoiState>>({});
  const [note, setNote] = useState("");
  const pixels = useRef<Record<string, PixelData>>({});
  const handles = useRef<Record<string, ViewportHandle | null>>({});
  const [timings, setTimings] = useState<Record<string, number>>({});
  const dialogRef = useRef<HTMLDivElement>(null);

  const images = useMemo(() => caseQ.data?.images ?? [], [caseQ.data]);
  const canEdit = caseQ.data?.canEdit ?? false;
  const tools = useMemo(() => (canEdit ? TOOLS : TOOLS.filter((t) => !t.edit)), [canEdit]);
  const active = images.find((i) => i.id === activeId) ?? null;
  const roi = activeId ? (drafts[activeId] ?? null) : null;

  // ---- the image active at first: the one with a saved ROI (of a view the active model uses; the most recently
  // saved when several qualify), else the first uploaded image
  const model = modelQ.data;
  const withRoi = images.filter((i) => i.hasRoi);
  const modelViews = model?.ok ? (model.model.combination === "single" ? model.model.views.slice(0, 1) : model.model.views).map((v) => v.toUpperCase()) : [];
  const inModel = withRoi.filter((i) => i.view && modelViews.includes(i.view.toUpperCase()));
  const candidates = inModel.length ? inModel : withRoi;
  const needTimes = activeId === null && !modelQ.isPending && candidates.length > 1;
  const roiTimes = useQueries({ queries: (needTimes ? candidates : []).map((i) => trpc.rois.get.queryOptions({ imageId: i.id })) });
  let initial: string | null = null;
  if (images.length) {
    if (withRoi.length === 0) initial = images[0].id;
    else if (withRoi.length === 1) initial = withRoi[0].id;
    else if (!modelQ.isPending && candidates.length === 1) initial = candidates[0].id;
    else if (needTimes && roiTimes.every((q) => !q.isPending)) {
      let best = -Infinity;
      candidates.forEach((c, k) => {
        const t = roiTimes[k].data?.updatedAt ? +new Date(roiTimes[k].data!.updatedAt) : 0;
        if (t > best) {
          best = t;
          initial = c.id;
        }
      });
    }
  }
  useEffect(() => {
    if (activeId === null && initial !== null) setActiveId(initial);
  }, [activeId, initial]);

  const lastWasSlider = useRef(false);
  const stroke = useRef<Uint8Array | null>(null);
  const activate = useCallback((id: string) => {
    setActiveId((cur) => {
      if (cur !== id) {
        lastWasSlider.current = false;
        stroke.current = null;
      }
      return id;
    });
  }, []);

  const update = useCallback((id: string, f: (r: RoiState) => RoiState) => setDrafts((d) => (d[id] ? { ...d, [id]: f(d[id]) } : d)), []);

  const onLoaded = useCallback(
    async (imageId: string, px: PixelData, ms: number) => {
      pixels.current[imageId] = px;
      setTimings((t) => ({ ...t, [imageId]: ms }));
      const saved = await queryClient.fetchQuery(trpc.rois.get.queryOptions({ imageId })).catch((e: Error) => {
        setNote(`Could not load the saved ROI: ${e.message}`);
        return null;
      });
      let m: Uint8Array | undefined;
      if (saved && saved.rows === px.rows && saved.cols === px.cols) m = decodeRle(saved.rle, px.rows * px.cols);
      const tp = (m ? (saved?.thresholdParams ?? {}) : {}) as { seed?: Seed; halfWidth?: number };
      const draft = newDraft(imageId, px, m, { method: m ? ((saved?.method as Method) ?? "threshold") : "threshold", seed: tp.seed ?? null, halfWidth: tp.halfWidth });
      setDrafts((d) => (d[imageId] ? d : { ...d, [imageId]: draft }));
    },
    [queryClient, trpc],
  );

  /** Replace the mask of an image's draft; `coalesce` merges into the last history step (threshold slider drags). */
  const commit = useCallback(
    (id: string, next: Uint8Array, meta: Omit<Hist, "rle">, coalesce = false, extra: Partial<RoiState> = {}) => {
      update(id, (r) => {
        const h: Hist = { ...meta, rle: encodeRle(next) };
        const hist = r.hist.slice(0, r.index + 1);
        if (coalesce && hist.length > 1) hist[hist.length - 1] = h;
        else hist.push(h);
        while (hist.length > 60) hist.shift();
        return { ...r, ...extra, mask: next, hist, index: hist.length - 1, version: r.version + 1, seed: meta.seed, halfWidth: meta.halfWidth, method: meta.method };
      });
    },
    [update],
  );

  const grow = useCallback(
    (seed: Seed, halfWidth: number, fromSlider: boolean) => {
      if (!roi) return;
      const px = pixels.current[roi.imageId];
      if (!px) return;
      const v = px.data[seed.row * px.cols + seed.col];
      const m = fillHoles(regionGrow(asImage(px), seed, v - halfWidth, v + halfWidth)); // bounds around the seed intensity
      commit(roi.imageId, m.data, { method: "threshold", seed, halfWidth }, fromSlider && lastWasSlider.current, { seedValue: v });
      lastWasSlider.current = fromSlider;
    },
    [roi, commit],
  );

  const step = useCallback(
    (delta: -1 | 1) => {
      lastWasSlider.current = false;
      if (!activeId) return;
      update(activeId, (r) => {
        const i = r.index + delta;
        if (i < 0 || i >= r.hist.length) return r;
        const h = r.hist[i];
        return { ...r, index: i, mask: decodeRle(h.rle, r.mask.length), version: r.version + 1, seed: h.seed, halfWidth: h.halfWidth, method: h.method };
      });
    },
    [activeId, update],
  );
  const undo = useCallback(() => step(-1), [step]);
  const redo = useCallback(() => step(1), [step]);

  // brush strokes paint into a working copy and become one history step at the end
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
        commit(roi.imageId, m, { method: roi.method === "threshold" && roi.hist.length > 1 ? roi.method : "brush", seed: roi.seed, halfWidth: roi.halfWidth });
      } else {
        update(roi.imageId, (r) => ({ ...r, mask: m, version: r.version + 1 }));
      }
    },
    [roi, brushRadius, commit, update],
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
      commit(roi.imageId, m, { method: "freehand", seed: null, halfWidth: roi.halfWidth });
    },
    [roi, commit],
  );

  // measurements of the current ROI: area = pixel count x row spacing x column spacing; mean intensity; plausibility
  const stats = useMemo(() => {
    if (!roi) return null;
    const px = pixels.current[roi.imageId];
    const img = images.find((i) => i.id === roi.imageId);
    if (!px || !img) return null;
    const p = plausibility(roi.mask, px);
    const n = p.pixels;
    return { pixels: n, areaMm2: img.spacingRowMm && img.spacingColMm ? n * img.spacingRowMm * img.spacingColMm : null, mean: n ? p.sum / n : null, warnings: p.warnings };
    // roi.version changes whenever the mask does
  }, [roi, images]);

  const save = useMutation(trpc.rois.save.mutationOptions());
  const compute = useMutation(trpc.radscore.compute.mutationOptions());
  // a double click (or Ctrl+S twice) sends one request: the button is disabled while pending, and these refs
  // also cover clicks that arrive before the disabled state is rendered
  const saving = useRef(false);
  const computing = useRef(false);
  const caseKey = trpc.cases.get.queryKey({ id: caseId });

  const saveRoi = useCallback(async () => {
    if (!canEdit || !roi || saving.current) return;
    const px = pixels.current[roi.imageId];
    if (!px) return;
    const h = roi.hist[roi.index];
    const id = roi.imageId;
    saving.current = true;
    try {
      const r = await save.mutateAsync({
        imageId: id,
        method: roi.method,
        rows: px.rows,
        cols: px.cols,
        rle: h.rle,
        thresholdParams: roi.seed ? { seed: roi.seed, halfWidth: roi.halfWidth, lower: (roi.seedValue ?? 0) - roi.halfWidth, upper: (roi.seedValue ?? 0) + roi.halfWidth, edits: roi.index } : null,
      });
      update(id, (x) => ({ ...x, savedRle: h.rle }));
      setNote(`ROI saved (${r.pixels} pixels${r.areaMm2 ? `, ${r.areaMm2.toFixed(1)} mm²` : ""}).`);
      // a Rad-score computed before this save no longer describes the outline: show it as out of date at once,
      // then take the server's word for it
      compute.reset();
      queryClient.setQueryData(caseKey, (old) =>
        old ? { ...old, images: old.images.map((i) => (i.id === id ? { ...i, hasRoi: true } : i)), radscore: old.radscore ? { ...old.radscore, stale: true } : null } : old,
      );
      void queryClient.invalidateQueries({ queryKey: caseKey });
    } catch (e) {
      setNote((e as Error).message);
    } finally {
      saving.current = false;
    }
  }, [canEdit, roi, save, compute, queryClient, caseKey, update]);

  const dirtyImages = images.filter((i) => drafts[i.id] && isDirty(drafts[i.id]));
  const dirtyText = dirtyImages.map(viewName).join(" and ");

  const runCompute = useCallback(async () => {
    if (!canEdit || computing.current || dirtyImages.length > 0) return;
    computing.current = true;
    try {
      const out = await compute.mutateAsync({ caseId });
      // the new score is current everywhere on the page at once (section links too), then the server's copy
      queryClient.setQueryData(caseKey, (old) => (old ? { ...old, radscore: { value: out.value, detail: out, createdAt: out.createdAt, stale: false } } : old));
      await queryClient.invalidateQueries({ queryKey: caseKey });
    } catch {
      // shown from compute.error
    } finally {
      computing.current = false;
    }
  }, [canEdit, dirtyImages.length, compute, caseId, queryClient, caseKey]);

  // leaving the page with unsaved ROI edits: the browser's own prompt (reload, close, typed address, plain links),
  // and a confirm for in-app (Next <Link>) navigation, which does not unload the page
  useEffect(() => {
    if (!dirtyText) return;
    let leaving = false;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (leaving) return;
      e.preventDefault();
      e.returnValue = "";
    };
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
      if (!a || (a.target && a.target !== "_self") || a.hasAttribute("download")) return;
      const url = new URL(a.href, window.location.href);
      if (url.origin !== window.location.origin) return; // another site: the beforeunload prompt
      if (url.pathname === window.location.pathname && url.search === window.location.search) return; // same page
      if (window.confirm(`The ROI on ${dirtyText} has unsaved changes. Leave this page and discard them?`)) {
        leaving = true; // no second prompt from beforeunload for a plain link
        return;
      }
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    window.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      window.removeEventListener("click", onClick, true);
    };
  }, [dirtyText]);

  // the help dialog: focus moves into it on open and back to where it was on close
  useEffect(() => {
    if (!help) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialogRef.current?.focus();
    return () => {
      if (opener && opener.isConnected && opener !== document.body) opener.focus();
    };
  }, [help]);

  // keyboard shortcuts
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      const typing = t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA") && (t as HTMLInputElement).type !== "range";
      if (typing) return;
      const k = e.key.toLowerCase();
      if (help) {
        // the dialog is modal: only its own keys
        if (e.key === "Escape" || e.key === "?") setHelp(false);
        return;
      }
      if (canEdit && (e.ctrlKey || e.metaKey) && k === "z") {
        e.preventDefault();
        if (e.shiftKey) redo();
        else undo();
        return;
      }
      if (canEdit && (e.ctrlKey || e.metaKey) && k === "y") {
        e.preventDefault();
        redo();
        return;
      }
      if (canEdit && (e.ctrlKey || e.metaKey) && k === "s") {
        e.preventDefault();
        void saveRoi();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "?") setHelp(true);
      else if (t && t.tagName === "INPUT") return;
      else {
        const h = activeId ? handles.current[activeId] : null;
        const tl = tools.find((x) => x.key.toLowerCase() === k);
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
  }, [undo, redo, saveRoi, activeId, help, canEdit, tools]);

  /** Tab and Shift+Tab stay inside the help dialog. */
  const trapTab = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== "Tab") return;
    const box = dialogRef.current;
    if (!box) return;
    const f = [...box.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])')].filter((el) => !el.hasAttribute("disabled"));
    e.preventDefault();
    if (!f.length) return;
    const i = f.indexOf(document.activeElement as HTMLElement);
    f[e.shiftKey ? (i <= 0 ? f.length - 1 : i - 1) : i < 0 || i === f.length - 1 ? 0 : i + 1].focus();
  };

  const rs = compute.data ?? null;
  const latest = caseQ.data?.radscore ?? null;
  // the Rad-score shown: the one just computed, else the latest stored (stale once an ROI was saved after it)
  const shown = rs ? { value: rs.value, stale: false } : latest ? { value: latest.value, stale: latest.stale } : null;
  const px = roi ? pixels.current[roi.imageId] : null;
  const range = px ? Math.max(1, px.max - px.min) : 100;
  const sorted = [...images].sort((a, b) => (a.view === b.view ? 0 : a.view === "CC" ? -1 : b.view === "CC" ? 1 : 0));
  const dirty = roi ? isDirty(roi) : false;

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
      {caseQ.data && !canEdit && (
        <p className="muted" data-testid="read-only">
          Read-only: you can look at the images, the saved tumour outlines and the Rad-score; only the case&apos;s surgeon can change them.
        </p>
      )}
      {canEdit && <UploadPanel caseId={caseId} onStored={() => void queryClient.invalidateQueries({ queryKey: caseKey })} />}

      {images.length > 0 && (
        <section aria-label="Viewer and ROI tools" className="viewer-section">
          <div className="toolbar" role="toolbar" aria-label="Viewer tools">
            {tools.map((t) => (
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
            {sorted.map((img) => {
              const d = drafts[img.id];
              return (
                <Viewport
                  key={img.id}
                  url={`/cases/${caseId}/pixels/${img.id}`}
                  rows={img.rows}
                  cols={img.cols}
                  label={viewportLabel(img)}
                  active={img.id === activeId}
                  tool={img.id === activeId && canEdit ? tool : tool === "pan" ? "pan" : "wl"}
                  mask={d?.mask ?? null}
                  maskVersion={d?.version ?? 0}
                  brushRadius={brushRadius}
                  onActivate={() => activate(img.id)}
                  onLoaded={(p, ms) => void onLoaded(img.id, p, ms)}
                  onSeed={(row, col) => canEdit && grow({ row, col }, roi?.halfWidth ?? Math.max(1, Math.round(range / 20)), false)}
                  onFreehand={(pts) => canEdit && onFreehand(pts)}
                  onBrush={(r, c, erase, phase) => canEdit && onBrush(r, c, erase, phase)}
                  handleRef={(h) => {
                    handles.current[img.id] = h;
                  }}
                />
              );
            })}
          </div>

          {canEdit && active && (
            <div className="roi-panel card" aria-label="ROI">
              <h2>Tumour ROI on {viewName(active)}</h2>
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
                <button
                  type="button"
                  className="button"
                  onClick={() => void saveRoi()}
                  disabled={!roi || !stats?.pixels || save.isPending}
                  aria-keyshortcuts="Control+S"
                  aria-describedby={stats?.warnings.length ? "roi-warning" : undefined}
                >
                  Save ROI
                </button>
              </div>
              <p data-testid="roi-stats" aria-live="polite">
                {!roi
                  ? "Loading the image…"
                  : stats && stats.pixels > 0
                    ? `Area ${stats.areaMm2 !== null ? stats.areaMm2.toFixed(1) + " mm²" : "unknown (no spacing)"} · ${stats.pixels} pixels · mean intensity ${stats.mean!.toFixed(1)}`
                    : "No ROI yet."}
                {dirty ? " · unsaved changes" : ""}
              </p>
              <div aria-live="polite">
                {stats && stats.warnings.length > 0 && (
                  <p className="warning" id="roi-warning">
                    This does not look like a tumour outline: {stats.warnings.join("; ")}. Check the seed (a click in the dark background grows over the
                    whole background) before saving; you can still save it.
                  </p>
                )}
              </div>
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
          <>
            <button
              type="button"
              className="button"
              disabled={compute.isPending || dirtyImages.length > 0}
              aria-describedby={dirtyImages.length > 0 ? "compute-blocked" : undefined}
              onClick={() => void runCompute()}
            >
              Compute Rad-score
            </button>
            {dirtyImages.length > 0 && (
              <p id="compute-blocked" className="warning">
                Save the ROI first: the ROI on {dirtyText} has unsaved changes, and the Rad-score is computed from the saved ROIs only.
              </p>
            )}
          </>
        )}
        {compute.isPending && <p role="status">Extracting features…</p>}
        {compute.error && (
          <p className="error" role="alert">
            {compute.error.message}
          </p>
        )}
        {shown && (
          <div aria-live="polite">
            <p className={`rs-value${shown.stale ? " stale" : ""}`}>
              Rad-score: <strong data-testid="radscore-value">{shown.value.toFixed(4)}</strong>
              {shown.stale && <span className="stale-flag"> (out of date)</span>}
            </p>
            {shown.stale && (
              <p className="warning" id="radscore-stale">
                Out of date: the ROI changed after this Rad-score was computed —{" "}
                {canEdit ? "compute it again." : "the case's surgeon must compute it again."}
              </p>
            )}
            {canEdit &&
              (shown.stale ? (
                <p className="muted">The prediction and nomogram need a current Rad-score: compute it again first.</p>
              ) : (
                <p>
                  <a href={`/cases/${caseId}/predict`}>Next: clinical factors and nomogram →</a>
                </p>
              ))}
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
        <div className="help-overlay" onClick={() => setHelp(false)}>
          <div className="card" role="dialog" aria-modal="true" aria-labelledby="help-h" tabIndex={-1} ref={dialogRef} onKeyDown={trapTab} onClick={(e) => e.stopPropagation()}>
            <h2 id="help-h">Keyboard shortcuts</h2>
            <table>
              <tbody>
                {tools.map((t) => (
                  <tr key={t.id}>
                    <th scope="row">{t.key}</th>
                    <td>{t.label} tool</td>
                  </tr>
                ))}
                <tr><th scope="row">Tab, then Enter or Space</th><td>Move to an image; it becomes the active image</td></tr>
                <tr><th scope="row">F</th><td>Fit image to the window</td></tr>
                <tr><th scope="row">I</th><td>Invert</td></tr>
                <tr><th scope="row">1 / 2 / 3</th><td>Window presets: header, full range, dense tissue</td></tr>
                <tr><th scope="row">Mouse wheel</th><td>Zoom about the cursor</td></tr>
                <tr><th scope="row">Right or middle drag, Shift+drag</th><td>Pan</td></tr>
                <tr><th scope="row">Drag (window/level tool)</th><td>Horizontal: window width; vertical: level</td></tr>
                {canEdit && <tr><th scope="row">Ctrl+Z / Ctrl+Shift+Z</th><td>Undo / redo ROI edits</td></tr>}
                {canEdit && <tr><th scope="row">Ctrl+S</th><td>Save ROI</td></tr>}
                <tr><th scope="row">?</th><td>Show or hide this help</td></tr>
                <tr><th scope="row">Escape</th><td>Close this help</td></tr>
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
