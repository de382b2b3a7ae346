"use client";
// One training run: a progress bar per stage (extraction n/N, LASSO CV, bootstrap b/B, SVM grid, validation),
// overall progress, cancel, the error when it failed, and a link to the report when done. Polls runs.get, so a
// page reload picks the run up where it is.
import Link from "next/link";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/client";
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
  const cancel = useMutation(trpc.runs.cancel.mutationOptions({ onSuccess: () => q.refetch() }));
  if (q.isPending) return <p>Loading…</p>;
  if (q.isError) return <p className="error" role="alert" id="run-error">{q.error.message}</p>;
  const r = q.data;
  const live = r.status === "queued" || r.status === "running";
  const extract = (r.settings as { extractFromImages?: boolean }).extractFromImages === true;
  return (
    <div>
      {r.demo && <p className="demo-banner">Demo cohort — the resulting model is a demo model, not for clinical use.</p>}
      <p>
        Cohort: {r.cohortName ?? "—"} · started {formatDateTime(r.createdAt)} · status <strong data-testid="run-status">{r.status}</strong>
      </p>
      <div className="card" aria-live="polite">
        <div className="stage">
          <div className="stage-label">
            <label htmlFor="overall-progress">Overall</label>
            <span>{r.job?.stage ?? ""}</span>
          </div>
          <progress id="overall-progress" max={100} value={r.status === "succeeded" ? 100 : (r.job?.progress ?? 0)} data-testid="overall-progress">
            {r.job?.progress ?? 0}%
          </progress>
        </div>
        {STAGES.filter(([k]) => k !== "extraction" || extract || r.stages.extraction).map(([k, label]) => {
          const s = r.stages[k];
          return (
            <div className="stage" key={k}>
              <div className="stage-label">
                <label htmlFor={`stage-${k}`}>{label}</label>
                <span data-testid={`stage-${k}-text`}>{s ? `${s.done}/${s.total}` : "waiting"}</span>
              </div>
              <progress id={`stage-${k}`} max={s?.total || 1} value={s?.done ?? 0} />
            </div>
          );
        })}
      </div>
      {live && (
        <button type="button" className="button secondary" onClick={() => cancel.mutate({ id: runId })} disabled={cancel.isPending}>
          Cancel run
        </button>
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
        </div>
      )}
      {r.status === "succeeded" && r.modelVersionId && (
        <p>
          Done{r.endToEnd_s ? ` in ${r.endToEnd_s.toFixed(1)} s` : ""}: a draft model version was created.{" "}
          <Link href={`/admin/models/${r.modelVersionId}`} className="button" id="open-report">
            Open report
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
