"use client";
// Transitions of one model version: publish (draft, required comment), roll back to it (earlier published or
// retired), retire (not the active one). Every button needs a comment (why), recorded in the audit log; the comment
// box is shown only when an action is available. One request per click (double clicks are ignored), and the
// success message appears only once the version's new status has been fetched, so message and badge agree.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorText, useSubmitGuard } from "../_lib/mutations";
import { useTRPC } from "@/app/_trpc/client";
import "./admin.css";
import { formatDateTime } from "@/app/_components/format";

const MIN_COMMENT = 3;

export function VersionHeader({ versionId }: { versionId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const v = useQuery(trpc.models.get.queryOptions({ id: versionId }));
  const [comment, setComment] = useState("");
  const [msg, setMsg] = useState<{ kind: "error" | "done"; text: string } | null>(null);
  const guard = useSubmitGuard();
  const publish = useMutation(trpc.models.publish.mutationOptions());
  const rollback = useMutation(trpc.models.rollback.mutationOptions());
  const retire = useMutation(trpc.models.retire.mutationOptions());
  if (v.isPending) return <p>Loading…</p>;
  if (v.isError) return <p className="error" role="alert" id="version-error">{errorText(v.error)}</p>;
  const m = v.data;
  const canPublish = m.status === "draft";
  const canRollback = m.status !== "draft" && !m.active;
  const canRetire = m.status !== "retired" && m.status !== "draft" && !m.active;
  const anyAction = m.integrity.ok && (canPublish || canRollback || canRetire);

  const act = (mutateAsync: (i: { id: string; comment: string }) => Promise<unknown>, what: string) => () => {
    void guard.run(async () => {
      setMsg(null);
      if (comment.trim().length < MIN_COMMENT) {
        setMsg({ kind: "error", text: `A comment (why) is required: at least ${MIN_COMMENT} characters.` });
        return;
      }
      try {
        await mutateAsync({ id: m.id, comment: comment.trim() });
      } catch (e) {
        setMsg({ kind: "error", text: errorText(e) });
        await qc.invalidateQueries();
        return;
      }
      // refetch first, so the badge already shows the new status when the message appears
      await qc.invalidateQueries();
      setComment("");
      setMsg({ kind: "done", text: what });
    });
  };
  const busy = guard.pending;
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
      {m.integrity.ok && m.active && (
        <p className="no-print" id="no-transition">
          This is the active version. To replace it, publish a draft or roll back to an earlier version from that version&apos;s page.
        </p>
      )}
      {anyAction && (
        <form
          className="form no-print card"
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <div className="field">
            <label htmlFor="transition-comment">Comment (why) — required for {[canPublish && "publish", canRollback && "roll back", canRetire && "retire"].filter(Boolean).join(", ").replace(/, ([^,]*)$/, " and $1")}</label>
            <textarea id="transition-comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} aria-describedby="transition-comment-hint" />
            <small id="transition-comment-hint">At least {MIN_COMMENT} characters; recorded in the audit log.</small>
          </div>
          <div style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
            {canPublish && (
              <button type="button" className="button" disabled={busy} aria-busy={busy} onClick={act(publish.mutateAsync, "Published and active.")}>
                Publish
              </button>
            )}
            {canRollback && (
              <button type="button" className="button" disabled={busy} aria-busy={busy} onClick={act(rollback.mutateAsync, "This version is active again.")}>
                Roll back to this version
              </button>
            )}
            {canRetire && (
              <button type="button" className="button secondary" disabled={busy} aria-busy={busy} onClick={act(retire.mutateAsync, "Retired.")}>
                Retire
              </button>
            )}
          </div>
          {msg?.kind === "error" && (
            <p className="error" role="alert" id="transition-error">
              {msg.text}
            </p>
          )}
        </form>
      )}
      {msg?.kind === "done" && (
        <p role="status" id="transition-done">
          {msg.text}
        </p>
      )}
    </div>
  );
}
