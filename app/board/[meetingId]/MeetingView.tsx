"use client";
// A tumour-board meeting: its cases (factors, saved probability with CI, nomogram — read-only) and
// presentation mode: full screen, large type, next / previous case with → / ← (and PageDown / PageUp while the
// whole case fits on the screen; otherwise they scroll it), Esc to leave. Presentation mode is a modal dialog:
// a fixed header (case, estimate) and footer (navigation) with the case between them, the nomogram scaled to
// the height left; Tab stays inside it and focus returns to where it was on leaving.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "@/app/_trpc/client";
import { Nomogram, type NomogramState } from "@/app/_charts/Nomogram";
import type { NomogramData } from "@/server/services/nomogram-data";
import { FACTOR_KEYS, FACTOR_LABELS } from "@/server/services/predict-inputs";
import { ModelLine, factorLong, formatValue, pct } from "../../cases/[caseId]/predict/parts";
import { formatDay } from "@/app/_components/format";

type Meeting = inferRouterOutputs<AppRouter>["meetings"]["get"];
type MeetingCase = Meeting["cases"][number];

// ------------------------------------------------------------------------------------------ nomogram sizing
// The nomogram SVG (app/_charts/Nomogram) scales its viewBox to the width of its container; its layout is
// TOP 34 + one 56-unit row per axis (+ Points, Total points, Probability) + 10, and its smallest text is the
// 11-unit tick labels. Choosing the viewBox width sets the on-screen scale k (px per unit): text = 11·k px,
// height = k · (44 + 56 · rows) px.
const NOMO_TOP_BOTTOM = 44;
const NOMO_ROW = 56;
const NOMO_MIN_TEXT = 11;
const NOMO_MIN_WIDTH = 560; // below this the points scale gets too short to read
const NOMO_MAX_WIDTH = 980;
/** smallest nomogram text on the meeting page (px) */
const PAGE_TEXT_PX = 12;
/** smallest nomogram text in presentation mode (px): readable on a projector */
export const PRESENT_TEXT_PX = 16;
const PRESENT_MAX_TEXT_PX = 18; // larger type would only shorten the points scale (and crowd category labels)
const PRESENT_GAP_PX = 8; // .present-body gap (board.css)

function nomogramUnits(data: NomogramData): number {
  return NOMO_TOP_BOTTOM + (data.axes.length + 3) * NOMO_ROW;
}

