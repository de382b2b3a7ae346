// Predictions (issue 6): the case's prediction context (active model slice for the browser's live
// nomogram, the case's Rad-score, the last saved prediction), a server-side predict, and saving a
// prediction with the model version it used (audited). Numbers always come from lib/model predict().
import { TRPCError } from "@trpc/server";
import { desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit.ts";
import { modelVersions, predictions } from "../../db/schema.ts";
import type { Db } from "../../db/index.ts";
import { clinicalInputsSchema, thresholdSchema } from "../../services/predict-inputs.ts";
import {
  caseForUser,
  caseRadscore,
  clientModel,
  latestPrediction,
  loadActiveModel,
  loadModelVersion,
  outputsOf,
  predictionById,
  predictReads,
  runPredict,
  type ClientModel,
  type PredictionRow,
  type StoredInputs,
  type StoredOutputs,
} from "../../services/predict.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";

export interface PredictionView {
  id: string;
  caseId: string;
  createdAt: string;
  modelVersionId: string;
  modelVersionLabel: string;
  inputs: StoredInputs;
  outputs: StoredOutputs;
}

export async function predictionView(db: Db, p: PredictionRow): Promise<PredictionView> {
  const [v] = await db.select({ label: modelVersions.label }).from(modelVersions).where(eq(modelVersions.id, p.modelVersionId));
  return {
    id: p.id,
    caseId: p.caseId,
    createdAt: p.createdAt.toISOString(),
    modelVersionId: p.modelVersionId,
    modelVersionLabel: v?.label ?? "(unknown)",
    inputs: p.inputs as StoredInputs,
    outputs: p.outputs as StoredOutputs,
  };
}

/** The client model of a version by id (verified); null with the reason when it cannot be served. */
export async function clientModelById(db: Db, id: string): Promise<{ model: ClientModel | null; error: string | null }> {
  try {
    const { row, artefact } = await loadModelVersion(db, id);
    return { model: clientModel(row, artefact), error: null };
  } catch (e) {
    if (e instanceof TRPCError) return { model: null, error: e.message };
    throw e;
  }
}

const caseIdInput = z.object({ caseId: z.uuid() });

export const predictionsRouter = createTRPCRouter({
  /** Everything the prediction page needs: case, active model (browser slice), Rad-score, last saved prediction. */
  context: roleProcedure("surgeon")
    .meta({ description: "prediction page data for one of the surgeon's cases" })
    .input(caseIdInput)
    .query(async ({ ctx, input }) => {
      const c = await caseForUser(ctx.db, ctx.user, input.caseId);
      let model: ClientModel | null = null;
      let modelError: string | null = null;
      let radscore: Awaited<ReturnType<typeof caseRadscore>> = { radscore: null, reason: "No model is active.", outOfRange: [], radscoreId: null, computedAt: null };
      try {
        const { row, artefact } = await loadActiveModel(ctx.db);
        model = clientModel(row, artefact);
        radscore = await caseRadscore(ctx.db, c.id, row.id);
      } catch (e) {
        if (!(e instanceof TRPCError)) throw e;
        modelError = e.message;
      }
      const last = await latestPrediction(ctx.db, c.id);
      const latest = last ? await predictionView(ctx.db, last) : null;
      // an old prediction keeps its own version: send that version's slice when it is not the active one
      const latestModel = latest && latest.modelVersionId !== model?.versionId ? await clientModelById(ctx.db, latest.modelVersionId) : null;
      return { case: { id: c.id, caseCode: c.caseCode }, model, modelError, radscore, latest, latestModel: latestModel?.model ?? null };
    }),

  /** Server-side prediction with the active model and the case's stored Rad-score (the browser computes the same live). */
  predict: roleProcedure("surgeon")
    .meta({ description: "predict with the active model (not saved)" })
    .input(z.object({ caseId: z.uuid(), factors: clinicalInputsSchema, threshold: thresholdSchema.optional() }))
    .query(async ({ ctx, input }) => {
      const { row, artefact, rs } = await predictReads(ctx.db, ctx.user, input.caseId);
      if (rs.radscore === null) throw new TRPCError({ code: "PRECONDITION_FAILED", message: rs.reason ?? "The case has no Rad-score." });
      const cm = clientModel(row, artefact);
      const threshold = input.threshold ?? cm.defaultThreshold;
      const r = runPredict(artefact, input.factors, rs.radscore);
      return { modelVersionId: row.id, modelVersionLabel: row.label, radscore: rs.radscore, threshold, ...outputsOf(r, threshold, cm, rs.outOfRange) };
    }),

  /** Save a prediction: inputs, outputs (recomputed here, never taken from the browser) and the model version. */
  save: roleProcedure("surgeon")
    .meta({ description: "save a prediction for one of the surgeon's cases (audited)" })
    .input(z.object({ caseId: z.uuid(), factors: clinicalInputsSchema, threshold: thresholdSchema.optional(), expectedModelVersionId: z.uuid().optional() }))
    .mutation(async ({ ctx, input }) => {
      const c = await caseForUser(ctx.db, ctx.user, input.caseId, "write");
      const { row, artefact } = await loadActiveModel(ctx.db);
      if (input.expectedModelVersionId && input.expectedModelVersionId !== row.id)
        throw new TRPCError({ code: "CONFLICT", message: `The active model changed to ${row.label} while you worked: reload the page to predict with it.` });
      const rs = await caseRadscore(ctx.db, c.id, row.id);
      if (rs.radscore === null) throw new TRPCError({ code: "PRECONDITION_FAILED", message: rs.reason ?? "The case has no Rad-score." });
      const cm = clientModel(row, artefact);
      const threshold = input.threshold ?? cm.defaultThreshold;
      const r = runPredict(artefact, input.factors, rs.radscore);
      const inputs: StoredInputs = { ...input.factors, radscore: rs.radscore, threshold };
      const outputs = outputsOf(r, threshold, cm, rs.outOfRange);
      const [p] = await ctx.db.insert(predictions).values({ caseId: c.id, modelVersionId: row.id, inputs, outputs, createdBy: ctx.user.id }).returning();
      await audit(ctx.db, {
        actorId: ctx.user.id,
        actorRole: ctx.user.role,
        action: "predictions.save",
        objectType: "prediction",
        objectId: p.id,
        outcome: "success",
        detail: { caseId: c.id, modelVersionId: row.id, outOfRange: outputs.outOfRange.length },
        ip: ctx.ip,
      });
      return predictionView(ctx.db, p);
    }),

  /** Saved predictions of a case, newest first, each with the model version it used. */
  list: roleProcedure("surgeon", "board")
    .meta({ description: "saved predictions of a case the user may see" })
    .input(caseIdInput)
    .query(async ({ ctx, input }) => {
      const c = await caseForUser(ctx.db, ctx.user, input.caseId);
      const rows = await ctx.db.select().from(predictions).where(eq(predictions.caseId, c.id)).orderBy(desc(predictions.createdAt));
      const ids = Array.from(new Set(rows.map((r) => r.modelVersionId)));
      const labels = new Map(
        ids.length ? (await ctx.db.select({ id: modelVersions.id, label: modelVersions.label }).from(modelVersions).where(inArray(modelVersions.id, ids))).map((v) => [v.id, v.label]) : [],
      );
      return rows.map((p) => ({
        id: p.id,
        createdAt: p.createdAt.toISOString(),
        modelVersionId: p.modelVersionId,
        modelVersionLabel: labels.get(p.modelVersionId) ?? "(unknown)",
        probability: (p.outputs as StoredOutputs).probability,
      }));
    }),

  /** One saved prediction with the browser slice of the model version it used (never the active one). */
  get: roleProcedure("surgeon", "board")
    .meta({ description: "one saved prediction and its own model version" })
    .input(z.object({ id: z.uuid() }))
    .query(async ({ ctx, input }) => {
      const p = await predictionById(ctx.db, input.id);
      if (!p) throw new TRPCError({ code: "NOT_FOUND", message: "No such prediction." });
      const c = await caseForUser(ctx.db, ctx.user, p.caseId);
      const view = await predictionView(ctx.db, p);
      const m = await clientModelById(ctx.db, p.modelVersionId);
      return { case: { id: c.id, caseCode: c.caseCode }, prediction: view, model: m.model, modelError: m.error };
    }),
});
