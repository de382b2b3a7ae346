// Model versions (issue 5, admin): list, integrity, full run report (JSON) and PDF export, publish (required
// comment) / retire / rollback, side-by-side comparison. A version whose stored artefact no longer matches its
// content hash is refused everywhere with the reason (PRECONDITION_FAILED), and audited as models.integrity.
import { TRPCError } from "@trpc/server";
import { eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit.ts";
import type { Db } from "../../db/index.ts";
import { cohorts, modelVersions, trainingRuns } from "../../db/schema.ts";
import {
  activateVersion,
  buildReport,
  compareVersions,
  listVersions,
  ModelAdminError,
  publishVersion,
  retireVersion,
} from "../../services/model-admin.ts";
import { buildRunReportPdf } from "../../services/run-report-pdf.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";

function asTrpc(e: unknown): never {
  if (e instanceof ModelAdminError) throw new TRPCError({ code: e.code, message: e.message });
  throw e;
}

const idInput = z.object({ id: z.uuid() });

/** What tells versions apart: the cohort they were trained on, the bootstrap counts, folds and the seed. */
export interface VersionOrigin {
  cohortId: string | null;
  cohortName: string | null;
  cohortImportedAt: Date | null;
  n: number | null;
  seed: number | null;
  bootstrapB: number | null;
  validationB: number | null;
  folds: number | null;
  runId: string | null;
}

const intOrNull = (x: unknown): number | null => (x === null || x === undefined || x === "" || !Number.isFinite(Number(x)) ? null : Number(x));

async function origins(db: Db, ids: string[]): Promise<Map<string, VersionOrigin>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: modelVersions.id,
      runId: modelVersions.trainingRunId,
      seed: sql<string | null>`${modelVersions.artefact}->>'seed'`,
      n: sql<string | null>`${modelVersions.artefact}#>>'{cohort,n}'`,
      bootstrapB: sql<string | null>`${modelVersions.artefact}#>>'{settings,lasso,bootstrapB}'`,
      validationB: sql<string | null>`${modelVersions.artefact}#>>'{settings,validation,B}'`,
      folds: sql<string | null>`${modelVersions.artefact}#>>'{settings,lasso,nfolds}'`,
      cohortId: cohorts.id,
      cohortName: cohorts.name,
      cohortImportedAt: cohorts.createdAt,
    })
    .from(modelVersions)
    .leftJoin(trainingRuns, eq(trainingRuns.id, modelVersions.trainingRunId))
    .leftJoin(cohorts, eq(cohorts.id, trainingRuns.cohortId))
    .where(inArray(modelVersions.id, ids));
  return new Map(
    rows.map((r) => [
      r.id,
      { cohortId: r.cohortId, cohortName: r.cohortName, cohortImportedAt: r.cohortImportedAt, n: intOrNull(r.n), seed: intOrNull(r.seed), bootstrapB: intOrNull(r.bootstrapB), validationB: intOrNull(r.validationB), folds: intOrNull(r.folds), runId: r.runId },
    ]),
  );
}

const NO_ORIGIN: VersionOrigin = { cohortId: null, cohortName: null, cohortImportedAt: null, n: null, seed: null, bootstrapB: null, validationB: null, folds: null, runId: null };
const transition = z.object({ id: z.uuid(), comment: z.string().trim().min(3, "A comment (why) is required.").max(2000) });

export const modelsRouter = createTRPCRouter({
  list: roleProcedure("admin").query(async ({ ctx }) => {
    const vs = await listVersions(ctx.db);
    const o = await origins(
      ctx.db,
      vs.map((v) => v.id),
    );
    return vs.map((v) => ({ ...v, origin: o.get(v.id) ?? NO_ORIGIN }));
  }),

  get: roleProcedure("admin")
    .input(idInput)
    .query(async ({ ctx, input }) => {
      const v = (await listVersions(ctx.db)).find((x) => x.id === input.id);
      if (!v) throw new TRPCError({ code: "NOT_FOUND", message: "No such model version." });
      return { ...v, origin: (await origins(ctx.db, [v.id])).get(v.id) ?? NO_ORIGIN };
    }),

  report: roleProcedure("admin")
    .meta({ description: "the full run report of a version (refused when its hash does not verify)" })
    .input(idInput)
    .query(({ ctx, input }) => buildReport(ctx.db, input.id, ctx.user).catch(asTrpc)),

  exportReport: roleProcedure("admin")
    .meta({ description: "run report as JSON or PDF (base64), audited" })
    .input(z.object({ id: z.uuid(), format: z.enum(["json", "pdf"]) }))
    .mutation(async ({ ctx, input }) => {
      const r = await buildReport(ctx.db, input.id, ctx.user).catch(asTrpc);
      await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "models.export", objectType: "model_version", objectId: input.id, outcome: "success", detail: { format: input.format }, ip: ctx.ip });
      const base = `axilla-run-report-${r.version.label}${r.demo ? "-DEMO" : ""}`;
      if (input.format === "json") return { filename: `${base}.json`, mime: "application/json", base64: Buffer.from(JSON.stringify(r, null, 2)).toString("base64") };
      return { filename: `${base}.pdf`, mime: "application/pdf", base64: Buffer.from(await buildRunReportPdf(r)).toString("base64") };
    }),

  publish: roleProcedure("admin")
    .meta({ description: "draft -> published + active, with a required comment (audited)" })
    .input(transition)
    .mutation(({ ctx, input }) => publishVersion(ctx.db, ctx.user, input.id, input.comment, ctx.ip).catch(asTrpc)),

  retire: roleProcedure("admin")
    .meta({ description: "published -> retired (not the active one), with a comment (audited)" })
    .input(transition)
    .mutation(({ ctx, input }) => retireVersion(ctx.db, ctx.user, input.id, input.comment, ctx.ip).catch(asTrpc)),

  rollback: roleProcedure("admin")
    .meta({ description: "re-activate an earlier version, with a comment (audited)" })
    .input(transition)
    .mutation(({ ctx, input }) => activateVersion(ctx.db, ctx.user, input.id, input.comment, ctx.ip).catch(asTrpc)),

  compare: roleProcedure("admin")
    .input(z.object({ a: z.uuid(), b: z.uuid() }).refine((v) => v.a.toLowerCase() !== v.b.toLowerCase(), { message: "Choose two different versions to compare (a version compared with itself shows no differences).", path: ["b"] }))
    .query(async ({ ctx, input }) => {
      const c = await compareVersions(ctx.db, input.a, input.b, ctx.user).catch(asTrpc);
      const o = await origins(ctx.db, [c.a.id, c.b.id]);
      return { ...c, origin: { a: o.get(c.a.id) ?? NO_ORIGIN, b: o.get(c.b.id) ?? NO_ORIGIN } };
    }),
});
