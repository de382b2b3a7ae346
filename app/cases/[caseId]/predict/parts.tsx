"use client";
// Pieces shared by the prediction page, the report page and the tumour-board view: value formatting,
// the estimate sentence, the model line with the demo banner, and the baselines comparison table.
import { memo } from "react";
import type { ClientModel } from "@/server/services/predict";
import type { OperatingPoint } from "@/server/services/nomogram-data";
import { FACTOR_LABELS, LOCATION_TEXT, type FactorKey } from "@/server/services/predict-inputs";

export const pct = (p: number | null | undefined, d = 1): string => (p === null || p === undefined || !Number.isFinite(p) ? "n/a" : `${(100 * p).toFixed(d)}%`);

/** axis / table text of a value */
export function formatValue(variable: string, v: number | string): string {
  if (typeof v === "number") {
    if (variable === "age") return String(Math.round(v * 10) / 10);
    if (variable === "radscore") return v.toFixed(2);
    return String(Number(v.toFixed(3)));
  }
  if (variable === "er" || variable === "pr" || variable === "us_aln") return v === "positive" ? "positive" : v === "negative" ? "negative" : v;
  return v;
}

export function factorLong(key: FactorKey, v: number | string): string {
  if (key === "location") return LOCATION_TEXT[v as keyof typeof LOCATION_TEXT] ?? String(v);
  if (key === "age") return `${v} years`;
  return String(v);
}

export function ModelLine({ model, label }: { model: ClientModel; label?: string }) {
  return (
    <div>
      {model.demo && (
        <p className="banner-demo" role="note" data-testid="demo-label">
          {model.demoLabel ?? "Demo model — not for clinical use"}
        </p>
      )}
      <p className="model-line" data-testid="model-version">
        {label ?? "Model version"} <strong>{model.versionLabel}</strong> · software {model.softwareVersion} · hash {model.hash.slice(0, 12)}
        {model.active ? "" : " · not the active version"}
      </p>
      <p className="model-line">{model.scope}</p>
    </div>
  );
}

export function EstimateSentence({ probability, ci }: { probability: number; ci: [number, number] }) {
  return (
    <p>
      The model estimates a probability of ALN metastasis of <strong>{pct(probability)}</strong> (95% CI {pct(ci[0])} to {pct(ci[1])}). This is
      decision support for the clinical team, not an instruction.
    </p>
  );
}

export interface BaselineRow {
  id?: string;
  name: string;
  metric: string;
  value: string;
  citation: string;
}

/** The comparison panel (pipeline step 13): the patient's own ultrasound result next to the model's call;
 *  the model's sensitivity / specificity / NPV at the threshold next to the literature figures; the
 *  clinical-only model of the same run. */
export const BaselinesPanel = memo(function BaselinesPanel({
  model,
  usAln,
  probability,
  threshold,
  op,
  clinical,
  baselines,
}: {
  model: ClientModel;
  usAln: string | null;
  probability: number | null;
  threshold: number;
  op: OperatingPoint;
  clinical: { probability: number; ci95: [number, number] } | null;
  baselines: BaselineRow[];
}) {
  const call = probability === null ? null : probability >= threshold;
  const key = /^(SLNB|Ultrasound alone|Ultrasound-guided needle biopsy|Mammography alone)/;
  const first = baselines.filter((b) => key.test(b.name));
  const rest = baselines.filter((b) => !key.test(b.name));
  return (
    <section className="card" aria-labelledby="baselines-h">
      <h2 id="baselines-h">Comparison with other methods</h2>
      <table className="baselines">
        <caption>This patient</caption>
        <tbody>
          <tr>
            <th scope="row">{FACTOR_LABELS.us_aln} (the patient&apos;s own result)</th>
            <td data-testid="us-result">{usAln ?? "not entered"}</td>
          </tr>
          <tr>
            <th scope="row">Model&apos;s call at the {pct(threshold, 0)} threshold</th>
            <td data-testid="model-call">
              {call === null
                ? "—"
                : call
                  ? `The estimate (${pct(probability)}) is at or above the threshold: the model estimates ALN metastasis as likely.`
                  : `The estimate (${pct(probability)}) is below the threshold: the model estimates ALN metastasis as less likely.`}
            </td>
          </tr>
          {clinical && (
            <tr>
              <th scope="row">Clinical-only model (same training run, no Rad-score)</th>
              <td>
                {pct(clinical.probability)} (95% CI {pct(clinical.ci95[0])} to {pct(clinical.ci95[1])}); AUC {model.performance.clinical.auc.toFixed(3)} (
                {model.performance.clinical.aucCi[0].toFixed(3)}–{model.performance.clinical.aucCi[1].toFixed(3)}), {model.performance.clinical.cohort}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <table className="baselines" style={{ marginTop: "0.75rem" }}>
        <caption>Sensitivity, specificity and NPV</caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Figure</th>
            <th scope="col">Value</th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          <tr className="model-row" data-testid="model-operating">
            <td>This model at the {pct(threshold, 0)} threshold</td>
            <td>Sensitivity / specificity / NPV</td>
            <td>
              {pct(op.sensitivity)} / {pct(op.specificity)} / {pct(op.npv)}
            </td>
            <td>
              model {model.versionLabel}, {op.cohort} cohort (n = {op.n}, {op.events} with ALN metastasis)
            </td>
          </tr>
          {[...first, ...rest].map((b, i) => (
            <tr key={b.id ?? i}>
              <td>{b.name}</td>
              <td>{b.metric}</td>
              <td>{b.value}</td>
              <td>{b.citation}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small">Literature figures come from other cohorts and are not directly comparable with this model&apos;s.</p>
    </section>
  );
});
