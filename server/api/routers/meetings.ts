// Tumour-board meetings (issue 6): surgeons create meetings (date + title + board members) and put their own
// cases on them; the creating surgeon adds and removes board members later. Board members read only the
// meetings they are members of and the cases on them (read-only: every mutation here is surgeon-only). A case
// is visible to the board through a meeting they are a member of and nothing else (routers/cases.ts
// requireCase); any other meeting answers NOT_FOUND.
import { TRPCError } from "@trpc/server";
import { and, asc, count, desc, eq, inArray, type SQL } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit.ts";
import type { SessionUser } from "../../auth/roles.ts";
import type { Db } from "../../db/index.ts";
import { cases, meetingCases, meetingMembers, meetings, users } from "../../db/schema.ts";
import { caseForUser, latestPrediction, type ClientModel } from "../../services/predict.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";
import { clientModelById, predictionView, type PredictionView } from "./predictions.ts";

const idInput = z.object({ id: z.uuid() });
const memberInput = z.object({ meetingId: z.uuid(), userId: z.uuid() });
const noMeeting = () => new TRPCError({ code: "NOT_FOUND", message: "No such meeting." });

/** Board users see only meetings they are members of (condition on `meetings`); surgeons see all. */
function visibleTo(db: Db, user: SessionUser): SQL | undefined {
  if (user.role !== "board") return undefined;
  return inArray(meetings.id, db.select({ id: meetingMembers.meetingId }).from(meetingMembers).where(eq(meetingMembers.userId, user.id)));
}

/** The meeting if `user` may see it (board: member only), else NOT_FOUND. */
async function requireMeeting(db: Db, user: SessionUser, meetingId: string) {
  const [m] = await db.select().from(meetings).where(eq(meetings.id, meetingId));
  if (!m) throw noMeeting();
  if (user.role === "board") {
    const [mm] = await db.select({ id: meetingMembers.userId }).from(meetingMembers).where(and(eq(meetingMembers.meetingId, m.id), eq(meetingMembers.userId, user.id)));
    if (!mm) throw noMeeting();
  }
  return m;
}

/** Board-role users among `ids` (unknown or non-board ids are refused with BAD_REQUEST). */
async function requireBoardUsers(db: Db, ids: string[]): Promise<string[]> {
  const unique = Array.from(new Set(ids));
  if (!unique.length) return [];
  const rows = await db.select({ id: users.id, role: users.role }).from(users).where(inArray(users.id, unique));
  const board = new Set(rows.filter((r) => r.role === "board").map((r) => r.id));
  if (unique.some((u) => !board.has(u))) throw new TRPCError({ code: "BAD_REQUEST", message: "Board members must be users with the tumour-board role." });
  return unique;
}

/** The meeting for a membership change: it exists and the caller created it, else NOT_FOUND / FORBIDDEN
 *  (a refused change is audited, outcome denied). */
async function requireOwnMeeting(ctx: { db: Db; user: SessionUser; ip?: string | null }, meetingId: string, action: string) {
  const [m] = await ctx.db.select().from(meetings).where(eq(meetings.id, meetingId));
  if (!m) throw noMeeting();
  if (m.createdBy !== ctx.user.id) {
    await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action, objectType: "meeting", objectId: m.id, outcome: "denied", detail: { reason: "not the meeting's creator" }, ip: ctx.ip });
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the surgeon who created the meeting can change its board members." });
  }
  return m;
}

