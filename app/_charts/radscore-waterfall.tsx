"use client";
// Rad-score by patient (the seed study's Fig. 2b/c): one bar per patient, sorted by Rad-score, coloured by ALN
// status; one panel per cohort. Hover: case code, Rad-score and outcome.
import * as d3 from "d3";
import { useLayoutEffect, useMemo, useRef, useState } from "react";
import "./charts.css";

export interface RadscorePatient {
  caseCode: string;
  aln: 0 | 1;
  radscore: number;
}

const M = { top: 12, right: 12, bottom: 34, left: 52 };
const POS = "#b3261e";
const NEG = "#0b5cad";

export function RadscoreWaterfall({ patients, title, width = 560, height = 260, id }: { patients: RadscorePatient[]; title: string; width?: number; height?: number; id?: string }) {
  const ref = useRef<SVGSVGElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<{ left: number; top: number; p: RadscorePatient } | null>(null);
  const sorted = useMemo(() => [...patients].sort((a, b) => a.radscore - b.radscore), [patients]);

  useLayoutEffect(() => {
    const svg = d3.select(ref.current);
    svg.selectAll("*").remove();
    const x = d3
      .scaleBand()
      .domain(sorted.map((p) => p.caseCode))
      .range([M.left, width - M.right])
      .padding(0.12);
    const ext = d3.extent(sorted, (p) => p.radscore) as [number, number];
    const y = d3.scaleLinear().domain([Math.min(0, ext[0]), Math.max(0, ext[1])]).nice().range([height - M.bottom, M.top]);
    const g = svg.append("g");
    g.append("g").attr("transform", `translate(${M.left},0)`).call(d3.axisLeft(y).ticks(5)).style("font-size", "11px");
    g.append("line").attr("x1", M.left).attr("x2", width - M.right).attr("y1", y(0)).attr("y2", y(0)).attr("stroke", "#57606a");
    g.append("text").attr("class", "axis-label").attr("x", (M.left + width - M.right) / 2).attr("y", height - 10).attr("text-anchor", "middle").text(`Patients sorted by Rad-score (n = ${sorted.length})`);
    g.append("text").attr("class", "axis-label").attr("transform", `translate(14,${(M.top + height - M.bottom) / 2}) rotate(-90)`).attr("text-anchor", "middle").text("Rad-score");
    g.selectAll("rect")
      .data(sorted)
      .join("rect")
      .attr("x", (p) => x(p.caseCode)!)
      .attr("width", x.bandwidth())
      .attr("y", (p) => Math.min(y(0), y(p.radscore)))
      .attr("height", (p) => Math.abs(y(p.radscore) - y(0)))
      .attr("fill", (p) => (p.aln === 1 ? POS : NEG))
      .attr("data-aln", (p) => p.aln)
      .on("mousemove", (ev: MouseEvent, p) => {
        const r = wrap.current!.getBoundingClientRect();
        setTip({ left: ev.clientX - r.left + 12, top: ev.clientY - r.top + 8, p });
      })
      .on("mouseleave", () => setTip(null));
  }, [sorted, width, height]);

  return (
    <figure className="chart" ref={wrap} id={id} style={{ margin: 0 }}>
      <figcaption className="chart-title">{title}</figcaption>
      <svg ref={ref} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} />
      <ul className="chart-legend">
        <li>
          <span className="swatch" style={{ borderColor: POS }} />
          ALN metastasis
        </li>
        <li>
          <span className="swatch" style={{ borderColor: NEG }} />
          No ALN metastasis
        </li>
      </ul>
      {tip && (
        <div className="chart-tooltip" role="tooltip" style={{ left: tip.left, top: tip.top }}>
          <strong>{tip.p.caseCode}</strong>: Rad-score {tip.p.radscore.toFixed(3)}, {tip.p.aln === 1 ? "ALN+" : "ALN−"}
        </div>
      )}
    </figure>
  );
}
