"use client";
// The report of a saved prediction, drawn with the version that prediction used: case code, date, model
// version (demo label), Rad-score, factors with points, nomogram with the patient marked, probability with
// its CI, baselines, model performance, ROI images, scope and disclaimer. "Download PDF" asks the server for
// the PDF (reports.pdf, audited) and saves it.
import Link from "next/link";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/app/_trpc/client";
import { Nomogram } from "@/app/_charts/Nomogram";
import { FACTOR_KEYS, FACTOR_LABELS } from "@/server/services/predict-inputs";
import { BaselinesPanel, EstimateSentence, ModelLine, factorLong, formatValue, pct } from "../predict/parts";
import { formatDate, formatDateTime } from "@/app/_components/format";

export const DISCLAIMER =
  "Decision support only. The model estimates a probability; it does not diagnose and gives no order. Treatment decisions remain with the clinical team, who weigh the estimate with all other findings.";

/** The way back from the report: a board member returns to the meeting the case was opened from (or to the
 *  meetings list) — the prediction page is surgeon-only and would send them to their home page. */
function BackLinks({ caseId, role, meetingId }: { caseId: string; role: "surgeon" | "board"; meetingId?: string }) {
  return (
    <p className="no-print back-links">
      {role === "surgeon" && <Link href={`/cases/${caseId}/predict`}>← Prediction</Link>}
      {meetingId ? (
        <Link href={`/board/${meetingId}`}>← Back to the meeting</Link>
      ) : (
        role === "board" && <Link href="/board">← Tumour board meetings</Link>
      )}
    </p>
  );
}

