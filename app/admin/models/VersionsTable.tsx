"use client";
// All model versions: status, active, demo label, integrity (a refused version says why), headline AUC,
// predictions made with it, and what tells versions apart (cohort, bootstrap B, folds, seed); links to each report;
// choose exactly two to compare side by side (once two are ticked the other boxes are disabled).
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/client";
import "./admin.css";
import { formatDate, formatDateTime } from "@/app/_components/format";
import { errorText } from "../_lib/mutations";

export function VersionsTable() {
  const trpc = useTRPC();
  const router = useRouter();
  const q = useQuery(trpc.models.list.queryOptions());
  const [pick, setPick] = useState<string[]>([]);
  if (q.isPending) return <p>Loading…</p>;
  if (q.isError) return <p role="alert" className="error" id="versions-error">{errorText(q.error)}</p>;
  const active = q.data.find((v) => v.active);
  return (
    <div>
      <p>
        Active version: <strong data-testid="active-version">{active ? active.label : "none"}</strong>
        {active?.demo && <span className="badge demo">{active.demoLabel}</span>}
      </p>
      <p id="compare-rule">
        To compare, tick two versions ({pick.length} of 2 chosen{pick.length === 2 ? "; untick one to choose another" : ""}).
      </p>
      <table className="report-table">
        <caption style={{ textAlign: "left" }}>Model versions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Compare</th>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Integrity</th>
            <th scope="col">Trained on</th>
            <th scope="col">Settings</th>
            <th scope="col">Nomogram AUC (95% CI)</th>
            <th scope="col">Features</th>
            <th scope="col">Predictions</th>
            <th scope="col">Created</th>
            <th scope="col">Comment</th>
          </tr>
        </thead>
        <tbody>
          {q.data.map((v) => (
            <tr key={v.id} data-version={v.label}>
              <td>
                <label style={{ whiteSpace: "nowrap" }}>
                  <input
                    type="checkbox"
                    checked={pick.includes(v.id)}
                    disabled={!v.integrity.ok || (pick.length >= 2 && !pick.includes(v.id))}
                    aria-describedby="compare-rule"
                    onChange={(e) => setPick((p) => (e.target.checked ? (p.length >= 2 || p.includes(v.id) ? p : [...p, v.id]) : p.filter((x) => x !== v.id)))}
                  />
                  {` Compare ${v.label}`}
                </label>
              </td>
              <td>
                <Link href={`/admin/models/${v.id}`}>{v.label}</Link>
                {v.demo && <span className="badge demo">Demo model — not for clinical use</span>}
              </td>
              <td>
                <span className={`badge ${v.active ? "active" : v.status}`}>{v.active ? "published · active" : v.status}</span>
              </td>
              <td>{v.integrity.ok ? "hash verified" : <span className="error">{v.integrity.reason}</span>}</td>
              <td>
                {v.origin.cohortName ?? (v.demo ? "built-in demo cohort" : "—")}
                {v.origin.cohortId && (
                  <div className="small">
                    imported {v.origin.cohortImportedAt ? formatDate(v.origin.cohortImportedAt) : "—"}, id …{v.origin.cohortId.slice(-6)}
                    {v.origin.n !== null ? `, ${v.origin.n} patients` : ""}
                  </div>
                )}
              </td>
              <td>{`LASSO B ${v.origin.bootstrapB ?? "—"} · validation B ${v.origin.validationB ?? "—"} · ${v.origin.folds ?? "—"} folds · seed ${v.origin.seed ?? "—"}`}</td>
              <td className="num">{v.headline?.nomogramAuc !== null && v.headline?.nomogramAuc !== undefined ? `${v.headline.nomogramAuc.toFixed(3)} (${v.headline.nomogramAucCi![0].toFixed(3)}–${v.headline.nomogramAucCi![1].toFixed(3)}), ${v.headline.cohort}` : "—"}</td>
              <td className="num">{v.headline?.selected ?? "—"}</td>
              <td className="num">{v.predictions}</td>
              <td>{formatDateTime(v.createdAt)}</td>
              <td>{v.comment ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button type="button" className="button secondary" disabled={pick.length !== 2 || pick[0] === pick[1]} onClick={() => router.push(`/admin/models/compare?a=${pick[0]}&b=${pick[1]}`)}>
          Compare the two selected versions
        </button>
      </p>
    </div>
  );
}
