// Tumour ROI per image: a binary mask in the normalised (chest wall left) frame, run-length encoded, stored with
// the flip that produced the frame, how it was made (threshold / freehand / brush) and its threshold settings.
// One ROI per image (saving again replaces it). Audited as "rois.save".
import { TRPCError } from "@trpc/server";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit.ts";
import { rois } from "../../db/schema.ts";
import { decodePixelCache } from "../../services/ingest.ts";
import { storage } from "../../storage/index.ts";
import type { Mask2D } from "../../../lib/image/types.ts";
import { decodeRle, encodeRle, RleError } from "../../../lib/image/rle.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";
import { requireImage } from "./cases.ts";

/** Mask RLE ("rle"), the codec of lib/image/rle.ts (the viewer uses the same); malformed input is BAD_REQUEST. */
export function decodeMaskRle(rle: string, rows: number, cols: number): Mask2D {
  try {
    return { rows, cols, data: decodeRle(rle, rows * cols) };
  } catch (e) {
    if (e instanceof RleError) throw new TRPCError({ code: "BAD_REQUEST", message: e.message });
    throw e;
  }
}

export function encodeMaskRle(mask: Mask2D): string {
  return encodeRle(mask.data);
}

const thresholdParams = z
  .object({
    seed: z.object({ row: z.number().int().min(0), col: z.number().int().min(0) }).optional(),
    lower: z.number().optional(),
    upper: z.number().optional(),
    halfWidth: z.number().optional(),
    edits: z.number().int().min(0).optional(),
  })
  .nullable()
  .optional();

export const roisRouter = createTRPCRouter({
  /** The saved ROI of an image (mask RLE in the normalised frame), or null. */
  get: roleProcedure("surgeon", "board")
    .input(z.object({ imageId: z.uuid() }))
    .query(async ({ ctx, input }) => {
      await requireImage(ctx.db, ctx.user, input.imageId, "read");
      const [r] = await ctx.db.select().from(rois).where(eq(rois.imageId, input.imageId)).limit(1);
      if (!r) return null;
      return {
        id: r.id,
        encoding: r.maskEncoding,
        rle: r.maskData,
        rows: r.maskRows,
        cols: r.maskCols,
        flipped: r.flipped,
        method: r.method,
        thresholdParams: r.thresholdParams as z.infer<typeof thresholdParams>,
        areaMm2: r.areaMm2,
        updatedAt: r.updatedAt,
      };
    }),

  /** Save (replace) the ROI of an image you own. Returns its area (mm²), pixel count and mean intensity. */
  save: roleProcedure("surgeon")
    .input(
      z.object({
        imageId: z.uuid(),
        method: z.enum(["threshold", "freehand", "brush"]),
        rows: z.number().int().positive(),
        cols: z.number().int().positive(),
        rle: z.string().min(1).max(20_000_000),
        thresholdParams,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { image } = await requireImage(ctx.db, ctx.user, input.imageId, "write");
      if (input.rows !== image.rows || input.cols !== image.cols)
        throw new TRPCError({ code: "BAD_REQUEST", message: `The ROI is ${input.cols}x${input.rows} but the image is ${image.cols}x${image.rows}.` });
      const mask = decodeMaskRle(input.rle, input.rows, input.cols);
      let count = 0;
      let sum = 0;
      const px = image.pixelsPath ? decodePixelCache(new Uint8Array(await storage().readStoredFile(image.pixelsPath))) : null;
      for (let i = 0; i < mask.data.length; i++) {
        if (mask.data[i]) {
          count++;
          if (px) sum += px.data[i];
        }
      }
      if (count === 0) throw new TRPCError({ code: "BAD_REQUEST", message: "The ROI is empty: outline the tumour first." });
      const areaMm2 = count * (image.spacingRowMm ?? NaN) * (image.spacingColMm ?? NaN); // pixel count x sy x sx
      const flipped = ((image.headerSummary as { axilla?: { orientation?: { flipHorizontal?: boolean } } }).axilla?.orientation?.flipHorizontal ?? false) === true;
      const values = {
        maskEncoding: "rle",
        maskData: input.rle,
        maskRows: input.rows,
        maskCols: input.cols,
        flipped,
        method: input.method,
        thresholdParams: input.thresholdParams ?? null,
        areaMm2: Number.isFinite(areaMm2) ? areaMm2 : null,
        updatedBy: ctx.user.id,
        updatedAt: sql`now()`, // the database clock, which also stamps Rad-scores (a later ROI makes them stale)
      };
      const [existing] = await ctx.db.select({ id: rois.id }).from(rois).where(eq(rois.imageId, image.id)).limit(1);
      let id: string;
      if (existing) {
        await ctx.db.update(rois).set(values).where(eq(rois.id, existing.id));
        id = existing.id;
      } else {
        const [row] = await ctx.db.insert(rois).values({ ...values, imageId: image.id, createdBy: ctx.user.id }).returning({ id: rois.id });
        id = row.id;
      }
      await audit(ctx.db, {
        actorId: ctx.user.id,
        actorRole: ctx.user.role,
        action: "rois.save",
        objectType: "roi",
        objectId: id,
        outcome: "success",
        detail: { imageId: image.id, caseId: image.caseId, method: input.method, pixels: count, replaced: !!existing },
        ip: ctx.ip,
      });
      return { id, pixels: count, areaMm2: values.areaMm2, meanIntensity: px ? sum / count : null };
    }),
});

/** For the radscore service: the saved mask of an image. */
export async function loadMask(db: Parameters<typeof requireImage>[0], imageId: string): Promise<{ mask: Mask2D; roiId: string; updatedAt: Date } | null> {
  const [r] = await db.select().from(rois).where(eq(rois.imageId, imageId)).limit(1);
  if (!r) return null;
  return { mask: decodeMaskRle(r.maskData, r.maskRows, r.maskCols), roiId: r.id, updatedAt: r.updatedAt };
}

