// Training runs (issue 5): a run row (training_runs) + a job on the foundation's queue ("training.run", handler
// in server/jobs/handlers/training.ts). The job runs feature extraction (optional) and the whole pipeline in a
// worker_thread; per-stage progress (extraction n/N, LASSO CV, bootstrap b/B, SVM grid, validation) is kept in
// training_runs.report.stages and the job row's progress/stage, so a page reload just polls again. On success
// the artefact becomes a *draft* model version in the same transaction that marks the run succeeded (a crash
// never leaves a half-written version).
import { count, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { ModelArtefact } from "../../lib/model/artefact.ts";
import { hashArtefact } from "../../lib/model/hash.ts";
import { parseSettings, PipelineSettingsError, type PipelineSettingsInput } from "../../lib/stats/pipeline-settings.ts";
import { audit } from "../audit.ts";
import type { SessionUser } from "../auth/roles.ts";
import type { Db } from "../db/index.ts";
import { cohorts, jobs, modelVersions, trainingRuns } from "../db/schema.ts";
import type { JobQueue, JobRow } from "../jobs/types.ts";
import type { CohortMeta } from "./cohort-import.ts";

export const TRAINING_JOB = "training.run";

export const STAGES = ["extraction", "lasso-cv", "bootstrap", "svm-grid", "validation"] as const;
export type Stage = (typeof STAGES)[number];
export const STAGE_LABEL: Record<Stage, string> = {
  extraction: "Feature extraction",
  "lasso-cv": "LASSO cross-validation",
  bootstrap: "Bootstrap selection",
  "svm-grid": "SVM grid search",
  validation: "Validation and calibration",
};
export type StageProgress = { done: number; total: number };
export type Stages = Partial<Record<Stage, StageProgress>>;

/** Settings an admin may choose for a run (everything else: the pipeline defaults, pipeline-settings.ts). */
export const runOptionsSchema = z.object({
  cohortId: z.uuid(),
  seed: z.number().int().min(0).max(0xffffffff).default(20190147),
  /** re-extract features from the stored images (needs an image cohort or the demo cohort's crops) */
  extractFromImages: z.boolean().default(false),
  settings: z
    .object({
      lasso: z
        .object({
          bootstrapB: z.number().int().min(0).max(2000).optional(),
          lambdaRule: z.enum(["min", "1se"]).optional(),
          measure: z.enum(["deviance", "auc", "mae", "class"]).optional(),
          nfolds: z.number().int().min(3).max(20).optional(),
        })
        .optional(),
      validation: z.object({ B: z.number().int().min(0).max(2000).optional(), metricsB: z.number().int().min(0).max(10000).optional() }).optional(),
      split: z.object({ method: z.enum(["auto", "column", "stratified", "bootstrap"]).optional(), ratio: z.number().gt(0).lt(1).optional() }).optional(),
      radscore: z.object({ nomogramInput: z.enum(["cross-fitted", "apparent"]).optional() }).optional(),
      svm: z.object({ cost: z.array(z.number().positive()).min(1).max(20).optional(), gamma: z.array(z.number().positive()).min(1).max(20).optional(), nfolds: z.number().int().min(3).max(20).optional() }).optional(),
      threshold: z.number().gt(0).lt(1).optional(),
    })
    .default({}),
});
export type RunOptions = z.input<typeof runOptionsSchema>;

export class TrainingRunError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "BAD_REQUEST" | "CONFLICT",
    message: string,
  ) {
    super(message);
    this.name = "TrainingRunError";
  }
}

export type RunRow = typeof trainingRuns.$inferSelect;

export interface RunReportState {
  stages: Stages;
  stage?: Stage | null;
  error?: string | null;
  problems?: { row: number | null; column: string | null; problem: string }[] | null;
  timings_s?: Record<string, number>;
  summary?: unknown;
  warnings?: unknown;
  modelVersionId?: string | null;
  /** wall-clock seconds from job start to the draft version written */
  endToEnd_s?: number;
}

/** Pipeline settings of a run: the admin's choices over the defaults, plus the cohort's demo flag/source. */
export function runPipelineSettings(meta: CohortMeta, opts: z.output<typeof runOptionsSchema>): PipelineSettingsInput {
  const s = opts.settings;
  return {
    ...(s.lasso ? { lasso: s.lasso } : {}),
    ...(s.validation ? { validation: s.validation } : {}),
    ...(s.split ? { split: s.split } : {}),
    ...(s.radscore ? { radscore: s.radscore } : {}),
    ...(s.svm ? { svm: s.svm } : {}),
    ...(s.threshold !== undefined ? { threshold: s.threshold } : {}),
    featureSet: { name: "seed-299", ng: 32, spacingMm: meta.demo ? 0.2 : null },
    demo: meta.demo,
    source: meta.source ?? null,
  } as PipelineSettingsInput;
}

