"use client";
// One mammogram on a canvas: window/level (drag or presets), zoom (wheel, about the cursor), pan, fit, invert,
// and the ROI overlay (filled + outlined) with the pointer tools of the ROI editor. The image arrives in the
// chest-wall-left frame from the server. Rendering samples only the on-screen pixels (nearest neighbour)
// through a LUT, so a window/level step costs one viewport of work whatever the image size; each render is
// bracketed by performance marks ("axilla-render") for the browser test's frame-time figures.
import { useCallback, useEffect, useId, useImperativeHandle, useRef, useState, type Ref } from "react";
import { buildLut, fetchPixels, type PixelData } from "./pixels";
import "./viewer.css";

export type Tool = "wl" | "pan" | "seed" | "freehand" | "brush" | "eraser";

export type ViewportHandle = {
  fit(): void;
  toggleInvert(): void;
  preset(p: "header" | "full" | "dense"): void;
  redraw(): void;
  pixels(): PixelData | null;
};

export type ViewportProps = {
  url: string;
  /** full-resolution size (the preview, when there is one, is smaller) */
  rows: number;
  cols: number;
  label: string;
  active: boolean;
  tool: Tool;
  /** ROI mask (rows*cols) shown on this image, or null */
  mask: Uint8Array | null;
  maskVersion: number;
  brushRadius: number;
  onActivate(): void;
  onLoaded(px: PixelData, ms: number): void;
  onSeed(row: number, col: number): void;
  onFreehand(points: { x: number; y: number }[]): void;
  onBrush(row: number, col: number, erase: boolean, phase: "start" | "move" | "end"): void;
  handleRef?: Ref<ViewportHandle>;
  height?: number;
};

type View = { s: number; ox: number; oy: number; center: number; width: number; invert: boolean };

