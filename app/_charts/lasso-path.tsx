"use client";
// LASSO coefficient paths (glmnet's plot(fit, xvar = "lambda")): one line per feature that is ever non-zero,
// coefficient vs log(lambda), the chosen lambda marked. Hover a line: feature name and coefficient there.
import * as d3 from "d3";
import { useLayoutEffect, useRef, useState } from "react";
import "./charts.css";

export interface LassoPathData {
  lambda: number[];
  beta: Record<string, number[]>;
  chosen: number;
  /** features in the final model (drawn bold) */
  selected: string[];
}

const M = { top: 14, right: 16, bottom: 46, left: 62 };

export function LassoPathChart({ data, width = 560, height = 340, id }: { data: LassoPathData; width?: number; height?: number; id?: string }) {
  const ref = useRef<SVGSVGElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<{ left: number; top: number; name: string; lambda: number; value: number } | null>(null);

  useLayoutEffect(() => {
    const svg = d3.select(ref.current);
    svg.selectAll("*").remove();
    const ll = data.lambda.map((l) => Math.log(l));
    const names = Object.keys(data.beta);
    const all = names.flatMap((n) => data.beta[n]);
    const x = d3.scaleLinear().domain(d3.extent(ll) as [number, number]).nice().range([M.left, width - M.right]);
    const y = d3.scaleLinear().domain([Math.min(0, d3.min(all) ?? 0), Math.max(0, d3.max(all) ?? 0)]).nice().range([height - M.bottom, M.top]);
    const color = d3.scaleOrdinal(d3.schemeTableau10).domain(names);
    const g = svg.append("g");
    g.append("g").attr("transform", `translate(0,${height - M.bottom})`).call(d3.axisBottom(x).ticks(6)).style("font-size", "11px");
    g.append("g").attr("transform", `translate(${M.left},0)`).call(d3.axisLeft(y).ticks(6)).style("font-size", "11px");
    g.append("line").attr("x1", M.left).attr("x2", width - M.right).attr("y1", y(0)).attr("y2", y(0)).attr("stroke", "#8c959f");
    g.append("text").attr("class", "axis-label").attr("x", (M.left + width - M.right) / 2).attr("y", height - 8).attr("text-anchor", "middle").text("log(λ)");
    g.append("text").attr("class", "axis-label").attr("transform", `translate(14,${(M.top + height - M.bottom) / 2}) rotate(-90)`).attr("text-anchor", "middle").text("Coefficient (scaled features)");
    const cx = x(Math.log(data.chosen));
    g.append("line").attr("x1", cx).attr("x2", cx).attr("y1", M.top).attr("y2", height - M.bottom).attr("stroke", "#b3261e").attr("stroke-dasharray", "5 3");
    g.append("text").attr("class", "marker-label").attr("x", cx + 3).attr("y", M.top + 12).text("chosen λ");
    const line = d3
      .line<number>()
      .x((_, i) => x(ll[i]))
      .y((v) => y(v));
    const sel = new Set(data.selected);
    for (const n of names) {
      g.append("path")
        .attr("d", line(data.beta[n]))
        .attr("fill", "none")
        .attr("stroke", color(n))
        .attr("stroke-width", sel.has(n) ? 2.2 : 1)
        .attr("opacity", sel.has(n) ? 1 : 0.55)
        .attr("data-feature", n);
      // wide invisible twin for hovering
      g.append("path")
        .attr("d", line(data.beta[n]))
        .attr("fill", "none")
        .attr("stroke", "transparent")
        .attr("stroke-width", 8)
        .style("cursor", "crosshair")
        .on("mousemove", (ev: MouseEvent) => {
          const xv = x.invert(d3.pointer(ev, ref.current)[0]);
          let best = 0;
          ll.forEach((v, i) => {
            if (Math.abs(v - xv) < Math.abs(ll[best] - xv)) best = i;
          });
          const r = wrap.current!.getBoundingClientRect();
          setTip({ left: ev.clientX - r.left + 12, top: ev.clientY - r.top + 8, name: n, lambda: data.lambda[best], value: data.beta[n][best] });
        })
        .on("mouseleave", () => setTip(null));
    }
  }, [data, width, height]);

  const f = d3.format(".4g");
  return (
    <figure className="chart" ref={wrap} id={id} style={{ margin: 0 }}>
      <figcaption className="chart-title">LASSO coefficient paths</figcaption>
      <svg ref={ref} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="LASSO coefficient paths" />
      <p className="chart-note">
        {Object.keys(data.beta).length} features ever non-zero along the path; bold lines are the {data.selected.length} features in the model. Hover a line for its value.
      </p>
      {tip && (
        <div className="chart-tooltip" role="tooltip" style={{ left: tip.left, top: tip.top }}>
          <div>
            <strong>{tip.name}</strong>
          </div>
          <div>
            λ = {f(tip.lambda)}: coefficient {f(tip.value)}
          </div>
        </div>
      )}
    </figure>
  );
}
