"use client";
// Example of a client component calling tRPC through TanStack Query.
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/client";
import { formatDateTime } from "@/app/_components/format";

export function AuditTable() {
  const trpc = useTRPC();
  const q = useQuery(trpc.audit.list.queryOptions({ limit: 100 }));
  if (q.isPending) return <p>Loading…</p>;
  if (q.isError) return <p role="alert" className="error">{q.error.message}</p>;
  return (
    <table>
      <caption>Latest 100 events</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Action</th>
          <th scope="col">Outcome</th>
          <th scope="col">Role</th>
          <th scope="col">Object</th>
        </tr>
      </thead>
      <tbody>
        {q.data.map((r) => (
          <tr key={r.id}>
            <td>{formatDateTime(r.at)}</td>
            <td>{r.action}</td>
            <td>{r.outcome}</td>
            <td>{r.actorRole ?? "anonymous"}</td>
            <td>{[r.objectType, r.objectId].filter(Boolean).join(" ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
