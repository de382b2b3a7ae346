// Model versions (issue 5): draft -> published (admin, required comment) -> retired; exactly one active version
// (a unique partial index + check in the schema); rollback re-activates an earlier version; every transition is
// one transaction plus an audit row (who, when, from, to, why). A version's artefact is never updated by the
// application: its content hash is checked on every load and a mismatch refuses to serve it with the reason
// (audited as models.integrity). Also: the full run report of a version (JSON), and the side-by-side comparison.
import { and, desc, eq, ne } from "drizzle-orm";
import { parseArtefact, ArtefactSchemaError, DEMO_LABEL, type ModelArtefact, type Performance } from "../../lib/model/artefact.ts";
import { ArtefactHashMismatchError, verifyArtefact, hashArtefact } from "../../lib/model/hash.ts";
import { audit } from "../audit.ts";
import type { SessionUser } from "../auth/roles.ts";
import type { Db } from "../db/index.ts";
import { cohorts, modelVersions, predictions, trainingRuns, users } from "../db/schema.ts";
import { logger } from "../log.ts";
import { nomogramData, type NomogramData, type NomogramEngineLike } from "./nomogram-data.ts";
import { VARIABLE_LABELS } from "./predict.ts";
import type { CohortMeta } from "./cohort-import.ts";
import type { RunReportState } from "./training-run.ts";

const log = logger("model-admin");

export type VersionRow = typeof modelVersions.$inferSelect;
export type Actor = Pick<SessionUser, "id" | "role">;

export class ModelAdminError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "BAD_REQUEST" | "CONFLICT" | "PRECONDITION_FAILED",
    message: string,
  ) {
    super(message);
    this.name = "ModelAdminError";
  }
}

export interface Integrity {
  ok: boolean;
  /** why the version cannot be served (hash mismatch / unreadable) */
  reason: string | null;
  storedHash: string;
  computedHash: string | null;
}

/** Recompute the content hash of a stored version and parse it; never throws. */
export function checkIntegrity(row: VersionRow): Integrity & { artefact: ModelArtefact | null } {
  let computed: string | null = null;
  try {
    computed = hashArtefact(row.artefact as object);
    verifyArtefact(row.artefact as object, row.contentHash);
  } catch (e) {
    if (e instanceof ArtefactHashMismatchError)
      return {
        ok: false,
        reason: `Refused: the stored artefact of ${row.label} no longer matches its published content hash (stored ${e.stored.slice(0, 12)}…, computed ${e.computed.slice(0, 12)}…). It was changed after it was written (tampering or corruption) and will not be served to anyone.`,
        storedHash: row.contentHash,
        computedHash: e.computed,
        artefact: null,
      };
    return { ok: false, reason: `Refused: the artefact of ${row.label} cannot be hashed (${(e as Error).message}).`, storedHash: row.contentHash, computedHash: computed, artefact: null };
  }
  try {
    const a = parseArtefact(row.artefact);
    return { ok: true, reason: null, storedHash: row.contentHash, computedHash: computed, artefact: a };
  } catch (e) {
    const msg = e instanceof ArtefactSchemaError ? e.message : String(e);
    return { ok: false, reason: `Refused: the artefact of ${row.label} is unreadable by this software (${msg}).`, storedHash: row.contentHash, computedHash: computed, artefact: null };
  }
}

export interface VersionSummary {
  id: string;
  label: string;
  status: VersionRow["status"];
  active: boolean;
  comment: string | null;
  createdAt: Date;
  publishedAt: Date | null;
  retiredAt: Date | null;
  createdBy: string | null;
  publishedBy: string | null;
  trainingRunId: string | null;
  contentHash: string;
  integrity: Integrity;
  demo: boolean;
  demoLabel: string | null;
  predictions: number;
  headline: { nomogramAuc: number | null; nomogramAucCi: [number, number] | null; cohort: string | null; selected: number | null; n: number | null } | null;
}

async function userNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.select({ id: users.id, name: users.name }).from(users);
  return new Map(rows.map((r) => [r.id, r.name]));
}

