"use client";
// Bootstrap selection frequency of each feature (share of B LASSO refits at the chosen lambda that kept it),
// the most frequent first; features in the final model highlighted; generating features (demo) can be marked.
import * as d3 from "d3";
import { useLayoutEffect, useMemo, useRef, useState } from "react";
import "./charts.css";

export interface SelectionData {
  frequency: Record<string, number>;
  B: number;
  selected: string[];
  top?: number;
}

const M = { top: 8, right: 48, bottom: 36, left: 380 };
const ROW = 17;

export function SelectionChart({ data, width = 900, id }: { data: SelectionData; width?: number; id?: string }) {
  const ref = useRef<SVGSVGElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<{ left: number; top: number; name: string; f: number } | null>(null);
  const rows = useMemo(
    () =>
      Object.entries(data.frequency)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, data.top ?? 30),
    [data],
  );
  const height = M.top + M.bottom + rows.length * ROW;

  useLayoutEffect(() => {
    const svg = d3.select(ref.current);
    svg.selectAll("*").remove();
    const x = d3.scaleLinear().domain([0, 1]).range([M.left, width - M.right]);
    const y = d3
      .scaleBand()
      .domain(rows.map((r) => r[0]))
      .range([M.top, height - M.bottom])
      .padding(0.18);
    const sel = new Set(data.selected);
    const g = svg.append("g");
    g.append("g").attr("transform", `translate(0,${height - M.bottom})`).call(d3.axisBottom(x).ticks(5).tickFormat(d3.format(".0%"))).style("font-size", "11px");
    g.append("text").attr("class", "axis-label").attr("x", (M.left + width - M.right) / 2).attr("y", height - 4).attr("text-anchor", "middle").text(`Selected in % of ${data.B} bootstrap LASSO fits`);
    g.selectAll("text.name")
      .data(rows)
      .join("text")
      .attr("class", "tick-label")
      .attr("x", M.left - 6)
      .attr("y", (d) => y(d[0])! + y.bandwidth() / 2 + 4)
      .attr("text-anchor", "end")
      .style("font-weight", (d) => (sel.has(d[0]) ? 700 : 400))
      .text((d) => (d[0].length > 48 ? `${d[0].slice(0, 47)}…` : d[0]))
      .append("title")
      .text((d) => d[0]);
    g.selectAll("rect.bar")
      .data(rows)
      .join("rect")
      .attr("x", x(0))
      .attr("y", (d) => y(d[0])!)
      .attr("width", (d) => x(d[1]) - x(0))
      .attr("height", y.bandwidth())
      .attr("fill", (d) => (sel.has(d[0]) ? "#0b5cad" : "#9fb8d3"))
      .attr("data-feature", (d) => d[0])
      .on("mousemove", (ev: MouseEvent, d) => {
        const r = wrap.current!.getBoundingClientRect();
        setTip({ left: ev.clientX - r.left + 12, top: ev.clientY - r.top + 8, name: d[0], f: d[1] });
      })
      .on("mouseleave", () => setTip(null));
    g.selectAll("text.val")
      .data(rows)
      .join("text")
      .attr("class", "tick-label muted")
      .attr("x", (d) => x(d[1]) + 4)
      .attr("y", (d) => y(d[0])! + y.bandwidth() / 2 + 4)
      .text((d) => d3.format(".0%")(d[1]));
  }, [rows, data, width, height]);

  return (
    <figure className="chart" ref={wrap} id={id} style={{ margin: 0 }}>
      <figcaption className="chart-title">Bootstrap selection frequency</figcaption>
      <svg ref={ref} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Bootstrap selection frequency per feature" />
      <p className="chart-note">The {rows.length} most often selected features; dark bars are in the final Rad-score.</p>
      {tip && (
        <div className="chart-tooltip" role="tooltip" style={{ left: tip.left, top: tip.top }}>
          <strong>{tip.name}</strong>: {d3.format(".1%")(tip.f)} of {data.B} fits{data.selected.includes(tip.name) ? " (in the model)" : ""}
        </div>
      )}
    </figure>
  );
}
