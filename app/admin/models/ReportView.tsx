"use client";
// The full run report of a model version (issue 5): Table 1, LASSO CV + paths, selection frequencies, Rad-score
// by patient, ROC (training CV / validation) with AUC + DeLong CI, Table 2, the nomogram, calibration, decision
// curve with net interventions avoided, the clinical-only model, warnings and TRIPOD+AI items; JSON/PDF export.
// All numbers come from the stored artefact (models.report), which is refused when its hash does not verify.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "@/app/_trpc/client";
import { LassoCvChart } from "@/app/_charts/lasso-cv";
import { LassoPathChart } from "@/app/_charts/lasso-path";
import { SelectionChart } from "@/app/_charts/selection";
import { RadscoreWaterfall } from "@/app/_charts/radscore-waterfall";
import { CalibrationChart, DecisionCurveChart, RocChart } from "@/app/_charts/ModelCharts";
import { Nomogram } from "@/app/_charts/Nomogram";
import { errorText, useSubmitGuard } from "../_lib/mutations";
import "./admin.css";
import { downloadBlob } from "../_lib/download";
import { FACTOR_LABELS, LOCATION_TEXT } from "@/server/services/predict-inputs";

const f3 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(3));
const ci = (c: [number, number] | null | undefined) => (c ? ` (${f3(c[0])}–${f3(c[1])})` : "");
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

type Summary = { n: number; mean: number | null; sd: number | null; median: number | null; q1: number | null; q3: number | null };
type T1Var = { type: string; summary_by_group: Record<string, unknown>; test: string; p_value: number | null; spearman?: { rho: number | null; p_value: number | null } };
type T1Block = { groups: string[]; n_by_group: number[]; variables: Record<string, T1Var> } | { error: string };

/** Readable names of Table 1 rows (cohort columns). */
export const T1_LABELS: Record<string, string> = { ...FACTOR_LABELS, age: "Age (years)", aln: "ALN metastasis", radscore: "Rad-score" };
const T1_ORDER = (k: string) => {
  const i = Object.keys(T1_LABELS).indexOf(k);
  return i < 0 ? 99 : i;
};
export const TEST_LABELS: Record<string, string> = { welch_t: "Welch t-test", mann_whitney: "Mann–Whitney U test", chisq: "χ² test", fisher: "Fisher's exact test" };

function levelName(variable: string, level: string): string {
  if (variable === "aln") return level === "1" ? "yes" : level === "0" ? "no" : level;
  if (variable === "location") return (LOCATION_TEXT as Record<string, string>)[level] ?? level;
  return level;
}

function groupName(g: string): string {
  return g === "0" ? "ALN− (no metastasis)" : g === "1" ? "ALN+ (metastasis)" : g === "primary" ? "Training (primary)" : g === "validation" ? "Validation" : g;
}

const num1 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(1));
const pText = (p: number | null | undefined) => (p === null || p === undefined || !Number.isFinite(p) ? "—" : p < 0.001 ? "<0.001" : p.toFixed(3));