function summary(row: VersionRow, names: Map<string, string>, nPred: number): VersionSummary {
  const ck = checkIntegrity(row);
  const a = ck.artefact;
  const raw = row.artefact as { demo?: boolean; label?: string | null };
  const perf = a ? (a.nomogram.performance.validation ?? a.nomogram.performance.training) : null;
  return {
    id: row.id,
    label: row.label,
    status: row.status,
    active: row.active,
    comment: row.comment,
    createdAt: row.createdAt,
    publishedAt: row.publishedAt,
    retiredAt: row.retiredAt,
    createdBy: row.createdBy ? (names.get(row.createdBy) ?? null) : null,
    publishedBy: row.publishedBy ? (names.get(row.publishedBy) ?? null) : null,
    trainingRunId: row.trainingRunId,
    contentHash: row.contentHash,
    integrity: { ok: ck.ok, reason: ck.reason, storedHash: ck.storedHash, computedHash: ck.computedHash },
    demo: raw?.demo === true,
    demoLabel: raw?.demo === true ? (raw.label ?? DEMO_LABEL) : null,
    predictions: nPred,
    headline: a && perf ? { nomogramAuc: perf.auc, nomogramAucCi: perf.aucCi, cohort: perf.cohort, selected: a.lasso.features.length, n: a.cohort.n } : null,
  };
}

export async function listVersions(db: Db): Promise<VersionSummary[]> {
  const rows = await db.select().from(modelVersions).orderBy(desc(modelVersions.createdAt));
  const names = await userNames(db);
  const preds = await db.select({ v: predictions.modelVersionId }).from(predictions);
  const counts = new Map<string, number>();
  for (const p of preds) counts.set(p.v, (counts.get(p.v) ?? 0) + 1);
  return rows.map((r) => summary(r, names, counts.get(r.id) ?? 0));
}

async function rowOf(db: Db, id: string): Promise<VersionRow> {
  const [row] = await db.select().from(modelVersions).where(eq(modelVersions.id, id));
  if (!row) throw new ModelAdminError("NOT_FOUND", "No such model version.");
  return row;
}

/** A version's artefact, verified; a mismatch is audited and refused with the reason. */
export async function loadVerified(db: Db, id: string, actor: Actor | null = null): Promise<{ row: VersionRow; artefact: ModelArtefact }> {
  const row = await rowOf(db, id);
  const ck = checkIntegrity(row);
  if (!ck.ok || !ck.artefact) {
    log.error("model version refused by its integrity check", { modelVersionId: id });
    await audit(db, { actorId: actor?.id ?? null, actorRole: actor?.role ?? null, action: "models.integrity", objectType: "model_version", objectId: id, outcome: "failure", detail: { reason: "hash-mismatch-or-unreadable", storedHash: ck.storedHash, computedHash: ck.computedHash } });
    throw new ModelAdminError("PRECONDITION_FAILED", ck.reason!);
  }
  return { row, artefact: ck.artefact };
}

function requireComment(comment: string): string {
  const c = comment.trim();
  if (c.length < 3) throw new ModelAdminError("BAD_REQUEST", "A comment (why) is required for this change.");
  return c;
}

async function transitionAudit(db: Db, actor: Actor, ip: string | null, action: string, id: string, detail: Record<string, unknown>) {
  await audit(db, { actorId: actor.id, actorRole: actor.role, action, objectType: "model_version", objectId: id, outcome: "success", detail, ip });
}

