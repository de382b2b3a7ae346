// Model versions (issue 5, admin): list, integrity, full run report (JSON) and PDF export, publish (required
// comment) / retire / rollback, side-by-side comparison. A version whose stored artefact no longer matches its
// content hash is refused everywhere with the reason (PRECONDITION_FAILED), and audited as models.integrity.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { audit } from "../../audit.ts";
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
const transition = z.object({ id: z.uuid(), comment: z.string().trim().min(3, "A comment (why) is required.").max(2000) });

export const modelsRouter = createTRPCRouter({
  list: roleProcedure("admin").query(({ ctx }) => listVersions(ctx.db)),

  get: roleProcedure("admin")
    .input(idInput)
    .query(async ({ ctx, input }) => {
      const v = (await listVersions(ctx.db)).find((x) => x.id === input.id);
      if (!v) throw new TRPCError({ code: "NOT_FOUND", message: "No such model version." });
      return v;
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
    .input(z.object({ a: z.uuid(), b: z.uuid() }))
    .query(({ ctx, input }) => compareVersions(ctx.db, input.a, input.b, ctx.user).catch(asTrpc)),
});