export function ReportView({ caseId, predictionId, role, meetingId }: { caseId: string; predictionId?: string; role: "surgeon" | "board"; meetingId?: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.reports.data.queryOptions({ caseId, predictionId }));
  const imgs = useQuery(trpc.reports.images.queryOptions({ caseId }));
  const [msg, setMsg] = useState<string | null>(null);
  const pdf = useMutation(
    trpc.reports.pdf.mutationOptions({
      onSuccess: (r) => {
        const bin = atob(r.base64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        const url = URL.createObjectURL(new Blob([bytes], { type: "application/pdf" }));
        const a = document.createElement("a");
        a.href = url;
        a.download = r.filename;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        setMsg(`Downloaded ${r.filename} (${Math.round(r.bytes / 1024)} kB).`);
      },
    }),
  );
  if (q.isLoading) return <p>Loading…</p>;
  if (q.error) {
    // e.g. "This case has no saved prediction yet: …" (NOT_FOUND): say so, and offer the way on
    const noPrediction = /no saved prediction/i.test(q.error.message);
    return (
      <article className="report">
        <h1>ALN metastasis decision-support report</h1>
        <p className="error" id="report-error">
          {q.error.message}
        </p>
        <ul className="next-steps" data-testid="report-next-steps">
          {role === "surgeon" && noPrediction && (
            <li>
              <Link href={`/cases/${caseId}/predict`}>Open the prediction page</Link> to enter the clinical factors and save a prediction.
            </li>
          )}
          {role === "surgeon" && noPrediction && (
            <li>
              <Link href={`/cases/${caseId}`}>Back to the case</Link>
            </li>
          )}
          {role === "surgeon" && (
            <li>
              <Link href="/cases">All cases</Link>
            </li>
          )}
          {meetingId && (
            <li>
              <Link href={`/board/${meetingId}`}>Back to the meeting</Link>
            </li>
          )}
          {role === "board" && (
            <li>
              <Link href="/board">Tumour board meetings</Link>
            </li>
          )}
        </ul>
      </article>
    );
  }
  const { case: c, prediction: p, model, baselines } = q.data!;
  const o = p.outputs;
  const inp = p.inputs;
  const values = { ...inp } as unknown as Record<string, number | string>;
  return (
    <article className="report">
      <BackLinks caseId={caseId} role={role} meetingId={meetingId} />
      <h1>ALN metastasis decision-support report</h1>
      <p className="meta">
        Case <strong data-testid="report-case">{c.caseCode}</strong> · prediction saved {formatDateTime(p.createdAt)} · printed {formatDate(new Date())}
      </p>
      <ModelLine model={model} label="Model version used" />
      <div className="button-row no-print">
        <button type="button" className="button" onClick={() => pdf.mutate({ caseId, predictionId: p.id })} disabled={pdf.isPending}>
          Download PDF
        </button>
        <button type="button" className="button secondary" onClick={() => window.print()}>
          Print
        </button>
        <span role="status" className="status">
          {pdf.error ? <span className="error">{pdf.error.message}</span> : msg}
        </span>
      </div>

      <section className="card">
        <h2>Estimate</h2>
        <div className="estimate">
          <span className="big" data-testid="report-probability">
            {pct(o.probability)}
          </span>
          <span className="ci">
            95% CI {pct(o.ci95[0])} to {pct(o.ci95[1])}
          </span>
        </div>
        <EstimateSentence probability={o.probability} ci={o.ci95} />
        {(o.outOfRange.length > 0 || o.radscoreOutOfRange.length > 0) && <p className="flag">Outside the training range: {[...o.outOfRange, ...o.radscoreOutOfRange].join(", ")}.</p>}
      </section>

      <section className="card">
        <h2>Inputs</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Factor</th>
              <th scope="col">Value</th>
              <th scope="col">Points</th>
            </tr>
          </thead>
          <tbody>
            {FACTOR_KEYS.map((k) => (
              <tr key={k}>
                <td>{FACTOR_LABELS[k]}</td>
                <td>{factorLong(k, inp[k])}</td>
                <td>{o.points[k] !== undefined ? o.points[k].toFixed(1) : "not in the model"}</td>
              </tr>
            ))}
            <tr>
              <td>Rad-score</td>
              <td>{inp.radscore.toFixed(3)}</td>
              <td>{o.points.radscore !== undefined ? o.points.radscore.toFixed(1) : "not in the model"}</td>
            </tr>
            <tr>
              <th scope="row">Total points</th>
              <td />
              <td>{o.totalPoints.toFixed(1)}</td>
            </tr>
          </tbody>
        </table>
      </section>

      <section className="card nomogram-section">
        <h2>Nomogram with the patient marked</h2>
        <Nomogram
          data={model.nomogram}
          current={{ values, points: o.points, totalPoints: o.totalPoints, probability: o.probability, ci95: o.ci95 }}
          formatValue={formatValue}
          title={`Nomogram of model version ${model.versionLabel} with case ${c.caseCode} marked`}
          id="report-nomogram"
        />
      </section>

      {imgs.data && imgs.data.length > 0 && (
        <section className="card">
          <h2>Mammograms with the tumour outline</h2>
          <div className="images">
            {imgs.data.map((im, i) => (
              <figure key={i}>
                <img src={im.dataUrl} alt={`${im.view} with the tumour ROI outlined in red`} />
                <figcaption className="small">{im.view}</figcaption>
              </figure>
            ))}
          </div>
        </section>
      )}

      <BaselinesPanel model={model} usAln={inp.us_aln} probability={o.probability} threshold={inp.threshold} op={o.operating} clinical={o.clinicalOnly} baselines={baselines} />

      <section className="card">
        <h2>Model performance</h2>
        <p>
          C-index: apparent {model.performance.cIndex.apparent.toFixed(3)}, optimism-corrected {model.performance.cIndex.optimismCorrected?.toFixed(3) ?? "n/a"}, validation{" "}
          {model.performance.cIndex.validation?.toFixed(3) ?? "n/a"}.
        </p>
        <ul>
          {[model.performance.primary, model.performance.validation].filter((s) => s !== null).map((s) => (
            <li key={s.cohort}>
              {s.cohort} (n = {s.n}, {s.events} events): AUC {s.auc.toFixed(3)} (95% CI {s.aucCi[0].toFixed(3)}–{s.aucCi[1].toFixed(3)}); at {pct(s.threshold, 0)}: accuracy {pct(s.acc)},
              sensitivity {pct(s.tpr)}, specificity {pct(s.tnr)}, NPV {pct(s.npv)}.
            </li>
          ))}
        </ul>
      </section>

      <section>
        <p className="disclaimer">{DISCLAIMER}</p>
        {model.demo && <p className="banner-demo">{model.demoLabel}</p>}
      </section>
    </article>
  );
}