/** draft -> published and active (the previously active version stays published, inactive). */
export async function publishVersion(db: Db, actor: Actor, id: string, comment: string, ip: string | null = null): Promise<VersionRow> {
  const why = requireComment(comment);
  const { row } = await loadVerified(db, id, actor); // never publish a tampered artefact
  if (row.status !== "draft") throw new ModelAdminError("CONFLICT", `${row.label} is ${row.status}; only a draft can be published.`);
  const now = new Date();
  const { updated, previous } = await db.transaction(async (tx) => {
    const [prev] = await tx.select({ id: modelVersions.id, label: modelVersions.label }).from(modelVersions).where(eq(modelVersions.active, true));
    if (prev) await tx.update(modelVersions).set({ active: false }).where(eq(modelVersions.id, prev.id));
    const [u] = await tx
      .update(modelVersions)
      .set({ status: "published", active: true, comment: why, publishedBy: actor.id, publishedAt: now })
      .where(and(eq(modelVersions.id, id), eq(modelVersions.status, "draft")))
      .returning();
    if (!u) throw new ModelAdminError("CONFLICT", `${row.label} changed while you were publishing it; reload.`);
    return { updated: u, previous: prev ?? null };
  });
  await transitionAudit(db, actor, ip, "models.publish", id, { from: "draft", to: "published", why, active: true, previousActive: previous?.id ?? null, previousActiveLabel: previous?.label ?? null, contentHash: row.contentHash });
  return updated;
}

/** published -> retired. The active version cannot be retired until another one is active (exactly one active). */
export async function retireVersion(db: Db, actor: Actor, id: string, comment: string, ip: string | null = null): Promise<VersionRow> {
  const why = requireComment(comment);
  const row = await rowOf(db, id);
  if (row.status === "retired") throw new ModelAdminError("CONFLICT", `${row.label} is already retired.`);
  if (row.active) throw new ModelAdminError("CONFLICT", `${row.label} is the active version: publish or roll back to another version first, so one version stays active.`);
  const [u] = await db
    .update(modelVersions)
    .set({ status: "retired", active: false, retiredBy: actor.id, retiredAt: new Date() })
    .where(and(eq(modelVersions.id, id), ne(modelVersions.status, "retired"), eq(modelVersions.active, false)))
    .returning();
  if (!u) throw new ModelAdminError("CONFLICT", `${row.label} changed meanwhile; reload.`);
  await transitionAudit(db, actor, ip, "models.retire", id, { from: row.status, to: "retired", why });
  return u;
}

/** Rollback: make an earlier (published or retired) version the active one again; its artefact must verify. */
export async function activateVersion(db: Db, actor: Actor, id: string, comment: string, ip: string | null = null): Promise<VersionRow> {
  const why = requireComment(comment);
  const { row } = await loadVerified(db, id, actor);
  if (row.status === "draft") throw new ModelAdminError("CONFLICT", `${row.label} is a draft: publish it instead.`);
  if (row.active) throw new ModelAdminError("CONFLICT", `${row.label} is already the active version.`);
  const { updated, previous } = await db.transaction(async (tx) => {
    const [prev] = await tx.select({ id: modelVersions.id, label: modelVersions.label }).from(modelVersions).where(eq(modelVersions.active, true));
    if (prev) await tx.update(modelVersions).set({ active: false }).where(eq(modelVersions.id, prev.id));
    const [u] = await tx
      .update(modelVersions)
      .set({ status: "published", active: true, retiredBy: null, retiredAt: null })
      .where(and(eq(modelVersions.id, id), eq(modelVersions.active, false)))
      .returning();
    if (!u) throw new ModelAdminError("CONFLICT", `${row.label} changed meanwhile; reload.`);
    return { updated: u, previous: prev ?? null };
  });
  await transitionAudit(db, actor, ip, "models.rollback", id, { from: row.status, to: "published", active: true, why, previousActive: previous?.id ?? null, previousActiveLabel: previous?.label ?? null });
  return updated;
}

// ------------------------------------------------------------------------------------------------ report

const numThr = (t: number | string): number | null => (t === "-Inf" || t === "Inf" ? null : (t as number));

const COHORT_TEXT: Record<Performance["cohort"], string> = {
  "training-cv": "training (cross-validated)",
  "training-apparent": "training (apparent)",
  validation: "validation",
  "bootstrap-corrected": "bootstrap-corrected",
};

function rocData(model: string, p: Performance | null) {
  if (!p) return [];
  const name = `${model}, ${COHORT_TEXT[p.cohort]}`;
  return [{ name, cohort: p.cohort, auc: p.auc, aucCi: p.aucCi, points: p.roc.map((r) => ({ fpr: 1 - r.specificity, tpr: r.sensitivity, threshold: numThr(r.threshold) })) }];
}

