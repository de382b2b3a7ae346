// "Compute Rad-score": radiomics extraction on the server (lib/radiomics, the active model's feature-set
// settings) for each view with an ROI that the model uses, then the model's Rad-score (lib/model radscore:
// min-max scaler + LASSO linear predictor), combined over views as the artefact says ("single": its first
// view; "mean": the mean of the per-view feature vectors). Feature vectors and the result are stored.
import { TRPCError } from "@trpc/server";
import { desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { extract, ExtractError, ENGINE_VERSION } from "../../../lib/radiomics/extract.ts";
import { isFeatureSetName } from "../../../lib/radiomics/sets.ts";
import { radscore as modelRadscore, PredictionInputError } from "../../../lib/model/predict.ts";
import { audit } from "../../audit.ts";
import type { Db } from "../../db/index.ts";
import { featureVectors, images, radscores, rois } from "../../db/schema.ts";
import { logger } from "../../log.ts";
import { getActiveModel, ModelStoreError, type ActiveModel } from "../../services/model-store.ts";
import { loadStoredImage } from "../../services/ingest.ts";
import { authedProcedure, createTRPCRouter, roleProcedure } from "../trpc.ts";
import { radscoreStale, requireCase } from "./cases.ts";
import { loadMask } from "./rois.ts";

const log = logger("radscore");

function modelError(e: unknown): never {
  if (e instanceof ModelStoreError) throw new TRPCError({ code: "PRECONDITION_FAILED", message: e.message, cause: e });
  throw e;
}

export function modelInfo(m: ActiveModel) {
  return {
    id: m.id,
    label: m.label,
    version: `${m.label} (${m.contentHash.slice(0, 12)})`,
    contentHash: m.contentHash,
    softwareVersion: m.artefact.software.version,
    demo: m.demo,
    displayLabel: m.displayLabel,
    featureSet: m.artefact.featureSet.name,
    views: m.artefact.views.views,
    combination: m.artefact.views.combination,
  };
}

export type RadscoreOutcome = Awaited<ReturnType<typeof computeRadscore>>;

/** The whole computation for one case (exported for tests and the service layer). */
export async function computeRadscore(db: Db, caseId: string, userId: string | null) {
  const model = await getActiveModel(db).catch(modelError);
  const a = model.artefact;
  const set = a.featureSet.name;
  if (!isFeatureSetName(set)) throw new TRPCError({ code: "PRECONDITION_FAILED", message: `The active model uses the feature set "${set}", which this software cannot extract.` });
  const fsSettings = a.featureSet.settings as { ng?: number; spacingMm?: number | null; binWidth?: number | null };
  // featureSet.spacingMm is the spacing the training images were given when their files declared none (cli.md
  // `train`); it is not a resampling step, so a different spacing here is a warning, not a refusal
  const trainingSpacing = typeof fsSettings.spacingMm === "number" ? fsSettings.spacingMm : null;
  const warnings: string[] = [];
  const ng = typeof fsSettings.ng === "number" ? fsSettings.ng : 32;
  const wanted = a.views.views.map((v) => v.toUpperCase());
  const combination = a.views.combination;

  const imgs = await db.select().from(images).where(eq(images.caseId, caseId));
  const withRoi = imgs.length ? await db.select({ imageId: rois.imageId, updatedAt: rois.updatedAt }).from(rois).where(inArray(rois.imageId, imgs.map((i) => i.id))) : [];
  // per model view: the image of that view whose ROI was saved last
  const chosen: { view: string; image: (typeof imgs)[number] }[] = [];
  for (const v of combination === "single" ? wanted.slice(0, 1) : wanted) {
    const cands = imgs
      .filter((i) => i.view === v && withRoi.some((r) => r.imageId === i.id))
      .sort((x, y) => +withRoi.find((r) => r.imageId === y.id)!.updatedAt - +withRoi.find((r) => r.imageId === x.id)!.updatedAt);
    if (cands.length) chosen.push({ view: v, image: cands[0] });
  }
  if (chosen.length === 0) {
    const need = (combination === "single" ? wanted.slice(0, 1) : wanted).join(" or ");
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: `The model uses the ${need} view: outline the tumour on a ${need} image and save the ROI first.` });
  }

  const perView: { view: string; imageId: string; roiId: string; featureVectorId: string; roiPixels: number; features: Record<string, number> }[] = [];
  for (const { view, image } of chosen) {
    if (!(image.spacingRowMm && image.spacingColMm)) throw new TRPCError({ code: "PRECONDITION_FAILED", message: `The ${view} image has no pixel spacing.` });
    if (trainingSpacing && Math.max(Math.abs(image.spacingRowMm - trainingSpacing), Math.abs(image.spacingColMm - trainingSpacing)) > 0.1 * trainingSpacing)
      warnings.push(
        `The ${view} image has a pixel spacing of ${image.spacingRowMm} × ${image.spacingColMm} mm; the model was trained on ${trainingSpacing} mm images, so texture features may not be comparable.`,
      );
    const m = await loadMask(db, image.id);
    if (!m) continue;
    const o = (image.headerSummary as { axilla?: { orientation?: { flipHorizontal: boolean; flipVertical: boolean } } }).axilla?.orientation ?? { flipHorizontal: false, flipVertical: false };
    const img = await loadStoredImage(image.filePath, o);
    let res;
    try {
      res = extract(img, m.mask, { spacing: [image.spacingRowMm, image.spacingColMm], set, ng });
    } catch (e) {
      if (e instanceof ExtractError) throw new TRPCError({ code: "BAD_REQUEST", message: `Feature extraction failed on the ${view} image: ${e.message}` });
      throw e;
    }
    const settings = { ...res.settings, view, flip: o, spacing_source: image.spacingSource, model_version_id: model.id };
    const [fv] = await db
      .insert(featureVectors)
      .values({ imageId: image.id, roiId: m.roiId, setName: set, settings, features: res.features, softwareVersion: ENGINE_VERSION })
      .returning({ id: featureVectors.id });
    perView.push({ view, imageId: image.id, roiId: m.roiId, featureVectorId: fv.id, roiPixels: res.settings.roi_pixels, features: res.features });
  }

  // combine views: "single" -> the one vector; "mean" -> per-feature mean over the views used
  const combined: Record<string, number> = {};
  for (const name of Object.keys(perView[0].features)) {
    let s = 0;
    for (const p of perView) s += p.features[name];
    combined[name] = s / perView.length; // mean over views (identity for one view)
  }
  let r;
  try {
    r = modelRadscore(a, combined);
  } catch (e) {
    if (e instanceof PredictionInputError) throw new TRPCError({ code: "PRECONDITION_FAILED", message: e.message });
    throw e;
  }
  const outOfRange = r.outOfRange.map((f) => {
    const j = a.scaler.features.indexOf(f);
    return { feature: f, value: combined[f], min: a.scaler.min[j], max: a.scaler.max[j] };
  });
  const detail = {
    combination,
    views: perView.map((p) => ({ view: p.view, imageId: p.imageId, roiId: p.roiId, featureVectorId: p.featureVectorId, roiPixels: p.roiPixels })),
    outOfRange,
    warnings,
    terms: r.terms,
    model: modelInfo(model),
  };
  const [row] = await db.insert(radscores).values({ caseId, modelVersionId: model.id, value: r.radscore, detail, createdBy: userId }).returning();
  log.info("rad-score computed", { caseId, radscoreId: row.id, views: perView.length, outOfRange: outOfRange.length });
  return { id: row.id, value: r.radscore, ...detail, createdAt: row.createdAt };
}

