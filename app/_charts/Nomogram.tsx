"use client";
// The points nomogram (what rms::nomogram draws) as an interactive D3 SVG. Plain data props only
// (server/services/nomogram-data.ts NomogramData + the current values/points/probability): it computes
// nothing statistical itself. Static axes are drawn once per data/size; markers, ghosts, totals and the
// probability with its 95% CI are redrawn on every change (one small D3 join — well within a frame).
// Interaction: drag a marker (pointer) or focus it and use the arrow keys (Home/End, PageUp/PageDown); each
// step calls onChange(variable, value). Hovering an axis shows its points table.
// Performance marks: every interactive step marks "nomogram:input" and, once the SVG is updated, measures
// "nomogram:update" (read by the browser test).
import * as d3 from "d3";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import {
  pointsOfProbability,
  roundForAxis,
  stepValue,
  valueAtPoints,
  type NomogramAxisData,
  type NomogramData,
} from "@/server/services/nomogram-data";
import "./charts.css";

export interface NomogramState {
  values: Record<string, number | string>;
  points: Record<string, number>;
  totalPoints: number;
  probability: number;
  ci95?: [number, number];
}

export interface NomogramProps {
  data: NomogramData;
  /** the displayed (possibly what-if) patient; null = axes only */
  current: NomogramState | null;
  /** the recorded patient, drawn as hollow ghosts where it differs from `current` */
  ghost?: NomogramState | null;
  interactive?: boolean;
  onChange?: (variable: string, value: number | string) => void;
  /** formats a value of an axis for labels (defaults to the value itself) */
  formatValue?: (variable: string, value: number | string) => string;
  /** viewBox width; the SVG scales to its container */
  width?: number;
  /** scales all type (presentation mode) */
  fontScale?: number;
  title?: string;
  id?: string;
}

const LABEL_W = 200;
const RIGHT = 36;
const TOP = 34;
const ROW = 56;

function defaultFormat(_v: string, x: number | string): string {
  return typeof x === "number" ? String(Number(x.toFixed(3))) : x;
}