export interface MetricRow {
  model: string;
  cohort: string;
  n: number;
  events: number;
  auc: number;
  aucCi: [number, number];
  acc: { estimate: number | null; ci: [number, number] | null };
  tpr: { estimate: number | null; ci: [number, number] | null };
  tnr: { estimate: number | null; ci: [number, number] | null };
  threshold: string;
}

function metricRow(model: string, p: Performance | null): MetricRow[] {
  if (!p) return [];
  return [{ model, cohort: p.cohort, n: p.n, events: p.events, auc: p.auc, aucCi: p.aucCi, acc: { estimate: p.acc.estimate, ci: p.acc.ci }, tpr: { estimate: p.tpr.estimate, ci: p.tpr.ci }, tnr: { estimate: p.tnr.estimate, ci: p.tnr.ci }, threshold: p.thresholdRule }];
}

export interface TripodItem {
  item: string;
  section: string;
  status: "filled" | "todo";
  text: string;
}

export interface RunReport {
  version: { id: string; label: string; status: string; active: boolean; contentHash: string; comment: string | null; publishedAt: string | null; createdAt: string };
  demo: boolean;
  demoLabel: string | null;
  provenance: { seed: number; cohortHash: string; software: string; settings: Record<string, unknown>; runId: string | null; cohortName: string | null; importedAt: string | null; trainedAt: string | null; timings: Record<string, number> | null; endToEnd_s: number | null };
  cohort: ModelArtefact["cohort"];
  table1: ModelArtefact["table1"];
  lasso: {
    measure: string;
    lambdaRule: string;
    lambda: number;
    cv: ModelArtefact["lasso"]["cv"];
    path: ModelArtefact["lasso"]["path"];
    selection: ModelArtefact["lasso"]["selection"];
    selected: { feature: string; coefficient: number; frequency: number | null }[];
    intercept: number;
  };
  radscore: ModelArtefact["radscore"];
  roc: { training: ReturnType<typeof rocData>; validation: ReturnType<typeof rocData> };
  table2: MetricRow[];
  nomogram: { formula: string; deleted: string[]; coefficients: Record<string, number>; se: Record<string, number>; data: NomogramData; cIndex: ModelArtefact["nomogram"]["cIndex"] };
  calibration: { training: ModelArtefact["nomogram"]["calibration"]; validation: ModelArtefact["nomogram"]["validationCalibration"]; clinical: ModelArtefact["clinical"]["calibration"] };
  decisionCurve: ModelArtefact["decisionCurve"];
  clinical: { formula: string; coefficients: Record<string, number>; cIndex: ModelArtefact["clinical"]["cIndex"]; comparison: NonNullable<ModelArtefact["comparison"]>["nomogramVsClinical"] | null };
  svm: { cost: number; gamma: number; features: string[]; grid: ModelArtefact["svm"]["grid"] };
  sampleSize: ModelArtefact["sampleSize"];
  pipelineBootstrap: ModelArtefact["pipelineBootstrap"];
  warnings: ModelArtefact["warnings"];
  tripod: TripodItem[];
}

const f3 = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(3));

