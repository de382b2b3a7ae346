// Tumour-board meetings (issue 6): surgeons create meetings (date + title) and put their own cases on
// them; board members read meetings and only the cases on them (read-only: every mutation here is
// surgeon-only). A case is visible to the board through a meeting and nothing else (services/predict.ts
// caseForUser).
import { TRPCError } from "@trpc/server";
import { and, asc, count, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit.ts";
import { cases, meetingCases, meetings } from "../../db/schema.ts";
import { caseForUser, latestPrediction, type ClientModel } from "../../services/predict.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";
import { clientModelById, predictionView, type PredictionView } from "./predictions.ts";

const idInput = z.object({ id: z.uuid() });

export const meetingsRouter = createTRPCRouter({
  list: roleProcedure("surgeon", "board")
    .meta({ description: "tumour-board meetings, newest first, with their case counts" })
    .query(async ({ ctx }) => {
      const rows = await ctx.db
        .select({ id: meetings.id, date: meetings.date, title: meetings.title, n: count(meetingCases.caseId) })
        .from(meetings)
        .leftJoin(meetingCases, eq(meetingCases.meetingId, meetings.id))
        .groupBy(meetings.id)
        .orderBy(desc(meetings.date));
      return rows.map((r) => ({ id: r.id, date: r.date.toISOString(), title: r.title, caseCount: Number(r.n) }));
    }),

  create: roleProcedure("surgeon")
    .meta({ description: "create a meeting (surgeon, audited)" })
    .input(z.object({ date: z.coerce.date(), title: z.string().trim().min(1).max(200) }))
    .mutation(async ({ ctx, input }) => {
      const [m] = await ctx.db.insert(meetings).values({ date: input.date, title: input.title, createdBy: ctx.user.id }).returning();
      await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "meetings.create", objectType: "meeting", objectId: m.id, outcome: "success", ip: ctx.ip });
      return { id: m.id, date: m.date.toISOString(), title: m.title };
    }),

  addCase: roleProcedure("surgeon")
    .meta({ description: "put one of the surgeon's cases on a meeting (audited)" })
    .input(z.object({ meetingId: z.uuid(), caseId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const c = await caseForUser(ctx.db, ctx.user, input.caseId, "write");
      const [m] = await ctx.db.select().from(meetings).where(eq(meetings.id, input.meetingId));
      if (!m) throw new TRPCError({ code: "NOT_FOUND", message: "No such meeting." });
      const [{ n }] = await ctx.db.select({ n: count() }).from(meetingCases).where(eq(meetingCases.meetingId, m.id));
      await ctx.db.insert(meetingCases).values({ meetingId: m.id, caseId: c.id, position: Number(n) }).onConflictDoNothing();
      await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "meetings.addCase", objectType: "meeting", objectId: m.id, outcome: "success", detail: { caseId: c.id }, ip: ctx.ip });
      return { ok: true };
    }),

  removeCase: roleProcedure("surgeon")
    .meta({ description: "take one of the surgeon's cases off a meeting (audited)" })
    .input(z.object({ meetingId: z.uuid(), caseId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const c = await caseForUser(ctx.db, ctx.user, input.caseId, "write");
      await ctx.db.delete(meetingCases).where(and(eq(meetingCases.meetingId, input.meetingId), eq(meetingCases.caseId, c.id)));
      await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "meetings.removeCase", objectType: "meeting", objectId: input.meetingId, outcome: "success", detail: { caseId: c.id }, ip: ctx.ip });
      return { ok: true };
    }),

  /** A meeting with its cases in order: each case's code and latest saved prediction with its own model version.
   *  Surgeons see their own cases on it (others' are counted only); board members see all of them. */
  get: roleProcedure("surgeon", "board")
    .meta({ description: "a meeting and its cases (board: read-only presentation data)" })
    .input(idInput)
    .query(async ({ ctx, input }) => {
      const [m] = await ctx.db.select().from(meetings).where(eq(meetings.id, input.id));
      if (!m) throw new TRPCError({ code: "NOT_FOUND", message: "No such meeting." });
      const links = await ctx.db.select().from(meetingCases).where(eq(meetingCases.meetingId, m.id)).orderBy(asc(meetingCases.position));
      const rows = links.length ? await ctx.db.select().from(cases).where(inArray(cases.id, links.map((l) => l.caseId))) : [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      const visible = links
        .map((l) => byId.get(l.caseId)!)
        .filter((c) => c && (ctx.user.role === "board" || c.ownerId === ctx.user.id || c.sharedWith.includes(ctx.user.id)));
      const models = new Map<string, { model: ClientModel | null; error: string | null }>();
      const out: { id: string; caseCode: string; prediction: PredictionView | null; modelVersionId: string | null }[] = [];
      for (const c of visible) {
        const p = await latestPrediction(ctx.db, c.id);
        const view = p ? await predictionView(ctx.db, p) : null;
        if (view && !models.has(view.modelVersionId)) models.set(view.modelVersionId, await clientModelById(ctx.db, view.modelVersionId));
        out.push({ id: c.id, caseCode: c.caseCode, prediction: view, modelVersionId: view?.modelVersionId ?? null });
      }
      return {
        id: m.id,
        date: m.date.toISOString(),
        title: m.title,
        cases: out,
        hiddenCases: links.length - visible.length,
        models: Object.fromEntries(Array.from(models.entries()).map(([k, v]) => [k, v])),
      };
    }),

  /** Meetings a case is on (for the surgeon's case pages). */
  forCase: roleProcedure("surgeon")
    .meta({ description: "meetings one of the surgeon's cases is on" })
    .input(z.object({ caseId: z.uuid() }))
    .query(async ({ ctx, input }) => {
      const c = await caseForUser(ctx.db, ctx.user, input.caseId);
      const rows = await ctx.db
        .select({ id: meetings.id, date: meetings.date, title: meetings.title })
        .from(meetingCases)
        .innerJoin(meetings, eq(meetings.id, meetingCases.meetingId))
        .where(eq(meetingCases.caseId, c.id));
      return rows.map((r) => ({ id: r.id, date: r.date.toISOString(), title: r.title }));
    }),
});
