"use client";
// One training run: a progress bar per stage (extraction n/N, LASSO CV, bootstrap b/B, SVM grid, validation),
// overall progress, cancel, the error when it failed, and a link to the report when done. Polls runs.get, so a
// page reload picks the run up where it is. A stage the worker reports only as 0/1 (LASSO CV) shows an
// indeterminate bar with "running…" while it runs; the overall bar shows its percentage as text. A failure for
// too few events per fold says what to change (the folds setting of the run form).
import Link from "next/link";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/client";
import { errorText, useSubmitGuard } from "../_lib/mutations";
import { foldAdvice } from "../_lib/advice";
import "../models/admin.css";
import { formatDateTime } from "@/app/_components/format";

const STAGES = [
  ["extraction", "Feature extraction"],
  ["lasso-cv", "LASSO cross-validation"],
  ["bootstrap", "Bootstrap selection"],
  ["svm-grid", "SVM grid search"],
  ["validation", "Validation and calibration"],
] as const;

export function RunProgress({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.runs.get.queryOptions({ id: runId }),
    refetchInterval: (query) => (query.state.data && (query.state.data.status === "queued" || query.state.data.status === "running") ? 400 : false),
    staleTime: 0,
  });
  const cancel = useMutation(trpc.runs.cancel.mutationOptions());
  const guard = useSubmitGuard();
  if (q.isPending) return <p>Loading…</p>;
  if (q.isError) return <p className="error" role="alert" id="run-error">{errorText(q.error)}</p>;
  const r = q.data;
  const live = r.status === "queued" || r.status === "running";
  const extract = (r.settings as { extractFromImages?: boolean }).extractFromImages === true;
  const overall = r.status === "succeeded" ? 100 : Math.round(r.job?.progress ?? 0);
  const folds = foldAdvice(r.error, r.config?.lassoFolds ?? null);
  return (
    <div>
      {r.demo && <p className="demo-banner">Demo cohort — the resulting model is a demo model, not for clinical use.</p>}
      <p>
        {r.number ? `Run ${r.number} · ` : ""}Cohort: {r.cohortName ?? "—"} · started {formatDateTime(r.createdAt)} · status <strong data-testid="run-status">{r.status}</strong>
      </p>
      {r.config && (
        <p className="chart-note" data-testid="run-config">
          Settings: LASSO bootstrap B = {r.config.bootstrapB}, validation / calibration bootstrap B = {r.config.validationB}, {r.config.lassoFolds}-fold cross-validation, lambda.{r.config.lambdaRule}, seed {r.config.seed ?? "—"}
        </p>
      )}
      <div className="card" aria-live="polite">
        <div className="stage">
          <div className="stage-label">
            <label htmlFor="overall-progress">Overall</label>
            <span>
              {live && r.job?.stage ? `${r.job.stage} · ` : ""}
              <strong data-testid="overall-percent">{overall}%</strong>
            </span>
          </div>
          <progress id="overall-progress" max={100} value={overall} data-testid="overall-progress">
            {overall}%
          </progress>
        </div>
        {STAGES.filter(([k]) => k !== "extraction" || extract || r.stages.extraction).map(([k, label]) => {
          const s = r.stages[k];
          const running = live && !!s && s.done < s.total;
          // a stage reported only as started/finished (0/1) has no finer progress: indeterminate while it runs
          const indeterminate = running && s!.total <= 1;
          const text = !s ? (live ? "waiting" : "not run") : indeterminate ? "running…" : s.done >= s.total ? `done (${s.done}/${s.total})` : `${s.done}/${s.total} (${Math.floor((100 * s.done) / s.total)}%)${running ? " running…" : ""}`;
          return (
            <div className="stage" key={k}>
              <div className="stage-label">
                <label htmlFor={`stage-${k}`}>{label}</label>
                <span data-testid={`stage-${k}-text`}>{text}</span>
              </div>
              {indeterminate ? <progress id={`stage-${k}`} aria-valuetext="running" /> : <progress id={`stage-${k}`} max={s?.total || 1} value={s?.done ?? 0} />}
            </div>
          );
        })}
      </div>
      {live && (
        <button
          type="button"
          className="button secondary"
          onClick={() =>
            void guard.run(async () => {
              await cancel.mutateAsync({ id: runId }).catch(() => undefined);
              await q.refetch();
            })
          }
          disabled={guard.pending}
        >
          Cancel run
        </button>
      )}
      {cancel.isError && (
        <p className="error" role="alert" id="cancel-error">
          {errorText(cancel.error)}
        </p>
      )}
      {r.error && r.status !== "succeeded" && (
        <div className="integrity-bad" role="alert" id="run-failure">
          <strong>{r.status === "cancelled" ? "Cancelled" : "Training failed"}:</strong> {r.error}
          {r.problems && r.problems.length > 0 && (
            <ul className="problems">
              {r.problems.map((p, i) => (
                <li key={i}>
                  {p.row !== null ? `row ${p.row}` : ""}
                  {p.column ? `, column "${p.column}"` : ""}: {p.problem}
                </li>
              ))}
            </ul>
          )}
          {folds && (
            <p id="run-advice">
              <strong>What to do:</strong> {folds}
            </p>
          )}
        </div>
      )}
      {r.status === "succeeded" && r.modelVersionId && (
        <p>
          Done{r.endToEnd_s ? ` in ${r.endToEnd_s.toFixed(1)} s` : ""}: a draft model version was created.{" "}
          <Link href={`/admin/models/${r.modelVersionId}`} className="button" id="open-report">
            {`Open report of ${r.modelVersionLabel ?? "the new version"}`}
          </Link>
        </p>
      )}
      {r.timings && (
        <p className="chart-note">
          Stage timings: {Object.entries(r.timings).filter(([, v]) => v >= 0.05).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(" · ")}
        </p>
      )}
    </div>
  );
}