function tripodItems(a: ModelArtefact, meta: CohortMeta | null, importedAt: Date | null, trainedAt: Date | null): TripodItem[] {
  const s = a.settings as { lasso?: { bootstrapB?: number; nfolds?: number }; validation?: { B?: number }; split?: { method?: string } };
  const nomV = a.nomogram.performance.validation;
  const nomT = a.nomogram.performance.training;
  const fill = (item: string, section: string, text: string): TripodItem => ({ item, section, status: "filled", text });
  const todo = (item: string, section: string, text: string): TripodItem => ({ item, section, status: "todo", text });
  return [
    fill("5a", "Data source", `${a.cohort.source ?? meta?.source ?? "imported cohort"}; imported ${importedAt ? importedAt.toISOString().slice(0, 10) : "—"}, trained ${trainedAt ? trainedAt.toISOString().slice(0, 10) : "—"}. Sites: ${meta?.sites.join(", ") || "not given"}. Cohort data hash ${a.cohort.hash.slice(0, 16)}…`),
    todo("5b", "Dates of recruitment", "Start and end of patient recruitment are not part of the cohort file: add them."),
    fill("6a", "Eligibility", `${meta ? meta.rowsInFile : a.cohort.n} rows in the cohort file; ${meta ? meta.skipped.length : 0} excluded at import for data problems; ${a.cohort.n} analysed. Clinical eligibility criteria: to do.`),
    fill("7a", "Outcome", "ALN metastasis (aln = 1) as recorded in the cohort file; reference standard (SLNB / ALND histology) to be stated by the data owner."),
    fill("8a", "Predictors", `Mammography Rad-score (${a.featureSet.name}, ${a.featureSet.settings.ng ? `Ng ${a.featureSet.settings.ng}` : ""}, ${a.views.views.join("+")} view, ${a.cohort.featuresOffered} features offered, ${a.cohort.droppedFeatures.length} dropped as constant/duplicate); age, T stage, tumour location, ER, PR, ultrasound ALN status.`),
    fill("9", "Sample size", `${a.cohort.n} patients, ${a.cohort.events} events; training ${a.cohort.training.n} (${a.cohort.training.events} events)${a.cohort.validation ? `, validation ${a.cohort.validation.n} (${a.cohort.validation.events} events)` : ""}. Events per candidate parameter ${f3(a.sampleSize.eventsPerParameter)}; Riley criteria need ${Math.ceil(a.sampleSize.riley.required)} (${a.sampleSize.riley.met ? "met" : "not met"}).`),
    fill("10", "Missing data", `Complete-case: rows with a missing or invalid value were ${meta && meta.skipped.length ? `excluded at import (${meta.skipped.length})` : "refused at import (none excluded)"}; no imputation.`),
    fill("12", "Model specification", `Min-max scaling on training rows; binomial LASSO (${a.lasso.measure}, ${s.lasso?.nfolds ?? 10}-fold CV, lambda.${a.lasso.lambdaRule} = ${a.lasso.lambda.toPrecision(4)}), ${a.lasso.features.length} features selected; bootstrap selection B = ${a.lasso.selection.B}; Rad-score (${a.radscore.nomogramInput}) in a logistic nomogram with backward AIC: ${a.nomogram.formula}; RBF SVM C = ${a.svm.cost}, gamma = ${a.svm.gamma}.`),
    fill("13", "Validation scheme", `Split: ${a.cohort.splitMethod}; bootstrap validate/calibrate B = ${s.validation?.B ?? 200}; ${a.cohort.validation ? "separate validation cohort" : "no separate validation cohort"}.`),
    fill(
      "16",
      "Performance with CIs",
      `Nomogram AUC ${f3(nomT.auc)} (${f3(nomT.aucCi[0])}–${f3(nomT.aucCi[1])}) training${nomV ? `, ${f3(nomV.auc)} (${f3(nomV.aucCi[0])}–${f3(nomV.aucCi[1])}) validation` : ""}; optimism-corrected C ${f3(a.nomogram.cIndex.optimismCorrected)}; calibration slope ${f3(a.nomogram.calibration?.slope)}, Brier ${f3(a.nomogram.calibration?.brier)}.`,
    ),
    todo("14", "Participants flow", "Flow diagram (screened, excluded, analysed) to be drawn by the study team."),
    todo("18", "Fairness / subgroups", "Performance by site, scanner, age group: to do."),
    todo("21", "Limitations and intended use", "Limitations, intended users and clinical pathway: to be written."),
    todo("25", "Data and code availability", "Data sharing statement and registration: to do."),
  ];
}

