"use client";
// LASSO cross-validation curve (cv.glmnet's plot): the CV measure vs log(lambda) with ±1 SE error bars,
// lambda.min and lambda.1se marked, the number of non-zero coefficients along the top. Hover: values at the
// nearest lambda. Plain data props (the artefact's lasso.cv table).
import * as d3 from "d3";
import { useLayoutEffect, useRef, useState } from "react";
import "./charts.css";

export interface LassoCvData {
  lambda: number[];
  cvm: number[];
  cvsd: number[];
  nzero: number[];
  lambdaMin: number;
  lambda1se: number;
  measure: string;
  /** the lambda the model used */
  chosen?: number;
}

const M = { top: 34, right: 16, bottom: 46, left: 62 };
const MEASURE_LABEL: Record<string, string> = { deviance: "Binomial deviance", auc: "AUC", mae: "Mean absolute error", class: "Misclassification error" };

export function LassoCvChart({ data, width = 560, height = 340, id }: { data: LassoCvData; width?: number; height?: number; id?: string }) {
  const ref = useRef<SVGSVGElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<{ left: number; top: number; i: number } | null>(null);

  useLayoutEffect(() => {
    const svg = d3.select(ref.current);
    svg.selectAll("*").remove();
    const ll = data.lambda.map((l) => Math.log(l));
    const lo = data.cvm.map((m, i) => m - data.cvsd[i]);
    const hi = data.cvm.map((m, i) => m + data.cvsd[i]);
    const x = d3.scaleLinear().domain(d3.extent(ll) as [number, number]).nice().range([M.left, width - M.right]);
    const y = d3.scaleLinear().domain([d3.min(lo)!, d3.max(hi)!]).nice().range([height - M.bottom, M.top]);
    const g = svg.append("g");
    g.append("g").attr("transform", `translate(0,${height - M.bottom})`).call(d3.axisBottom(x).ticks(6)).style("font-size", "11px");
    g.append("g").attr("transform", `translate(${M.left},0)`).call(d3.axisLeft(y).ticks(6)).style("font-size", "11px");
    // top axis: number of non-zero coefficients at a few lambdas
    const step = Math.max(1, Math.floor(ll.length / 8));
    g.selectAll("text.nz")
      .data(ll.map((v, i) => ({ v, i })).filter((d) => d.i % step === 0))
      .join("text")
      .attr("class", "tick-label muted")
      .attr("x", (d) => x(d.v))
      .attr("y", M.top - 10)
      .attr("text-anchor", "middle")
      .text((d) => String(data.nzero[d.i]));
    g.append("text").attr("class", "tick-label muted").attr("x", M.left - 6).attr("y", M.top - 10).attr("text-anchor", "end").text("non-zero:");
    g.append("text").attr("class", "axis-label").attr("x", (M.left + width - M.right) / 2).attr("y", height - 8).attr("text-anchor", "middle").text("log(λ)");
    g.append("text")
      .attr("class", "axis-label")
      .attr("transform", `translate(14,${(M.top + height - M.bottom) / 2}) rotate(-90)`)
      .attr("text-anchor", "middle")
      .text(MEASURE_LABEL[data.measure] ?? data.measure);
    for (const [lam, label, dash] of [
      [data.lambdaMin, "λ.min", "5 3"],
      [data.lambda1se, "λ.1se", "2 3"],
    ] as const) {
      g.append("line").attr("x1", x(Math.log(lam))).attr("x2", x(Math.log(lam))).attr("y1", M.top).attr("y2", height - M.bottom).attr("stroke", "#57606a").attr("stroke-dasharray", dash).attr("data-marker", label);
      g.append("text").attr("class", "marker-label").attr("x", x(Math.log(lam)) + 3).attr("y", M.top + (label === "λ.min" ? 12 : 26)).text(label);
    }
    const bars = g.append("g").attr("stroke", "#8c959f");
    ll.forEach((v, i) => {
      bars.append("line").attr("x1", x(v)).attr("x2", x(v)).attr("y1", y(lo[i])).attr("y2", y(hi[i]));
      bars.append("line").attr("x1", x(v) - 2).attr("x2", x(v) + 2).attr("y1", y(lo[i])).attr("y2", y(lo[i]));
      bars.append("line").attr("x1", x(v) - 2).attr("x2", x(v) + 2).attr("y1", y(hi[i])).attr("y2", y(hi[i]));
    });
    g.append("g")
      .selectAll("circle")
      .data(ll)
      .join("circle")
      .attr("cx", (v) => x(v))
      .attr("cy", (_, i) => y(data.cvm[i]))
      .attr("r", 2.6)
      .attr("fill", "#b3261e");
    g.append("rect")
      .attr("x", M.left)
      .attr("y", M.top)
      .attr("width", width - M.left - M.right)
      .attr("height", height - M.top - M.bottom)
      .attr("fill", "transparent")
      .on("mousemove", (ev: MouseEvent) => {
        const xv = x.invert(d3.pointer(ev)[0]);
        let best = 0;
        ll.forEach((v, i) => {
          if (Math.abs(v - xv) < Math.abs(ll[best] - xv)) best = i;
        });
        const r = wrap.current!.getBoundingClientRect();
        setTip({ left: ev.clientX - r.left + 12, top: ev.clientY - r.top + 8, i: best });
      })
      .on("mouseleave", () => setTip(null));
  }, [data, width, height]);

  const f = d3.format(".4g");
  return (
    <figure className="chart" ref={wrap} id={id} style={{ margin: 0 }}>
      <figcaption className="chart-title">LASSO cross-validation</figcaption>
      <svg ref={ref} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="LASSO cross-validation curve" />
      <p className="chart-note">
        Mean ± 1 SE over folds; λ.min = {f(data.lambdaMin)}, λ.1se = {f(data.lambda1se)}
        {data.chosen !== undefined ? `; the model uses λ = ${f(data.chosen)}` : ""}.
      </p>
      {tip && (
        <div className="chart-tooltip" role="tooltip" style={{ left: tip.left, top: tip.top }}>
          <div>
            <strong>λ = {f(data.lambda[tip.i])}</strong> (log {f(Math.log(data.lambda[tip.i]))})
          </div>
          <div>
            {data.measure}: {f(data.cvm[tip.i])} ± {f(data.cvsd[tip.i])}
          </div>
          <div>non-zero coefficients: {data.nzero[tip.i]}</div>
        </div>
      )}
    </figure>
  );
}
