// Job handler "training.run" (issue 5), registered in server/jobs/registry.ts. Loads the run's cohort, runs
// extraction + lib/stats/pipeline.ts in a worker_thread (./training-worker.mjs, so the web server stays
// responsive), mirrors its progress into the job row (overall %, stage text) and training_runs.report.stages
// (per-stage n/N for the progress bars), and writes the draft model version at the end (services/training-run).
// Cancel: the queue aborts `signal` (or progress() throws) -> the worker is terminated. Not resumable: a run
// interrupted by a restart is marked failed and nothing half-written remains.
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { eq } from "drizzle-orm";
import type { ModelArtefact } from "../../../lib/model/artefact.ts";
import { audit } from "../../audit.ts";
import { getDb } from "../../db/index.ts";
import { trainingRuns } from "../../db/schema.ts";
import { loadCohort, IMAGE_COLUMNS } from "../../services/cohort-import.ts";
import { finishRun, STAGE_LABEL, type RunReportState, type Stage, type Stages } from "../../services/training-run.ts";
import { storage } from "../../storage/index.ts";
import type { JobContext } from "../types.ts";

/** Share of the overall bar per stage (without / with extraction). */
const WEIGHTS: Record<Stage, number> = { extraction: 0, "lasso-cv": 0.15, bootstrap: 0.3, "svm-grid": 0.35, validation: 0.2 };
const EXTRACTION_SHARE = 0.4;

export function overallPercent(stages: Stages, withExtraction: boolean): number {
  let pct = 0;
  const scale = withExtraction ? 1 - EXTRACTION_SHARE : 1;
  for (const s of Object.keys(WEIGHTS) as Stage[]) {
    const p = stages[s];
    if (!p || p.total <= 0) continue;
    const f = Math.min(1, p.done / p.total);
    pct += s === "extraction" ? (withExtraction ? EXTRACTION_SHARE * f : 0) : WEIGHTS[s] * scale * f;
  }
  return Math.min(99, pct * 100);
}

/** Path of the worker entry (a plain .mjs loaded from disk, never bundled). */
export function trainingWorkerPath(): string {
  return process.env.AXILLA_TRAINING_WORKER ?? join(/*turbopackIgnore: true*/ process.cwd(), "server", "jobs", "handlers", "training-worker.mjs");
}

type WorkerMsg =
  | { type: "progress"; stage: Stage; done: number; total: number }
  | { type: "done"; artefact: ModelArtefact; report: { timings_s: Record<string, number>; summary: unknown; warnings: unknown } }
  | { type: "error"; name: string; message: string; problems: RunReportState["problems"] };