export async function buildReport(db: Db, id: string, actor: Actor | null = null): Promise<RunReport> {
  const { row, artefact: a } = await loadVerified(db, id, actor);
  let runState: RunReportState | null = null;
  let cohortMeta: CohortMeta | null = null;
  let cohortName: string | null = null;
  let importedAt: Date | null = null;
  let trainedAt: Date | null = null;
  if (row.trainingRunId) {
    const [run] = await db.select().from(trainingRuns).where(eq(trainingRuns.id, row.trainingRunId));
    if (run) {
      runState = (run.report ?? null) as RunReportState | null;
      trainedAt = run.finishedAt ?? run.createdAt;
      if (run.cohortId) {
        const [c] = await db.select().from(cohorts).where(eq(cohorts.id, run.cohortId));
        if (c) {
          cohortMeta = c.meta as CohortMeta;
          cohortName = c.name;
          importedAt = c.createdAt;
        }
      }
    }
  }
  const freq = a.lasso.selection.frequency;
  return {
    version: { id: row.id, label: row.label, status: row.status, active: row.active, contentHash: row.contentHash, comment: row.comment, publishedAt: row.publishedAt?.toISOString() ?? null, createdAt: row.createdAt.toISOString() },
    demo: a.demo,
    demoLabel: a.demo ? (a.label ?? DEMO_LABEL) : null,
    provenance: {
      seed: a.seed,
      cohortHash: a.cohort.hash,
      software: `${a.software.name} ${a.software.version}`,
      settings: a.settings,
      runId: row.trainingRunId,
      cohortName,
      importedAt: importedAt?.toISOString() ?? null,
      trainedAt: trainedAt?.toISOString() ?? null,
      timings: runState?.timings_s ?? null,
      endToEnd_s: runState?.endToEnd_s ?? null,
    },
    cohort: a.cohort,
    table1: a.table1,
    lasso: {
      measure: a.lasso.measure,
      lambdaRule: a.lasso.lambdaRule,
      lambda: a.lasso.lambda,
      cv: a.lasso.cv,
      path: a.lasso.path,
      selection: a.lasso.selection,
      selected: a.lasso.features.map((f, i) => ({ feature: f, coefficient: a.lasso.coefficients[i], frequency: freq[f] ?? null })),
      intercept: a.lasso.intercept,
    },
    radscore: a.radscore,
    roc: {
      training: [...rocData("SVM signature", a.svm.performance.training), ...rocData("Nomogram", a.nomogram.performance.training), ...rocData("Clinical-only", a.clinical.performance.training)],
      validation: [...rocData("SVM signature", a.svm.performance.validation), ...rocData("Nomogram", a.nomogram.performance.validation), ...rocData("Clinical-only", a.clinical.performance.validation)],
    },
    table2: [
      ...metricRow("SVM signature", a.svm.performance.training),
      ...metricRow("SVM signature", a.svm.performance.validation),
      ...metricRow("Nomogram", a.nomogram.performance.training),
      ...metricRow("Nomogram", a.nomogram.performance.validation),
      ...metricRow("Clinical-only model", a.clinical.performance.training),
      ...metricRow("Clinical-only model", a.clinical.performance.validation),
    ],
    nomogram: {
      formula: a.nomogram.formula,
      deleted: a.nomogram.deleted,
      coefficients: a.nomogram.coefficients,
      se: a.nomogram.se,
      data: nomogramData(a.nomogram.engine as unknown as NomogramEngineLike, VARIABLE_LABELS),
      cIndex: a.nomogram.cIndex,
    },
    calibration: { training: a.nomogram.calibration, validation: a.nomogram.validationCalibration, clinical: a.clinical.calibration },
    decisionCurve: a.decisionCurve,
    clinical: { formula: a.clinical.formula, coefficients: a.clinical.coefficients, cIndex: a.clinical.cIndex, comparison: a.comparison?.nomogramVsClinical ?? null },
    svm: { cost: a.svm.cost, gamma: a.svm.gamma, features: a.svm.features, grid: a.svm.grid },
    sampleSize: a.sampleSize,
    pipelineBootstrap: a.pipelineBootstrap,
    warnings: a.warnings,
    tripod: tripodItems(a, cohortMeta, importedAt, trainedAt),
  };
}

// ------------------------------------------------------------------------------------------------ compare

