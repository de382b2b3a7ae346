// Prediction service (issue 6): loading a model version (hash verified), the browser's slice of it, the
// case's Rad-score from its stored feature vectors, the prediction itself (lib/model predict — the same
// function the browser runs for what-if) and case access rules shared by the predictions, meetings and
// reports routers.
import { TRPCError } from "@trpc/server";
import { and, desc, eq, sql } from "drizzle-orm";
import { parseArtefact, ArtefactSchemaError, type ModelArtefact, type Performance } from "../../lib/model/artefact.ts";
import { verifyArtefact, ArtefactHashMismatchError } from "../../lib/model/hash.ts";
import { predict, PredictionInputError, type PredictResult } from "../../lib/model/predict.ts";
import type { Db } from "../db/index.ts";
import { cases, modelVersions, predictions, radscores } from "../db/schema.ts";
import { checkCaseAccess, radscoreStale, requireCase } from "../api/routers/cases.ts";
import { z } from "zod";
import type { SessionUser } from "../auth/roles.ts";
import { activeHeadColumns, activeHeadWhere, activeModelOf, getActiveModel, ModelStoreError, type ActiveModel } from "./model-store.ts";
import { FACTOR_LABELS, type ClinicalFactors } from "./predict-inputs.ts";
import { nomogramData, operatingPoint, type NomogramData, type NomogramEngineLike, type OperatingPoint } from "./nomogram-data.ts";

export { operatingPoint, type OperatingPoint };

export type ModelVersionRow = typeof modelVersions.$inferSelect;

/** Load and verify one model version; a tampered or unreadable artefact is refused with the reason. */
export async function loadModelVersion(db: Db, id: string): Promise<{ row: ModelVersionRow; artefact: ModelArtefact }> {
  const [row] = await db.select().from(modelVersions).where(eq(modelVersions.id, id));
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such model version." });
  return { row, artefact: verifiedArtefact(row) };
}

/** The active (published) model version through model-store (hash verified); PRECONDITION_FAILED with the
 *  store's reason when there is none or it fails its integrity check. */
export async function loadActiveModel(db: Db): Promise<{ row: ModelVersionRow; artefact: ModelArtefact }> {
  return activeModelRow(getActiveModel(db));
}

/** loadActiveModel's answer from the model store's (PRECONDITION_FAILED with the store's reason). */
async function activeModelRow(pending: Promise<ActiveModel>): Promise<{ row: ModelVersionRow; artefact: ModelArtefact }> {
  try {
    const m = await pending;
    // the other columns as the store read them when it verified the artefact (unchanged while the row version is)
    return { row: { ...m.columns, artefact: m.artefact } as ModelVersionRow, artefact: m.artefact };
  } catch (e) {
    if (e instanceof ModelStoreError) throw new TRPCError({ code: "PRECONDITION_FAILED", message: e.message });
    throw e;
  }
}

function verifiedArtefact(row: ModelVersionRow): ModelArtefact {
  try {
    const a = parseArtefact(row.artefact);
    verifyArtefact(a, row.contentHash); // the stored content must still hash to the published hash
    return a;
  } catch (e) {
    if (e instanceof ArtefactHashMismatchError)
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: `Model version ${row.label} is refused: its content does not match its published hash (tampered or corrupted).` });
    if (e instanceof ArtefactSchemaError) throw new TRPCError({ code: "PRECONDITION_FAILED", message: `Model version ${row.label} is unreadable: ${e.message}` });
    throw e;
  }
}

export interface ChartsData {
  roc: { name: string; cohort: string; auc: number; aucCi: [number, number]; points: { fpr: number; tpr: number; threshold: number | null }[] }[];
  calibration: { cohort: string; predicted: number[]; apparent: number[]; corrected: number[]; slope: number; intercept: number; brier: number } | null;
  decisionCurve: { cohort: string; threshold: number[]; series: { name: string; values: number[] }[] };
}


/** What the browser needs of a model version: predict()'s inputs, the nomogram's axes, charts and figures. */
export interface ClientModel {
  versionId: string;
  versionLabel: string;
  status: string;
  active: boolean;
  publishedAt: string | null;
  demo: boolean;
  demoLabel: string | null;
  softwareVersion: string;
  hash: string;
  scope: string;
  /** the artefact slice lib/model predict() reads when the Rad-score is given */
  predictArtefact: Pick<ModelArtefact, "demo" | "label" | "hash" | "software"> & {
    nomogram: Pick<ModelArtefact["nomogram"], "terms" | "engine">;
    clinical: Pick<ModelArtefact["clinical"], "terms" | "engine">;
  };
  nomogram: NomogramData;
  /** predictors the model kept (variable names, in formula order) */
  kept: string[];
  /** factor levels the model accepts, per factor (union of nomogram and clinical-only model) */
  levels: Record<string, string[]>;
  trainingRanges: Record<string, [number, number]>;
  defaultThreshold: number;
  performance: {
    cIndex: ModelArtefact["nomogram"]["cIndex"];
    primary: PerfSummary;
    validation: PerfSummary | null;
    clinical: { auc: number; aucCi: [number, number]; cohort: string; cIndex: number };
  };
  /** ROC tables to derive sensitivity/specificity/NPV at any threshold in the browser */
  operating: { cohort: string; n: number; events: number; roc: { threshold: number; sensitivity: number; specificity: number }[] };
  charts: ChartsData;
  warnings: string[];
}

