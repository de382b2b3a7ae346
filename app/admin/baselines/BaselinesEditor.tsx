"use client";
// One form per baseline row: value and citation (comparator and figure too), saved with baselines.update (admin).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTRPC } from "@/app/_trpc/client";

type Row = { id: string; name: string; metric: string; value: string; citation: string };

function RowForm({ row }: { row: Row }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const uid = useId();
  const [v, setV] = useState(row);
  const upd = useMutation(trpc.baselines.update.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.baselines.list.queryKey() }) }));
  const changed = v.name !== row.name || v.metric !== row.metric || v.value !== row.value || v.citation !== row.citation;
  return (
    <form
      className="card form"
      style={{ marginBottom: "0.75rem", gridTemplateColumns: "2fr 1fr 1fr 3fr auto", alignItems: "end" }}
      onSubmit={(e) => {
        e.preventDefault();
        upd.mutate({ id: row.id, name: v.name, metric: v.metric, value: v.value, citation: v.citation });
      }}
    >
      <div className="field">
        <label htmlFor={`${uid}-n`}>Comparator</label>
        <input id={`${uid}-n`} value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${uid}-m`}>Figure</label>
        <input id={`${uid}-m`} value={v.metric} onChange={(e) => setV({ ...v, metric: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${uid}-v`}>Value</label>
        <input id={`${uid}-v`} value={v.value} onChange={(e) => setV({ ...v, value: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${uid}-c`}>Citation</label>
        <input id={`${uid}-c`} value={v.citation} onChange={(e) => setV({ ...v, citation: e.target.value })} />
      </div>
      <div>
        <button className="button" type="submit" disabled={!changed || upd.isPending}>
          Save
        </button>
        <p role="status" className="small">
          {upd.error ? <span className="error">{upd.error.message}</span> : upd.isSuccess && !changed ? "Saved." : ""}
        </p>
      </div>
    </form>
  );
}

export function BaselinesEditor() {
  const trpc = useTRPC();
  const q = useQuery(trpc.baselines.list.queryOptions());
  if (q.isLoading) return <p>Loading…</p>;
  if (q.error) return <p className="error">{q.error.message}</p>;
  return (
    <div>
      {q.data!.map((r) => (
        <RowForm key={`${r.id}-${r.updatedAt}`} row={r} />
      ))}
    </div>
  );
}
