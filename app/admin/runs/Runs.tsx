"use client";
// Start a training run on an imported cohort (seed and the main pipeline settings; the rest are the pipeline
// defaults) and list runs with their state. Number fields keep the typed text and are checked before sending
// (bootstrap B at least MIN_B, as the server requires); the cohort must be chosen (preselected only when the page
// was opened from a cohort's "Train on …" link or there is a single cohort); one run per click.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/client";
import { errorText, useSubmitGuard } from "../_lib/mutations";
import "../models/admin.css";
import { formatDateTime } from "@/app/_components/format";

/** Same minimum as MIN_BOOTSTRAP_B in server/api/routers/runs.ts. */
export const MIN_B = 20;
const MAX_B = 2000;

/** How a cohort is named in choices: name, size, import date and the end of its id (two imports of one file differ). */
export function cohortChoiceLabel(c: { id: string; name: string; n: number; createdAt: Date | string }): string {
  return `${c.name} — ${c.n} patients, imported ${formatDateTime(c.createdAt)}, id …${c.id.slice(-6)}`;
}

type FieldKey = "seed" | "bootB" | "valB" | "folds";
const FIELDS: Record<FieldKey, { label: string; min: number; max: number; hint: string }> = {
  seed: { label: "Seed", min: 0, max: 0xffffffff, hint: "Any whole number; the same seed and data give the same model." },
  bootB: { label: "LASSO bootstrap selections (B)", min: MIN_B, max: MAX_B, hint: `${MIN_B}–${MAX_B}; default 100.` },
  valB: { label: "Validation / calibration bootstrap (B)", min: MIN_B, max: MAX_B, hint: `${MIN_B}–${MAX_B}; default 200 (as in pipeline.md).` },
  folds: { label: "Cross-validation folds (LASSO and SVM)", min: 3, max: 20, hint: "3–20; default 10. Small cohorts need fewer folds: every fold needs patients with and without ALN metastasis." },
};

function check(key: FieldKey, text: string): string | null {
  const f = FIELDS[key];
  const t = text.trim();
  if (t === "") return `${f.label}: enter a number.`;
  if (!/^\d+$/.test(t)) return `${f.label}: enter a whole number.`;
  const n = Number(t);
  if (n < f.min || n > f.max) return `${f.label} must be between ${f.min} and ${f.max}${key === "bootB" || key === "valB" ? " (fewer bootstrap resamples make the report meaningless)" : ""}.`;
  return null;
}

