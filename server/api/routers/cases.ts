// Cases (surgeon): pseudonymous case code, list with search, open. Access: a surgeon reads and writes only
// the cases they own (read also when shared with them); board members read cases on a tumour-board meeting they are a member of;
// admins see no cases. Anything else answers NOT_FOUND (existence is not revealed).
import { TRPCError } from "@trpc/server";
import { and, arrayContains, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit.ts";
import type { SessionUser } from "../../auth/roles.ts";
import type { Db } from "../../db/index.ts";
import { cases, images, meetingCases, meetingMembers, radscores, rois } from "../../db/schema.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";

export type CaseRow = typeof cases.$inferSelect;

/** Case read access for `user`, or NOT_FOUND. `write` demands ownership (surgeon). */
export async function requireCase(db: Db, user: SessionUser, caseId: string, mode: "read" | "write"): Promise<CaseRow> {
  if (!z.uuid().safeParse(caseId).success) throw caseNotFound();
  const [c] = await db.select().from(cases).where(eq(cases.id, caseId));
  return checkCaseAccess(db, user, c, mode);
}

/** SQL: has an ROI on one of the case's images been saved after `at`? (a Rad-score computed at `at` is then stale)
 *  Arguments are qualified SQL (e.g. sql`rs.case_id`): drizzle leaves column names unqualified in one-table selects,
 *  where they would resolve to the sub-query's own tables. */
export function roiSavedAfter(caseId: SQL, at: SQL): SQL<boolean> {
  return sql<boolean>`exists (select 1 from rois r_ join images i_ on i_.id = r_.image_id where i_.case_id = ${caseId} and r_.updated_at > ${at})`;
}

/** roiSavedAfter for the row of a query on (or joined with) the radscores table: is that Rad-score stale? */
export function radscoreStale(): SQL<boolean> {
  return roiSavedAfter(sql`"radscores"."case_id"`, sql`"radscores"."created_at"`).mapWith(Boolean);
}

const caseNotFound = () => new TRPCError({ code: "NOT_FOUND", message: "No such case." });

/** requireCase for a case row the caller already read (undefined: no such case). */
export async function checkCaseAccess(db: Db, user: SessionUser, c: CaseRow | undefined, mode: "read" | "write"): Promise<CaseRow> {
  if (!c) throw caseNotFound();
  if (user.role === "surgeon") {
    if (c.ownerId === user.id) return c;
    if (mode === "read" && c.sharedWith.includes(user.id)) return c;
    throw caseNotFound();
  }
  if (user.role === "board" && mode === "read") {
    // only through a meeting the board user is a member of
    const [m] = await db
      .select({ id: meetingCases.caseId })
      .from(meetingCases)
      .innerJoin(meetingMembers, and(eq(meetingMembers.meetingId, meetingCases.meetingId), eq(meetingMembers.userId, user.id)))
      .where(eq(meetingCases.caseId, c.id))
      .limit(1);
    if (m) return c;
  }
  throw caseNotFound();
}

/** The image with its case, checked for access. */
export async function requireImage(db: Db, user: SessionUser, imageId: string, mode: "read" | "write") {
  const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "No such image." });
  if (!z.uuid().safeParse(imageId).success) throw notFound();
  const [img] = await db.select().from(images).where(eq(images.id, imageId));
  if (!img) throw notFound();
  const c = await requireCase(db, user, img.caseId, mode).catch(() => {
    throw notFound();
  });
  return { image: img, case: c };
}

// Case codes are pseudonyms: letters, digits and - _ . / only, with at least one digit, so that a patient's
// name ("Jane Doe", "DOE^JANE") cannot be typed in by mistake.
export const CASE_CODE_RULE = "2–40 characters: letters, digits and - _ . / only, with at least one digit (no names)";
export const caseCodeSchema = z
  .string()
  .trim()
  .min(2, `Case code: ${CASE_CODE_RULE}.`)
  .max(40, `Case code: ${CASE_CODE_RULE}.`)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, `Case code: ${CASE_CODE_RULE}.`)
  .regex(/\d/, "Case code must contain at least one digit (e.g. AX-0001): it is a pseudonym, never a patient's name.");

