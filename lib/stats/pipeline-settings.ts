// Settings of the training pipeline (cli.md `--config pipeline.json`; pipeline.md). Every setting has a default;
// omitted = default; the artefact records the full settings used.
import { z } from "zod";
import { DEFAULT_COSTS, DEFAULT_GAMMAS } from "./grid.ts";

export const NOMOGRAM_PREDICTORS = ["age", "t_stage", "location", "er", "pr", "us_aln"] as const;

export const pipelineSettingsSchema = z.object({
  featureSet: z
    .object({ name: z.string().default("seed-299"), ng: z.number().int().min(2).default(32), spacingMm: z.number().positive().nullable().default(null) })
    .prefault({}),
  views: z
    .object({ combination: z.enum(["single", "mean"]).default("single"), views: z.array(z.enum(["CC", "MLO"])).min(1).default(["MLO"]) })
    .prefault({}),
  split: z
    .object({
      /** auto: the cohort's split column when present, else stratified; bootstrap: whole cohort trains, bootstrap validation */
      method: z.enum(["auto", "column", "stratified", "bootstrap"]).default("auto"),
      ratio: z.number().gt(0).lt(1).default(0.75),
    })
    .prefault({}),
  scaler: z.object({ outOfRange: z.enum(["flag", "clip"]).default("flag") }).prefault({}),
  lasso: z
    .object({
      nfolds: z.number().int().min(3).max(20).default(10),
      measure: z.enum(["deviance", "auc", "mae", "class"]).default("deviance"),
      lambdaRule: z.enum(["min", "1se"]).default("min"),
      bootstrapB: z.number().int().min(0).max(2000).default(100),
      nlambda: z.number().int().min(5).max(500).default(100),
      /** coordinate-descent threshold: glmnet's own default 1e-7 (the pipeline does not need `axilla stats lasso`'s exact convergence) */
      thresh: z.number().positive().default(1e-7),
      /** converge to the exact optimum with the engine's Newton polish (as `axilla stats lasso`); off = coordinate
       *  descent to `thresh` only, as glmnet itself stops */
      exact: z.boolean().default(false),
    })
    .prefault({}),
  radscore: z
    .object({
      /** the Rad-score the nomogram is fitted on: out-of-fold (default) or the seed study's apparent (unnested, warned) */
      nomogramInput: z.enum(["cross-fitted", "apparent"]).default("cross-fitted"),
      /** cv-preval: each training row's Rad-score from the CV fold model that did not see it (selection refitted per
       *  fold, lambda from the full CV); nested: lambda chosen again by an inner CV inside every fold (slower) */
      crossFit: z.enum(["cv-preval", "nested"]).default("cv-preval"),
    })
    .prefault({}),
  svm: z
    .object({
      cost: z.array(z.number().positive()).min(1).default(DEFAULT_COSTS), // libsvm guide's coarse grid: 2^-5, 2^-3, …, 2^11
      gamma: z.array(z.number().positive()).min(1).default(DEFAULT_GAMMAS), // 2^-15, 2^-13, …, 2^1
      nfolds: z.number().int().min(3).max(20).default(10),
    })
    .prefault({}),
  nomogram: z
    .object({
      predictors: z.array(z.enum(NOMOGRAM_PREDICTORS)).default([...NOMOGRAM_PREDICTORS]),
      stepwise: z.enum(["aic", "none"]).default("aic"),
    })
    .prefault({}),
  validation: z
    .object({
      /** rms validate/calibrate bootstrap repetitions */
      B: z.number().int().min(0).max(2000).default(200),
      /** bootstrap resamples for the percentile CIs of ACC/TPR/TNR/PPV/NPV */
      metricsB: z.number().int().min(0).max(10000).default(1000),
      /** whole-pipeline bootstrap (scaling, LASSO selection, nomogram refit, SVM refit inside every resample) for
       *  optimism-corrected AUCs; null = 50 with split method "bootstrap", otherwise off (0) */
      pipelineB: z.number().int().min(0).max(1000).nullable().default(null),
    })
    .prefault({}),
  /** probability threshold for ACC/TPR/TNR/PPV/NPV of the nomogram and the clinical model */
  threshold: z.number().gt(0).lt(1).default(0.5),
  decisionCurve: z
    .object({ from: z.number().gt(0).lt(1).default(0.01), to: z.number().gt(0).lt(1).default(0.99), by: z.number().positive().default(0.01) })
    .prefault({}),
  sampleSize: z
    .object({
      anticipatedR2CS: z.number().gt(0).lt(1).nullable().default(null),
      shrinkageTarget: z.number().gt(0).lt(1).default(0.9),
      optimismDelta: z.number().gt(0).lt(1).default(0.05),
      minEventsPerParameter: z.number().positive().default(10),
    })
    .prefault({}),
  demo: z.boolean().default(false),
  source: z.string().nullable().default(null),
});

export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;
export type PipelineSettingsInput = z.input<typeof pipelineSettingsSchema>;

export class PipelineSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PipelineSettingsError";
  }
}

/** Full settings from a partial JSON object (defaults filled in); unknown keys are an error. */
export function parseSettings(json: unknown = {}): PipelineSettings {
  const strict = pipelineSettingsSchema.strict();
  const r = strict.safeParse(json ?? {});
  if (!r.success) {
    const msg = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new PipelineSettingsError(`invalid pipeline settings: ${msg}`);
  }
  return r.data;
}
