"use client";
// The audit log for administrators: who (name and email, not only the role), what, the outcome, the object by a
// readable label (model version label, cohort name …) and the detail that matters (the comment of a model
// transition, a reason). Filters by action and outcome, "hide sign-in events" on by default, and paging to older
// events. Also the example of a client component calling tRPC through TanStack Query.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/client";
import { formatDateTime } from "@/app/_components/format";
import { errorText } from "../_lib/mutations";
import "../models/admin.css";

const PAGE = 50;

/** The part of an audit detail worth a column: the comment (why) of a transition, a reason, a from→to. */
export function detailText(detail: unknown): string {
  if (!detail || typeof detail !== "object") return "";
  const d = detail as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof d.from === "string" && typeof d.to === "string") parts.push(`${d.from} → ${d.to}`);
  if (typeof d.previousActiveLabel === "string") parts.push(`replaces ${d.previousActiveLabel}`);
  if (typeof d.reason === "string") parts.push(d.reason);
  if (typeof d.format === "string") parts.push(`format ${d.format}`);
  if (typeof d.n === "number") parts.push(`${d.n} patients`);
  return parts.join(" · ");
}

export function AuditTable() {
  const trpc = useTRPC();
  const [action, setAction] = useState("");
  const [outcome, setOutcome] = useState<"" | "success" | "denied" | "failure">("");
  const [hideSignIns, setHideSignIns] = useState(true);
  // page boundaries: beforeId of each page visited (undefined = newest)
  const [pages, setPages] = useState<(number | undefined)[]>([undefined]);
  const beforeId = pages[pages.length - 1];
  const actions = useQuery(trpc.audit.actions.queryOptions());
  const q = useQuery(trpc.audit.list.queryOptions({ limit: PAGE + 1, beforeId, action: action || undefined, outcome: outcome || undefined, hideSignIns: hideSignIns && !action.startsWith("auth.") ? true : undefined }));
  const resetPaging = () => setPages([undefined]);
  const rows = q.data?.slice(0, PAGE) ?? [];
  const hasOlder = (q.data?.length ?? 0) > PAGE;
  const pageNo = pages.length;
  return (
    <div>
      <form className="card" style={{ display: "flex", gap: "1rem", flexWrap: "wrap", alignItems: "end", marginBottom: "1rem" }} onSubmit={(e) => e.preventDefault()} aria-label="Audit log filters">
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select
            id="audit-action"
            value={action}
            onChange={(e) => {
              setAction(e.target.value);
              resetPaging();
            }}
          >
            <option value="">All actions</option>
            {(actions.data ?? []).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-outcome">Outcome</label>
          <select
            id="audit-outcome"
            value={outcome}
            onChange={(e) => {
              setOutcome(e.target.value as typeof outcome);
              resetPaging();
            }}
          >
            <option value="">All outcomes</option>
            <option value="success">success</option>
            <option value="denied">denied</option>
            <option value="failure">failure</option>
          </select>
        </div>
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={hideSignIns}
              onChange={(e) => {
                setHideSignIns(e.target.checked);
                resetPaging();
              }}
            />{" "}
            Hide sign-in and sign-out events
          </label>
        </div>
      </form>
      {q.isPending ? (
        <p>Loading…</p>
      ) : q.isError ? (
        <p role="alert" className="error" id="audit-error">
          {errorText(q.error)}
        </p>
      ) : (
        <>
          <table className="report-table" id="audit-table">
            <caption style={{ textAlign: "left" }}>
              {rows.length === 0 ? "No events match." : `Events ${(pageNo - 1) * PAGE + 1}–${(pageNo - 1) * PAGE + rows.length}, newest first${action ? `, action ${action}` : ""}${outcome ? `, outcome ${outcome}` : ""}${hideSignIns && !action.startsWith("auth.") ? ", without sign-in events" : ""}`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Who</th>
                <th scope="col">Object</th>
                <th scope="col">Comment (why)</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const d = (r.detail ?? {}) as Record<string, unknown>;
                return (
                  <tr key={r.id}>
                    <td>{formatDateTime(r.at)}</td>
                    <td>{r.action}</td>
                    <td>{r.outcome}</td>
                    <td>
                      {r.actorName ? (
                        <>
                          {r.actorName} <span className="small">&lt;{r.actorEmail}&gt;</span>
                          <div className="small">{r.actorRole}</div>
                        </>
                      ) : r.actorId ? (
                        `${r.actorRole ?? "unknown role"} (deleted user)`
                      ) : r.action.startsWith("trpc.") || r.action.startsWith("auth.") ? (
                        "anonymous (not signed in)"
                      ) : (
                        "system"
                      )}
                    </td>
                    <td>{r.objectLabel ?? [r.objectType, r.objectId].filter(Boolean).join(" ")}</td>
                    <td>{typeof d.why === "string" ? d.why : ""}</td>
                    <td>{detailText(d)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p style={{ display: "flex", gap: "0.5rem", alignItems: "center" }}>
            <button type="button" className="button secondary" disabled={pageNo === 1 || q.isFetching} onClick={() => setPages((p) => p.slice(0, -1))}>
              Newer events
            </button>
            <button type="button" className="button secondary" disabled={!hasOlder || q.isFetching} onClick={() => setPages((p) => [...p, rows[rows.length - 1].id])}>
              Older events
            </button>
            <span>Page {pageNo}</span>
          </p>
        </>
      )}
    </div>
  );
}
