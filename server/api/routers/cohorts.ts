// Cohorts (issue 5, admin): validate / import a cohort CSV with a features CSV or a .zip of images + masks,
// "Load demo cohort", list and inspect. Validation reports one line per problem; nothing is imported while a
// problem remains unless skipBadRows is chosen. Audited as cohorts.import (success / failure).
import { TRPCError } from "@trpc/server";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { cohorts } from "../../db/schema.ts";
import {
  CohortImportError,
  formatProblem,
  importCohort,
  importDemoCohort,
  validateCohortImport,
  type CohortImportInput,
  type CohortMeta,
  type ImportResult,
  type ValidationReport,
} from "../../services/cohort-import.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";

const MAX_CSV = 50_000_000;
const MAX_ZIP_B64 = 300_000_000;

const importInput = z.object({
  cohortCsv: z.string().min(1).max(MAX_CSV),
  featuresCsv: z.string().max(MAX_CSV).nullish(),
  archiveBase64: z.string().max(MAX_ZIP_B64).nullish(),
  skipBadRows: z.boolean().default(false),
});

function toInput(i: z.infer<typeof importInput> & { name?: string }): CohortImportInput {
  let archive: Uint8Array | null = null;
  if (i.archiveBase64) {
    const b64 = i.archiveBase64.replace(/^data:[^,]*,/, "");
    if (!/^[A-Za-z0-9+/=\s]*$/.test(b64.slice(0, 1000))) throw new TRPCError({ code: "BAD_REQUEST", message: "The archive upload is not base64." });
    archive = new Uint8Array(Buffer.from(b64, "base64"));
  }
  return { name: i.name ?? "cohort", cohortCsv: i.cohortCsv, featuresCsv: i.featuresCsv ?? null, archive, skipBadRows: i.skipBadRows };
}

const withLines = <T extends { problems: ValidationReport["problems"] }>(r: T) => ({ ...r, lines: r.problems.map(formatProblem) });
const resultView = (r: ImportResult) => ({ imported: r.imported, cohortId: r.cohortId, report: withLines(r.report) });

export const cohortsRouter = createTRPCRouter({
  validate: roleProcedure("admin")
    .meta({ description: "check a cohort import without storing anything" })
    .input(importInput)
    .mutation(({ input }) => withLines(validateCohortImport(toInput(input)))),

  import: roleProcedure("admin")
    .meta({ description: "import a cohort (audited)" })
    .input(importInput.extend({ name: z.string().trim().min(1).max(120) }))
    .mutation(async ({ ctx, input }) => {
      try {
        return resultView(await importCohort(ctx.db, ctx.user, toInput(input), ctx.ip));
      } catch (e) {
        if (e instanceof CohortImportError) throw new TRPCError({ code: "BAD_REQUEST", message: e.message });
        throw e;
      }
    }),

  importDemo: roleProcedure("admin")
    .meta({ description: "import the committed semi-synthetic demo cohort (audited)" })
    .mutation(async ({ ctx }) => resultView(await importDemoCohort(ctx.db, ctx.user, ctx.ip))),

  list: roleProcedure("admin").query(async ({ ctx }) => {
    const rows = await ctx.db.select().from(cohorts).orderBy(desc(cohorts.createdAt)).limit(200);
    return rows.map((r) => {
      const m = r.meta as CohortMeta;
      return { id: r.id, name: r.name, createdAt: r.createdAt, n: m.n, events: m.events, mode: m.mode, demo: m.demo, skipped: m.skipped?.length ?? 0, images: Object.keys(m.files ?? {}).length, featureCount: m.featureCount, splits: m.splits, source: m.source };
    });
  }),

  get: roleProcedure("admin")
    .input(z.object({ id: z.uuid() }))
    .query(async ({ ctx, input }) => {
      const [r] = await ctx.db.select().from(cohorts).where(eq(cohorts.id, input.id));
      if (!r) throw new TRPCError({ code: "NOT_FOUND", message: "No such cohort." });
      const m = r.meta as CohortMeta;
      return { id: r.id, name: r.name, createdAt: r.createdAt, meta: { ...m, files: undefined, images: Object.keys(m.files ?? {}).length } };
    }),
});
