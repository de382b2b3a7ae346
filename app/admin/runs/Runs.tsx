"use client";
// Start a training run on an imported cohort (seed and the main pipeline settings; the rest are the pipeline
// defaults) and list runs with their state.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/client";
import "../models/admin.css";
import { formatDateTime } from "@/app/_components/format";

export function Runs({ cohortId }: { cohortId: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const cohorts = useQuery(trpc.cohorts.list.queryOptions());
  const runs = useQuery({ ...trpc.runs.list.queryOptions({ limit: 50 }), refetchInterval: 2000 });
  const [cohort, setCohort] = useState<string>(cohortId ?? "");
  const [seed, setSeed] = useState(20190147);
  const [bootB, setBootB] = useState(100);
  const [valB, setValB] = useState(200);
  const [rule, setRule] = useState<"min" | "1se">("min");
  const [extract, setExtract] = useState(false);
  const start = useMutation(trpc.runs.start.mutationOptions({ onSuccess: (r) => router.push(`/admin/runs/${r.runId}`) }));
  const chosen = cohort || cohorts.data?.[0]?.id || "";
  const chosenRow = cohorts.data?.find((c) => c.id === chosen);
  return (
    <div>
      <form
        className="form card"
        onSubmit={(e) => {
          e.preventDefault();
          start.mutate({ cohortId: chosen, seed, extractFromImages: extract, settings: { lasso: { bootstrapB: bootB, lambdaRule: rule }, validation: { B: valB } } });
        }}
      >
        <h2>Start a training run</h2>
        <div className="field">
          <label htmlFor="run-cohort">Cohort</label>
          <select id="run-cohort" value={chosen} onChange={(e) => setCohort(e.target.value)}>
            {(cohorts.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.n} patients)
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="run-seed">Seed</label>
          <input id="run-seed" type="number" min={0} value={seed} onChange={(e) => setSeed(Number(e.target.value))} />
        </div>
        <div className="field">
          <label htmlFor="run-bootstrap">LASSO bootstrap selections (B)</label>
          <input id="run-bootstrap" type="number" min={0} max={2000} value={bootB} onChange={(e) => setBootB(Number(e.target.value))} />
        </div>
        <div className="field">
          <label htmlFor="run-validate">Validation / calibration bootstrap (B)</label>
          <input id="run-validate" type="number" min={0} max={2000} value={valB} onChange={(e) => setValB(Number(e.target.value))} />
        </div>
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
        <button type="submit" className="button" disabled={!chosen || start.isPending}>
          Start training
        </button>
        {start.isError && (
          <p className="error" role="alert" id="start-error">
            {start.error.message}
          </p>
        )}
      </form>
      <h2>Runs</h2>
      {runs.data && runs.data.length > 0 ? (
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Cohort</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link href={`/admin/runs/${r.id}`}>{formatDateTime(r.createdAt)}</Link>
                </td>
                <td>{r.cohortName}</td>
                <td>{r.status}</td>
                <td>{r.job ? `${r.job.progress}% ${r.job.stage ?? ""}` : ""}</td>
                <td>{r.modelVersionId ? <Link href={`/admin/models/${r.modelVersionId}`}>report</Link> : (r.error ?? "")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No run yet.</p>
      )}
    </div>
  );
}
