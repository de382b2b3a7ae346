"use client";
// Side-by-side comparison of two model versions: selected features and coefficients (with bootstrap selection
// frequencies), nomogram coefficients, metrics with CIs, calibration and decision curves.
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/client";
import { CalibrationChart, DecisionCurveChart } from "@/app/_charts/ModelCharts";
import "../admin.css";

const f = (x: number | null) => (x === null || !Number.isFinite(x) ? "—" : x.toFixed(3));
const ci = (c: [number, number] | null) => (c ? ` (${c[0].toFixed(3)}–${c[1].toFixed(3)})` : "");

export function Compare({ a, b }: { a: string; b: string }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.models.compare.queryOptions({ a, b }), retry: false });
  if (q.isPending) return <p>Loading…</p>;
  if (q.isError) return <p className="integrity-bad" role="alert" id="compare-error">{q.error.message}</p>;
  const c = q.data;
  const A = c.a.label;
  const B = c.b.label;
  return (
    <div>
      {(c.a.demo || c.b.demo) && <p className="demo-banner">Demo model — not for clinical use ({[c.a, c.b].filter((x) => x.demo).map((x) => x.label).join(", ")})</p>}
      <section className="report-section" aria-labelledby="c-metrics">
        <h2 id="c-metrics">Metrics</h2>
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">{A}</th>
              <th scope="col">{B}</th>
            </tr>
          </thead>
          <tbody>
            {c.metrics.map((m) => (
              <tr key={m.name}>
                <td>{m.name}</td>
                <td className="num">
                  {f(m.a)}
                  {ci(m.aCi)}
                </td>
                <td className="num">
                  {f(m.b)}
                  {ci(m.bCi)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="report-section" aria-labelledby="c-features">
        <h2 id="c-features">Selected features and LASSO coefficients</h2>
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">{A} coefficient</th>
              <th scope="col">{B} coefficient</th>
              <th scope="col">{A} selection</th>
              <th scope="col">{B} selection</th>
            </tr>
          </thead>
          <tbody>
            {c.features.map((x) => (
              <tr key={x.feature}>
                <td>{x.feature}</td>
                <td className="num">{x.a === null ? "not selected" : x.a.toFixed(4)}</td>
                <td className="num">{x.b === null ? "not selected" : x.b.toFixed(4)}</td>
                <td className="num">{x.freqA === null ? "—" : `${(100 * x.freqA).toFixed(0)}%`}</td>
                <td className="num">{x.freqB === null ? "—" : `${(100 * x.freqB).toFixed(0)}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="report-section" aria-labelledby="c-nomogram">
        <h2 id="c-nomogram">Nomogram coefficients</h2>
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Term</th>
              <th scope="col">{A}</th>
              <th scope="col">{B}</th>
            </tr>
          </thead>
          <tbody>
            {c.nomogram.map((x) => (
              <tr key={x.term}>
                <td>{x.term}</td>
                <td className="num">{x.a === null ? "—" : x.a.toFixed(4)}</td>
                <td className="num">{x.b === null ? "—" : x.b.toFixed(4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="report-section" aria-labelledby="c-curves">
        <h2 id="c-curves">Calibration and decision curves</h2>
        <div className="report-grid">
          {c.calibration.a && <CalibrationChart data={{ ...c.calibration.a, cohort: `${A} training (bootstrap)` }} />}
          {c.calibration.b && <CalibrationChart data={{ ...c.calibration.b, cohort: `${B} training (bootstrap)` }} />}
          <DecisionCurveChart
            data={{
              cohort: `${A}: ${c.decisionCurves.a.cohort}; ${B}: ${c.decisionCurves.b.cohort}`,
              threshold: c.decisionCurves.a.threshold,
              series: [
                { name: `Nomogram ${A}`, values: c.decisionCurves.a.model },
                { name: `Nomogram ${B}`, values: c.decisionCurves.b.threshold.length === c.decisionCurves.a.threshold.length ? c.decisionCurves.b.model : c.decisionCurves.a.threshold.map(() => NaN) },
                { name: "Treat all", values: c.decisionCurves.a.all },
                { name: "Treat none", values: c.decisionCurves.a.none },
              ],
            }}
          />
        </div>
      </section>
    </div>
  );
}
