"use client";
// One form per baseline row: value and citation (comparator and figure too), saved with baselines.update (admin).
// Comparator and citation are multi-line boxes (long names were cut off); empty fields are refused before sending;
// one save per click.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTRPC } from "@/app/_trpc/client";
import { errorText, useSubmitGuard } from "../_lib/mutations";

type Row = { id: string; name: string; metric: string; value: string; citation: string };

function RowForm({ row }: { row: Row }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const uid = useId();
  const [v, setV] = useState(row);
  const upd = useMutation(trpc.baselines.update.mutationOptions());
  const guard = useSubmitGuard();
  const [err, setErr] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const changed = v.name !== row.name || v.metric !== row.metric || v.value !== row.value || v.citation !== row.citation;
  return (
    <form
      className="card form"
      style={{ marginBottom: "0.75rem", gridTemplateColumns: "minmax(16rem, 3fr) minmax(6rem, 1fr) minmax(6rem, 1fr)", alignItems: "start" }}
      onSubmit={(e) => {
        e.preventDefault();
        void guard.run(async () => {
          setErr(null);
          setSaved(false);
          const empty = ([["Comparator", v.name], ["Figure", v.metric], ["Value", v.value], ["Citation", v.citation]] as const).filter(([, x]) => x.trim() === "").map(([k]) => k);
          if (empty.length) {
            setErr(`${empty.join(", ")}: required, cannot be empty.`);
            return;
          }
          try {
            await upd.mutateAsync({ id: row.id, name: v.name, metric: v.metric, value: v.value, citation: v.citation });
            await qc.invalidateQueries({ queryKey: trpc.baselines.list.queryKey() });
            setSaved(true);
          } catch (e) {
            setErr(errorText(e));
          }
        });
      }}
    >
      <div className="field">
        <label htmlFor={`${uid}-n`}>Comparator</label>
        <textarea id={`${uid}-n`} rows={2} value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${uid}-m`}>Figure</label>
        <input id={`${uid}-m`} value={v.metric} onChange={(e) => setV({ ...v, metric: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${uid}-v`}>Value</label>
        <input id={`${uid}-v`} value={v.value} onChange={(e) => setV({ ...v, value: e.target.value })} />
      </div>
      <div className="field" style={{ gridColumn: "1 / span 2" }}>
        <label htmlFor={`${uid}-c`}>Citation</label>
        <textarea id={`${uid}-c`} rows={2} value={v.citation} onChange={(e) => setV({ ...v, citation: e.target.value })} />
      </div>
      <div style={{ alignSelf: "end" }}>
        <button className="button" type="submit" disabled={!changed || guard.pending}>
          Save
        </button>
        <p role="status" className="small">
          {err ? <span className="error">{err}</span> : saved && !changed ? "Saved." : ""}
        </p>
      </div>
    </form>
  );
}

export function BaselinesEditor() {
  const trpc = useTRPC();
  const q = useQuery(trpc.baselines.list.queryOptions());
  if (q.isLoading) return <p>Loading…</p>;
  if (q.error) return <p className="error">{errorText(q.error)}</p>;
  return (
    <div>
      {q.data!.map((r) => (
        <RowForm key={r.id} row={r} />
      ))}
    </div>
  );
}