export interface PerfSummary {
  cohort: string;
  n: number;
  events: number;
  auc: number;
  aucCi: [number, number];
  threshold: number;
  acc: number | null;
  tpr: number | null;
  tnr: number | null;
  npv: number | null;
  ci: { acc: [number, number] | null; tpr: [number, number] | null; tnr: [number, number] | null; npv: [number, number] | null };
}

const perf = (p: Performance): PerfSummary => ({
  cohort: p.cohort,
  n: p.n,
  events: p.events,
  auc: p.auc,
  aucCi: p.aucCi,
  threshold: p.threshold,
  acc: p.acc.estimate,
  tpr: p.tpr.estimate,
  tnr: p.tnr.estimate,
  npv: p.npv.estimate,
  ci: { acc: p.acc.ci, tpr: p.tpr.ci, tnr: p.tnr.ci, npv: p.npv.ci },
});

const numThr = (t: number | string): number => (t === "-Inf" ? -Infinity : t === "Inf" ? Infinity : (t as number));

export const VARIABLE_LABELS: Record<string, string> = { ...FACTOR_LABELS, radscore: "Rad-score" };

/** clientModel, memoised per artefact object and row state: the model store hands out the same verified artefact
 *  object until the stored row changes, so the slice (nomogram layout, chart series) is built once per version. */
const clientModelCache = new WeakMap<ModelArtefact, Map<string, ClientModel>>();
export function clientModel(row: ModelVersionRow, a: ModelArtefact): ClientModel {
  const key = `${row.id}|${row.contentHash}|${row.status}|${row.active}|${row.publishedAt?.toISOString() ?? ""}`;
  let byRow = clientModelCache.get(a);
  if (!byRow) clientModelCache.set(a, (byRow = new Map()));
  let cm = byRow.get(key);
  if (!cm) byRow.set(key, (cm = buildClientModel(row, a)));
  return cm;
}

