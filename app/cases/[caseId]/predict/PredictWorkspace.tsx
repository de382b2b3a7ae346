"use client";
// The prediction page: six clinical factors (zod-validated, out-of-range flagged), the live D3 nomogram with
// what-if (drag / arrow keys, ghosts, "Reset to patient"), the estimate with its 95% CI, the baselines panel,
// the active model's charts, saving the prediction and putting the case on a tumour-board meeting.
// Every number is computed in the browser by lib/model predict() on the model slice the server sent — the same
// function the server runs when saving — so a drag step needs no round trip.
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { memo, useCallback, useId, useMemo, useRef, useState } from "react";
import { useTRPC } from "@/app/_trpc/client";
import { Nomogram, type NomogramState } from "@/app/_charts/Nomogram";
import { CalibrationChart, DecisionCurveChart, RocChart } from "@/app/_charts/ModelCharts";
import { predict, type PredictResult } from "@/lib/model/predict";
import type { ModelArtefact } from "@/lib/model/artefact";
import { operatingPoint } from "@/server/services/nomogram-data";
import type { ClientModel } from "@/server/services/predict";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import {
  FACTOR_KEYS,
  FACTOR_LABELS,
  LOCATION_TEXT,
  clinicalInputsSchema,
  type ClinicalFactors,
  type FactorKey,
} from "@/server/services/predict-inputs";
import { BaselinesPanel, EstimateSentence, ModelLine, formatValue, pct } from "./parts";
import { formatDateTime, formatDay } from "@/app/_components/format";

type FormState = Record<FactorKey, string>;
const EMPTY: FormState = { age: "", t_stage: "", location: "", er: "", pr: "", us_aln: "" };

/** Age as typed: digits with an optional decimal point ("52", "52.5"). A number field also takes "1e2", "+52"
 *  or "-5" (and Number() reads "1e2" as 100), so the text is checked before it is read as a number. */
const PLAIN_NUMBER = /^(\d+\.?\d*|\.\d+)$/;
const AGE_FORMAT_MESSAGE = "Enter the age in years as a plain number (digits and an optional decimal point, e.g. 52).";

function runClient(model: ClientModel, values: ClinicalFactors & { radscore: number }): PredictResult | null {
  try {
    return predict(model.predictArtefact as unknown as ModelArtefact, values);
  } catch {
    return null;
  }
}

function stateOf(values: Record<string, number | string>, r: PredictResult): NomogramState {
  return { values, points: r.points, totalPoints: r.totalPoints, probability: r.probability, ci95: r.ci95 };
}