export const radscoreRouter = createTRPCRouter({
  /** The active model as the surgeon sees it (null when none is active or it fails its integrity check). */
  activeModel: authedProcedure.query(async ({ ctx }) => {
    try {
      return { ok: true as const, model: modelInfo(await getActiveModel(ctx.db)) };
    } catch (e) {
      if (e instanceof ModelStoreError) return { ok: false as const, error: e.message };
      throw e;
    }
  }),

  /** Extract features on each model view with an ROI and compute the Rad-score; stored and audited. */
  compute: roleProcedure("surgeon")
    .input(z.object({ caseId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const c = await requireCase(ctx.db, ctx.user, input.caseId, "write");
      try {
        const out = await computeRadscore(ctx.db, c.id, ctx.user.id);
        await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "radscore.compute", objectType: "case", objectId: c.id, outcome: "success", detail: { radscoreId: out.id, modelVersionId: out.model.id }, ip: ctx.ip });
        return out;
      } catch (e) {
        await audit(ctx.db, { actorId: ctx.user.id, actorRole: ctx.user.role, action: "radscore.compute", objectType: "case", objectId: c.id, outcome: "failure", detail: { reason: e instanceof TRPCError ? e.code : "error" }, ip: ctx.ip });
        throw e;
      }
    }),

  /** The latest Rad-score of a case (for part 2: nomogram input), or null. */
  latest: roleProcedure("surgeon", "board")
    .input(z.object({ caseId: z.uuid() }))
    .query(async ({ ctx, input }) => {
      const c = await requireCase(ctx.db, ctx.user, input.caseId, "read");
      const [r] = await ctx.db
        .select({ row: radscores, stale: radscoreStale() })
        .from(radscores)
        .where(eq(radscores.caseId, c.id))
        .orderBy(desc(radscores.createdAt))
        .limit(1);
      const row = r?.row;
      // stale: an ROI was saved after it, so it no longer describes the outlined tumour
      return row ? { id: row.id, value: row.value, modelVersionId: row.modelVersionId, detail: row.detail as Record<string, unknown>, createdAt: row.createdAt, stale: r.stale } : null;
    }),
});