/** Content-box size of an element (re-measured on resize); null until it is mounted. */
function useBox(el: HTMLElement | null): { w: number; h: number } | null {
  const [box, setBox] = useState<{ w: number; h: number } | null>(null);
  useLayoutEffect(() => {
    if (!el) return;
    const measure = () => {
      const cs = getComputedStyle(el);
      const w = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      const h = el.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
      setBox((b) => (b && Math.abs(b.w - w) < 0.5 && Math.abs(b.h - h) < 0.5 ? b : { w, h }));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [el]);
  return box;
}

/**
 * The read-only nomogram at a readable size. Page: about PAGE_TEXT_PX text at the container's width.
 * Presentation (`fitHeight` = the height available): as large as fits that height, never below PRESENT_TEXT_PX
 * (then the case scrolls — the parent sees it and lets PageUp/PageDown scroll instead of changing case).
 */
function ReadableNomogram({
  data,
  current,
  title,
  fitHeight,
  onLayout,
}: {
  data: NomogramData;
  current: NomogramState;
  title: string;
  fitHeight?: number;
  /** called after every size change (presentation: re-check whether the case still fits) */
  onLayout?: () => void;
}) {
  const [wrap, setWrap] = useState<HTMLDivElement | null>(null);
  const box = useBox(wrap);
  let width = NOMO_MAX_WIDTH;
  if (box && box.w > 0) {
    if (fitHeight === undefined) {
      // page: about PAGE_TEXT_PX, within the usual viewBox widths
      width = Math.min(NOMO_MAX_WIDTH, Math.max(NOMO_MIN_WIDTH, box.w / (PAGE_TEXT_PX / NOMO_MIN_TEXT)));
    } else {
      // presentation: as large as the height allows (a few px of slack against rounding), at most
      // PRESENT_MAX_TEXT_PX and not so large that the points scale gets too short — but never below PRESENT_TEXT_PX
      const kMin = PRESENT_TEXT_PX / NOMO_MIN_TEXT + 0.01;
      const kFit = (fitHeight - 4) / nomogramUnits(data);
      const k = Math.max(kMin, Math.min(kFit, PRESENT_MAX_TEXT_PX / NOMO_MIN_TEXT, box.w / NOMO_MIN_WIDTH));
      width = box.w / k; // no upper bound: a wider viewBox at the same scale just lengthens the points scale
    }
    width = Math.round(width);
  }
  useLayoutEffect(() => onLayout?.(), [width, onLayout]);
  return (
    <div ref={setWrap} className="readable-nomogram" data-testid="meeting-nomogram">
      <Nomogram data={data} current={current} formatValue={formatValue} width={width} title={title} />
    </div>
  );
}

// ------------------------------------------------------------------------------------------------ case view

function FactorTable({ p }: { p: NonNullable<MeetingCase["prediction"]> }) {
  return (
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
  );
}

function modelOf(c: MeetingCase, meeting: Meeting) {
  return c.modelVersionId ? meeting.models[c.modelVersionId]?.model : null;
}

function ModelStatus({ c, meeting, p }: { c: MeetingCase; meeting: Meeting; p: NonNullable<MeetingCase["prediction"]> }) {
  const m = modelOf(c, meeting);
  return m ? <ModelLine model={m} label="Model version" /> : <p className="error">{meeting.models[p.modelVersionId]?.error ?? "Model version unavailable."}</p>;
}

function currentOf(p: NonNullable<MeetingCase["prediction"]>): NomogramState {
  const o = p.outputs;
  return { values: { ...p.inputs } as unknown as Record<string, number | string>, points: o.points, totalPoints: o.totalPoints, probability: o.probability, ci95: o.ci95 };
}

/** A case on the meeting page: factors and estimate side by side, the nomogram below at the card's full width
 *  (beside the table it was drawn at ~7 px text). */
function CaseContent({ c, meeting }: { c: MeetingCase; meeting: Meeting }) {
  const p = c.prediction;
  const m = modelOf(c, meeting);
  if (!p) return <p>No saved prediction for this case yet.</p>;
  const o = p.outputs;
  return (
    <>
      <ModelStatus c={c} meeting={meeting} p={p} />
      <div className="predict-grid">
        <FactorTable p={p} />
        <p>
          The model estimates a probability of ALN metastasis of <strong>{pct(o.probability)}</strong> (95% CI {pct(o.ci95[0])} to {pct(o.ci95[1])}). Patient&apos;s ultrasound ALN
          status: {p.inputs.us_aln}.
        </p>
      </div>
      {m && <ReadableNomogram data={m.nomogram} current={currentOf(p)} title={`Nomogram of case ${c.caseCode}`} />}
    </>
  );
}

/** Presentation: the factors in one compact block (full width, so the nomogram below keeps the whole width for
 *  its points scale) and the nomogram fitted to the height left. */
function PresentContent({ c, meeting, height, onLayout }: { c: MeetingCase; meeting: Meeting; height: number | null; onLayout: () => void }) {
  const [strip, setStrip] = useState<HTMLDListElement | null>(null);
  const stripBox = useBox(strip);
  const p = c.prediction;
  const m = modelOf(c, meeting);
  if (!p) return <p>No saved prediction for this case yet.</p>;
  // the height left for the nomogram: the case area minus the factors and the gap below them (8 px, board.css)
  const fit = height !== null && stripBox ? height - stripBox.h - PRESENT_GAP_PX : null;
  return (
    <div className="present-body">
      <dl className="present-factors" ref={setStrip}>
        {FACTOR_KEYS.map((k) => (
          <div key={k}>
            <dt>{FACTOR_LABELS[k]}</dt>
            <dd>{factorLong(k, p.inputs[k])}</dd>
          </div>
        ))}
        <div>
          <dt>Rad-score</dt>
          <dd>{p.inputs.radscore.toFixed(3)}</dd>
        </div>
      </dl>
      {!m && <p className="error">{meeting.models[p.modelVersionId]?.error ?? "Model version unavailable."}</p>}
      <div className="present-nomogram">
        {m && fit !== null && <ReadableNomogram data={m.nomogram} current={currentOf(p)} title={`Nomogram of case ${c.caseCode}`} fitHeight={fit} onLayout={onLayout} />}
      </div>
    </div>
  );
}

// ------------------------------------------------------------------------------------------ presentation

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function Presentation({ meeting, index, setIndex, onLeave }: { meeting: Meeting; index: number; setIndex: (i: number) => void; onLeave: () => void }) {
  const uid = useId();
  const ref = useRef<HTMLDivElement>(null);
  const [body, setBody] = useState<HTMLDivElement | null>(null);
  const bodyBox = useBox(body); // the case area between header and footer (content box)
  const [hidden, setHidden] = useState(false); // part of the case is scrolled out of view
  const n = meeting.cases.length;
  const cur = meeting.cases[index];
  const state = useRef({ index, n, setIndex, onLeave });
  useLayoutEffect(() => {
    state.current = { index, n, setIndex, onLeave };
  });

  // does the case overflow its area? (checked on resize and whenever the nomogram changes size)
  const check = useCallback(() => {
    if (body) setHidden(body.scrollHeight > body.clientHeight + 1);
  }, [body]);
  useLayoutEffect(() => {
    if (!body) return;
    check();
    const ro = new ResizeObserver(check);
    ro.observe(body);
    return () => ro.disconnect();
  }, [body, check, index]);

  // a new case starts at its top; focus never stays on a control that got disabled (first / last case)
  useEffect(() => {
    if (body) body.scrollTop = 0;
    const d = ref.current;
    if (d && !d.contains(document.activeElement)) d.focus();
  }, [index, body]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    dialog.focus();
    let entered = false;
    if (!document.fullscreenElement && dialog.requestFullscreen)
      dialog
        .requestFullscreen()
        .then(() => (entered = true))
        .catch(() => {}); // refused (e.g. no user gesture): the overlay still fills the window
    const overflowing = () => {
      const b = dialog.querySelector<HTMLElement>(".present-main");
      return !!b && b.scrollHeight > b.clientHeight + 1;
    };
    const scrollBy = (dy: number) => dialog.querySelector<HTMLElement>(".present-main")?.scrollBy({ top: dy });
    const onKey = (e: KeyboardEvent) => {
      const s = state.current;
      if (e.key === "Tab") {
        // focus trap: Tab / Shift+Tab cycle through the dialog's controls
        const items = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.getClientRects().length > 0);
        e.preventDefault();
        if (!items.length) return dialog.focus();
        const at = items.indexOf(document.activeElement as HTMLElement);
        const next = e.shiftKey ? (at <= 0 ? items.length - 1 : at - 1) : at === -1 || at === items.length - 1 ? 0 : at + 1;
        items[next].focus();
        return;
      }
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === "Escape") {
        e.preventDefault();
        s.onLeave();
      } else if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        e.preventDefault();
        s.setIndex(e.key === "ArrowRight" ? Math.min(s.n - 1, s.index + 1) : Math.max(0, s.index - 1));
      } else if (e.key === "PageDown" || e.key === "PageUp") {
        e.preventDefault();
        const down = e.key === "PageDown";
        const b = dialog.querySelector<HTMLElement>(".present-main");
        // only while the whole case is on the screen do they change case; otherwise they scroll it
        if (overflowing() && b) scrollBy((down ? 1 : -1) * Math.max(40, b.clientHeight * 0.85));
        else s.setIndex(down ? Math.min(s.n - 1, s.index + 1) : Math.max(0, s.index - 1));
      } else if ((e.key === "ArrowDown" || e.key === "ArrowUp") && overflowing()) {
        e.preventDefault();
        scrollBy(e.key === "ArrowDown" ? 48 : -48);
      }
    };
    // focus that lands outside (e.g. a click through) comes back into the dialog
    const onFocusIn = (e: FocusEvent) => {
      if (e.target instanceof Node && !dialog.contains(e.target)) dialog.focus();
    };
    const onFs = () => {
      if (entered && !document.fullscreenElement) state.current.onLeave(); // the browser consumed Esc to leave full screen: leave presentation too
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("focusin", onFocusIn);
    document.addEventListener("fullscreenchange", onFs);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("focusin", onFocusIn);
      document.removeEventListener("fullscreenchange", onFs);
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    };
  }, []);

  const pr = cur.prediction;
  const model = modelOf(cur, meeting);
  return (
    <div className="present" ref={ref} tabIndex={-1} role="dialog" aria-modal="true" aria-labelledby={`${uid}-case`} data-testid="presentation">
      <header className="present-bar present-head">
        <div className="present-title">
          <div className="present-title-row">
            <h2 id={`${uid}-case`} data-testid="present-case">
              Case {cur.caseCode}
            </h2>
            {model?.demo && (
              <p className="banner-demo" role="note">
                {model.demoLabel ?? "Demo model — not for clinical use"}
              </p>
            )}
          </div>
          <span className="present-meeting">
            {meeting.title} · {formatDay(meeting.date)}
            {model && (
              <>
                {" "}
                · model version {model.versionLabel}
                {model.active ? "" : " (not the active version)"}
              </>
            )}
          </span>
        </div>
        {pr && (
          <div className="present-estimate" data-testid="present-estimate">
            <span className="present-prob">{pct(pr.outputs.probability)}</span>
            <span className="present-ci">
              probability of ALN metastasis
              <br />
              95% CI {pct(pr.outputs.ci95[0])} to {pct(pr.outputs.ci95[1])}
            </span>
          </div>
        )}
      </header>
      <div
        className="present-main"
        ref={setBody}
        data-testid="present-main"
        role="region"
        aria-labelledby={`${uid}-case`}
        tabIndex={hidden ? 0 : undefined}
      >
        <PresentContent c={cur} meeting={meeting} height={bodyBox ? bodyBox.h : null} onLayout={check} />
      </div>
      <footer className="present-bar present-foot">
        <div className="button-row">
          <button type="button" className="button secondary" onClick={() => setIndex(Math.max(0, index - 1))} disabled={index === 0}>
            Previous case
          </button>
          <button type="button" className="button secondary" onClick={() => setIndex(Math.min(n - 1, index + 1))} disabled={index === n - 1}>
            Next case
          </button>
          <button type="button" className="button secondary" onClick={onLeave}>
            Leave presentation
          </button>
        </div>
        <span className="present-help" data-testid="present-help">
          Case {index + 1} of {n} · ← / → change case · PageUp / PageDown {hidden ? "scroll" : "change case"} · Esc leaves
        </span>
      </footer>
    </div>
  );
}

