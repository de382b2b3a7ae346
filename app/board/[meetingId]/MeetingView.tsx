"use client";
// A tumour-board meeting: its cases (factors, saved probability with CI, nomogram — read-only) and
// presentation mode: full screen, large type, next / previous case with → / ←, Esc to leave.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "@/app/_trpc/client";
import { Nomogram } from "@/app/_charts/Nomogram";
import { FACTOR_KEYS, FACTOR_LABELS } from "@/server/services/predict-inputs";
import { ModelLine, factorLong, formatValue, pct } from "../../cases/[caseId]/predict/parts";
import { formatDay } from "@/app/_components/format";

type Meeting = inferRouterOutputs<AppRouter>["meetings"]["get"];
type MeetingCase = Meeting["cases"][number];

function CaseContent({ c, meeting, large }: { c: MeetingCase; meeting: Meeting; large?: boolean }) {
  const p = c.prediction;
  const m = c.modelVersionId ? meeting.models[c.modelVersionId]?.model : null;
  if (!p) return <p>No saved prediction for this case yet.</p>;
  const o = p.outputs;
  return (
    <>
      {m ? <ModelLine model={m} label="Model version" /> : <p className="error">{meeting.models[p.modelVersionId]?.error ?? "Model version unavailable."}</p>}
      <div className={large ? "present-body" : "predict-grid"}>
        <table>
          <caption>Clinical factors</caption>
          <tbody>
            {FACTOR_KEYS.map((k) => (
              <tr key={k}>
                <th scope="row">{FACTOR_LABELS[k]}</th>
                <td>{factorLong(k, p.inputs[k])}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">Rad-score</th>
              <td>{p.inputs.radscore.toFixed(3)}</td>
            </tr>
          </tbody>
        </table>
        <div>
          <p>
            The model estimates a probability of ALN metastasis of <strong>{pct(o.probability)}</strong> (95% CI {pct(o.ci95[0])} to {pct(o.ci95[1])}). Patient&apos;s ultrasound ALN
            status: {p.inputs.us_aln}.
          </p>
          {m && (
            <Nomogram
              data={m.nomogram}
              current={{ values: { ...p.inputs } as unknown as Record<string, number | string>, points: o.points, totalPoints: o.totalPoints, probability: o.probability, ci95: o.ci95 }}
              formatValue={formatValue}
              fontScale={large ? 1.25 : 1}
              title={`Nomogram of case ${c.caseCode}`}
            />
          )}
        </div>
      </div>
    </>
  );
}

export function MeetingView({ meetingId }: { meetingId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.meetings.get.queryOptions({ id: meetingId }));
  const [present, setPresent] = useState<number | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const n = q.data?.cases.length ?? 0;

  const leave = useCallback(() => {
    setPresent(null);
    if (typeof document !== "undefined" && document.fullscreenElement) document.exitFullscreen().catch(() => {});
    setTimeout(() => opener.current?.focus(), 0);
  }, []);

  useEffect(() => {
    if (present === null) return;
    ref.current?.focus();
    const el = ref.current;
    let entered = false;
    if (el && !document.fullscreenElement && el.requestFullscreen)
      el.requestFullscreen()
        .then(() => (entered = true))
        .catch(() => {}); // refused (e.g. no user gesture): the overlay still fills the window
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "ArrowRight" || e.key === "PageDown") {
        e.preventDefault();
        setPresent((i) => (i === null ? i : Math.min(n - 1, i + 1)));
      } else if (e.key === "ArrowLeft" || e.key === "PageUp") {
        e.preventDefault();
        setPresent((i) => (i === null ? i : Math.max(0, i - 1)));
      } else if (e.key === "Escape") {
        e.preventDefault();
        leave();
      }
    };
    const onFs = () => {
      if (entered && !document.fullscreenElement) leave(); // the browser consumed Esc to leave full screen: leave presentation too
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("fullscreenchange", onFs);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("fullscreenchange", onFs);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [present === null, n, leave]);

  if (q.isLoading) return <p>Loading…</p>;
  if (q.error) return <p className="error">{q.error.message}</p>;
  const m = q.data!;
  const cur = present !== null ? m.cases[present] : null;
  return (
    <section>
      <p>
        <Link href="/board">← Meetings</Link>
      </p>
      <h1>
        {m.title} · {formatDay(m.date)}
      </h1>
      <p>
        {m.cases.length} case{m.cases.length === 1 ? "" : "s"} · read-only{m.hiddenCases ? ` · ${m.hiddenCases} other surgeons' case(s) not shown` : ""}
      </p>
      <button type="button" className="button" ref={opener} disabled={m.cases.length === 0} onClick={() => setPresent(0)}>
        Start presentation
      </button>
      <div className="meeting-cases" style={{ marginTop: "1rem" }}>
        {m.cases.map((c, i) => (
          <article key={c.id} className="card" aria-labelledby={`case-${c.id}`}>
            <h2 id={`case-${c.id}`}>
              Case {i + 1}: {c.caseCode}
            </h2>
            <CaseContent c={c} meeting={m} />
            <p>
              <Link href={`/cases/${c.id}/report`}>Report of case {c.caseCode}</Link>
            </p>
          </article>
        ))}
      </div>
      {cur && present !== null && (
        <div className="present" ref={ref} tabIndex={-1} role="dialog" aria-modal="true" aria-label={`Presentation: case ${cur.caseCode}`} data-testid="presentation">
          <div className="present-top">
            <h2 data-testid="present-case">Case {cur.caseCode}</h2>
            <span className="present-help">
              Case {present + 1} of {m.cases.length} · ← previous · → next · Esc leaves
            </span>
          </div>
          {cur.prediction && (
            <div>
              <span className="present-prob">{pct(cur.prediction.outputs.probability)}</span>{" "}
              <span className="present-ci">
                probability of ALN metastasis (95% CI {pct(cur.prediction.outputs.ci95[0])} to {pct(cur.prediction.outputs.ci95[1])})
              </span>
            </div>
          )}
          <CaseContent c={cur} meeting={m} large />
          <div className="button-row">
            <button type="button" className="button secondary" onClick={() => setPresent(Math.max(0, present - 1))} disabled={present === 0}>
              Previous case
            </button>
            <button type="button" className="button secondary" onClick={() => setPresent(Math.min(m.cases.length - 1, present + 1))} disabled={present === m.cases.length - 1}>
              Next case
            </button>
            <button type="button" className="button secondary" onClick={leave}>
              Leave presentation
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