function Table1({ block, caption, id }: { block: T1Block; caption: string; id: string }) {
  if ("error" in block)
    return (
      <p className="error" id={id}>
        {caption}: not computed ({block.error}).
      </p>
    );
  return (
    <table className="report-table" id={id}>
      <caption style={{ textAlign: "left", fontWeight: 600 }}>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Variable</th>
          {block.groups.map((g, i) => (
            <th scope="col" key={g}>
              {groupName(g)} (n = {block.n_by_group[i]})
            </th>
          ))}
          <th scope="col">Test</th>
          <th scope="col">p</th>
          <th scope="col">Spearman ρ</th>
          <th scope="col">Spearman p</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(block.variables)
          .sort(([a], [b]) => T1_ORDER(a) - T1_ORDER(b))
          .map(([name, v]) => (
          <tr key={name}>
            <th scope="row">
              {T1_LABELS[name] ?? name}
              <div className="small" style={{ fontWeight: 400 }}>
                {v.type === "continuous" ? "mean ± SD; median (IQR)" : "n (%)"}
              </div>
            </th>
            {block.groups.map((g) => {
              const s = v.summary_by_group[g] as Record<string, unknown> | undefined;
              if (!s) return <td key={g}>—</td>;
              if (v.type === "continuous") {
                const c = s as Summary;
                return (
                  <td key={g} className="num">
                    <div>
                      {num1(c.mean)} ± {num1(c.sd)}
                    </div>
                    <div>
                      {num1(c.median)} ({num1(c.q1)}–{num1(c.q3)})
                    </div>
                  </td>
                );
              }
              return (
                <td key={g}>
                  {Object.entries(s as Record<string, { n: number; percent: number }>).map(([lvl, x]) => (
                    <div key={lvl}>
                      {levelName(name, lvl)}: {x.n} ({x.percent.toFixed(1)}%)
                    </div>
                  ))}
                </td>
              );
            })}
            <td>{TEST_LABELS[v.test] ?? v.test}</td>
            <td className="num">{pText(v.p_value)}</td>
            <td className="num">{v.spearman && v.spearman.rho !== null ? v.spearman.rho.toFixed(3) : "—"}</td>
            <td className="num">{pText(v.spearman?.p_value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the stored split method means, in words. */
function splitText(method: string, ratio: unknown): string {
  if (method === "column") return "as given in the cohort file's split column (primary = training, validation = validation)";
  if (method === "stratified") return `seeded random split, stratified by ALN status${typeof ratio === "number" ? ` (${Math.round(ratio * 100)}% training)` : ""}`;
  if (method === "bootstrap") return "none — the whole cohort trains the model and bootstrap resampling validates it";
  return method;
}

function download(filename: string, mime: string, base64: string) {
  downloadBlob(filename, new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: mime }));
}

export function ReportView({ versionId }: { versionId: string }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.models.report.queryOptions({ id: versionId }), retry: false });
  const exp = useMutation(trpc.models.exportReport.mutationOptions());
  const guard = useSubmitGuard();
  const exportAs = (format: "json" | "pdf") => () =>
    void guard.run(async () => {
      const r = await exp.mutateAsync({ id: versionId, format });
      download(r.filename, r.mime, r.base64);
    });
  const r = q.data;
  const rocTraining = useMemo(() => r?.roc.training.map((c) => ({ name: c.name, auc: c.auc, aucCi: c.aucCi, points: c.points })) ?? [], [r]);
  const rocValidation = useMemo(() => r?.roc.validation.map((c) => ({ name: c.name, auc: c.auc, aucCi: c.aucCi, points: c.points })) ?? [], [r]);
  const dc = useMemo(
    () =>
      r
        ? {
            cohort: r.decisionCurve.cohort,
            threshold: r.decisionCurve.threshold,
            series: [
              { name: "Nomogram", values: r.decisionCurve.model },
              ...(r.decisionCurve.clinical ? [{ name: "Clinical-only model", values: r.decisionCurve.clinical }] : []),
              ...(r.decisionCurve.svm ? [{ name: "SVM signature", values: r.decisionCurve.svm }] : []),
              { name: "Treat all", values: r.decisionCurve.all },
              { name: "Treat none", values: r.decisionCurve.none },
            ],
          }
        : null,
    [r],
  );
  if (q.isPending) return <p>Loading the report…</p>;
  if (q.isError)
    return (
      <div className="integrity-bad" role="alert" id="report-error">
        {errorText(q.error)}
      </div>
    );
  if (!r || !dc) return null;
  const training = r.radscore.perPatient.filter((p) => p.split === "training");
  const validation = r.radscore.perPatient.filter((p) => p.split === "validation");
  const cal = r.calibration.training;
  const dcIdx = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7].map((t) => r.decisionCurve.threshold.findIndex((x) => Math.abs(x - t) < 1e-9)).filter((i) => i >= 0);
  const t1 = r.table1.byOutcome as Record<string, T1Block>;
  const t1s = r.table1.bySplit as Record<string, T1Block> | null;
  const settings = r.provenance.settings as { split?: { ratio?: number }; validation?: { B?: number }; lasso?: { bootstrapB?: number } };
  const selectionB = r.lasso.selection.B;
  const validationB = typeof settings.validation?.B === "number" ? settings.validation.B : null;
  const noValidationBootstrap = validationB === 0;
  return (
    <article aria-label={`Run report ${r.version.label}`}>
      {r.demo && (
        <p className="demo-banner" data-testid="demo-label">
          {r.demoLabel} — trained on a semi-synthetic demo cohort.
        </p>
      )}
      <p>
        Content hash <code title={r.version.contentHash}>{r.version.contentHash.slice(0, 16)}…</code> · cohort data hash <code title={r.provenance.cohortHash}>{r.provenance.cohortHash.slice(0, 12)}…</code> · seed {r.provenance.seed} · {r.provenance.software}
        {r.provenance.cohortName ? ` · cohort “${r.provenance.cohortName}”` : ""}
      </p>
      {r.provenance.timings && (
        <p className="chart-note" data-testid="stage-timings">
          Stage timings: {Object.entries(r.provenance.timings).filter(([, v]) => v >= 0.05).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(" · ")}
          {r.provenance.endToEnd_s ? ` · end to end ${r.provenance.endToEnd_s.toFixed(1)} s` : ""}
        </p>
      )}
      <div className="no-print" style={{ display: "flex", gap: "0.5rem" }}>
        <button type="button" className="button secondary" onClick={exportAs("json")} disabled={guard.pending}>
          Export JSON
        </button>
        <button type="button" className="button secondary" onClick={exportAs("pdf")} disabled={guard.pending}>
          Export PDF
        </button>
        {exp.isError && (
          <span className="error" role="alert" id="export-error">
            {errorText(exp.error)}
          </span>
        )}
      </div>

      <section className="report-section" aria-labelledby="s-cohort">
        <h2 id="s-cohort">Table 1 — patient characteristics</h2>
        <p>
          {r.cohort.n} patients, {r.cohort.events} with ALN metastasis; training {r.cohort.training.n} ({r.cohort.training.events} events)
          {r.cohort.validation ? `, validation ${r.cohort.validation.n} (${r.cohort.validation.events} events)` : ""}.
        </p>
        <p id="split-explained">
          Training / validation split: {splitText(r.cohort.splitMethod, settings.split?.ratio)}.
        </p>
        <p className="chart-note">
          Continuous variables: mean ± SD and median (IQR), Welch t-test; categorical: n (%), χ² test (Fisher&apos;s exact test when an expected count is below 5). Spearman ρ: rank correlation of each factor with the grouping (ALN metastasis, or training vs validation), with its p-value.
        </p>
        {/* one table per row: with Spearman columns two side by side no longer fit */}
        <div style={{ display: "grid", gap: "1.25rem" }}>
          {Object.entries(t1).map(([k, b]) => (
            <Table1 key={k} id={`table1-${k}`} block={b} caption={k === "training" ? "Training (primary) cohort, by ALN status" : k === "validation" ? "Validation cohort, by ALN status" : k} />
          ))}
          {t1s && Object.entries(t1s).map(([k, b]) => <Table1 key={`s-${k}`} id={`table1-split-${k}`} block={b} caption="Training vs validation cohort" />)}
        </div>
      </section>

      <section className="report-section" aria-labelledby="s-lasso">
        <h2 id="s-lasso">LASSO feature selection</h2>
        <div className="report-grid">
          <LassoCvChart id="chart-lasso-cv" data={{ ...r.lasso.cv, measure: r.lasso.measure, chosen: r.lasso.lambda }} />
          <LassoPathChart id="chart-lasso-path" data={{ lambda: r.lasso.path.lambda, beta: r.lasso.path.beta, chosen: r.lasso.lambda, selected: r.lasso.selected.map((s) => s.feature) }} />
        </div>
        <table className="report-table" style={{ marginTop: "0.75rem" }}>
          <caption style={{ textAlign: "left", fontWeight: 600 }}>
            Rad-score = {f3(r.lasso.intercept)} + Σ coefficient × min-max scaled feature (λ.{r.lasso.lambdaRule} = {r.lasso.lambda.toPrecision(4)})
          </caption>
          <thead>
            <tr>
              <th scope="col">Selected feature</th>
              <th scope="col">Coefficient</th>
              <th scope="col">{selectionB > 0 ? `Bootstrap selection (of ${selectionB} fits)` : "Bootstrap selection"}</th>
            </tr>
          </thead>
          <tbody>
            {r.lasso.selected.map((s) => (
              <tr key={s.feature}>
                <td>{s.feature}</td>
                <td className="num">{s.coefficient.toFixed(4)}</td>
                <td className="num">{s.frequency === null ? "—" : pct(s.frequency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="report-section" aria-labelledby="s-selection">
        <h2 id="s-selection">Selection frequency over bootstraps</h2>
        {selectionB > 0 ? (
          <SelectionChart id="chart-selection" data={{ frequency: r.lasso.selection.frequency, B: selectionB, selected: r.lasso.selected.map((s) => s.feature) }} />
        ) : (
          <p className="integrity-bad" id="selection-skipped">
            Bootstrap selection was skipped for this version (B = 0): there are no selection frequencies, so the stability of the selected features is unknown.
          </p>
        )}
      </section>

      <section className="report-section" aria-labelledby="s-radscore">
        <h2 id="s-radscore">Rad-score by patient</h2>
        <div className="report-grid">
          <RadscoreWaterfall id="chart-radscore-training" title="Training cohort" patients={training} />
          {validation.length > 0 && <RadscoreWaterfall id="chart-radscore-validation" title="Validation cohort" patients={validation} />}
        </div>
      </section>

      <section className="report-section" aria-labelledby="s-roc">
        <h2 id="s-roc">ROC curves</h2>
        <div className="report-grid">
          <div>
            <h3>Training cohort</h3>
            <RocChart id="chart-roc-training" curves={rocTraining} />
          </div>
          {rocValidation.length > 0 && (
            <div>
              <h3>Validation cohort</h3>
              <RocChart id="chart-roc-validation" curves={rocValidation} />
            </div>
          )}
        </div>
      </section>

      <section className="report-section" aria-labelledby="s-table2">
        <h2 id="s-table2">Table 2 — performance with 95% CIs</h2>
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Cohort</th>
              <th scope="col">AUC (DeLong CI)</th>
              <th scope="col">ACC</th>
              <th scope="col">TPR (sensitivity)</th>
              <th scope="col">TNR (specificity)</th>
              <th scope="col">Rule</th>
            </tr>
          </thead>
          <tbody>
            {r.table2.map((m, i) => (
              <tr key={i}>
                <td>{m.model}</td>
                <td>
                  {m.cohort} (n = {m.n}, {m.events} events)
                </td>
                <td className="num">
                  {f3(m.auc)}
                  {ci(m.aucCi)}
                </td>
                <td className="num">
                  {f3(m.acc.estimate)}
                  {ci(m.acc.ci)}
                </td>
                <td className="num">
                  {f3(m.tpr.estimate)}
                  {ci(m.tpr.ci)}
                </td>
                <td className="num">
                  {f3(m.tnr.estimate)}
                  {ci(m.tnr.ci)}
                </td>
                <td>{m.threshold}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="chart-note">
          SVM: RBF kernel, C = {r.svm.cost}, γ = {r.svm.gamma} (grid by {r.svm.grid.nfolds}-fold CV AUC) on {r.svm.features.length} features. Metric CIs: bootstrap percentile.
          {r.pipelineBootstrap ? ` Whole-pipeline bootstrap (B = ${r.pipelineBootstrap.B}): nomogram AUC optimism ${f3(r.pipelineBootstrap.nomogram.optimism)}, corrected ${f3(r.pipelineBootstrap.nomogram.corrected)}.` : ""}
        </p>
      </section>

      <section className="report-section" aria-labelledby="s-nomogram">
        <h2 id="s-nomogram">Nomogram</h2>
        <p>
          {r.nomogram.formula}
          {r.nomogram.deleted.length ? ` — removed by backward AIC: ${r.nomogram.deleted.join(", ")}` : ""}. C-index apparent {f3(r.nomogram.cIndex.apparent)}, optimism-corrected {r.nomogram.cIndex.optimismCorrected === null && noValidationBootstrap ? "not computed (bootstrap validation skipped, B = 0)" : f3(r.nomogram.cIndex.optimismCorrected)}, validation {f3(r.nomogram.cIndex.validation)}.
        </p>
        <Nomogram id="chart-nomogram" data={r.nomogram.data} current={null} title={`Nomogram ${r.version.label}`} />
      </section>

      <section className="report-section" aria-labelledby="s-calibration">
        <h2 id="s-calibration">Calibration</h2>
        {!cal && (
          <p className="integrity-bad" id="calibration-skipped">
            {noValidationBootstrap
              ? "Bootstrap validation was skipped for this version (validation / calibration B = 0): there is no bias-corrected calibration curve and no optimism-corrected C-index."
              : "No bias-corrected calibration curve was computed for this version."}
          </p>
        )}
        <div className="report-grid">
          {cal && <CalibrationChart id="chart-calibration" data={{ cohort: "training (bootstrap)", predicted: cal.predicted, apparent: cal.apparent, corrected: cal.corrected, slope: cal.slope, intercept: cal.intercept, brier: cal.brier }} />}
          <table className="report-table" id="calibration-table">
            <thead>
              <tr>
                <th scope="col">Cohort</th>
                <th scope="col">Intercept</th>
                <th scope="col">Slope</th>
                <th scope="col">Brier</th>
                <th scope="col">Mean |error|</th>
                <th scope="col">90th percentile |error|</th>
              </tr>
            </thead>
            <tbody>
              {[
                ["Nomogram, training (bias-corrected)", r.calibration.training],
                ["Nomogram, validation", r.calibration.validation],
                ["Clinical-only, training (bias-corrected)", r.calibration.clinical],
              ].map(([name, c]) =>
                c && typeof c === "object" ? (
                  <tr key={name as string}>
                    <td>{name as string}</td>
                    <td className="num">{f3(c.intercept)}</td>
                    <td className="num">{f3(c.slope)}</td>
                    <td className="num">{f3(c.brier)}</td>
                    <td className="num">{f3(c.meanAbsError)}</td>
                    <td className="num">{f3(c.q90AbsError)}</td>
                  </tr>
                ) : null,
              )}
            </tbody>
          </table>
        </div>
      </section>

      <section className="report-section" aria-labelledby="s-dca">
        <h2 id="s-dca">Decision curve</h2>
        <div className="report-grid">
          <DecisionCurveChart id="chart-dca" data={dc} threshold={typeof r.provenance.settings.threshold === "number" ? r.provenance.settings.threshold : 0.5} />
          <table className="report-table">
            <caption style={{ textAlign: "left", fontWeight: 600 }}>Net interventions avoided per 100 patients (nomogram vs treat all)</caption>
            <thead>
              <tr>
                <th scope="col">Threshold</th>
                <th scope="col">Net benefit (nomogram)</th>
                <th scope="col">Net benefit (treat all)</th>
                <th scope="col">Interventions avoided /100</th>
              </tr>
            </thead>
            <tbody>
              {dcIdx.map((i) => (
                <tr key={i}>
                  <td className="num">{pct(r.decisionCurve.threshold[i])}</td>
                  <td className="num">{f3(r.decisionCurve.model[i])}</td>
                  <td className="num">{f3(r.decisionCurve.all[i])}</td>
                  <td className="num">{r.decisionCurve.interventionsAvoided[i].toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="report-section" aria-labelledby="s-clinical">
        <h2 id="s-clinical">Clinical-only model</h2>
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col"></th>
              <th scope="col">Nomogram (with Rad-score)</th>
              <th scope="col">Clinical-only model</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Formula</th>
              <td>{r.nomogram.formula}</td>
              <td>{r.clinical.formula}</td>
            </tr>
            <tr>
              <th scope="row">C-index (apparent / corrected / validation)</th>
              <td className="num">
                {f3(r.nomogram.cIndex.apparent)} / {f3(r.nomogram.cIndex.optimismCorrected)} / {f3(r.nomogram.cIndex.validation)}
              </td>
              <td className="num">
                {f3(r.clinical.cIndex.apparent)} / {f3(r.clinical.cIndex.optimismCorrected)} / {f3(r.clinical.cIndex.validation)}
              </td>
            </tr>
          </tbody>
        </table>
        {r.clinical.comparison && (
          <p>
            Nomogram vs clinical-only (paired DeLong, {r.clinical.comparison.cohort}): z = {f3(r.clinical.comparison.z)}, p = {f3(r.clinical.comparison.pValue)}.
          </p>
        )}
      </section>

      <section className="report-section" aria-labelledby="s-warnings">
        <h2 id="s-warnings">Warnings</h2>
        {r.warnings.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul>
            {r.warnings.map((w, i) => (
              <li key={i}>
                <strong>{w.code}</strong>
                {w.stage ? ` (${w.stage})` : ""}: {w.message}
              </li>
            ))}
          </ul>
        )}
        <p className="chart-note">
          Sample size: {f3(r.sampleSize.eventsPerParameter)} events per candidate parameter; Riley et al. criteria need {Math.ceil(r.sampleSize.riley.required)} training patients ({r.sampleSize.riley.met ? "met" : "not met"}).
        </p>
      </section>

      <section className="report-section" aria-labelledby="s-tripod">
        <h2 id="s-tripod">TRIPOD+AI items</h2>
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Topic</th>
              <th scope="col">State</th>
              <th scope="col">Text</th>
            </tr>
          </thead>
          <tbody>
            {r.tripod.map((t) => (
              <tr key={t.item}>
                <td>{t.item}</td>
                <td>{t.section}</td>
                <td className={t.status === "todo" ? "todo" : undefined}>{t.status === "todo" ? "to do" : "filled"}</td>
                <td>{t.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </article>
  );
}
