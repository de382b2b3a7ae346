// Training runs (issue 5, admin): start (job "training.run" on the foundation's queue), poll (survives a page
// reload: the state lives in training_runs + jobs), cancel. Audited: runs.start, runs.cancel.
// Bootstrap counts below MIN_BOOTSTRAP_B are refused (B = 0 gave a report with empty selection frequencies and
// no optimism correction). Listed runs carry a run number, their settings (cohort, B, folds, seed) and the label
// of the version they produced, so the runs table can tell runs apart.
import { TRPCError } from "@trpc/server";
import { asc, inArray } from "drizzle-orm";
import { z } from "zod";
import { parseSettings } from "../../../lib/stats/pipeline-settings.ts";
import { modelVersions, trainingRuns } from "../../db/schema.ts";
import type { Db } from "../../db/index.ts";
import { cancelRun, getRun, listRuns, runOptionsSchema, startTrainingRun, TrainingRunError, type RunView } from "../../services/training-run.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";

/** Fewest bootstrap resamples a run may use (LASSO selection frequency, validate/calibrate). pipeline.md uses
 *  B = 200 for the optimism correction (the default); below ~20 the frequencies and the corrected C-index and
 *  calibration are noise. Same number in app/admin/runs/Runs.tsx. */
export const MIN_BOOTSTRAP_B = 20;

const startInput = runOptionsSchema.superRefine((v, ctx) => {
  const lb = v.settings?.lasso?.bootstrapB;
  if (lb !== undefined && lb < MIN_BOOTSTRAP_B)
    ctx.addIssue({
      code: "custom",
      path: ["settings", "lasso", "bootstrapB"],
      message: `LASSO bootstrap selections (B) must be at least ${MIN_BOOTSTRAP_B} (got ${lb}); the default is 100. With fewer, the selection frequencies in the report mean nothing.`,
    });
  const vb = v.settings?.validation?.B;
  if (vb !== undefined && vb < MIN_BOOTSTRAP_B)
    ctx.addIssue({
      code: "custom",
      path: ["settings", "validation", "B"],
      message: `Validation / calibration bootstrap (B) must be at least ${MIN_BOOTSTRAP_B} (got ${vb}); pipeline.md uses B = 200 for the optimism-corrected C-index and calibration (the default).`,
    });
});

function asTrpc(e: unknown): never {
  if (e instanceof TrainingRunError) throw new TRPCError({ code: e.code, message: e.message });
  throw e;
}

export interface RunConfig {
  seed: number | null;
  bootstrapB: number;
  validationB: number;
  lassoFolds: number;
  svmFolds: number;
  lambdaRule: string;
  extractFromImages: boolean;
}

/** The effective settings of a run (its stored choices over the pipeline defaults). */
export function runConfig(settings: unknown): RunConfig | null {
  const s = (settings ?? {}) as { pipeline?: unknown; seed?: number; extractFromImages?: boolean };
  try {
    const p = parseSettings(s.pipeline ?? {});
    return { seed: typeof s.seed === "number" ? s.seed : null, bootstrapB: p.lasso.bootstrapB, validationB: p.validation.B, lassoFolds: p.lasso.nfolds, svmFolds: p.svm.nfolds, lambdaRule: p.lasso.lambdaRule, extractFromImages: s.extractFromImages === true };
  } catch {
    return null;
  }
}

type RunListView = RunView & { number: number | null; config: RunConfig | null; modelVersionLabel: string | null };

async function enrich(db: Db, runs: RunView[]): Promise<RunListView[]> {
  const order = await db.select({ id: trainingRuns.id }).from(trainingRuns).orderBy(asc(trainingRuns.createdAt), asc(trainingRuns.id));
  const number = new Map(order.map((r, i) => [r.id, i + 1]));
  const vIds = runs.map((r) => r.modelVersionId).filter((x): x is string => !!x);
  const labels = vIds.length ? await db.select({ id: modelVersions.id, label: modelVersions.label }).from(modelVersions).where(inArray(modelVersions.id, vIds)) : [];
  const label = new Map(labels.map((l) => [l.id, l.label]));
  return runs.map((r) => ({ ...r, number: number.get(r.id) ?? null, config: runConfig(r.settings), modelVersionLabel: r.modelVersionId ? (label.get(r.modelVersionId) ?? null) : null }));
}

export const runsRouter = createTRPCRouter({
  start: roleProcedure("admin")
    .meta({ description: "start a training run on a cohort (audited)" })
    .input(startInput)
    .mutation(async ({ ctx, input }) => startTrainingRun(ctx.db, await ctx.jobs(), ctx.user, input, ctx.ip).catch(asTrpc)),

  list: roleProcedure("admin")
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(async ({ ctx, input }) => enrich(ctx.db, await listRuns(ctx.db, input.limit))),

  get: roleProcedure("admin")
    .input(z.object({ id: z.uuid() }))
    .query(async ({ ctx, input }) => (await enrich(ctx.db, [await getRun(ctx.db, input.id).catch(asTrpc)]))[0]),

  cancel: roleProcedure("admin")
    .meta({ description: "cancel a queued or running training run (audited)" })
    .input(z.object({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => ({ cancelled: await cancelRun(ctx.db, await ctx.jobs(), ctx.user, input.id, ctx.ip).catch(asTrpc) })),
});