export function Viewport(props: ViewportProps) {
  const { url, rows: fullRows, cols: fullCols, label, active, tool, mask, maskVersion, brushRadius, onActivate, onLoaded, onSeed, onFreehand, onBrush, handleRef, height = 560 } = props;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const figRef = useRef<HTMLElement>(null);
  const labelId = useId();
  const boxRef = useRef<HTMLDivElement>(null);
  const pxRef = useRef<PixelData | null>(null);
  const viewRef = useRef<View>({ s: 1, ox: 0, oy: 0, center: 0, width: 1, invert: false });
  const lutRef = useRef<{ lut: Uint8Array; offset: number; key: string } | null>(null);
  const maskRef = useRef<Uint8Array | null>(mask);
  const pathRef = useRef<{ x: number; y: number }[] | null>(null);
  const frameRef = useRef<number>(0);
  const bufRef = useRef<{ img: ImageData | null; cols: Int32Array; pcols: Int32Array; m: Uint8Array }>({ img: null, cols: new Int32Array(0), pcols: new Int32Array(0), m: new Uint8Array(0) });
  const dimsRef = useRef({ rows: fullRows, cols: fullCols });
  dimsRef.current = { rows: fullRows, cols: fullCols };
  const [full, setFull] = useState(false);
  const [status, setStatus] = useState<string>("Loading image…");
  const [wlText, setWlText] = useState("");

  maskRef.current = mask;
  const onLoadedRef = useRef(onLoaded);
  useEffect(() => {
    onLoadedRef.current = onLoaded;
  }, [onLoaded]);

  const draw = useCallback(() => {
    frameRef.current = 0;
    const cv = canvasRef.current;
    const px = pxRef.current;
    if (!cv || !px) return;
    performance.mark("axilla-render-start");
    const W = cv.width;
    const H = cv.height;
    const ctx = cv.getContext("2d");
    if (!ctx) return;
    const b = bufRef.current;
    if (!b.img || b.img.width !== W || b.img.height !== H) {
      b.img = ctx.createImageData(W, H);
      b.cols = new Int32Array(W);
      b.pcols = new Int32Array(W);
      b.m = new Uint8Array(W * H);
    }
    const v = viewRef.current;
    const integer = !(px.data instanceof Float32Array);
    const offset = px.data instanceof Int16Array ? -32768 : 0;
    const key = `${v.center}|${v.width}|${v.invert}`;
    if (integer && (!lutRef.current || lutRef.current.key !== key)) {
      const lut = lutRef.current?.lut ?? new Uint8Array(65536);
      buildLut(lut, offset, v.center, v.width, v.invert);
      lutRef.current = { lut, offset, key };
    }
    const out = b.img.data;
    const colIdx = b.cols;
    const pColIdx = b.pcols;
    // transform in full-resolution pixels; a preview (k > 1) is sampled at (r/k, c/k)
    const { rows, cols } = dimsRef.current;
    const { data, k } = px;
    const pRows = px.rows;
    const pCols = px.cols;
    for (let x = 0; x < W; x++) {
      const c = Math.floor((x + 0.5 - v.ox) / v.s);
      colIdx[x] = c >= 0 && c < cols ? c : -1;
      pColIdx[x] = Math.min(pCols - 1, Math.floor(c / k));
    }
    const m = b.m;
    const msk = maskRef.current;
    const lut = lutRef.current?.lut;
    const lo = v.center - 0.5 - (Math.max(v.width, 1) - 1) / 2;
    const scale = v.width > 1 ? 255 / (v.width - 1) : 0;
    let p = 0;
    for (let y = 0; y < H; y++) {
      const r = Math.floor((y + 0.5 - v.oy) / v.s);
      const inRow = r >= 0 && r < rows;
      const base = r * cols;
      const pBase = Math.min(pRows - 1, Math.floor(r / k)) * pCols;
      for (let x = 0; x < W; x++, p++) {
        const c = colIdx[x];
        const q = p * 4;
        if (!inRow || c < 0) {
          out[q] = out[q + 1] = out[q + 2] = 16;
          out[q + 3] = 255;
          m[p] = 0;
          continue;
        }
        const idx = base + c;
        const pidx = k === 1 ? idx : pBase + pColIdx[x];
        let g: number;
        if (lut) g = lut[data[pidx] - offset];
        else {
          const t = (data[pidx] - lo) * scale; // float data: the same LINEAR window, computed directly
          g = t < 0 ? 0 : t > 255 ? 255 : t;
          if (v.invert) g = 255 - g;
        }
        if (msk && msk[idx]) {
          m[p] = 1;
          out[q] = 0.6 * g + 102; // tint: 60% image + 40% red
          out[q + 1] = 0.6 * g + 16;
          out[q + 2] = 0.6 * g + 16;
        } else {
          m[p] = 0;
          out[q] = out[q + 1] = out[q + 2] = g;
        }
        out[q + 3] = 255;
      }
    }
    if (msk) {
      // outline: ROI screen pixels with a non-ROI 4-neighbour
      for (let y = 1; y < H - 1; y++) {
        for (let x = 1, p2 = y * W + 1; x < W - 1; x++, p2++) {
          if (m[p2] && (!m[p2 - 1] || !m[p2 + 1] || !m[p2 - W] || !m[p2 + W])) {
            const q = p2 * 4;
            out[q] = 255;
            out[q + 1] = 221;
            out[q + 2] = 0;
          }
        }
      }
    }
    ctx.putImageData(b.img, 0, 0);
    const path = pathRef.current;
    if (path && path.length > 1) {
      ctx.strokeStyle = "#ffdd00";
      ctx.lineWidth = 2;
      ctx.beginPath();
      path.forEach((pt, i) => {
        const sx = v.ox + pt.x * v.s;
        const sy = v.oy + pt.y * v.s;
        if (i === 0) ctx.moveTo(sx, sy);
        else ctx.lineTo(sx, sy);
      });
      ctx.stroke();
    }
    performance.mark("axilla-render-end");
    performance.measure("axilla-render", "axilla-render-start", "axilla-render-end");
  }, []);

  const schedule = useCallback(() => {
    if (!frameRef.current) frameRef.current = requestAnimationFrame(draw);
  }, [draw]);

  const fit = useCallback(() => {
    const cv = canvasRef.current;
    const px = pxRef.current;
    if (!cv || !px) return;
    const v = viewRef.current;
    const { rows, cols } = dimsRef.current;
    v.s = Math.min(cv.width / cols, cv.height / rows);
    v.ox = (cv.width - cols * v.s) / 2;
    v.oy = (cv.height - rows * v.s) / 2;
    schedule();
  }, [schedule]);

  const showWl = useCallback(() => {
    const v = viewRef.current;
    setWlText(`W ${Math.round(v.width)} / L ${Math.round(v.center)}${v.invert ? " · inverted" : ""}`);
  }, []);

  const preset = useCallback(
    (p: "header" | "full" | "dense") => {
      const px = pxRef.current;
      if (!px) return;
      const v = viewRef.current;
      if (p === "header") {
        v.center = px.window.center;
        v.width = px.window.width;
      } else if (p === "full") {
        v.center = (px.min + px.max) / 2;
        v.width = Math.max(1, px.max - px.min);
      } else {
        // dense tissue: the upper half of the intensity range
        v.center = px.min + 0.75 * (px.max - px.min);
        v.width = Math.max(1, 0.5 * (px.max - px.min));
      }
      showWl();
      schedule();
    },
    [schedule, showWl],
  );

  useImperativeHandle(
    handleRef,
    () => ({
      fit,
      preset,
      toggleInvert() {
        viewRef.current.invert = !viewRef.current.invert;
        showWl();
        schedule();
      },
      redraw: schedule,
      pixels: () => pxRef.current,
    }),
    [fit, preset, schedule, showWl],
  );

  // size the canvas to its box (device pixels are not worth 4x the work here: CSS pixels)
  useEffect(() => {
    const box = boxRef.current;
    const cv = canvasRef.current;
    if (!box || !cv) return;
    const resize = () => {
      const w = Math.max(200, Math.floor(box.clientWidth));
      if (cv.width !== w || cv.height !== height) {
        cv.width = w;
        cv.height = height;
        fit();
      }
    };
    resize();
    const ro = new ResizeObserver(resize);
    ro.observe(box);
    return () => ro.disconnect();
  }, [fit, height]);

  // load the pixels: the reduced preview first (fast first paint), then full resolution (ROI tools need it)
  useEffect(() => {
    const ac = new AbortController();
    const t0 = performance.now();
    let painted = false;
    performance.mark(`axilla-open-start:${url}`);
    const firstPaint = (px: PixelData) => {
      pxRef.current = px;
      if (!painted) {
        painted = true;
        const v = viewRef.current;
        v.center = px.window.center;
        v.width = px.window.width;
        setStatus("");
        showWl();
        fit();
        draw();
        performance.mark(`axilla-open-painted:${url}`);
        performance.measure("axilla-open", `axilla-open-start:${url}`, `axilla-open-painted:${url}`);
      } else schedule();
    };
    const preview = fetchPixels(`${url}?preview=1`, ac.signal)
      .then((px) => {
        if (px.k > 1 && !pxRef.current) firstPaint(px); // a small image has no preview: the full copy comes back
      })
      .catch(() => {});
    fetchPixels(url, ac.signal)
      .then(async (px) => {
        await preview;
        firstPaint(px);
        setFull(true);
        performance.mark(`axilla-open-full:${url}`);
        performance.measure("axilla-open-full", `axilla-open-start:${url}`, `axilla-open-full:${url}`);
        onLoadedRef.current(px, performance.now() - t0);
      })
      .catch((e: Error) => {
        if (e.name !== "AbortError") setStatus(e.message);
      });
    return () => ac.abort();
  }, [url, draw, fit, showWl, schedule]);

  useEffect(() => {
    schedule();
  }, [maskVersion, mask, schedule]);

  // pointer interaction
  const drag = useRef<{ x: number; y: number; button: number; center: number; width: number; ox: number; oy: number; tool: Tool } | null>(null);
  const toImage = (e: { clientX: number; clientY: number }) => {
    const cv = canvasRef.current!;
    const rect = cv.getBoundingClientRect();
    const v = viewRef.current;
    const sx = ((e.clientX - rect.left) * cv.width) / rect.width;
    const sy = ((e.clientY - rect.top) * cv.height) / rect.height;
    return { x: (sx - v.ox) / v.s, y: (sy - v.oy) / v.s, sx, sy };
  };

  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (!active) onActivate();
    // a click puts the keyboard focus on this image too (without scrolling: the click must land where aimed)
    figRef.current?.focus({ preventScroll: true });
    const px = pxRef.current;
    if (!px) return;
    (e.target as HTMLCanvasElement).setPointerCapture(e.pointerId);
    const v = viewRef.current;
    const roiTool = tool === "seed" || tool === "freehand" || tool === "brush" || tool === "eraser";
    const effective: Tool = e.button === 1 || e.button === 2 || e.shiftKey ? "pan" : roiTool && px.k !== 1 ? "wl" : tool;
    drag.current = { x: e.clientX, y: e.clientY, button: e.button, center: v.center, width: v.width, ox: v.ox, oy: v.oy, tool: effective };
    const p = toImage(e);
    const row = Math.floor(p.y);
    const col = Math.floor(p.x);
    const inside = row >= 0 && col >= 0 && row < dimsRef.current.rows && col < dimsRef.current.cols;
    if (effective === "seed" && inside) onSeed(row, col);
    else if (effective === "freehand") {
      pathRef.current = [{ x: p.x, y: p.y }];
    } else if ((effective === "brush" || effective === "eraser") && inside) onBrush(row, col, effective === "eraser", "start");
  };

  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    const px = pxRef.current;
    if (!d || !px) return;
    const v = viewRef.current;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (d.tool === "wl") {
      // drag right = wider window, drag down = higher level (OHIF/Cornerstone convention); 1 px = range/1024
      const step = Math.max(1, px.max - px.min) / 1024;
      v.width = Math.max(1, d.width + dx * step * 2);
      v.center = d.center + dy * step;
      showWl();
      schedule();
    } else if (d.tool === "pan") {
      v.ox = d.ox + dx;
      v.oy = d.oy + dy;
      schedule();
    } else if (d.tool === "freehand" && pathRef.current) {
      const p = toImage(e);
      pathRef.current.push({ x: p.x, y: p.y });
      schedule();
    } else if (d.tool === "brush" || d.tool === "eraser") {
      const p = toImage(e);
      onBrush(Math.floor(p.y), Math.floor(p.x), d.tool === "eraser", "move");
    }
  };

  const onPointerUp = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d) return;
    if (d.tool === "freehand" && pathRef.current) {
      const pts = pathRef.current;
      pathRef.current = null;
      if (pts.length >= 3) onFreehand(pts);
      schedule();
    } else if (d.tool === "brush" || d.tool === "eraser") {
      const p = toImage(e);
      onBrush(Math.floor(p.y), Math.floor(p.x), d.tool === "eraser", "end");
    }
  };

  const onWheel = useCallback(
    (e: WheelEvent) => {
      e.preventDefault();
      const cv = canvasRef.current;
      if (!cv || !pxRef.current) return;
      const rect = cv.getBoundingClientRect();
      const sx = ((e.clientX - rect.left) * cv.width) / rect.width;
      const sy = ((e.clientY - rect.top) * cv.height) / rect.height;
      const v = viewRef.current;
      const f = Math.exp(-e.deltaY * 0.0015);
      const s2 = Math.min(32, Math.max(0.02, v.s * f));
      // keep the image point under the cursor fixed
      v.ox = sx - ((sx - v.ox) * s2) / v.s;
      v.oy = sy - ((sy - v.oy) * s2) / v.s;
      v.s = s2;
      schedule();
    },
    [schedule],
  );

  useEffect(() => {
    const cv = canvasRef.current;
    if (!cv) return;
    cv.addEventListener("wheel", onWheel, { passive: false });
    return () => cv.removeEventListener("wheel", onWheel);
  }, [onWheel]);

  const cursor = tool === "pan" ? "grab" : tool === "wl" ? "ns-resize" : "crosshair";
  void brushRadius;
  return (
    // Focusable (Tab): focusing it, Enter or Space make it the active image; named by its visible caption.
    <figure
      ref={figRef}
      className={`viewport${active ? " active" : ""}`}
      data-testid={`viewport-${label}`}
      tabIndex={0}
      role="button"
      aria-pressed={active}
      aria-labelledby={labelId}
      onFocus={(e) => {
        if (e.target === e.currentTarget && !active) onActivate();
      }}
      onKeyDown={(e) => {
        if (e.target === e.currentTarget && (e.key === "Enter" || e.key === " ") && !e.ctrlKey && !e.metaKey && !e.altKey) {
          e.preventDefault();
          if (!active) onActivate();
        }
      }}
      onMouseDown={(e) => e.preventDefault() /* focus is moved by onPointerDown, without the browser's scroll */}
    >
      <figcaption>
        <span className="vp-label" id={labelId}>
          {label}
        </span> <span className="vp-wl" data-testid="wl-readout">{wlText}</span>
      </figcaption>
      <div ref={boxRef} className="vp-box">
        <canvas
          ref={canvasRef}
          role="img"
          aria-label={`Mammogram ${label}`}
          style={{ cursor, touchAction: "none" }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onContextMenu={(e) => e.preventDefault()}
          data-loaded={full ? "true" : "false"}
          data-painted={status === "" ? "true" : "false"}
        />
        {status && <p className="vp-status">{status}</p>}
      </div>
    </figure>
  );
}