export const casesRouter = createTRPCRouter({
  /** Own (and shared) cases, newest first; `search` matches the case code. */
  list: roleProcedure("surgeon", "board")
    .input(z.object({ search: z.string().trim().max(40).optional() }).default({}))
    .query(async ({ ctx, input }) => {
      const where: SQL[] = [];
      if (ctx.user.role === "surgeon") {
        where.push(or(eq(cases.ownerId, ctx.user.id), arrayContains(cases.sharedWith, [ctx.user.id]))!);
      } else {
        const onMeetings = ctx.db
          .select({ id: meetingCases.caseId })
          .from(meetingCases)
          .innerJoin(meetingMembers, and(eq(meetingMembers.meetingId, meetingCases.meetingId), eq(meetingMembers.userId, ctx.user.id)));
        where.push(inArray(cases.id, onMeetings));
      }
      if (input.search) where.push(ilike(cases.caseCode, `%${input.search.replace(/[\\%_]/g, (m) => "\\" + m)}%`));
      const rows = await ctx.db
        .select({
          id: cases.id,
          caseCode: cases.caseCode,
          createdAt: cases.createdAt,
          own: sql<boolean>`${cases.ownerId} = ${ctx.user.id}`,
          // correlated sub-queries spelled with table names (drizzle leaves column names unqualified here)
          images: sql<number>`(select count(*)::int from images im where im.case_id = cases.id)`,
          rois: sql<number>`(select count(*)::int from rois r join images im on im.id = r.image_id where im.case_id = cases.id)`,
          radscore: sql<number | null>`(select rs.value from radscores rs where rs.case_id = cases.id order by rs.created_at desc limit 1)`,
          // the tumour outline was saved again after that Rad-score: it no longer describes the ROI
          radscoreStale: sql<boolean>`coalesce((select ${roiSavedAfter(sql`rs.case_id`, sql`rs.created_at`)} from radscores rs where rs.case_id = cases.id order by rs.created_at desc limit 1), false)`,
        })
        .from(cases)
        .where(and(...where))
        .orderBy(desc(cases.createdAt))
        .limit(500);
      return rows;
    }),

  create: roleProcedure("surgeon")
    .input(z.object({ caseCode: caseCodeSchema }))
    .mutation(async ({ ctx, input }) => {
      const code = input.caseCode;
      const [dup] = await ctx.db
        .select({ id: cases.id })
        .from(cases)
        .where(and(eq(cases.ownerId, ctx.user.id), eq(sql`lower(${cases.caseCode})`, code.toLowerCase())));
      if (dup) {
        await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "cases.create", objectType: "case", outcome: "failure", detail: { reason: "duplicate code" }, ip: ctx.ip });
        throw new TRPCError({ code: "CONFLICT", message: `You already have a case with the code ${code}.` });
      }
      const [row] = await ctx.db.insert(cases).values({ caseCode: code, ownerId: ctx.user.id }).onConflictDoNothing().returning();
      if (!row) throw new TRPCError({ code: "CONFLICT", message: `You already have a case with the code ${code}.` });
      await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "cases.create", objectType: "case", objectId: row.id, outcome: "success", ip: ctx.ip });
      return { id: row.id, caseCode: row.caseCode };
    }),

  /** One case: code, images (view, laterality, spacing, size), ROI presence, latest Rad-score. */
  get: roleProcedure("surgeon", "board")
    .input(z.object({ id: z.uuid() }))
    .query(async ({ ctx, input }) => {
      const c = await requireCase(ctx.db, ctx.user, input.id, "read");
      const imgs = await ctx.db.select().from(images).where(eq(images.caseId, c.id)).orderBy(images.createdAt);
      const roiRows = imgs.length
        ? await ctx.db.select({ imageId: rois.imageId, areaMm2: rois.areaMm2, updatedAt: rois.updatedAt }).from(rois).where(inArray(rois.imageId, imgs.map((i) => i.id)))
        : [];
      const [rs] = await ctx.db.select().from(radscores).where(eq(radscores.caseId, c.id)).orderBy(desc(radscores.createdAt)).limit(1);
      return {
        id: c.id,
        caseCode: c.caseCode,
        createdAt: c.createdAt,
        canEdit: ctx.user.role === "surgeon" && c.ownerId === ctx.user.id,
        images: imgs.map((i) => ({
          id: i.id,
          view: i.view,
          laterality: i.laterality,
          rows: i.rows,
          cols: i.cols,
          modality: i.modality,
          spacingRowMm: i.spacingRowMm,
          spacingColMm: i.spacingColMm,
          spacingSource: i.spacingSource,
          hasRoi: roiRows.some((r) => r.imageId === i.id),
          createdAt: i.createdAt,
        })),
        // stale: an ROI of the case was saved after this Rad-score was computed (it must be computed again)
        radscore: rs ? { value: rs.value, detail: rs.detail, createdAt: rs.createdAt, stale: roiRows.some((r) => r.updatedAt > rs.createdAt) } : null,
      };
    }),
});
