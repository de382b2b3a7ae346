import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { audit } from "../../audit.ts";
import type { JobRow } from "../../jobs/types.ts";
import { authedProcedure, createTRPCRouter, roleProcedure } from "../trpc.ts";
import type { SessionUser } from "../../auth/roles.ts";

/** Admins see every job; others only the jobs they created. */
function canSee(user: SessionUser, job: JobRow) {
  return user.role === "admin" || job.createdBy === user.id;
}

const publicView = (j: JobRow) => ({
  id: j.id,
  kind: j.kind,
  status: j.status,
  progress: j.progress,
  stage: j.stage,
  error: j.error,
  result: j.result,
  attempts: j.attempts,
  createdAt: j.createdAt,
  startedAt: j.startedAt,
  finishedAt: j.finishedAt,
});

export const jobsRouter = createTRPCRouter({
  get: authedProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
    const q = await ctx.jobs();
    const j = await q.get(input.id);
    if (!j || !canSee(ctx.user, j)) throw new TRPCError({ code: "NOT_FOUND", message: "No such job." });
    return publicView(j);
  }),
  list: authedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(50), kind: z.string().max(100).optional() }).default({ limit: 50 }))
    .query(async ({ ctx, input }) => {
      const q = await ctx.jobs();
      const rows = await q.list({ ...input, createdBy: ctx.user.role === "admin" ? undefined : ctx.user.id });
      return rows.map(publicView);
    }),
  cancel: authedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const q = await ctx.jobs();
    const j = await q.get(input.id);
    if (!j || !canSee(ctx.user, j)) throw new TRPCError({ code: "NOT_FOUND", message: "No such job." });
    const cancelled = await q.cancel(input.id);
    await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "jobs.cancel", objectType: "job", objectId: input.id, outcome: cancelled ? "success" : "failure", ip: ctx.ip });
    return { cancelled };
  }),
  /** Admin-only demo job (counts with progress) to exercise the job UI. */
  startDemo: roleProcedure("admin")
    .input(z.object({ steps: z.number().int().min(1).max(100).default(10) }).default({ steps: 10 }))
    .mutation(async ({ ctx, input }) => {
      const q = await ctx.jobs();
      const id = await q.enqueue("demo.count", { steps: input.steps, stepMs: 200 }, { createdBy: ctx.user.id });
      return { id };
    }),
});
