// Case reports (issue 6): the data of the report page and the PDF export (server-side, pdf-lib; audited).
// A report shows a saved prediction with the model version that prediction used — never the active one.
import { TRPCError } from "@trpc/server";
import { asc, eq, inArray } from "drizzle-orm";
import { PNG } from "pngjs";
import { z } from "zod";
import { audit } from "../../audit.ts";
import type { Db } from "../../db/index.ts";
import { baselines, images, rois } from "../../db/schema.ts";
import { logger } from "../../log.ts";
import { storage } from "../../storage/index.ts";
import { decodePixelCache } from "../../services/ingest.ts";
import { caseForUser, latestPrediction, predictionById } from "../../services/predict.ts";
import { buildReportPdf, type ReportImage } from "../../services/report-pdf.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";
import { clientModelById, predictionView } from "./predictions.ts";
import { decodeMaskRle } from "./rois.ts";

const log = logger("reports");

const input = z.object({ caseId: z.uuid(), predictionId: z.uuid().optional() });

async function reportData(db: Db, user: Parameters<typeof caseForUser>[1], caseId: string, predictionId?: string) {
  const c = await caseForUser(db, user, caseId);
  const p = predictionId ? await predictionById(db, predictionId) : await latestPrediction(db, c.id);
  if (!p || p.caseId !== c.id) throw new TRPCError({ code: "NOT_FOUND", message: "This case has no saved prediction yet: save one on the prediction page first." });
  const view = await predictionView(db, p);
  const m = await clientModelById(db, p.modelVersionId);
  if (!m.model) throw new TRPCError({ code: "PRECONDITION_FAILED", message: m.error ?? "The prediction's model version cannot be served." });
  const bl = await db.select().from(baselines).orderBy(asc(baselines.position));
  return {
    case: { id: c.id, caseCode: c.caseCode },
    prediction: view,
    model: m.model,
    baselines: bl.map((b) => ({ id: b.id, name: b.name, metric: b.metric, value: b.value, citation: b.citation })),
  };
}

/** Each image of the case that has an ROI, windowed to 8 bits, downsampled to <= 640 px, with the ROI outline in red. */
export async function roiImages(db: Db, caseId: string, maxSide = 640): Promise<ReportImage[]> {
  const imgs = await db.select().from(images).where(eq(images.caseId, caseId));
  if (!imgs.length) return [];
  const rs = await db.select().from(rois).where(inArray(rois.imageId, imgs.map((i) => i.id)));
  const out: ReportImage[] = [];
  for (const img of imgs) {
    const roi = rs.find((r) => r.imageId === img.id);
    if (!roi || !img.pixelsPath) continue;
    try {
      const px = decodePixelCache(new Uint8Array(await storage().readStoredFile(img.pixelsPath)));
      const mask = decodeMaskRle(roi.maskData, roi.maskRows, roi.maskCols);
      if (mask.rows !== px.rows || mask.cols !== px.cols) continue;
      const f = Math.max(1, Math.ceil(Math.max(px.rows, px.cols) / maxSide));
      const R = Math.floor(px.rows / f);
      const C = Math.floor(px.cols / f);
      const png = new PNG({ width: C, height: R });
      const lo = px.window.center - px.window.width / 2;
      const small = new Uint8Array(R * C);
      for (let r = 0; r < R; r++)
        for (let c = 0; c < C; c++) {
          let s = 0;
          let any = 0;
          for (let dr = 0; dr < f; dr++)
            for (let dc = 0; dc < f; dc++) {
              const k = (r * f + dr) * px.cols + c * f + dc;
              s += px.data[k];
              any |= mask.data[k];
            }
          const g = Math.max(0, Math.min(255, Math.round((((s / (f * f)) - lo) / px.window.width) * 255))); // linear window
          const o = (r * C + c) * 4;
          png.data[o] = png.data[o + 1] = png.data[o + 2] = g;
          png.data[o + 3] = 255;
          small[r * C + c] = any;
        }
      // outline: mask pixels with a 4-neighbour outside the mask, drawn 2 px thick
      for (let r = 0; r < R; r++)
        for (let c = 0; c < C; c++) {
          if (!small[r * C + c]) continue;
          const edge = r === 0 || c === 0 || r === R - 1 || c === C - 1 || !small[(r - 1) * C + c] || !small[(r + 1) * C + c] || !small[r * C + c - 1] || !small[r * C + c + 1];
          if (!edge) continue;
          for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [-1, 0], [0, -1]]) {
            const rr = r + dr;
            const cc = c + dc;
            if (rr < 0 || cc < 0 || rr >= R || cc >= C) continue;
            const o = (rr * C + cc) * 4;
            png.data[o] = 230;
            png.data[o + 1] = 40;
            png.data[o + 2] = 40;
          }
        }
      out.push({ view: `${img.view ?? "view ?"}${img.laterality ? ` ${img.laterality}` : ""} (chest wall left)`, png: new Uint8Array(PNG.sync.write(png)) });
    } catch (e) {
      log.warn("report image skipped", { imageId: img.id, error: e as Error });
    }
  }
  return out;
}

export const reportsRouter = createTRPCRouter({
  /** The report page's data: the saved prediction (latest unless given), its own model version, baselines. */
  data: roleProcedure("surgeon", "board")
    .meta({ description: "report data of a saved prediction" })
    .input(input)
    .query(async ({ ctx, input }) => reportData(ctx.db, ctx.user, input.caseId, input.predictionId)),

  /** The case's images that have an ROI, with the outline drawn (PNG data URLs, <= 640 px) for the report page. */
  images: roleProcedure("surgeon", "board")
    .meta({ description: "ROI-outlined images of a case for its report" })
    .input(z.object({ caseId: z.uuid() }))
    .query(async ({ ctx, input }) => {
      const c = await caseForUser(ctx.db, ctx.user, input.caseId);
      return (await roiImages(ctx.db, c.id)).map((im) => ({ view: im.view, dataUrl: `data:image/png;base64,${Buffer.from(im.png).toString("base64")}` }));
    }),

  /** The PDF report (base64), audited as an export. */
  pdf: roleProcedure("surgeon", "board")
    .meta({ description: "PDF report of a saved prediction (audited export)" })
    .input(input)
    .mutation(async ({ ctx, input }) => {
      const d = await reportData(ctx.db, ctx.user, input.caseId, input.predictionId);
      const imgs = await roiImages(ctx.db, d.case.id);
      const bytes = await buildReportPdf({
        caseCode: d.case.caseCode,
        generatedAt: new Date(),
        predictionId: d.prediction.id,
        predictionDate: d.prediction.createdAt,
        modelVersionLabel: d.prediction.modelVersionLabel,
        inputs: d.prediction.inputs,
        outputs: d.prediction.outputs,
        model: d.model,
        baselines: d.baselines,
        images: imgs,
      });
      await audit(ctx.db, {
        actorId: ctx.user.id,
        actorRole: ctx.user.role,
        action: "reports.export",
        objectType: "prediction",
        objectId: d.prediction.id,
        outcome: "success",
        detail: { caseId: d.case.id, format: "pdf", modelVersionId: d.prediction.modelVersionId, bytes: bytes.length },
        ip: ctx.ip,
      });
      const safe = d.case.caseCode.replace(/[^A-Za-z0-9._-]/g, "_");
      return { filename: `axilla-report-${safe}.pdf`, base64: Buffer.from(bytes).toString("base64"), bytes: bytes.length };
    }),
});
