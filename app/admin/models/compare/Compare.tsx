"use client";
// Side-by-side comparison of two model versions: selected features and coefficients (with bootstrap selection
// frequencies), nomogram coefficients, metrics with CIs, calibration and decision curves; first what each version
// was trained on (cohort, bootstrap B, folds, seed). Each calibration chart is titled with its version.
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/client";
import { DecisionCurveChart } from "@/app/_charts/ModelCharts";
import { LineChart } from "@/app/_charts/LineChart";
import { formatDate } from "@/app/_components/format";
import { errorText } from "../../_lib/mutations";
import "../admin.css";

type Cal = { predicted: number[]; apparent: number[]; corrected: number[]; slope: number; intercept: number; brier: number };

function VersionCalibration({ label, cal }: { label: string; cal: Cal }) {
  const series = useMemo(
    () => [
      { name: "Apparent", color: "#0b5cad", points: cal.predicted.map((p, i) => [p, cal.apparent[i]] as [number, number]) },
      { name: "Bias-corrected", color: "#b3261e", dash: "6 3", points: cal.predicted.map((p, i) => [p, cal.corrected[i]] as [number, number]) },
    ],
    [cal],
  );
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return (
    <LineChart
      title={`Calibration — ${label}`}
      series={series}
      xLabel="Predicted probability"
      yLabel="Observed proportion"
      xDomain={[0, 1]}
      yDomain={[0, 1]}
      diagonal
      formatX={pct}
      formatY={pct}
      note={`${label}: lowess calibration (rms::calibrate), training (bootstrap) cohort; slope ${cal.slope.toFixed(2)}, intercept ${cal.intercept.toFixed(2)}, Brier score ${cal.brier.toFixed(3)}.`}
    />
  );
}

const f = (x: number | null) => (x === null || !Number.isFinite(x) ? "—" : x.toFixed(3));
const ci = (c: [number, number] | null) => (c ? ` (${c[0].toFixed(3)}–${c[1].toFixed(3)})` : "");

export function Compare({ a, b }: { a: string; b: string }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.models.compare.queryOptions({ a, b }), retry: false });
  if (q.isPending) return <p>Loading…</p>;
  if (q.isError) return <p className="integrity-bad" role="alert" id="compare-error">{errorText(q.error)}</p>;
  const c = q.data;
  const A = c.a.label;
  const B = c.b.label;
  const o = c.origin;
  const originRows: [string, string, string][] = [
    ["Cohort", o.a.cohortName ?? (c.a.demo ? "built-in demo cohort" : "—"), o.b.cohortName ?? (c.b.demo ? "built-in demo cohort" : "—")],
    ["Cohort import", o.a.cohortId ? `${o.a.cohortImportedAt ? formatDate(o.a.cohortImportedAt) : "—"}, id …${o.a.cohortId.slice(-6)}` : "—", o.b.cohortId ? `${o.b.cohortImportedAt ? formatDate(o.b.cohortImportedAt) : "—"}, id …${o.b.cohortId.slice(-6)}` : "—"],
    ["Patients", String(o.a.n ?? "—"), String(o.b.n ?? "—")],
    ["LASSO bootstrap B", String(o.a.bootstrapB ?? "—"), String(o.b.bootstrapB ?? "—")],
    ["Validation / calibration bootstrap B", String(o.a.validationB ?? "—"), String(o.b.validationB ?? "—")],
    ["Cross-validation folds", String(o.a.folds ?? "—"), String(o.b.folds ?? "—")],
    ["Seed", String(o.a.seed ?? "—"), String(o.b.seed ?? "—")],
  ];
  return (
    <div>
      {(c.a.demo || c.b.demo) && <p className="demo-banner">Demo model — not for clinical use ({[c.a, c.b].filter((x) => x.demo).map((x) => x.label).join(", ")})</p>}
      <section className="report-section" aria-labelledby="c-origin">
        <h2 id="c-origin">Training data and settings</h2>
        <table className="report-table" id="compare-origin">
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">{A}</th>
              <th scope="col">{B}</th>
            </tr>
          </thead>
          <tbody>
            {originRows.map(([k, a, b]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td style={a !== b ? { fontWeight: 600 } : undefined}>{a}</td>
                <td style={a !== b ? { fontWeight: 600 } : undefined}>{b}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
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
          {c.calibration.a ? <VersionCalibration label={A} cal={c.calibration.a} /> : <p>{A}: no bias-corrected calibration (bootstrap validation skipped).</p>}
          {c.calibration.b ? <VersionCalibration label={B} cal={c.calibration.b} /> : <p>{B}: no bias-corrected calibration (bootstrap validation skipped).</p>}
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