export function Nomogram({ data, current, ghost, interactive = false, onChange, formatValue = defaultFormat, width = 980, fontScale = 1, title, id }: NomogramProps) {
  const svgRef = useRef<SVGSVGElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<{ axis: NomogramAxisData; x: number; y: number } | null>(null);
  const nRows = data.axes.length + 3; // Points, axes..., Total points, Probability
  const height = TOP + nRows * ROW * fontScale + 10;
  const rowH = ROW * fontScale;
  const x0 = LABEL_W * fontScale;
  const x1 = width - RIGHT;
  const totalMax = data.totalPointsTicks[data.totalPointsTicks.length - 1];
  const xs = useMemo(() => d3.scaleLinear().domain([0, data.maxPoints]).range([x0, x1]), [data.maxPoints, x0, x1]);
  const xt = useMemo(() => d3.scaleLinear().domain([0, totalMax]).range([x0, x1]).clamp(true), [totalMax, x0, x1]);
  const rowY = useCallback((i: number) => TOP + i * rowH + rowH * 0.45, [rowH]);
  const fs = (px: number) => `${px * fontScale}px`;

  // ---------------------------------------------------------------- static layer: axes, ticks, labels
  useLayoutEffect(() => {
    const svg = d3.select(svgRef.current);
    svg.select("g.static").remove();
    const g = svg.insert("g", ":first-child").attr("class", "static");
    const label = (i: number, text: string | string[]) => {
      const t = g.append("text").attr("class", "axis-label").attr("x", 8).attr("y", rowY(i) + 4).style("font-size", fs(13));
      const lines = Array.isArray(text) ? text : [text];
      lines.forEach((l, k) => t.append("tspan").attr("x", 8).attr("dy", k === 0 ? (lines.length > 1 ? -6 * fontScale : 0) : 14 * fontScale).text(l));
    };
    const line = (y: number, a: number, b: number) => g.append("line").attr("class", "axis-line").attr("x1", a).attr("x2", b).attr("y1", y).attr("y2", y);
    /** ticks with labels. Numeric axes: every tick drawn, labels thinned to every k-th value so they fit on one
     *  line; categorical axes: labels that would overlap go to a second line below. */
    const ticks = (y: number, items: { x: number; text: string }[], above = false, numeric = false) => {
      const sorted = items.slice().sort((p, q) => p.x - q.x);
      const widthOf = (t: string) => t.length * 6.4 * fontScale + 6;
      let every = 1;
      if (numeric && sorted.length > 1) {
        const fits = (k: number) => {
          for (let i = k; i < sorted.length; i += k) if (sorted[i].x - sorted[i - k].x < (widthOf(sorted[i].text) + widthOf(sorted[i - k].text)) / 2) return false;
          return true;
        };
        while (every < sorted.length && !fits(every)) every++;
      }
      const lastEnd = [-Infinity, -Infinity];
      sorted.forEach((it, i) => {
        g.append("line").attr("class", "axis-line").attr("x1", it.x).attr("x2", it.x).attr("y1", y).attr("y2", above ? y - 5 : y + 5);
        if (i % every !== 0) return;
        const w = widthOf(it.text);
        let lane = 0;
        if (!numeric) while (lane < 1 && it.x - w / 2 < lastEnd[lane]) lane++;
        lastEnd[lane] = it.x + w / 2;
        g.append("text")
          .attr("class", "tick-label")
          .attr("x", it.x)
          .attr("y", above ? y - 8 : y + 19 * fontScale + lane * 12 * fontScale)
          .attr("text-anchor", "middle")
          .style("font-size", fs(11))
          .text(it.text);
      });
    };
    // Points scale
    label(0, "Points");
    line(rowY(0), xs(0), xs(data.maxPoints));
    ticks(rowY(0), d3.range(0, data.maxPoints + 1e-9, 10).map((p) => ({ x: xs(p), text: String(p) })), true);
    for (let p = 0; p <= data.maxPoints + 1e-9; p += 10)
      g.append("line").attr("class", "grid").attr("x1", xs(p)).attr("x2", xs(p)).attr("y1", rowY(0)).attr("y2", rowY(data.axes.length)).attr("stroke-dasharray", "1 4");
    // predictor axes
    data.axes.forEach((a, i) => {
      const y = rowY(i + 1);
      label(i + 1, a.label);
      const px = a.points.map((p) => xs(p));
      line(y, d3.min(px)!, d3.max(px)!);
      ticks(y, a.values.map((v, k) => ({ x: px[k], text: formatValue(a.variable, v) })), false, !a.categorical);
      // hover area (points table)
      g.append("rect")
        .attr("class", "row-hit")
        .attr("data-axis", a.variable)
        .attr("x", 0)
        .attr("y", y - rowH * 0.45)
        .attr("width", x0 - 4)
        .attr("height", rowH * 0.9)
        .on("mouseenter", (ev: MouseEvent) => {
          const r = wrapRef.current?.getBoundingClientRect();
          if (r) setTip({ axis: a, x: ev.clientX - r.left + 12, y: ev.clientY - r.top + 12 });
        })
        .on("mouseleave", () => setTip(null));
      // the axis line itself is hoverable too
      g.append("rect")
        .attr("class", "row-hit")
        .attr("data-axis-line", a.variable)
        .attr("x", d3.min(px)! - 6)
        .attr("y", y - 4)
        .attr("width", d3.max(px)! - d3.min(px)! + 12)
        .attr("height", 24 * fontScale)
        .on("mouseenter", (ev: MouseEvent) => {
          const r = wrapRef.current?.getBoundingClientRect();
          if (r) setTip({ axis: a, x: ev.clientX - r.left + 12, y: ev.clientY - r.top + 12 });
        })
        .on("mouseleave", () => setTip(null));
    });
    // total points
    const iT = data.axes.length + 1;
    label(iT, "Total points");
    line(rowY(iT), xt(0), xt(totalMax));
    ticks(rowY(iT), data.totalPointsTicks.map((t) => ({ x: xt(t), text: String(t) })), false, true);
    // probability
    const iP = iT + 1;
    label(iP, ["Probability of", "ALN metastasis"]);
    const pp = data.probabilityTicks.map((t) => xt(t.points));
    line(rowY(iP), d3.min(pp)!, d3.max(pp)!);
    ticks(rowY(iP), data.probabilityTicks.map((t) => ({ x: xt(t.points), text: String(Number(t.value.toFixed(4))) })), false, true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, width, fontScale]);

  // ---------------------------------------------------------------- dynamic layer: markers
  const dragging = useRef<{ axis: NomogramAxisData; pointerId: number } | null>(null);
  const emit = useCallback(
    (variable: string, value: number | string) => {
      if (!onChange) return;
      performance.mark("nomogram:input");
      flushSync(() => onChange(variable, value)); // render synchronously so the measure spans input -> updated SVG
    },
    [onChange],
  );
  const toSvgX = (clientX: number, clientY: number): number => {
    const svg = svgRef.current!;
    const m = svg.getScreenCTM();
    if (!m) return clientX;
    const pt = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
    return pt.x;
  };

  const currentRef = useRef(current);
  currentRef.current = current;

  useLayoutEffect(() => {
    const svg = d3.select(svgRef.current);
    let g = svg.select<SVGGElement>("g.dynamic");
    if (g.empty()) g = svg.append("g").attr("class", "dynamic");
    // the layer is rebuilt: remember which marker had the keyboard focus and give it back afterwards
    const active = typeof document !== "undefined" ? (document.activeElement as Element | null) : null;
    const focused = active && svgRef.current?.contains(active) ? active.getAttribute("data-marker") : null;
    g.selectAll("*").remove();
    if (!current) return;
    const fmt = formatValue;
    const marker = (
      x: number,
      y: number,
      text: string,
      opts: { axis?: NomogramAxisData; name: string; valueText: string; num?: { now: number; min: number; max: number } },
    ) => {
      const m = g.append("g").attr("class", "marker-group").attr("data-marker", opts.name);
      m.append("circle").attr("class", "marker-ring").attr("cx", x).attr("cy", y).attr("r", 9 * fontScale);
      m.append("circle").attr("class", "marker").attr("cx", x).attr("cy", y).attr("r", 6 * fontScale);
      const tx = Math.min(x1 - 4, Math.max(x0 + 4, x));
      m.append("text")
        .attr("class", "marker-label")
        .attr("x", tx)
        .attr("y", y - 10 * fontScale)
        .attr("text-anchor", x > x1 - 60 ? "end" : x < x0 + 60 ? "start" : "middle")
        .style("font-size", fs(11.5))
        .text(text);
      if (opts.axis && interactive) {
        const axis = opts.axis;
        m.attr("role", "slider")
          .attr("tabindex", 0)
          .attr("aria-label", axis.label)
          .attr("aria-valuetext", opts.valueText)
          .attr("aria-orientation", "horizontal");
        if (opts.num) m.attr("aria-valuenow", opts.num.now).attr("aria-valuemin", opts.num.min).attr("aria-valuemax", opts.num.max);
        m.append("circle")
          .attr("class", "marker-hit")
          .attr("cx", x)
          .attr("cy", y)
          .attr("r", 16 * fontScale)
          .on("pointerdown", (ev: PointerEvent) => {
            ev.preventDefault();
            (ev.currentTarget as Element).parentElement?.focus();
            svgRef.current?.setPointerCapture(ev.pointerId);
            dragging.current = { axis, pointerId: ev.pointerId };
          });
        m.on("keydown", (ev: KeyboardEvent) => {
          const cur = currentRef.current?.values[axis.variable];
          if (cur === undefined) return;
          let next: number | string | null = null;
          if (ev.key === "ArrowRight" || ev.key === "ArrowUp") next = stepValue(axis, cur, 1);
          else if (ev.key === "ArrowLeft" || ev.key === "ArrowDown") next = stepValue(axis, cur, -1);
          else if (ev.key === "PageUp") next = stepValue(axis, cur, 1, true);
          else if (ev.key === "PageDown") next = stepValue(axis, cur, -1, true);
          else if (ev.key === "Home") next = axis.values[0];
          else if (ev.key === "End") next = axis.values[axis.values.length - 1];
          if (next === null) return;
          ev.preventDefault();
          if (next !== cur) emit(axis.variable, next);
        });
      }
      return m;
    };
    /** the recorded patient's value: a hollow circle (its value in a tooltip); `label` adds a text below the axis */
    const ghostDot = (x: number, y: number, text: string, label = false) => {
      g.insert("circle", ":first-child").attr("class", "ghost").attr("cx", x).attr("cy", y).attr("r", 5.5 * fontScale).append("title").text(text);
      if (label)
        g.append("text")
          .attr("class", "ghost-label")
          .attr("x", x)
          .attr("y", y + 32 * fontScale)
          .attr("text-anchor", "middle")
          .style("font-size", fs(10.5))
          .text(text);
    };
    data.axes.forEach((a, i) => {
      const y = rowY(i + 1);
      const v = current.values[a.variable];
      const p = current.points[a.variable];
      if (v === undefined || p === undefined) return;
      const gv = ghost?.values[a.variable];
      if (ghost && gv !== undefined && gv !== v) ghostDot(xs(Math.max(0, Math.min(data.maxPoints, ghost.points[a.variable]))), y, `patient: ${fmt(a.variable, gv)}`);
      const vs = a.values.filter((x): x is number => typeof x === "number");
      marker(xs(Math.max(0, Math.min(data.maxPoints, p))), y, `${fmt(a.variable, v)} · ${p.toFixed(1)} pts`, {
        axis: a,
        name: a.variable,
        valueText: `${fmt(a.variable, v)}, ${p.toFixed(1)} points`,
        num: typeof v === "number" ? { now: v, min: Math.min(...vs), max: Math.max(...vs) } : undefined,
      });
    });
    const iT = data.axes.length + 1;
    if (ghost && Math.abs(ghost.totalPoints - current.totalPoints) > 1e-9) ghostDot(xt(ghost.totalPoints), rowY(iT), `patient: ${ghost.totalPoints.toFixed(1)}`, true);
    marker(xt(current.totalPoints), rowY(iT), `${current.totalPoints.toFixed(1)} total points`, { name: "total", valueText: "" });
    const iP = iT + 1;
    const yP = rowY(iP);
    if (current.ci95) {
      g.insert("line", ":first-child")
        .attr("class", "ci-band")
        .attr("data-ci", "")
        .attr("x1", xt(pointsOfProbability(data, current.ci95[0])))
        .attr("x2", xt(pointsOfProbability(data, current.ci95[1])))
        .attr("y1", yP)
        .attr("y2", yP);
    }
    if (ghost && Math.abs(ghost.probability - current.probability) > 1e-12) ghostDot(xt(pointsOfProbability(data, ghost.probability)), yP, `patient: ${(100 * ghost.probability).toFixed(1)}%`, true);
    const ciText = current.ci95 ? ` (95% CI ${(100 * current.ci95[0]).toFixed(1)}–${(100 * current.ci95[1]).toFixed(1)}%)` : "";
    marker(xt(pointsOfProbability(data, current.probability)), yP, `${(100 * current.probability).toFixed(1)}%${ciText}`, { name: "probability", valueText: "" });
    if (focused) (g.select(`[data-marker="${focused}"]`).node() as SVGGElement | null)?.focus();
    if (performance.getEntriesByName("nomogram:input", "mark").length) {
      performance.measure("nomogram:update", "nomogram:input");
      performance.clearMarks("nomogram:input");
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current, ghost, data, width, fontScale, interactive]);

  // pointer drag on the whole SVG (captured)
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg || !interactive) return;
    const move = (ev: PointerEvent) => {
      const d = dragging.current;
      if (!d || d.pointerId !== ev.pointerId) return;
      const x = toSvgX(ev.clientX, ev.clientY);
      const pts = ((x - x0) / (x1 - x0)) * data.maxPoints; // inverse of the points scale
      let v = valueAtPoints(d.axis, pts);
      if (typeof v === "number") v = roundForAxis(d.axis, v);
      if (v !== currentRef.current?.values[d.axis.variable]) emit(d.axis.variable, v);
    };
    const up = (ev: PointerEvent) => {
      if (dragging.current?.pointerId === ev.pointerId) {
        dragging.current = null;
        if (svg.hasPointerCapture(ev.pointerId)) svg.releasePointerCapture(ev.pointerId);
      }
    };
    svg.addEventListener("pointermove", move);
    svg.addEventListener("pointerup", up);
    svg.addEventListener("pointercancel", up);
    return () => {
      svg.removeEventListener("pointermove", move);
      svg.removeEventListener("pointerup", up);
      svg.removeEventListener("pointercancel", up);
    };
  }, [interactive, data, x0, x1, emit]);

  return (
    <div className="chart nomogram" ref={wrapRef} id={id}>
      <svg ref={svgRef} viewBox={`0 0 ${width} ${height}`} role="group" aria-label={title ?? "Nomogram"} style={{ touchAction: "none" }}>
        <title>{title ?? "Nomogram"}</title>
      </svg>
      {tip && (
        <div className="chart-tooltip" role="tooltip" style={{ left: tip.x, top: tip.y }} data-testid="points-table">
          <table>
            <caption>{tip.axis.label}: points</caption>
            <thead>
              <tr>
                <th scope="col">Value</th>
                <th scope="col">Points</th>
              </tr>
            </thead>
            <tbody>
              {tip.axis.values.map((v, k) => (
                <tr key={String(v)}>
                  <td>{formatValue(tip.axis.variable, v)}</td>
                  <td>{tip.axis.points[k].toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