function buildClientModel(row: ModelVersionRow, a: ModelArtefact): ClientModel {
  const n = a.nomogram;
  const engine = n.engine as unknown as NomogramEngineLike;
  const levels: Record<string, string[]> = {};
  const trainingRanges: Record<string, [number, number]> = {};
  for (const t of [...n.terms, ...a.clinical.terms]) {
    if (t.type === "factor") levels[t.variable] = Array.from(new Set([...(levels[t.variable] ?? []), ...(t.levels ?? [])]));
    else if (t.trainingRange) trainingRanges[t.variable] = t.trainingRange;
  }
  const rocOf = (name: string, p: Performance | null) =>
    p ? [{ name, cohort: p.cohort, auc: p.auc, aucCi: p.aucCi, points: p.roc.map((r) => ({ fpr: 1 - r.specificity, tpr: r.sensitivity, threshold: Number.isFinite(numThr(r.threshold)) ? (r.threshold as number) : null })) }] : [];
  const opPerf = n.performance.validation ?? n.performance.training;
  const cal = n.calibration;
  const dc = a.decisionCurve;
  const series = [
    { name: "Nomogram", values: dc.model },
    ...(dc.clinical ? [{ name: "Clinical-only model", values: dc.clinical }] : []),
    { name: "Treat all", values: dc.all },
    { name: "Treat none", values: dc.none },
  ];
  const cohortText = `${a.cohort.n} patients (${a.cohort.events} with ALN metastasis)${a.cohort.source ? ` from ${a.cohort.source}` : ""}`;
  return {
    versionId: row.id,
    versionLabel: row.label,
    status: row.status,
    active: row.active,
    publishedAt: row.publishedAt ? row.publishedAt.toISOString() : null,
    demo: a.demo,
    demoLabel: a.demo ? (a.label ?? "Demo model — not for clinical use") : null,
    softwareVersion: a.software.version,
    hash: row.contentHash,
    scope:
      `Estimates the probability of axillary lymph node (ALN) metastasis before surgery for women with breast cancer, ` +
      `from a mammography Rad-score (${a.featureSet.name} features, ${a.views.views.join(" + ")} view) and clinical factors. ` +
      `Trained on ${cohortText}; not validated outside that population.`,
    predictArtefact: {
      demo: a.demo,
      label: a.label,
      hash: a.hash,
      software: a.software,
      nomogram: { terms: n.terms, engine: n.engine },
      clinical: { terms: a.clinical.terms, engine: a.clinical.engine },
    },
    nomogram: nomogramData(engine, VARIABLE_LABELS),
    kept: n.terms.map((t) => t.variable),
    levels,
    trainingRanges,
    defaultThreshold: typeof a.settings.threshold === "number" ? a.settings.threshold : 0.5,
    performance: {
      cIndex: n.cIndex,
      primary: perf(n.performance.training),
      validation: n.performance.validation ? perf(n.performance.validation) : null,
      clinical: {
        auc: (a.clinical.performance.validation ?? a.clinical.performance.training).auc,
        aucCi: (a.clinical.performance.validation ?? a.clinical.performance.training).aucCi,
        cohort: (a.clinical.performance.validation ?? a.clinical.performance.training).cohort,
        cIndex: a.clinical.cIndex.validation ?? a.clinical.cIndex.optimismCorrected ?? a.clinical.cIndex.apparent,
      },
    },
    operating: {
      cohort: opPerf.cohort,
      n: opPerf.n,
      events: opPerf.events,
      roc: opPerf.roc.filter((r) => Number.isFinite(numThr(r.threshold))).map((r) => ({ threshold: r.threshold as number, sensitivity: r.sensitivity, specificity: r.specificity })),
    },
    charts: {
      roc: [
        ...rocOf(`Nomogram, ${n.performance.training.cohort}`, n.performance.training),
        ...rocOf("Nomogram, validation", n.performance.validation),
        ...rocOf(`Clinical-only, ${(a.clinical.performance.validation ?? a.clinical.performance.training).cohort}`, a.clinical.performance.validation ?? a.clinical.performance.training),
      ],
      calibration: cal ? { cohort: cal.cohort, predicted: cal.predicted, apparent: cal.apparent, corrected: cal.corrected, slope: cal.slope, intercept: cal.intercept, brier: cal.brier } : null,
      decisionCurve: { cohort: dc.cohort, threshold: dc.threshold, series },
    },
    warnings: a.warnings.map((w) => w.message),
  };
}

// ---------------------------------------------------------------------------------------------------- case access

export type CaseRow = typeof cases.$inferSelect;

/** Case access as part 1 defines it (routers/cases.ts requireCase): surgeons their own (read: also shared)
 *  cases, board members cases on a meeting they are a member of (read only), admins none; NOT_FOUND otherwise. */
export async function caseForUser(db: Db, user: SessionUser, caseId: string, mode: "read" | "write" = "read"): Promise<CaseRow> {
  return requireCase(db, user, caseId, mode);
}

// ---------------------------------------------------------------------------------------------------- Rad-score

export interface CaseRadscore {
  radscore: number | null;
  /** why there is none */
  reason: string | null;
  /** selected features outside the training range */
  outOfRange: string[];
  radscoreId: string | null;
  computedAt: string | null;
}

/** The case's latest Rad-score computed with model version `versionId` (part 1's "Compute Rad-score" stores it
 *  in `radscores`); a Rad-score of another version is not used (its features and coefficients differ). */
export async function caseRadscore(db: Db, caseId: string, versionId: string): Promise<CaseRadscore> {
  const rows = await db
    .select({ rs: radscores, stale: radscoreStale() })
    .from(radscores)
    .where(eq(radscores.caseId, caseId))
    .orderBy(desc(radscores.createdAt));
  const mine = rows.find((r) => r.rs.modelVersionId === versionId);
  return radscoreAnswer(mine?.rs, rows.length > 0, mine?.stale ?? false);
}

/** The CaseRadscore for the case's latest Rad-score of the version (`mine`), knowing whether it has any at all. */
function radscoreAnswer(mine: typeof radscores.$inferSelect | null | undefined, any: boolean, stale: boolean): CaseRadscore {
  if (!mine || stale)
    return {
      radscore: null,
      reason: stale
        ? "The tumour outline was changed after the Rad-score was computed: press \"Compute Rad-score\" again on the case page."
        : any
          ? "The case's Rad-score was computed with another model version: compute it again with the active model."
          : "The case has no Rad-score yet: outline the tumour and press \"Compute Rad-score\" first.",
      outOfRange: [],
      radscoreId: null,
      computedAt: null,
    };
  const oor = ((mine.detail as { outOfRange?: { feature: string }[] }).outOfRange ?? []).map((o) => o.feature);
  return { radscore: mine.value, reason: null, outOfRange: oor, radscoreId: mine.id, computedAt: mine.createdAt.toISOString() };
}