// ------------------------------------------------------------------------------------------------ page

export function MeetingView({ meetingId }: { meetingId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.meetings.get.queryOptions({ id: meetingId }));
  const [present, setPresent] = useState<number | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);

  const start = () => {
    returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setPresent(0);
  };
  const leave = useCallback(() => {
    setPresent(null);
    // focus goes back where it was when the presentation started (the "Start presentation" button)
    setTimeout(() => {
      const back = returnTo.current && returnTo.current.isConnected ? returnTo.current : opener.current;
      back?.focus();
    }, 0);
  }, []);

  if (q.isLoading) return <p>Loading…</p>;
  if (q.error) return <p className="error">{q.error.message}</p>;
  const m = q.data!;
  const presenting = present !== null && present < m.cases.length;
  return (
    <section>
      {/* the page behind the presentation dialog is inert (not focusable, not read) while it is open */}
      <div inert={presenting}>
        <p>
          <Link href="/board">← Meetings</Link>
        </p>
        <h1>
          {m.title} · {formatDay(m.date)}
        </h1>
        <p>
          {m.cases.length} case{m.cases.length === 1 ? "" : "s"} · read-only
          {m.hiddenCases ? ` · ${m.hiddenCases} case${m.hiddenCases === 1 ? "" : "s"} of other surgeons not shown` : ""}
        </p>
        <button type="button" className="button" ref={opener} disabled={m.cases.length === 0} onClick={start}>
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
                <Link href={`/cases/${c.id}/report?meeting=${m.id}`}>Report of case {c.caseCode}</Link>
              </p>
            </article>
          ))}
        </div>
      </div>
      {presenting && <Presentation meeting={m} index={present} setIndex={setPresent} onLeave={leave} />}
    </section>
  );
}