export interface VersionComparison {
  a: { id: string; label: string; demo: boolean };
  b: { id: string; label: string; demo: boolean };
  features: { feature: string; a: number | null; b: number | null; freqA: number | null; freqB: number | null }[];
  nomogram: { term: string; a: number | null; b: number | null }[];
  metrics: { name: string; a: number | null; b: number | null; aCi: [number, number] | null; bCi: [number, number] | null }[];
  calibration: { a: ModelArtefact["nomogram"]["calibration"]; b: ModelArtefact["nomogram"]["calibration"] };
  decisionCurves: { a: ModelArtefact["decisionCurve"]; b: ModelArtefact["decisionCurve"] };
}

export async function compareVersions(db: Db, idA: string, idB: string, actor: Actor | null = null): Promise<VersionComparison> {
  const A = await loadVerified(db, idA, actor);
  const B = await loadVerified(db, idB, actor);
  const a = A.artefact;
  const b = B.artefact;
  const feats = Array.from(new Set([...a.lasso.features, ...b.lasso.features]));
  const coefA = new Map(a.lasso.features.map((f, i) => [f, a.lasso.coefficients[i]]));
  const coefB = new Map(b.lasso.features.map((f, i) => [f, b.lasso.coefficients[i]]));
  const terms = Array.from(new Set([...Object.keys(a.nomogram.coefficients), ...Object.keys(b.nomogram.coefficients)]));
  const m = (name: string, pa: Performance | null, pb: Performance | null) => ({ name, a: pa?.auc ?? null, b: pb?.auc ?? null, aCi: pa?.aucCi ?? null, bCi: pb?.aucCi ?? null });
  const acc = (name: string, pa: Performance | null, pb: Performance | null, k: "acc" | "tpr" | "tnr") => ({ name, a: pa?.[k].estimate ?? null, b: pb?.[k].estimate ?? null, aCi: pa?.[k].ci ?? null, bCi: pb?.[k].ci ?? null });
  return {
    a: { id: A.row.id, label: A.row.label, demo: a.demo },
    b: { id: B.row.id, label: B.row.label, demo: b.demo },
    features: feats.map((f) => ({ feature: f, a: coefA.get(f) ?? null, b: coefB.get(f) ?? null, freqA: a.lasso.selection.frequency[f] ?? null, freqB: b.lasso.selection.frequency[f] ?? null })),
    nomogram: terms.map((t) => ({ term: t, a: a.nomogram.coefficients[t] ?? null, b: b.nomogram.coefficients[t] ?? null })),
    metrics: [
      m("Nomogram AUC, training", a.nomogram.performance.training, b.nomogram.performance.training),
      m("Nomogram AUC, validation", a.nomogram.performance.validation, b.nomogram.performance.validation),
      m("SVM AUC, training CV", a.svm.performance.training, b.svm.performance.training),
      m("SVM AUC, validation", a.svm.performance.validation, b.svm.performance.validation),
      m("Clinical-only AUC, validation", a.clinical.performance.validation, b.clinical.performance.validation),
      acc("Nomogram accuracy, validation", a.nomogram.performance.validation, b.nomogram.performance.validation, "acc"),
      acc("Nomogram sensitivity, validation", a.nomogram.performance.validation, b.nomogram.performance.validation, "tpr"),
      acc("Nomogram specificity, validation", a.nomogram.performance.validation, b.nomogram.performance.validation, "tnr"),
      { name: "Optimism-corrected C", a: a.nomogram.cIndex.optimismCorrected, b: b.nomogram.cIndex.optimismCorrected, aCi: null, bCi: null },
      { name: "Calibration slope (corrected)", a: a.nomogram.calibration?.slope ?? null, b: b.nomogram.calibration?.slope ?? null, aCi: null, bCi: null },
      { name: "Brier score", a: a.nomogram.calibration?.brier ?? null, b: b.nomogram.calibration?.brier ?? null, aCi: null, bCi: null },
    ],
    calibration: { a: a.nomogram.calibration, b: b.nomogram.calibration },
    decisionCurves: { a: a.decisionCurve, b: b.decisionCurve },
  };
}
