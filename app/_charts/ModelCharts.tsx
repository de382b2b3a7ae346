"use client";
// The active model's charts (issue 6): ROC with AUC and CI, calibration (apparent and bias-corrected with the
// diagonal), decision curve with the current threshold marked. Plain data props (no models): the admin report
// can reuse them with any version's tables.
import * as d3 from "d3";
import { memo, useMemo } from "react";
import { LineChart } from "./LineChart";

const COLORS = ["#0b5cad", "#b3261e", "#2e7d32", "#6a3d9a", "#8c6d1f"];
const pct = d3.format(".0%");
const f2 = d3.format(".2f");
const f3 = d3.format(".3f");

export interface RocCurveData {
  name: string;
  auc: number;
  aucCi: [number, number];
  points: { fpr: number; tpr: number }[];
}

export const RocChart = memo(function RocChart({ curves, id }: { curves: RocCurveData[]; id?: string }) {
  const series = useMemo(
    () =>
      curves.map((c, i) => ({
        name: `${c.name}: AUC ${f3(c.auc)} (95% CI ${f3(c.aucCi[0])}–${f3(c.aucCi[1])})`,
        color: COLORS[i % COLORS.length],
        dash: i === 0 ? undefined : i === 1 ? undefined : "6 3",
        points: c.points.slice().sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr).map((p) => [p.fpr, p.tpr] as [number, number]),
      })),
    [curves],
  );
  return <LineChart id={id} title="ROC curve" series={series} xLabel="1 − specificity" yLabel="Sensitivity" xDomain={[0, 1]} yDomain={[0, 1]} diagonal formatX={f2} formatY={f2} note="AUC with DeLong 95% CI." />;
});

export interface CalibrationData {
  cohort: string;
  predicted: number[];
  apparent: number[];
  corrected: number[];
  slope?: number;
  intercept?: number;
  brier?: number;
}

export const CalibrationChart = memo(function CalibrationChart({ data, id }: { data: CalibrationData; id?: string }) {
  const series = useMemo(
    () => [
      { name: "Apparent", color: COLORS[0], points: data.predicted.map((p, i) => [p, data.apparent[i]] as [number, number]) },
      { name: "Bias-corrected", color: COLORS[1], dash: "6 3", points: data.predicted.map((p, i) => [p, data.corrected[i]] as [number, number]) },
    ],
    [data],
  );
  const stats = [
    data.slope !== undefined ? `slope ${f2(data.slope)}` : "",
    data.intercept !== undefined ? `intercept ${f2(data.intercept)}` : "",
    data.brier !== undefined ? `Brier score ${f3(data.brier)}` : "",
  ].filter(Boolean);
  const note = `Lowess calibration (rms::calibrate), ${data.cohort} cohort${stats.length ? `; calibration ${stats.join(", ")}` : ""}.`;
  return <LineChart id={id} title="Calibration" series={series} xLabel="Predicted probability" yLabel="Observed proportion" xDomain={[0, 1]} yDomain={[0, 1]} diagonal formatX={pct} formatY={pct} note={note} />;
});

export interface DecisionCurveData {
  cohort: string;
  threshold: number[];
  series: { name: string; values: number[] }[];
}

export const DecisionCurveChart = memo(function DecisionCurveChart({ data, threshold, id }: { data: DecisionCurveData; threshold?: number; id?: string }) {
  const series = useMemo(
    () =>
      data.series.map((s, i) => ({
        name: s.name,
        color: s.name === "Treat none" ? "#57606a" : s.name === "Treat all" ? "#8c6d1f" : COLORS[i % COLORS.length],
        dash: s.name.startsWith("Treat") ? "4 3" : undefined,
        points: data.threshold.map((t, k) => [t, s.values[k]] as [number, number]),
      })),
    [data],
  );
  const yMax = useMemo(() => Math.max(0.05, ...data.series.flatMap((s) => s.values.filter(Number.isFinite))) * 1.08, [data]);
  const markers = useMemo(() => (threshold !== undefined ? [{ x: threshold, label: `threshold ${pct(threshold)}` }] : []), [threshold]);
  return (
    <LineChart
      id={id}
      title="Decision curve"
      series={series}
      xLabel="Threshold probability"
      yLabel="Net benefit"
      xDomain={[0, 1]}
      yDomain={[-0.05, yMax]}
      markers={markers}
      formatX={pct}
      formatY={f3}
      note={`Net benefit = TP/n − FP/n · pt/(1 − pt), ${data.cohort} cohort.`}
    />
  );
});
