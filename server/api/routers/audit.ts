// Audit log (admin): newest first, filtered by action / outcome (and optionally without sign-in events), paged
// with beforeId. Each row carries the actor's name and email (users joined) and a readable label of its object
// where that is one cheap lookup (model version label, cohort name, case code, user, training run, baseline), so the view does
// not show bare UUIDs. `actions` lists the actions present, for the filter.
import { and, asc, desc, eq, inArray, lt, notInArray, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/index.ts";
import { auditLog, baselines, cases, cohorts, modelVersions, trainingRuns, users } from "../../db/schema.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Sign-in / sign-out events: many, and rarely what an administrator is looking for. */
export const SIGN_IN_ACTIONS = ["auth.signin", "auth.signout"];

async function objectLabels(db: Db, rows: { objectType: string | null; objectId: string | null }[]): Promise<Map<string, string>> {
  const ids = (type: string) => Array.from(new Set(rows.filter((r) => r.objectType === type && r.objectId && UUID.test(r.objectId)).map((r) => r.objectId!)));
  const out = new Map<string, string>();
  const key = (type: string, id: string) => `${type}:${id}`;
  const mv = ids("model_version");
  if (mv.length) for (const r of await db.select({ id: modelVersions.id, label: modelVersions.label }).from(modelVersions).where(inArray(modelVersions.id, mv))) out.set(key("model_version", r.id), `model version ${r.label}`);
  const co = ids("cohort");
  if (co.length) for (const r of await db.select({ id: cohorts.id, name: cohorts.name }).from(cohorts).where(inArray(cohorts.id, co))) out.set(key("cohort", r.id), `cohort “${r.name}” (…${r.id.slice(-6)})`);
  const ca = ids("case");
  if (ca.length) for (const r of await db.select({ id: cases.id, code: cases.caseCode }).from(cases).where(inArray(cases.id, ca))) out.set(key("case", r.id), `case ${r.code}`);
  const us = ids("user");
  if (us.length) for (const r of await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, us))) out.set(key("user", r.id), `user ${r.name} <${r.email}>`);
  const tr = ids("training_run");
  if (tr.length)
    for (const r of await db.select({ id: trainingRuns.id, cohort: cohorts.name }).from(trainingRuns).leftJoin(cohorts, eq(cohorts.id, trainingRuns.cohortId)).where(inArray(trainingRuns.id, tr)))
      out.set(key("training_run", r.id), `training run …${r.id.slice(-6)}${r.cohort ? ` on “${r.cohort}”` : ""}`);
  const ba = ids("baseline");
  if (ba.length) for (const r of await db.select({ id: baselines.id, name: baselines.name }).from(baselines).where(inArray(baselines.id, ba))) out.set(key("baseline", r.id), `baseline “${r.name}”`);
  return out;
}

export const auditRouter = createTRPCRouter({
  list: roleProcedure("admin")
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(1000).default(100),
          beforeId: z.number().int().positive().optional(),
          action: z.string().max(100).optional(),
          outcome: z.enum(["success", "denied", "failure"]).optional(),
          /** leave out sign-in / sign-out events */
          hideSignIns: z.boolean().optional(),
        })
        .default({ limit: 100 }),
    )
    .query(async ({ ctx, input }) => {
      const where: SQL[] = [];
      if (input.beforeId) where.push(lt(auditLog.id, input.beforeId));
      if (input.action) where.push(eq(auditLog.action, input.action));
      if (input.outcome) where.push(eq(auditLog.outcome, input.outcome));
      if (input.hideSignIns) where.push(notInArray(auditLog.action, SIGN_IN_ACTIONS));
      const rows = await ctx.db
        .select({ row: auditLog, actorName: users.name, actorEmail: users.email })
        .from(auditLog)
        .leftJoin(users, eq(users.id, auditLog.actorId))
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(auditLog.id))
        .limit(input.limit);
      const labels = await objectLabels(
        ctx.db,
        rows.map((r) => r.row),
      );
      return rows.map(({ row, actorName, actorEmail }) => ({
        ...row,
        actorName: actorName ?? null,
        actorEmail: actorEmail ?? null,
        objectLabel: row.objectType && row.objectId ? (labels.get(`${row.objectType}:${row.objectId}`) ?? null) : null,
      }));
    }),

  actions: roleProcedure("admin")
    .meta({ description: "the actions present in the audit log (for the filter)" })
    .query(async ({ ctx }) => (await ctx.db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(asc(auditLog.action))).map((r) => r.action)),
});
