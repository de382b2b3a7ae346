"use client";
// Case list with search, and the create form ("Case code"). Codes are pseudonyms: the server refuses anything
// that could be a name (spaces, no digit); the form explains the rule before submitting.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/client";
import { formatDate } from "@/app/_components/format";

const CODE_RULE = "2–40 characters: letters, digits and - _ . / only, with at least one digit (e.g. AX-0001). Never a name or hospital number.";

function localProblem(code: string): string | null {
  const c = code.trim();
  if (!c) return "Enter a case code.";
  if (/\s/.test(c)) return "A case code has no spaces — it must not be a patient's name.";
  if (!/\d/.test(c)) return "A case code contains at least one digit (e.g. AX-0001); it must not be a patient's name.";
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(c) || c.length < 2 || c.length > 40) return CODE_RULE;
  return null;
}

export function CasesClient() {
  const trpc = useTRPC();
  const router = useRouter();
  const [search, setSearch] = useState("");
  const [code, setCode] = useState("");
  const [err, setErr] = useState<string | null>(null);
  const list = useQuery(trpc.cases.list.queryOptions({ search: search.trim() || undefined }));
  const create = useMutation(trpc.cases.create.mutationOptions());

  return (
    <div className="cases">
      <form
        className="card form create-case"
        onSubmit={async (e) => {
          e.preventDefault();
          const p = localProblem(code);
          if (p) return setErr(p);
          setErr(null);
          try {
            const c = await create.mutateAsync({ caseCode: code.trim() });
            router.push(`/cases/${c.id}`);
          } catch (ex) {
            setErr((ex as Error).message);
          }
        }}
      >
        <h2>New case</h2>
        <div className="field">
          <label htmlFor="case-code">Case code</label>
          <input id="case-code" value={code} onChange={(e) => setCode(e.target.value)} aria-describedby="case-code-help" autoComplete="off" spellCheck={false} />
          <span id="case-code-help" className="muted">
            {CODE_RULE}
          </span>
        </div>
        {err && (
          <p className="error" role="alert">
            {err}
          </p>
        )}
        <button className="button" type="submit" disabled={create.isPending}>
          Create case
        </button>
      </form>

      <div className="card">
        <div className="field">
          <label htmlFor="case-search">Search cases</label>
          <input id="case-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        {list.isLoading && <p>Loading…</p>}
        {list.error && <p className="error">{list.error.message}</p>}
        {list.data && list.data.length === 0 && <p>No cases{search ? " match" : " yet"}.</p>}
        {list.data && list.data.length > 0 && (
          <table>
            <caption>Your cases</caption>
            <thead>
              <tr>
                <th scope="col">Case code</th>
                <th scope="col">Created</th>
                <th scope="col">Images</th>
                <th scope="col">ROIs</th>
                <th scope="col">Rad-score</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={`/cases/${c.id}`}>{c.caseCode}</a>
                    {!c.own && <span className="muted"> (shared)</span>}
                  </td>
                  <td>{formatDate(c.createdAt)}</td>
                  <td>{c.images}</td>
                  <td>{c.rois}</td>
                  <td>
                    {c.radscore === null ? "—" : Number(c.radscore).toFixed(3)}
                    {c.radscore !== null && c.radscoreStale && <span className="flag"> out of date (ROI changed)</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