export function PredictWorkspace({ caseId }: { caseId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ctx = useQuery(trpc.predictions.context.queryOptions({ caseId }));
  const baselines = useQuery(trpc.baselines.list.queryOptions());
  // held here, not in Workspace: saving changes the latest prediction, which re-keys (remounts) Workspace
  const [saved, setSaved] = useState<string | null>(null);
  if (ctx.isLoading) return <p>Loading…</p>;
  if (ctx.error) return <p className="error">{ctx.error.message}</p>;
  const d = ctx.data!;
  return (
    <Workspace
      key={`${d.model?.versionId ?? "none"}-${d.latest?.id ?? "new"}`}
      caseId={caseId}
      data={d}
      baselines={baselines.data ?? []}
      saved={saved}
      clearSaved={() => setSaved(null)}
      onSaved={(message) => {
        setSaved(message);
        void qc.invalidateQueries({ queryKey: trpc.predictions.context.queryKey({ caseId }) });
      }}
    />
  );
}

type Ctx = inferRouterOutputs<AppRouter>["predictions"]["context"];
type Baselines = inferRouterOutputs<AppRouter>["baselines"]["list"];

function Workspace({
  caseId,
  data,
  baselines,
  saved,
  clearSaved,
  onSaved,
}: {
  caseId: string;
  data: Ctx;
  baselines: Baselines;
  saved: string | null;
  clearSaved: () => void;
  onSaved: (message: string) => void;
}) {
  const trpc = useTRPC();
  const model = data.model;
  const radscore = data.radscore.radscore;
  const [form, setForm] = useState<FormState>(() =>
    data.latest ? (Object.fromEntries(FACTOR_KEYS.map((k) => [k, String(data.latest!.inputs[k])])) as FormState) : EMPTY,
  );
  const [touched, setTouched] = useState<Partial<Record<FactorKey, boolean>>>({});
  const [whatIf, setWhatIf] = useState<Record<string, number | string>>({});
  const [threshold, setThreshold] = useState<number>(data.latest?.inputs.threshold ?? model?.defaultThreshold ?? 0.5);
  const save = useMutation(
    trpc.predictions.save.mutationOptions({
      onSuccess: (p) => onSaved(`Saved ${formatDateTime(p.createdAt)} with model version ${p.modelVersionLabel}.`),
    }),
  );
  const uid = useId();

  // the number field reports text it cannot read as a number ("1e", "--5") as an empty value with badInput
  const [ageUnreadable, setAgeUnreadable] = useState(false);
  const ageText = form.age.trim();
  const ageFormatError = ageUnreadable || (ageText !== "" && !PLAIN_NUMBER.test(ageText));
  const parsed = useMemo(
    () => clinicalInputsSchema.safeParse({ ...form, age: ageFormatError ? NaN : form.age.trim() === "" ? undefined : Number(form.age) }),
    [form, ageFormatError],
  );
  const errors = useMemo(() => {
    const e: Partial<Record<FactorKey, string>> = {};
    if (ageFormatError) e.age = AGE_FORMAT_MESSAGE;
    if (!parsed.success) for (const i of parsed.error.issues) e[i.path[0] as FactorKey] ??= i.message;
    return e;
  }, [parsed, ageFormatError]);
  const patient = parsed.success ? parsed.data : null;

  const patientValues = useMemo(() => (patient && radscore !== null ? { ...patient, radscore } : null), [patient, radscore]);
  const patientResult = useMemo(() => (model && patientValues ? runClient(model, patientValues) : null), [model, patientValues]);
  const displayValues = useMemo(() => (patientValues ? ({ ...patientValues, ...whatIf } as ClinicalFactors & { radscore: number }) : null), [patientValues, whatIf]);
  const result = useMemo(() => (model && displayValues ? runClient(model, displayValues) : null), [model, displayValues]);
  const hasWhatIf = Object.keys(whatIf).some((k) => patientValues && whatIf[k] !== (patientValues as Record<string, unknown>)[k]);

  const current = useMemo(() => (displayValues && result ? stateOf(displayValues as unknown as Record<string, number | string>, result) : null), [displayValues, result]);
  const ghost = useMemo(
    () => (hasWhatIf && patientValues && patientResult ? stateOf(patientValues as unknown as Record<string, number | string>, patientResult) : null),
    [hasWhatIf, patientValues, patientResult],
  );
  const onMarker = useCallback((variable: string, value: number | string) => setWhatIf((w) => ({ ...w, [variable]: value })), []);
  const op = useMemo(() => (model ? operatingPoint(model.operating, threshold) : null), [model, threshold]);

  if (!model)
    return (
      <section>
        <h1>Prediction · case {data.case.caseCode}</h1>
        <p className="error">{data.modelError ?? "No model is available."}</p>
      </section>
    );

  const setField = (k: FactorKey, v: string) => {
    setForm((f) => ({ ...f, [k]: v }));
    setWhatIf((w) => {
      const n = { ...w };
      delete n[k];
      return n;
    });
    clearSaved();
  };
  const ageRange = model.trainingRanges.age;
  const ageNum = Number(form.age);
  const ageFlag = form.age.trim() !== "" && !errors.age && ageRange && (ageNum < ageRange[0] || ageNum > ageRange[1]);
  const levels = (k: FactorKey, all: readonly string[]) => (model.levels[k] ? all.filter((v) => model.levels[k].includes(v)) : all);
  // a malformed age is reported at once (it can never become valid by typing more); other errors once the field was left
  const showErr = (k: FactorKey) => (touched[k] || (k === "age" && ageFormatError)) && errors[k];
  // factors the active model does not use: the estimate ignores them (they are still stored with the prediction)
  const inModel = new Set(model.predictArtefact.nomogram.terms.map((t) => t.variable));
  const unused = (k: FactorKey) => !inModel.has(k);
  const describedBy = (...ids: (string | false | null | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;
  const unusedNote = (k: FactorKey) =>
    unused(k) && (
      <p className="not-in-model" id={`${uid}-${k}-unused`} data-testid={`not-in-model-${k}`}>
        Not in this model — does not change the estimate.
      </p>
    );
  const rsRange = model.trainingRanges.radscore;
  const rsFlag = radscore !== null && rsRange && (radscore < rsRange[0] || radscore > rsRange[1]);

  const select = (k: Exclude<FactorKey, "age">, options: readonly string[], text: (v: string) => string = (v) => v) => (
    <div className="field" key={k}>
      <label htmlFor={`${uid}-${k}`}>{FACTOR_LABELS[k]}</label>
      <select
        id={`${uid}-${k}`}
        name={k}
        value={form[k]}
        aria-invalid={showErr(k) ? true : undefined}
        aria-describedby={describedBy(showErr(k) && `${uid}-${k}-err`, unused(k) && `${uid}-${k}-unused`)}
        onChange={(e) => setField(k, e.target.value)}
        onBlur={() => setTouched((t) => ({ ...t, [k]: true }))}
      >
        <option value="">Choose…</option>
        {levels(k, options).map((v) => (
          <option key={v} value={v}>
            {text(v)}
          </option>
        ))}
      </select>
      {unusedNote(k)}
      {showErr(k) && (
        <p className="field-error" id={`${uid}-${k}-err`}>
          {errors[k]}
        </p>
      )}
    </div>
  );

  return (
    <section>
      <p>
        <Link href={`/cases/${caseId}`}>← Case {data.case.caseCode}</Link>
      </p>
      <h1>Prediction · case {data.case.caseCode}</h1>
      <ModelLine model={model} />
      <div className="predict-grid">
        <form
          className="card form"
          aria-labelledby={`${uid}-factors`}
          onSubmit={(e) => {
            e.preventDefault();
            setTouched(Object.fromEntries(FACTOR_KEYS.map((k) => [k, true])));
            if (patient && radscore !== null) save.mutate({ caseId, factors: patient, threshold, expectedModelVersionId: model.versionId });
          }}
        >
          <h2 id={`${uid}-factors`} style={{ margin: 0 }}>
            Clinical factors
          </h2>
          <div className="field">
            <span className="small">Rad-score (from the mammogram ROI)</span>
            {radscore !== null ? (
              <strong data-testid="radscore">{radscore.toFixed(3)}</strong>
            ) : (
              <p className="error" data-testid="radscore-missing">
                {data.radscore.reason} <Link href={`/cases/${caseId}`}>Open the case</Link>
              </p>
            )}
            {rsFlag && <p className="flag">Outside the training range ({rsRange[0].toFixed(2)} to {rsRange[1].toFixed(2)}): an extrapolation.</p>}
            {data.radscore.outOfRange.length > 0 && <p className="flag">Features outside the training range: {data.radscore.outOfRange.join(", ")}.</p>}
          </div>
          <div className="field">
            <label htmlFor={`${uid}-age`}>{FACTOR_LABELS.age}</label>
            <input
              id={`${uid}-age`}
              name="age"
              type="number"
              inputMode="decimal"
              min={15}
              max={110}
              step="any"
              value={form.age}
              aria-invalid={showErr("age") ? true : undefined}
              aria-describedby={describedBy(showErr("age") ? `${uid}-age-err` : ageFlag && `${uid}-age-flag`, unused("age") && `${uid}-age-unused`)}
              onChange={(e) => {
                setAgeUnreadable(e.target.validity.badInput);
                setField("age", e.target.value);
              }}
              onBlur={(e) => {
                setAgeUnreadable(e.target.validity.badInput);
                setTouched((t) => ({ ...t, age: true }));
              }}
            />
            {unusedNote("age")}
            {showErr("age") && (
              <p className="field-error" id={`${uid}-age-err`} data-testid="age-error">
                {errors.age}
              </p>
            )}
            {ageFlag && (
              <p className="flag" id={`${uid}-age-flag`} data-testid="age-flag">
                Outside the training range ({ageRange[0]}–{ageRange[1]} years): the estimate is an extrapolation.
              </p>
            )}
          </div>
          {select("t_stage", ["T1", "T2", "T3", "T4"])}
          {select("location", ["UIQ", "UOQ", "LIQ", "LOQ", "central"], (v) => LOCATION_TEXT[v as keyof typeof LOCATION_TEXT])}
          {select("er", ["positive", "negative"])}
          {select("pr", ["positive", "negative"])}
          {select("us_aln", ["positive", "negative"])}
          <div className="field">
            <label htmlFor={`${uid}-thr`}>Decision threshold</label>
            <input id={`${uid}-thr`} type="range" min={1} max={99} step={1} value={Math.round(threshold * 100)} onChange={(e) => setThreshold(Number(e.target.value) / 100)} aria-valuetext={pct(threshold, 0)} />
            <span className="small">{pct(threshold, 0)} (model default {pct(model.defaultThreshold, 0)})</span>
          </div>
          <div className="button-row">
            <button className="button" type="submit" disabled={save.isPending || radscore === null}>
              Save prediction
            </button>
          </div>
          <p className="status" role="status" aria-live="polite">
            {save.error ? <span className="error">{save.error.message}</span> : saved}
          </p>
          {data.latest && (
            <p className="small" data-testid="last-saved">
              Last saved {formatDateTime(data.latest.createdAt)}: {pct(data.latest.outputs.probability)} with model version {data.latest.modelVersionLabel}
              {data.latestModel ? " (an earlier version; the saved figures are unchanged)" : ""}. <Link href={`/cases/${caseId}/report`}>Open report</Link>
            </p>
          )}
        </form>

        <div className="predict-main">
          <section className="card" aria-labelledby={`${uid}-est`}>
            <h2 id={`${uid}-est`} className="estimate-label">
              Probability of ALN metastasis
            </h2>
            {result ? (
              <>
                <div className="estimate">
                  <span className="big" data-testid="probability">
                    {pct(result.probability)}
                  </span>
                  <span className="ci" data-testid="ci">
                    95% CI {pct(result.ci95[0])} to {pct(result.ci95[1])}
                  </span>
                  <span className="small">{result.totalPoints.toFixed(1)} total points</span>
                </div>
                <EstimateSentence probability={result.probability} ci={result.ci95} />
                {result.outOfRange.length > 0 && <p className="flag">Outside the training range: {result.outOfRange.map((v) => FACTOR_LABELS[v as FactorKey] ?? v).join(", ")} — interpret with caution.</p>}
                {hasWhatIf && (
                  <p className="whatif-note" data-testid="whatif-note">
                    What-if view: the markers show changed values; the patient&apos;s recorded values are the hollow ghosts ({pct(patientResult?.probability)} for the patient). Saving records the
                    patient&apos;s values.
                  </p>
                )}
              </>
            ) : (
              <p>{radscore === null ? "A Rad-score is needed first." : "Enter the six clinical factors to see the estimate."}</p>
            )}
            <ModelCallLine probability={patientResult?.probability ?? null} threshold={threshold} usAln={patient?.us_aln ?? null} />
          </section>
        </div>
      </div>

      <section className="card nomogram-card" aria-labelledby={`${uid}-nomo`}>
        <h2 id={`${uid}-nomo`}>Nomogram</h2>
        <div className="button-row">
          <button type="button" className="button secondary" onClick={() => setWhatIf({})} disabled={!hasWhatIf}>
            Reset to patient
          </button>
          <span className="small">Drag a red marker, or focus it (Tab) and use the arrow keys, to explore what-if values. Hover an axis name for its points table.</span>
        </div>
        <Nomogram
          id="nomogram"
          data={model.nomogram}
          current={current}
          ghost={ghost}
          interactive={!!current}
          onChange={onMarker}
          formatValue={formatValue}
          title={`Nomogram, model version ${model.versionLabel}`}
        />
      </section>

      <div className="predict-main">
          {op && (
            <BaselinesPanel
              model={model}
              usAln={patient?.us_aln ?? null}
              probability={patientResult?.probability ?? null}
              threshold={threshold}
              op={op}
              clinical={patientResult?.clinicalOnly ?? null}
              baselines={baselines}
            />
          )}

          <section className="card" aria-labelledby={`${uid}-charts`} id="model-charts">
            <h2 id={`${uid}-charts`}>Performance of model version {model.versionLabel}</h2>
            <p className="small">
              C-index: apparent {model.performance.cIndex.apparent.toFixed(3)}, optimism-corrected {model.performance.cIndex.optimismCorrected?.toFixed(3) ?? "n/a"}, validation{" "}
              {model.performance.cIndex.validation?.toFixed(3) ?? "n/a"}.
            </p>
            <div className="charts-grid">
              <RocChart curves={model.charts.roc} id="chart-roc" />
              {model.charts.calibration && <CalibrationChart data={model.charts.calibration} id="chart-calibration" />}
              <DecisionCurveChart data={model.charts.decisionCurve} threshold={threshold} id="chart-dca" />
            </div>
          </section>

          <BoardPanel caseId={caseId} />
      </div>
    </section>
  );
}

/** "1 case", "2 cases" */
const casesText = (n: number) => `${n} case${n === 1 ? "" : "s"}`;

/** One line next to the estimate: the model's call at the threshold beside the patient's own ultrasound result. */
function ModelCallLine({ probability, threshold, usAln }: { probability: number | null; threshold: number; usAln: string | null }) {
  if (probability === null) return null;
  return (
    <p className="small">
      At the {pct(threshold, 0)} decision threshold the patient&apos;s estimate is {probability >= threshold ? "at or above" : "below"} the threshold; the patient&apos;s own ultrasound ALN
      status is {usAln ?? "not entered"}.
    </p>
  );
}

const BoardPanel = memo(function BoardPanel({ caseId }: { caseId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const uid = useId();
  const meetings = useQuery(trpc.meetings.list.queryOptions());
  const mine = useQuery(trpc.meetings.forCase.queryOptions({ caseId }));
  const [meetingId, setMeetingId] = useState("");
  const [date, setDate] = useState("");
  const [title, setTitle] = useState("");
  const [memberIds, setMemberIds] = useState<string[]>([]);
  const boardUsers = useQuery(trpc.meetings.boardMembers.queryOptions());
  const members = useQuery({ ...trpc.meetings.members.queryOptions({ id: meetingId }), enabled: !!meetingId });
  const refresh = () => {
    qc.invalidateQueries({ queryKey: trpc.meetings.list.queryKey() });
    qc.invalidateQueries({ queryKey: trpc.meetings.forCase.queryKey({ caseId }) });
    qc.invalidateQueries({ queryKey: trpc.meetings.members.queryKey() });
  };
  const addMember = useMutation(trpc.meetings.addMember.mutationOptions({ onSuccess: refresh }));
  const removeMember = useMutation(trpc.meetings.removeMember.mutationOptions({ onSuccess: refresh }));
  const memberSet = new Set((members.data?.members ?? []).map((m) => m.id));
  // one add per click: a ref (set synchronously) refuses a second click before the pending state has rendered
  // (a double-click used to add the case twice: two audit rows); meetings the case is on cannot be chosen again
  const adding = useRef(false);
  const [addedTo, setAddedTo] = useState<string[]>([]);
  const add = useMutation(
    trpc.meetings.addCase.mutationOptions({
      onSuccess: (_r, v) => {
        setAddedTo((a) => [...a, v.meetingId]);
        refresh();
      },
      onSettled: () => {
        adding.current = false;
      },
    }),
  );
  const onMeetings = new Set([...(mine.data ?? []).map((m) => m.id), ...addedTo]);
  const alreadyOn = !!meetingId && onMeetings.has(meetingId);
  const create = useMutation(
    trpc.meetings.create.mutationOptions({
      onSuccess: (m) => {
        setMeetingId(m.id);
        setTitle("");
        setMemberIds([]);
        refresh();
      },
    }),
  );
  return (
    <section className="card" aria-labelledby={`${uid}-board`}>
      <h2 id={`${uid}-board`}>Tumour board</h2>
      {mine.data && mine.data.length > 0 && (
        <p data-testid="on-meetings">
          On: {mine.data.map((m) => `${m.title} (${formatDay(m.date)})`).join("; ")}
        </p>
      )}
      <div className="button-row">
        <div className="field">
          <label htmlFor={`${uid}-meeting`}>Meeting</label>
          <select id={`${uid}-meeting`} value={meetingId} aria-describedby={alreadyOn ? `${uid}-already` : undefined} onChange={(e) => setMeetingId(e.target.value)}>
            <option value="">Choose…</option>
            {(meetings.data ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.title} · {formatDay(m.date)} ({casesText(m.caseCount)}){onMeetings.has(m.id) ? " · this case is on it" : ""}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="button"
          disabled={!meetingId || add.isPending || alreadyOn}
          aria-describedby={alreadyOn ? `${uid}-already` : undefined}
          onClick={() => {
            if (adding.current || !meetingId || alreadyOn) return;
            adding.current = true;
            add.mutate({ meetingId, caseId });
          }}
        >
          Add case to meeting
        </button>
      </div>
      {alreadyOn && (
        <p className="small" id={`${uid}-already`} data-testid="already-on-meeting">
          This case is already on this meeting.
        </p>
      )}
      {meetingId && members.data && (
        <fieldset className="field" style={{ marginTop: "0.75rem" }}>
          <legend>Board members of this meeting</legend>
          {(boardUsers.data ?? []).map((b) => (
            <label key={b.id} style={{ display: "block" }}>
              <input
                type="checkbox"
                checked={memberSet.has(b.id)}
                disabled={!members.data.canManage || addMember.isPending || removeMember.isPending}
                onChange={(e) => (e.target.checked ? addMember : removeMember).mutate({ meetingId, userId: b.id })}
              />{" "}
              {b.name}
            </label>
          ))}
          {!members.data.canManage && <p className="small">Only the surgeon who created the meeting can change its board members.</p>}
        </fieldset>
      )}
      <details style={{ marginTop: "0.75rem" }}>
        <summary>New meeting</summary>
        <div className="button-row" style={{ marginTop: "0.5rem" }}>
          <div className="field">
            <label htmlFor={`${uid}-mdate`}>Meeting date</label>
            <input id={`${uid}-mdate`} type="date" value={date} onChange={(e) => setDate(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${uid}-mtitle`}>Meeting title</label>
            <input id={`${uid}-mtitle`} type="text" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
          </div>
          <fieldset className="field">
            <legend>Board members</legend>
            {(boardUsers.data ?? []).length === 0 && <p className="small">No board-role users yet.</p>}
            {(boardUsers.data ?? []).map((b) => (
              <label key={b.id} style={{ display: "block" }}>
                <input
                  type="checkbox"
                  checked={memberIds.includes(b.id)}
                  onChange={(e) => setMemberIds((ids) => (e.target.checked ? [...ids, b.id] : ids.filter((x) => x !== b.id)))}
                />{" "}
                {b.name}
              </label>
            ))}
          </fieldset>
          <button type="button" className="button secondary" disabled={!date || !title.trim() || create.isPending} onClick={() => create.mutate({ date: new Date(date), title, memberIds })}>
            Create meeting
          </button>
        </div>
      </details>
      <p role="status" className="status">
        {add.error?.message ?? create.error?.message ?? addMember.error?.message ?? removeMember.error?.message ?? (add.isSuccess && add.variables?.meetingId === meetingId ? "Case added to the meeting." : "")}
      </p>
    </section>
  );
});
