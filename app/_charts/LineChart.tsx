"use client";
// A small D3 line chart with hover values: the shared drawing of the ROC, calibration and decision-curve
// charts (plain data props; each series is a list of [x, y] points). Hovering shows every series' value at
// the nearest x; an optional reference diagonal and vertical markers (e.g. the current threshold).
import * as d3 from "d3";
import { useLayoutEffect, useRef, useState } from "react";
import "./charts.css";

export interface Series {
  name: string;
  points: [number, number][];
  color: string;
  dash?: string;
  /** draw as a step curve (ROC) */
  step?: boolean;
}

export interface LineChartProps {
  title: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  xDomain: [number, number];
  yDomain: [number, number];
  diagonal?: boolean;
  markers?: { x: number; label: string }[];
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  width?: number;
  height?: number;
  note?: string;
  id?: string;
}

const M = { top: 14, right: 16, bottom: 46, left: 58 };

export function LineChart({ title, series, xLabel, yLabel, xDomain, yDomain, diagonal, markers = [], formatX = d3.format(".2f"), formatY = d3.format(".2f"), width = 420, height = 320, note, id }: LineChartProps) {
  const ref = useRef<SVGSVGElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<{ x: number; left: number; top: number; rows: { name: string; color: string; y: number | null }[] } | null>(null);

  useLayoutEffect(() => {
    const svg = d3.select(ref.current);
    svg.selectAll("g").remove();
    const x = d3.scaleLinear().domain(xDomain).range([M.left, width - M.right]);
    const y = d3.scaleLinear().domain(yDomain).range([height - M.bottom, M.top]);
    const g = svg.append("g");
    g.append("g")
      .attr("transform", `translate(0,${height - M.bottom})`)
      .call(d3.axisBottom(x).ticks(5).tickFormat((v) => formatX(Number(v))))
      .style("font-size", "12px");
    g.append("g")
      .attr("transform", `translate(${M.left},0)`)
      .call(d3.axisLeft(y).ticks(5).tickFormat((v) => formatY(Number(v))))
      .style("font-size", "12px");
    g.append("g")
      .selectAll("line")
      .data(y.ticks(5))
      .join("line")
      .attr("class", "grid")
      .attr("x1", M.left)
      .attr("x2", width - M.right)
      .attr("y1", (d) => y(d))
      .attr("y2", (d) => y(d));
    g.append("text").attr("class", "axis-label").attr("x", (M.left + width - M.right) / 2).attr("y", height - 8).attr("text-anchor", "middle").text(xLabel);
    g.append("text")
      .attr("class", "axis-label")
      .attr("transform", `translate(14,${(M.top + height - M.bottom) / 2}) rotate(-90)`)
      .attr("text-anchor", "middle")
      .text(yLabel);
    const clip = `clip-${Math.random().toString(36).slice(2)}`;
    g.append("clipPath").attr("id", clip).append("rect").attr("x", M.left).attr("y", M.top).attr("width", width - M.left - M.right).attr("height", height - M.top - M.bottom);
    const plot = g.append("g").attr("clip-path", `url(#${clip})`);
    if (diagonal) {
      const lo = Math.max(xDomain[0], yDomain[0]);
      const hi = Math.min(xDomain[1], yDomain[1]);
      plot.append("line").attr("x1", x(lo)).attr("y1", y(lo)).attr("x2", x(hi)).attr("y2", y(hi)).attr("stroke", "#8c959f").attr("stroke-dasharray", "4 4");
    }
    for (const s of series) {
      const line = d3
        .line<[number, number]>()
        .defined((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]))
        .x((p) => x(p[0]))
        .y((p) => y(p[1]))
        .curve(s.step ? d3.curveStepAfter : d3.curveLinear);
      plot.append("path").attr("d", line(s.points)).attr("fill", "none").attr("stroke", s.color).attr("stroke-width", 2.2).attr("stroke-dasharray", s.dash ?? null).attr("data-series", s.name);
    }
    for (const mk of markers) {
      plot.append("line").attr("x1", x(mk.x)).attr("x2", x(mk.x)).attr("y1", M.top).attr("y2", height - M.bottom).attr("stroke", "#b3261e").attr("stroke-width", 1.5).attr("stroke-dasharray", "5 3");
      g.append("text")
        .attr("class", "marker-label")
        .attr("x", x(mk.x) + (x(mk.x) > width - 120 ? -4 : 4))
        .attr("y", M.top + 12)
        .attr("text-anchor", x(mk.x) > width - 120 ? "end" : "start")
        .text(mk.label);
    }
    const rule = g.append("line").attr("stroke", "#1b1f24").attr("stroke-width", 1).attr("y1", M.top).attr("y2", height - M.bottom).style("display", "none");
    g.append("rect")
      .attr("x", M.left)
      .attr("y", M.top)
      .attr("width", width - M.left - M.right)
      .attr("height", height - M.top - M.bottom)
      .attr("fill", "transparent")
      .on("mousemove", (ev: MouseEvent) => {
        const [mx] = d3.pointer(ev);
        const xv = x.invert(mx);
        rule.attr("x1", mx).attr("x2", mx).style("display", null);
        const rows = series.map((s) => {
          let best: [number, number] | null = null;
          for (const p of s.points) if (Number.isFinite(p[1]) && (!best || Math.abs(p[0] - xv) < Math.abs(best[0] - xv))) best = p;
          return { name: s.name, color: s.color, y: best ? best[1] : null };
        });
        const r = wrap.current?.getBoundingClientRect();
        const sr = ref.current?.getBoundingClientRect();
        if (r && sr) setTip({ x: xv, left: ev.clientX - r.left + 14, top: ev.clientY - r.top + 10, rows });
      })
      .on("mouseleave", () => {
        rule.style("display", "none");
        setTip(null);
      });
  }, [series, xDomain, yDomain, diagonal, markers, width, height, xLabel, yLabel, formatX, formatY]);

  return (
    <figure className="chart" ref={wrap} id={id} style={{ margin: 0 }}>
      <figcaption className="chart-title">{title}</figcaption>
      <svg ref={ref} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} />
      <ul className="chart-legend">
        {series.map((s) => (
          <li key={s.name}>
            <span className="swatch" style={{ borderColor: s.color, borderTopStyle: s.dash ? "dashed" : "solid" }} />
            {s.name}
          </li>
        ))}
        {diagonal && (
          <li>
            <span className="swatch" style={{ borderColor: "#8c959f", borderTopStyle: "dashed" }} />
            Reference diagonal
          </li>
        )}
      </ul>
      {note && <p className="chart-note">{note}</p>}
      {tip && (
        <div className="chart-tooltip" role="tooltip" style={{ left: tip.left, top: tip.top }}>
          <div>
            <strong>
              {xLabel}: {formatX(tip.x)}
            </strong>
          </div>
          <table>
            <tbody>
              {tip.rows.map((r) => (
                <tr key={r.name}>
                  <td>
                    <span className="swatch" style={{ display: "inline-block", width: 10, height: 10, background: r.color, marginRight: 4 }} />
                    {r.name}
                  </td>
                  <td>{r.y === null ? "—" : formatY(r.y)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </figure>
  );
}