/** Create the run row and enqueue its job. */
export async function startTrainingRun(db: Db, q: JobQueue, user: Pick<SessionUser, "id" | "role">, input: RunOptions, ip: string | null = null): Promise<{ runId: string; jobId: string }> {
  const opts = runOptionsSchema.parse(input);
  const [c] = await db.select().from(cohorts).where(eq(cohorts.id, opts.cohortId));
  if (!c) throw new TrainingRunError("NOT_FOUND", "No such cohort.");
  const meta = c.meta as CohortMeta;
  if (opts.extractFromImages && Object.keys(meta.files ?? {}).length === 0)
    throw new TrainingRunError("BAD_REQUEST", "This cohort has no stored images: train on its features CSV instead.");
  if (!opts.extractFromImages && !meta.featuresPath) opts.extractFromImages = true; // an image cohort must be extracted
  const settings = runPipelineSettings(meta, opts);
  try {
    parseSettings(settings);
  } catch (e) {
    if (e instanceof PipelineSettingsError) throw new TrainingRunError("BAD_REQUEST", e.message);
    throw e;
  }
  const [run] = await db
    .insert(trainingRuns)
    .values({ cohortId: c.id, settings: { pipeline: settings, seed: opts.seed, extractFromImages: opts.extractFromImages }, status: "queued", createdBy: user.id, report: { stages: {} } })
    .returning();
  const jobId = await q.enqueue(TRAINING_JOB, { runId: run.id }, { createdBy: user.id });
  await db.update(trainingRuns).set({ jobId }).where(eq(trainingRuns.id, run.id));
  await audit(db, { actorId: user.id, actorRole: user.role, action: "runs.start", objectType: "training_run", objectId: run.id, outcome: "success", detail: { cohortId: c.id, jobId, seed: opts.seed, extract: opts.extractFromImages }, ip });
  return { runId: run.id, jobId };
}

export interface RunView {
  id: string;
  cohortId: string | null;
  cohortName: string | null;
  status: RunRow["status"];
  createdAt: Date;
  finishedAt: Date | null;
  settings: unknown;
  jobId: string | null;
  job: { status: JobRow["status"]; progress: number; stage: string | null; error: string | null; startedAt: Date | null; finishedAt: Date | null } | null;
  stages: Stages;
  error: string | null;
  problems: RunReportState["problems"];
  timings: Record<string, number> | null;
  endToEnd_s: number | null;
  modelVersionId: string | null;
  demo: boolean;
}

/** Keep the run row consistent with its job (a job failed by a restart or cancelled elsewhere ends the run). */
async function reconcile(db: Db, run: RunRow, job: JobRow | null): Promise<RunRow> {
  if ((run.status === "queued" || run.status === "running") && job && (job.status === "failed" || job.status === "cancelled")) {
    const state = (run.report ?? { stages: {} }) as RunReportState;
    const [r] = await db
      .update(trainingRuns)
      .set({ status: job.status, finishedAt: job.finishedAt ?? new Date(), report: { ...state, error: state.error ?? job.error ?? (job.status === "cancelled" ? "cancelled" : "failed") } })
      .where(eq(trainingRuns.id, run.id))
      .returning();
    return r ?? run;
  }
  return run;
}

function view(run: RunRow, job: JobRow | null, cohortName: string | null, demo: boolean): RunView {
  const st = (run.report ?? { stages: {} }) as RunReportState;
  return {
    id: run.id,
    cohortId: run.cohortId,
    cohortName,
    status: run.status,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    settings: run.settings,
    jobId: run.jobId,
    job: job ? { status: job.status, progress: job.progress, stage: job.stage, error: job.error, startedAt: job.startedAt, finishedAt: job.finishedAt } : null,
    stages: st.stages ?? {},
    error: st.error ?? (job?.status === "failed" ? job.error : null) ?? null,
    problems: st.problems ?? null,
    timings: st.timings_s ?? null,
    endToEnd_s: st.endToEnd_s ?? null,
    modelVersionId: st.modelVersionId ?? null,
    demo,
  };
}