function buildPredictReads(db: Db) {
  const head = db.select(activeHeadColumns).from(modelVersions).where(activeHeadWhere).limit(1).as("head");
  return db
    .select({
      c: cases,
      head: { id: head.id, contentHash: head.contentHash, fingerprint: head.fingerprint },
      rs: radscores,
      anyRadscore: sql<boolean>`exists (select 1 from ${radscores} where ${radscores.caseId} = ${cases.id})`.mapWith(Boolean),
      rsStale: radscoreStale(),
    })
    .from(cases)
    .leftJoin(head, sql`true`)
    .leftJoin(radscores, and(eq(radscores.caseId, cases.id), eq(radscores.modelVersionId, head.id)))
    .where(eq(cases.id, sql.placeholder("caseId")))
    .orderBy(desc(radscores.createdAt))
    .limit(1)
    .prepare("axilla_predict_reads");
}

/** Built once per database handle: building the SQL text was ~8% of a prediction request's CPU. */
const preparedPredictReads = new WeakMap<Db, ReturnType<typeof buildPredictReads>>();
function predictReadsQuery(db: Db): ReturnType<typeof buildPredictReads> {
  let q = preparedPredictReads.get(db);
  if (!q) preparedPredictReads.set(db, (q = buildPredictReads(db)));
  return q;
}

/**
 * What predictions.predict reads, in ONE database round trip (it is the portal's hottest call): the case (access
 * checked as caseForUser does), the active model (through the model store, which re-verifies it whenever its
 * head changes) and the case's latest Rad-score computed with that model (stale when an ROI was saved after it) — the same answers as caseForUser +
 * loadActiveModel + caseRadscore, which took four round trips.
 */
export async function predictReads(db: Db, user: SessionUser, caseId: string): Promise<{ c: CaseRow; row: ModelVersionRow; artefact: ModelArtefact; rs: CaseRadscore }> {
  if (!z.uuid().safeParse(caseId).success) throw new TRPCError({ code: "NOT_FOUND", message: "No such case." });
  const [r] = await predictReadsQuery(db).execute({ caseId });
  const c = await checkCaseAccess(db, user, r?.c, "read");
  const { row, artefact } = await activeModelRow(activeModelOf(db, r.head));
  return { c, row, artefact, rs: radscoreAnswer(r.rs, r.anyRadscore, r.rsStale) };
}

// ---------------------------------------------------------------------------------------------------- predict

export interface StoredInputs extends ClinicalFactors {
  radscore: number;
  threshold: number;
}

export interface StoredOutputs {
  probability: number;
  ci95: [number, number];
  linearPredictor: number;
  points: Record<string, number>;
  totalPoints: number;
  clinicalOnly: { probability: number; ci95: [number, number] };
  outOfRange: string[];
  warnings: string[];
  /** the model's call at the threshold: probability >= threshold */
  call: "above" | "below";
  operating: OperatingPoint;
  radscoreOutOfRange: string[];
}

/** lib/model predict() with a typed error for bad inputs. */
export function runPredict(a: ModelArtefact | ClientModel["predictArtefact"], factors: ClinicalFactors, radscore: number): PredictResult {
  try {
    return predict(a as ModelArtefact, { ...factors, radscore });
  } catch (e) {
    if (e instanceof PredictionInputError) throw new TRPCError({ code: "BAD_REQUEST", message: e.message });
    throw e;
  }
}

export function outputsOf(r: PredictResult, threshold: number, cm: ClientModel, radscoreOutOfRange: string[]): StoredOutputs {
  return {
    probability: r.probability,
    ci95: r.ci95,
    linearPredictor: r.linearPredictor,
    points: r.points,
    totalPoints: r.totalPoints,
    clinicalOnly: r.clinicalOnly,
    outOfRange: r.outOfRange,
    warnings: r.warnings,
    call: r.probability >= threshold ? "above" : "below",
    operating: operatingPoint(cm.operating, threshold),
    radscoreOutOfRange,
  };
}

export type PredictionRow = typeof predictions.$inferSelect;

export async function latestPrediction(db: Db, caseId: string): Promise<PredictionRow | null> {
  const [p] = await db.select().from(predictions).where(eq(predictions.caseId, caseId)).orderBy(desc(predictions.createdAt)).limit(1);
  return p ?? null;
}

export async function predictionById(db: Db, id: string): Promise<PredictionRow | null> {
  const [p] = await db.select().from(predictions).where(eq(predictions.id, id));
  return p ?? null;
}

