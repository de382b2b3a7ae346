// Mammogram upload (chunked base64 JSON: the tRPC route accepts JSON POSTs only, its CSRF guard), validation,
// the confirm-and-spacing questions, de-identified storage; per-image view/laterality edits. Audited: every
// upload outcome (stored, refused) as "images.upload" with codes only — never header contents.
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit.ts";
import { images, rois } from "../../db/schema.ts";
import { logger } from "../../log.ts";
import {
  appendChunk,
  beginUpload,
  CHUNK_BYTES,
  discardUpload,
  effectiveOrientation,
  IngestError,
  prepareImage,
  rebuildPixelCache,
  storePrepared,
  takeUpload,
  uidSecret,
} from "../../services/ingest.ts";
import type { HeaderSummary } from "../../../lib/dicom/index.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";
import { requireCase, requireImage } from "./cases.ts";

const log = logger("images");

function asTrpc(e: unknown): never {
  if (e instanceof IngestError) throw new TRPCError({ code: e.code === "TOO_LARGE" ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST", message: e.message, cause: e });
  throw e;
}

const spacingPair = z.tuple([z.number().positive().max(10), z.number().positive().max(10)]);

export const imagesRouter = createTRPCRouter({
  /** Start an upload of `size` bytes into a case you own -> { uploadId, chunkBytes }. */
  uploadBegin: roleProcedure("surgeon")
    .input(z.object({ caseId: z.uuid(), size: z.number().int().positive() }))
    .mutation(async ({ ctx, input }) => {
      await requireCase(ctx.db, ctx.user, input.caseId, "write");
      try {
        return beginUpload(ctx.user.id, input.caseId, input.size);
      } catch (e) {
        await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "images.upload", objectType: "case", objectId: input.caseId, outcome: "failure", detail: { reason: e instanceof IngestError ? e.code : "error" }, ip: ctx.ip });
        asTrpc(e);
      }
    }),

  /** One chunk (base64, at most chunkBytes decoded), in order. */
  uploadChunk: roleProcedure("surgeon")
    .input(z.object({ uploadId: z.uuid(), offset: z.number().int().min(0), data: z.base64().max(Math.ceil(CHUNK_BYTES / 3) * 4 + 4) }))
    .mutation(({ ctx, input }) => {
      try {
        return appendChunk(ctx.user.id, input.uploadId, input.offset, new Uint8Array(Buffer.from(input.data, "base64")));
      } catch (e) {
        asTrpc(e);
      }
    }),

  /** Abandon an upload (the user cancelled the questions). */
  uploadCancel: roleProcedure("surgeon")
    .input(z.object({ uploadId: z.uuid() }))
    .mutation(({ ctx, input }) => {
      discardUpload(input.uploadId, ctx.user.id);
      return { ok: true };
    }),

  /**
   * Validate and store a completed upload. Refusals (not DICOM, truncated, unsupported transfer syntax, CT/MR…)
   * -> BAD_REQUEST with a message for the user, upload discarded, case unchanged. When the user must answer
   * something first -> { status: "needs-input", questions } (upload kept for the retry with the answers).
   */
  ingest: roleProcedure("surgeon")
    .input(
      z.object({
        uploadId: z.uuid(),
        confirmNotMammogram: z.boolean().optional(),
        spacingMm: spacingPair.optional(),
        view: z.enum(["CC", "MLO"]).optional(),
        laterality: z.enum(["L", "R"]).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      let caseId: string;
      let bytes: Uint8Array;
      try {
        ({ caseId, bytes } = takeUpload(ctx.user.id, input.uploadId));
      } catch (e) {
        asTrpc(e);
      }
      const c = await requireCase(ctx.db, ctx.user, caseId, "write");
      const fail = async (reason: string) =>
        audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "images.upload", objectType: "case", objectId: c.id, outcome: "failure", detail: { reason, bytes: bytes.byteLength }, ip: ctx.ip });
      let r: Awaited<ReturnType<typeof prepareImage>>;
      try {
        r = await prepareImage(bytes, input, { pseudonym: c.caseCode, uidSecret: uidSecret() });
      } catch (e) {
        discardUpload(input.uploadId);
        await fail(e instanceof IngestError ? e.code : "error");
        log.info("upload refused", { caseId: c.id, code: e instanceof IngestError ? e.code : "error", bytes: bytes.byteLength });
        asTrpc(e);
      }
      if ("questions" in r) {
        const h: HeaderSummary = r.header;
        return {
          status: "needs-input" as const,
          questions: r.questions,
          detected: { modality: h.modality, view: h.view, laterality: h.laterality, rows: h.rows, cols: h.columns },
        };
      }
      const p = r.prepared;
      const stored = await storePrepared(p);
      const [row] = await ctx.db
        .insert(images)
        .values({
          caseId: c.id,
          view: p.view,
          laterality: p.laterality,
          headerSummary: { ...p.header, axilla: { orientation: p.orientation, confirmedNotMammogram: input.confirmNotMammogram === true && !p.header.isMammogram, previewPath: stored.previewPath } },
          filePath: stored.filePath,
          sha256: stored.sha256,
          pixelsPath: stored.pixelsPath,
          spacingRowMm: p.spacing.rowMm,
          spacingColMm: p.spacing.colMm,
          spacingSource: p.spacing.source,
          modality: p.header.modality,
          rows: p.rows,
          cols: p.cols,
          createdBy: ctx.user.id,
        })
        .returning();
      discardUpload(input.uploadId);
      await audit(ctx.db, {
        actorId: ctx.user.id,
        actorRole: ctx.user.role,
        action: "images.upload",
        objectType: "image",
        objectId: row.id,
        outcome: "success",
        detail: { caseId: c.id, sha256: stored.sha256, modality: p.header.modality, confirmedNotMammogram: input.confirmNotMammogram === true && !p.header.isMammogram, spacingSource: p.spacing.source },
        ip: ctx.ip,
      });
      log.info("image stored", { caseId: c.id, imageId: row.id, rows: p.rows, cols: p.cols });
      return {
        status: "stored" as const,
        image: { id: row.id, view: row.view, laterality: row.laterality, rows: row.rows, cols: row.cols, spacingSource: row.spacingSource, spacingRowMm: row.spacingRowMm, spacingColMm: row.spacingColMm },
      };
    }),

  /** Set view/laterality where the header gave none (laterality only before an ROI exists: it decides the flip). */
  update: roleProcedure("surgeon")
    .input(z.object({ imageId: z.uuid(), view: z.enum(["CC", "MLO"]).optional(), laterality: z.enum(["L", "R"]).optional() }))
    .mutation(async ({ ctx, input }) => {
      const { image } = await requireImage(ctx.db, ctx.user, input.imageId, "write");
      const h = image.headerSummary as HeaderSummary;
      const patch: Partial<typeof images.$inferInsert> = {};
      if (input.view && input.view !== image.view) {
        if (h.view) throw new TRPCError({ code: "BAD_REQUEST", message: `The DICOM header says this is the ${h.view} view; it cannot be changed.` });
        patch.view = input.view;
      }
      if (input.laterality && input.laterality !== image.laterality) {
        if (h.laterality) throw new TRPCError({ code: "BAD_REQUEST", message: `The DICOM header gives the laterality (${h.laterality}); it cannot be changed.` });
        const [roi] = await ctx.db.select({ id: rois.id }).from(rois).where(eq(rois.imageId, image.id)).limit(1);
        if (roi) throw new TRPCError({ code: "BAD_REQUEST", message: "Laterality cannot change after an ROI was saved on this image (it decides the orientation)." });
        patch.laterality = input.laterality;
        const o = effectiveOrientation(h, input.laterality);
        const rebuilt = await rebuildPixelCache(image.filePath, o);
        patch.pixelsPath = rebuilt.pixelsPath;
        patch.headerSummary = { ...(image.headerSummary as object), axilla: { ...((image.headerSummary as { axilla?: object }).axilla ?? {}), orientation: o, previewPath: rebuilt.previewPath } };
      }
      if (Object.keys(patch).length) await ctx.db.update(images).set(patch).where(eq(images.id, image.id));
      await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "images.update", objectType: "image", objectId: image.id, outcome: "success", detail: { fields: Object.keys(patch) }, ip: ctx.ip });
      return { ok: true };
    }),

  /** Image facts for the viewer (the pixels come from /cases/[caseId]/pixels/[imageId]). */
  get: roleProcedure("surgeon", "board")
    .input(z.object({ imageId: z.uuid() }))
    .query(async ({ ctx, input }) => {
      const { image } = await requireImage(ctx.db, ctx.user, input.imageId, "read");
      const h = image.headerSummary as HeaderSummary & { axilla?: { orientation?: object; confirmedNotMammogram?: boolean } };
      return {
        id: image.id,
        caseId: image.caseId,
        view: image.view,
        laterality: image.laterality,
        rows: image.rows,
        cols: image.cols,
        modality: image.modality,
        spacingRowMm: image.spacingRowMm,
        spacingColMm: image.spacingColMm,
        spacingSource: image.spacingSource,
        windows: h.windows ?? [],
        lossy: h.lossyImageCompression ?? false,
        orientation: h.axilla?.orientation ?? h.orientation,
        confirmedNotMammogram: h.axilla?.confirmedNotMammogram ?? false,
        headerView: h.view ?? null,
        headerLaterality: h.laterality ?? null,
      };
    }),
});
