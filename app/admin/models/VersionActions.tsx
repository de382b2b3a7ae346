"use client";
// Transitions of one model version: publish (draft, required comment), roll back to it (earlier published or
// retired), retire (not the active one). Every button needs a comment (why), recorded in the audit log.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/client";
import "./admin.css";
import { formatDateTime } from "@/app/_components/format";

export function VersionHeader({ versionId }: { versionId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const v = useQuery(trpc.models.get.queryOptions({ id: versionId }));
  const [comment, setComment] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const onSuccess = (what: string) => async () => {
    setComment("");
    setDone(what);
    await qc.invalidateQueries();
  };
  const publish = useMutation(trpc.models.publish.mutationOptions({ onSuccess: onSuccess("Published and active.") }));
  const rollback = useMutation(trpc.models.rollback.mutationOptions({ onSuccess: onSuccess("This version is active again.") }));
  const retire = useMutation(trpc.models.retire.mutationOptions({ onSuccess: onSuccess("Retired.") }));
  const err = publish.error ?? rollback.error ?? retire.error;
  if (v.isPending) return <p>Loading…</p>;
  if (v.isError) return <p className="error" role="alert" id="version-error">{v.error.message}</p>;
  const m = v.data;
  return (
    <div>
      <h1>
        Model {m.label}
        <span className={`badge ${m.active ? "active" : m.status}`} data-testid="version-status">
          {m.active ? "active" : m.status}
        </span>
        {m.demo && <span className="badge demo">demo</span>}
      </h1>
      {!m.integrity.ok && (
        <p className="integrity-bad" role="alert" id="integrity-error">
          {m.integrity.reason}
        </p>
      )}
      <p>
        Created {formatDateTime(m.createdAt)}
        {m.createdBy ? ` by ${m.createdBy}` : ""}
        {m.publishedAt ? ` · published ${formatDateTime(m.publishedAt)}${m.publishedBy ? ` by ${m.publishedBy}` : ""}` : ""}
        {m.comment ? ` · “${m.comment}”` : ""} · {m.predictions} prediction(s) made with it
      </p>
      {m.integrity.ok && (
        <form
          className="form no-print card"
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <div className="field">
            <label htmlFor="transition-comment">Comment (why) — required for publish, roll back and retire</label>
            <textarea id="transition-comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
          </div>
          <div style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
            {m.status === "draft" && (
              <button type="button" className="button" disabled={publish.isPending} onClick={() => publish.mutate({ id: m.id, comment })}>
                Publish
              </button>
            )}
            {m.status !== "draft" && !m.active && (
              <button type="button" className="button" disabled={rollback.isPending} onClick={() => rollback.mutate({ id: m.id, comment })}>
                Roll back to this version
              </button>
            )}
            {m.status !== "retired" && m.status !== "draft" && !m.active && (
              <button type="button" className="button secondary" disabled={retire.isPending} onClick={() => retire.mutate({ id: m.id, comment })}>
                Retire
              </button>
            )}
          </div>
          {err && (
            <p className="error" role="alert" id="transition-error">
              {err.message}
            </p>
          )}
          {done && (
            <p role="status" id="transition-done">
              {done}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
