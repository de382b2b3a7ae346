// Training runs (issue 5, admin): start (job "training.run" on the foundation's queue), poll (survives a page
// reload: the state lives in training_runs + jobs), cancel. Audited: runs.start, runs.cancel.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { cancelRun, getRun, listRuns, runOptionsSchema, startTrainingRun, TrainingRunError } from "../../services/training-run.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";

function asTrpc(e: unknown): never {
  if (e instanceof TrainingRunError) throw new TRPCError({ code: e.code, message: e.message });
  throw e;
}

export const runsRouter = createTRPCRouter({
  start: roleProcedure("admin")
    .meta({ description: "start a training run on a cohort (audited)" })
    .input(runOptionsSchema)
    .mutation(async ({ ctx, input }) => startTrainingRun(ctx.db, await ctx.jobs(), ctx.user, input, ctx.ip).catch(asTrpc)),

  list: roleProcedure("admin")
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(({ ctx, input }) => listRuns(ctx.db, input.limit)),

  get: roleProcedure("admin")
    .input(z.object({ id: z.uuid() }))
    .query(({ ctx, input }) => getRun(ctx.db, input.id).catch(asTrpc)),

  cancel: roleProcedure("admin")
    .meta({ description: "cancel a queued or running training run (audited)" })
    .input(z.object({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => ({ cancelled: await cancelRun(ctx.db, await ctx.jobs(), ctx.user, input.id, ctx.ip).catch(asTrpc) })),
});