export async function getRun(db: Db, id: string): Promise<RunView> {
  const [row] = await db.select().from(trainingRuns).where(eq(trainingRuns.id, id));
  if (!row) throw new TrainingRunError("NOT_FOUND", "No such training run.");
  const [job] = row.jobId ? await db.select().from(jobs).where(eq(jobs.id, row.jobId)) : [];
  const run = await reconcile(db, row, job ?? null);
  const [c] = run.cohortId ? await db.select({ name: cohorts.name, meta: cohorts.meta }).from(cohorts).where(eq(cohorts.id, run.cohortId)) : [];
  return view(run, job ?? null, c?.name ?? null, (c?.meta as CohortMeta | undefined)?.demo === true);
}

export async function listRuns(db: Db, limit = 50): Promise<RunView[]> {
  const rows = await db.select().from(trainingRuns).orderBy(desc(trainingRuns.createdAt)).limit(limit);
  const jobIds = rows.map((r) => r.jobId).filter((x): x is string => !!x);
  const jobRows = jobIds.length ? await db.select().from(jobs).where(inArray(jobs.id, jobIds)) : [];
  const byId = new Map(jobRows.map((j) => [j.id, j]));
  const cIds = Array.from(new Set(rows.map((r) => r.cohortId).filter((x): x is string => !!x)));
  const cRows = cIds.length ? await db.select({ id: cohorts.id, name: cohorts.name, meta: cohorts.meta }).from(cohorts).where(inArray(cohorts.id, cIds)) : [];
  const cById = new Map(cRows.map((c) => [c.id, c]));
  const out: RunView[] = [];
  for (const r of rows) {
    const job = r.jobId ? (byId.get(r.jobId) ?? null) : null;
    const run = await reconcile(db, r, job);
    const c = run.cohortId ? cById.get(run.cohortId) : undefined;
    out.push(view(run, job, c?.name ?? null, (c?.meta as CohortMeta | undefined)?.demo === true));
  }
  return out;
}

export async function cancelRun(db: Db, q: JobQueue, user: Pick<SessionUser, "id" | "role">, id: string, ip: string | null = null): Promise<boolean> {
  const [run] = await db.select().from(trainingRuns).where(eq(trainingRuns.id, id));
  if (!run) throw new TrainingRunError("NOT_FOUND", "No such training run.");
  if (run.status !== "queued" && run.status !== "running") throw new TrainingRunError("CONFLICT", `The run has already ${run.status === "succeeded" ? "finished" : run.status}.`);
  const ok = run.jobId ? await q.cancel(run.jobId) : false;
  const state = (run.report ?? { stages: {} }) as RunReportState;
  await db
    .update(trainingRuns)
    .set({ status: "cancelled", finishedAt: new Date(), report: { ...state, error: "cancelled by an administrator" } })
    .where(eq(trainingRuns.id, id));
  await audit(db, { actorId: user.id, actorRole: user.role, action: "runs.cancel", objectType: "training_run", objectId: id, outcome: "success", detail: { jobId: run.jobId, jobCancelled: ok }, ip });
  return ok;
}

/** Next free version label: v1, v2, … (labels are unique; the demo seed uses its own label). */
export async function nextVersionLabel(db: Pick<Db, "select">): Promise<string> {
  const [{ n }] = await db.select({ n: count() }).from(modelVersions);
  for (let k = n + 1; ; k++) {
    const label = `v${k}`;
    const [hit] = await db.select({ id: modelVersions.id }).from(modelVersions).where(eq(modelVersions.label, label));
    if (!hit) return label;
  }
}

/** Write the finished run: draft model version + run succeeded, in one transaction. */
export async function finishRun(db: Db, runId: string, artefact: ModelArtefact, state: RunReportState, createdBy: string | null): Promise<string> {
  const hash = hashArtefact(artefact);
  const stored = { ...artefact, hash };
  const id = await db.transaction(async (tx) => {
    const label = await nextVersionLabel(tx);
    const [v] = await tx
      .insert(modelVersions)
      .values({ label, status: "draft", active: false, artefact: stored, contentHash: hash, trainingRunId: runId, createdBy })
      .returning({ id: modelVersions.id });
    await tx
      .update(trainingRuns)
      .set({ status: "succeeded", finishedAt: new Date(), report: { ...state, modelVersionId: v.id } })
      .where(eq(trainingRuns.id, runId));
    return v.id;
  });
  return id;
}