export function Runs({ cohortId }: { cohortId: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const cohorts = useQuery({ ...trpc.cohorts.list.queryOptions(), refetchOnMount: "always" });
  // refetch on every visit (Back from a run page used to show the list as it was when left)
  const runs = useQuery({ ...trpc.runs.list.queryOptions({ limit: 50 }), refetchInterval: 2000, refetchOnMount: "always", staleTime: 0 });
  const [cohort, setCohort] = useState<string>(cohortId ?? "");
  const [text, setText] = useState<Record<FieldKey, string>>({ seed: "20190147", bootB: "100", valB: "200", folds: "10" });
  const [touched, setTouched] = useState<Partial<Record<FieldKey, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [rule, setRule] = useState<"min" | "1se">("min");
  const [extract, setExtract] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  const guard = useSubmitGuard();
  const start = useMutation(trpc.runs.start.mutationOptions());
  // the cohort of the "Train on …" link, or the only cohort there is; with several, the admin must choose
  const chosenRow = cohorts.data?.find((c) => c.id === cohort) ?? (cohorts.data?.length === 1 ? cohorts.data[0] : undefined);
  const chosen = chosenRow?.id ?? "";
  const errors = Object.fromEntries((Object.keys(FIELDS) as FieldKey[]).map((k) => [k, check(k, text[k])])) as Record<FieldKey, string | null>;
  const cohortError = chosen ? null : "Choose the cohort to train on.";
  const show = (k: FieldKey) => (submitted || touched[k]) && errors[k];
  const busy = guard.pending || leaving;

  const field = (k: FieldKey) => (
    <div className="field">
      <label htmlFor={`run-${k}`}>{FIELDS[k].label}</label>
      <input
        id={`run-${k}`}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        value={text[k]}
        aria-invalid={show(k) ? true : undefined}
        aria-describedby={`run-${k}-hint${show(k) ? ` run-${k}-error` : ""}`}
        onChange={(e) => setText((t) => ({ ...t, [k]: e.target.value }))}
        onBlur={() => setTouched((t) => ({ ...t, [k]: true }))}
      />
      <small id={`run-${k}-hint`}>{FIELDS[k].hint}</small>
      {show(k) && (
        <span className="error" id={`run-${k}-error`}>
          {errors[k]}
        </span>
      )}
    </div>
  );

  return (
    <div>
      <form
        className="form card"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void guard.run(async () => {
            setSubmitted(true);
            setStartError(null);
            if (cohortError || Object.values(errors).some(Boolean)) return;
            const folds = Number(text.folds);
            try {
              const r = await start.mutateAsync({
                cohortId: chosen,
                seed: Number(text.seed),
                extractFromImages: extract,
                settings: { lasso: { bootstrapB: Number(text.bootB), lambdaRule: rule, nfolds: folds }, svm: { nfolds: folds }, validation: { B: Number(text.valB) } },
              });
              setLeaving(true); // keep the button disabled until the run page is shown
              router.push(`/admin/runs/${r.runId}`);
            } catch (err) {
              setStartError(errorText(err));
            }
          });
        }}
      >
        <h2>Start a training run</h2>
        <div className="field">
          <label htmlFor="run-cohort">Cohort</label>
          <select id="run-cohort" value={chosen} onChange={(e) => setCohort(e.target.value)} aria-invalid={submitted && cohortError ? true : undefined} aria-describedby={submitted && cohortError ? "run-cohort-error" : undefined}>
            <option value="">{cohorts.isPending ? "Loading cohorts…" : (cohorts.data?.length ?? 0) === 0 ? "No cohort imported yet" : "Choose a cohort…"}</option>
            {(cohorts.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {cohortChoiceLabel(c)}
              </option>
            ))}
          </select>
          {submitted && cohortError && (
            <span className="error" id="run-cohort-error">
              {cohortError}
            </span>
          )}
        </div>
        {field("seed")}
        {field("bootB")}
        {field("valB")}
        {field("folds")}
        <div className="field">
          <label htmlFor="run-rule">LASSO lambda rule</label>
          <select id="run-rule" value={rule} onChange={(e) => setRule(e.target.value as "min" | "1se")}>
            <option value="min">lambda.min</option>
            <option value="1se">lambda.1se</option>
          </select>
        </div>
        {chosenRow && chosenRow.images > 0 && chosenRow.featureCount ? (
          <div className="field">
            <label>
              <input type="checkbox" checked={extract} onChange={(e) => setExtract(e.target.checked)} /> Re-extract features from the stored images (slower)
            </label>
          </div>
        ) : null}
        <button type="submit" className="button" disabled={busy || cohorts.isPending} aria-busy={busy}>
          {busy ? "Starting…" : "Start training"}
        </button>
        {startError && (
          <p className="error" role="alert" id="start-error">
            {startError}
          </p>
        )}
      </form>
      <h2>Runs</h2>
      {runs.data && runs.data.length > 0 ? (
        <table className="report-table" id="runs-table">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Started</th>
              <th scope="col">Cohort</th>
              <th scope="col">Settings</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((r) => {
              const name = r.number ? `Run ${r.number}` : `Run …${r.id.slice(-6)}`;
              return (
                <tr key={r.id} data-run={r.id}>
                  <td>
                    <Link href={`/admin/runs/${r.id}`}>{name}</Link>
                  </td>
                  <td>{formatDateTime(r.createdAt)}</td>
                  <td>
                    {r.cohortName ?? "—"}
                    {r.cohortId ? <span className="small"> (id …{r.cohortId.slice(-6)})</span> : null}
                  </td>
                  <td>{r.config ? `LASSO B ${r.config.bootstrapB} · validation B ${r.config.validationB} · ${r.config.lassoFolds} folds · seed ${r.config.seed ?? "—"}` : "—"}</td>
                  <td>{r.status}</td>
                  <td>{r.status === "succeeded" ? "100%" : r.job ? `${r.job.progress}% ${r.job.stage ?? ""}` : ""}</td>
                  <td>
                    {r.modelVersionId ? (
                      <Link href={`/admin/models/${r.modelVersionId}`}>{`Report of ${r.modelVersionLabel ?? "the model"} (${name})`}</Link>
                    ) : (
                      (r.error ?? "")
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : runs.isPending ? (
        <p>Loading…</p>
      ) : (
        <p>No run yet.</p>
      )}
    </div>
  );
}