export async function trainingHandler(ctx: JobContext<{ runId: string }>): Promise<{ runId: string; modelVersionId: string }> {
  const { db } = await getDb();
  const t0 = performance.now();
  const runId = ctx.payload.runId;
  const [run] = await db.select().from(trainingRuns).where(eq(trainingRuns.id, runId));
  if (!run) throw new Error(`training run ${runId} does not exist`);
  if (run.status !== "queued" && run.status !== "running") throw new Error(`training run ${runId} is ${run.status}`);
  const cfg = run.settings as { pipeline: Record<string, unknown>; seed: number; extractFromImages: boolean };
  const state: RunReportState = { stages: {}, stage: null, error: null };
  await db.update(trainingRuns).set({ status: "running", report: state }).where(eq(trainingRuns.id, runId));
  const fail = async (message: string, problems: RunReportState["problems"] = null, status: "failed" | "cancelled" = "failed") => {
    await db
      .update(trainingRuns)
      .set({ status, finishedAt: new Date(), report: { ...state, error: message, problems } })
      .where(eq(trainingRuns.id, runId));
    await audit(db, { actorId: run.createdBy, actorRole: "admin", action: "runs.finish", objectType: "training_run", objectId: runId, outcome: "failure", detail: { status, reason: message.slice(0, 200) } });
  };

  let loaded: Awaited<ReturnType<typeof loadCohort>>;
  try {
    if (!run.cohortId) throw new Error("the run has no cohort");
    loaded = await loadCohort(db, run.cohortId);
  } catch (e) {
    await fail(`the cohort could not be loaded: ${(e as Error).message}`);
    throw e;
  }
  const extract = cfg.extractFromImages || !loaded.features;
  const records = loaded.records.map((r) => {
    if (!extract) return r;
    const extra = { ...r.extra };
    for (const c of IMAGE_COLUMNS) {
      const name = extra[c];
      if (!name) continue;
      const stored = loaded.meta.files[name];
      extra[c] = stored ? storage().resolveStoredPath(stored) : `(missing stored file for ${name})`;
    }
    return { ...r, extra };
  });
  const features = !extract && loaded.features ? { names: loaded.features.names, rows: [...loaded.features.byCase.entries()].map(([c, v]) => [c, Array.from(v)]) } : null;

  const worker = new Worker(/*turbopackIgnore: true*/ trainingWorkerPath(), {
    workerData: { root: /*turbopackIgnore: true*/ process.cwd(), cohort: records, features, settings: cfg.pipeline, seed: cfg.seed, extract },
  });
  let lastWrite = 0;
  const onAbort = () => void worker.terminate();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const result = await new Promise<Extract<WorkerMsg, { type: "done" }>>((resolve, reject) => {
      let chain: Promise<void> = Promise.resolve();
      worker.on("message", (m: WorkerMsg) => {
        if (m.type === "progress") {
          state.stages[m.stage] = { done: m.done, total: m.total };
          state.stage = m.stage;
          const now = Date.now();
          if (now - lastWrite < 200 && m.done !== m.total && m.done !== 0) return;
          lastWrite = now;
          const pct = overallPercent(state.stages, extract);
          const text = `${STAGE_LABEL[m.stage]} ${m.done}/${m.total}`;
          const snapshot = structuredClone(state);
          chain = chain
            .then(async () => {
              await db.update(trainingRuns).set({ report: snapshot }).where(eq(trainingRuns.id, runId));
              await ctx.progress(pct, text);
            })
            .catch((e) => {
              void worker.terminate();
              reject(e);
            });
        } else if (m.type === "done") chain.then(() => resolve(m), reject);
        else {
          const err = new Error(m.message) as Error & { problems?: RunReportState["problems"] };
          err.problems = m.problems;
          chain.then(() => reject(err), reject);
        }
      });
      worker.on("error", reject);
      worker.on("exit", (code) => {
        if (ctx.signal.aborted) reject(ctx.signal.reason ?? new Error("cancelled"));
        else if (code !== 0) reject(new Error(`the training worker stopped unexpectedly (exit code ${code})`));
      });
    });
    state.timings_s = result.report.timings_s;
    state.summary = result.report.summary;
    state.warnings = result.report.warnings;
    state.stage = null;
    for (const s of Object.keys(state.stages) as Stage[]) state.stages[s] = { ...state.stages[s]!, done: state.stages[s]!.total };
    state.endToEnd_s = (performance.now() - t0) / 1000;
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error("cancelled");
    const versionId = await finishRun(db, runId, result.artefact, state, run.createdBy);
    await audit(db, {
      actorId: run.createdBy,
      actorRole: "admin",
      action: "models.create",
      objectType: "model_version",
      objectId: versionId,
      outcome: "success",
      detail: { from: null, to: "draft", runId, contentHash: result.artefact.hash ?? null, demo: result.artefact.demo },
    });
    return { runId, modelVersionId: versionId };
  } catch (e) {
    const reason = String((ctx.signal.reason as Error | undefined)?.message ?? "");
    if (ctx.signal.aborted && /stopped/.test(reason)) await fail("interrupted: the server stopped during the run");
    else if (ctx.signal.aborted) await fail("cancelled by an administrator", null, "cancelled");
    else await fail((e as Error).message, (e as { problems?: RunReportState["problems"] }).problems ?? null);
    throw e;
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    void worker.terminate();
  }
}