export const meetingsRouter = createTRPCRouter({
  list: roleProcedure("surgeon", "board")
    .meta({ description: "tumour-board meetings, newest first, with their case counts" })
    .query(async ({ ctx }) => {
      const rows = await ctx.db
        .select({ id: meetings.id, date: meetings.date, title: meetings.title, n: count(meetingCases.caseId) })
        .from(meetings)
        .leftJoin(meetingCases, eq(meetingCases.meetingId, meetings.id))
        .where(visibleTo(ctx.db, ctx.user))
        .groupBy(meetings.id)
        .orderBy(desc(meetings.date));
      return rows.map((r) => ({ id: r.id, date: r.date.toISOString(), title: r.title, caseCount: Number(r.n) }));
    }),

  create: roleProcedure("surgeon")
    .meta({ description: "create a meeting with its board members (surgeon, audited)" })
    .input(z.object({ date: z.coerce.date(), title: z.string().trim().min(1).max(200), memberIds: z.array(z.uuid()).max(200).default([]) }))
    .mutation(async ({ ctx, input }) => {
      const memberIds = await requireBoardUsers(ctx.db, input.memberIds);
      const [m] = await ctx.db.insert(meetings).values({ date: input.date, title: input.title, createdBy: ctx.user.id }).returning();
      if (memberIds.length) await ctx.db.insert(meetingMembers).values(memberIds.map((userId) => ({ meetingId: m.id, userId })));
      await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "meetings.create", objectType: "meeting", objectId: m.id, outcome: "success", detail: { memberIds }, ip: ctx.ip });
      return { id: m.id, date: m.date.toISOString(), title: m.title, memberIds };
    }),

  /** Board-role users a surgeon can choose as a meeting's members (id and name only). */
  boardMembers: roleProcedure("surgeon")
    .meta({ description: "board-role users (id, name) to choose as meeting members" })
    .query(async ({ ctx }) => {
      return ctx.db.select({ id: users.id, name: users.name }).from(users).where(eq(users.role, "board")).orderBy(asc(users.name));
    }),

  /** A meeting's board members (the creating surgeon's view for managing them). */
  members: roleProcedure("surgeon")
    .meta({ description: "a meeting's board members (id, name) and whether the caller may change them" })
    .input(idInput)
    .query(async ({ ctx, input }) => {
      const m = await requireMeeting(ctx.db, ctx.user, input.id);
      const rows = await ctx.db
        .select({ id: users.id, name: users.name })
        .from(meetingMembers)
        .innerJoin(users, eq(users.id, meetingMembers.userId))
        .where(eq(meetingMembers.meetingId, m.id))
        .orderBy(asc(users.name));
      return { members: rows, canManage: m.createdBy === ctx.user.id };
    }),

  addMember: roleProcedure("surgeon")
    .meta({ description: "add a board member to a meeting (creating surgeon only, audited)" })
    .input(memberInput)
    .mutation(async ({ ctx, input }) => {
      const m = await requireOwnMeeting(ctx, input.meetingId, "meetings.addMember");
      const [userId] = await requireBoardUsers(ctx.db, [input.userId]);
      await ctx.db.insert(meetingMembers).values({ meetingId: m.id, userId }).onConflictDoNothing();
      await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "meetings.addMember", objectType: "meeting", objectId: m.id, outcome: "success", detail: { userId }, ip: ctx.ip });
      return { ok: true };
    }),

  removeMember: roleProcedure("surgeon")
    .meta({ description: "remove a board member from a meeting (creating surgeon only, audited)" })
    .input(memberInput)
    .mutation(async ({ ctx, input }) => {
      const m = await requireOwnMeeting(ctx, input.meetingId, "meetings.removeMember");
      await ctx.db.delete(meetingMembers).where(and(eq(meetingMembers.meetingId, m.id), eq(meetingMembers.userId, input.userId)));
      await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "meetings.removeMember", objectType: "meeting", objectId: m.id, outcome: "success", detail: { userId: input.userId }, ip: ctx.ip });
      return { ok: true };
    }),

  addCase: roleProcedure("surgeon")
    .meta({ description: "put one of the surgeon's cases on a meeting (audited)" })
    .input(z.object({ meetingId: z.uuid(), caseId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const c = await caseForUser(ctx.db, ctx.user, input.caseId, "write");
      const [m] = await ctx.db.select().from(meetings).where(eq(meetings.id, input.meetingId));
      if (!m) throw new TRPCError({ code: "NOT_FOUND", message: "No such meeting." });
      const [{ n }] = await ctx.db.select({ n: count() }).from(meetingCases).where(eq(meetingCases.meetingId, m.id));
      const added = await ctx.db.insert(meetingCases).values({ meetingId: m.id, caseId: c.id, position: Number(n) }).onConflictDoNothing().returning({ caseId: meetingCases.caseId });
      // audited when the meeting changed; a repeated add (e.g. a double click) changes nothing and says so
      if (added.length) await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "meetings.addCase", objectType: "meeting", objectId: m.id, outcome: "success", detail: { caseId: c.id }, ip: ctx.ip });
      return { ok: true, added: added.length > 0 };
    }),

  removeCase: roleProcedure("surgeon")
    .meta({ description: "take one of the surgeon's cases off a meeting (audited)" })
    .input(z.object({ meetingId: z.uuid(), caseId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const c = await caseForUser(ctx.db, ctx.user, input.caseId, "write");
      const removed = await ctx.db
        .delete(meetingCases)
        .where(and(eq(meetingCases.meetingId, input.meetingId), eq(meetingCases.caseId, c.id)))
        .returning({ caseId: meetingCases.caseId });
      if (removed.length) await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "meetings.removeCase", objectType: "meeting", objectId: input.meetingId, outcome: "success", detail: { caseId: c.id }, ip: ctx.ip });
      return { ok: true, removed: removed.length > 0 };
    }),

  /** A meeting with its cases in order: each case's code and latest saved prediction with its own model version.
   *  Surgeons see their own cases on it (others' are counted only); board members (of this meeting only) see all of them. */
  get: roleProcedure("surgeon", "board")
    .meta({ description: "a meeting and its cases (board: read-only presentation data)" })
    .input(idInput)
    .query(async ({ ctx, input }) => {
      const m = await requireMeeting(ctx.db, ctx.user, input.id);
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
