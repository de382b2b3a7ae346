// The model artefact: the immutable, versioned JSON contract between training (lib/stats/pipeline.ts)
// and prediction (lib/model/predict.ts, lib/nomogram). Spec: shared/spec/pipeline.md, "Models are
// versioned artefacts". Everything a published version's report shows is stored here so a report can
// be redrawn years later from the artefact alone. No timestamps: the same cohort + settings + seed
// gives byte-identical canonical JSON (and therefore the same hash); the portal records publish times.
import { z } from "zod";

export const ARTEFACT_SCHEMA_VERSION = 1 as const;
export const DEMO_LABEL = "Demo model — not for clinical use";

const num = z.number();
const numArr = z.array(num);
const interval = z.tuple([num, num]);
const range = z.tuple([num, num]);

/** A proportion-type metric with its two confidence intervals (bootstrap percentile and Wilson). */
export const metricWithCi = z.object({
  estimate: num.nullable(), // null when undefined (denominator 0, e.g. PPV with no predicted positive)
  ci: interval.nullable(), // bootstrap percentile 95% CI
  wilson: interval.nullable(), // Wilson score 95% CI
  numerator: z.number().int().nullable(),
  denominator: z.number().int().nullable(),
});

export const rocPoint = z.object({ threshold: z.union([num, z.literal("-Inf"), z.literal("Inf")]), sensitivity: num, specificity: num });

/** Discrimination and classification of one model on one cohort (training-CV, apparent or validation). */
export const performance = z.object({
  cohort: z.enum(["training-cv", "training-apparent", "validation", "bootstrap-corrected"]),
  n: z.number().int(),
  events: z.number().int(),
  auc: num,
  aucCi: interval, // DeLong 95% CI, truncated to [0, 1] as pROC
  threshold: num, // classification threshold on the model's score scale
  thresholdRule: z.string(),
  acc: metricWithCi,
  tpr: metricWithCi,
  tnr: metricWithCi,
  ppv: metricWithCi,
  npv: metricWithCi,
  roc: z.array(rocPoint),
});

export const cIndex = z.object({ apparent: num, optimismCorrected: num.nullable(), validation: num.nullable() });

export const calibrationTable = z.object({
  predicted: numArr,
  apparent: numArr,
  corrected: numArr, // bias-corrected (rms::calibrate)
  intercept: num, // calibration-in-the-large (logistic recalibration intercept, slope fixed... see pipeline.ts)
  slope: num,
  brier: num,
  meanAbsError: num.nullable(),
  q90AbsError: num.nullable(),
  cohort: z.enum(["training-bootstrap", "validation"]),
});

export const validateIndex = z.record(
  z.string(),
  z.object({ apparent: num, optimism: num, corrected: num, n: z.number().int() }),
);

export const decisionCurve = z.object({
  cohort: z.enum(["validation", "training-apparent"]),
  threshold: numArr,
  model: numArr, // nomogram net benefit
  clinical: numArr.nullable(), // clinical-only model net benefit
  svm: numArr.nullable(),
  all: numArr,
  none: numArr,
  interventionsAvoided: numArr, // net interventions avoided per 100 patients (model vs treat-all)
});

/** One nomogram term: a predictor as it enters the logistic model. */
export const nomogramTerm = z.object({
  variable: z.string(), // input name (cohort column or "radscore")
  label: z.string(),
  type: z.enum(["numeric", "factor"]),
  levels: z.array(z.string()).nullable(), // factor levels in coding order (reference first)
  reference: z.string().nullable(),
  transform: z.string().nullable(), // e.g. null (identity), "log(x + 1)"
  coefficientNames: z.array(z.string()), // rms names, e.g. "t_stage=T2"
  trainingRange: range.nullable(), // numeric predictors: [min, max] in the training rows
  trainingLevels: z.array(z.string()).nullable(), // factor levels seen in the training rows
});

/** Points scale of one axis, from the rms-exact nomogram engine. */
export const nomogramAxis = z.object({
  values: z.array(z.union([num, z.string()])),
  points: numArr,
  minXbeta: num,
  maxXbeta: num,
});

/** A fitted logistic model with its nomogram (the main nomogram and the clinical-only model share this). */
export const logisticModel = z.object({
  formula: z.string(),
  candidateTerms: z.array(z.string()), // before backward elimination
  deleted: z.array(z.string()), // fastbw(rule="aic") deletions, in deletion order
  terms: z.array(nomogramTerm), // kept terms, in formula order
  coefficients: z.record(z.string(), num), // incl. "Intercept"
  se: z.record(z.string(), num),
  vcov: z.object({ names: z.array(z.string()), matrix: z.array(numArr) }),
  lrChi2: num,
  aic: num,
  n: z.number().int(),
  events: z.number().int(),
  nomogram: z.object({
    sc: num, // points per unit of linear predictor
    interceptInfo: num, // b0 + sum of per-axis min Xbeta: lp = interceptInfo + total/sc
    axes: z.record(z.string(), nomogramAxis),
    totalPoints: numArr, // total-points axis ticks
    probability: z.object({ values: numArr, points: numArr }), // risk axis ticks and their positions
  }),
  /** the rms-exact nomogram engine's object (lib/stats/nomogram.ts Nomogram: design spec, coefficients, vcov,
   *  axes, ranges) as produced at training; lib/nomogram's predictPatient runs on it */
  engine: z.record(z.string(), z.unknown()),
  cIndex,
  performance: z.object({ training: performance, validation: performance.nullable() }),
  validate: validateIndex.nullable(),
  calibration: calibrationTable.nullable(),
  validationCalibration: calibrationTable.nullable(),
});

export const warning = z.object({
  code: z.string(),
  message: z.string(),
  stage: z.string().nullable(),
});

export const artefactSchema = z.object({
  schemaVersion: z.literal(ARTEFACT_SCHEMA_VERSION),
  kind: z.literal("axilla-model"),
  /** sha256 hex of the canonical JSON of everything except this field (lib/model/hash.ts) */
  hash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  demo: z.boolean(),
  label: z.string().nullable(), // DEMO_LABEL for demo models; every UI showing the model shows it
  software: z.object({ name: z.literal("axilla"), version: z.string() }),
  seed: z.number().int(),
  settings: z.record(z.string(), z.unknown()), // the full PipelineSettings used (lib/stats/pipeline.ts)
  featureSet: z.object({ name: z.string(), settings: z.record(z.string(), z.unknown()) }),
  views: z.object({ combination: z.string(), views: z.array(z.string()) }),
  cohort: z.object({
    hash: z.string(), // sha256 of the canonical cohort + feature table used
    n: z.number().int(),
    events: z.number().int(),
    training: z.object({ n: z.number().int(), events: z.number().int() }),
    validation: z.object({ n: z.number().int(), events: z.number().int() }).nullable(),
    splitMethod: z.enum(["column", "stratified", "bootstrap"]),
    featuresOffered: z.number().int(),
    droppedFeatures: z.array(z.object({ name: z.string(), reason: z.string() })),
    source: z.string().nullable(),
  }),
  scaler: z.object({
    features: z.array(z.string()),
    min: numArr,
    max: numArr,
    outOfRange: z.enum(["flag", "clip"]),
  }),
  lasso: z.object({
    measure: z.string(),
    lambdaRule: z.enum(["min", "1se"]),
    lambda: num,
    intercept: num,
    features: z.array(z.string()), // selected, in scaler order
    coefficients: numArr, // on the min-max scaled features
    cv: z.object({
      lambda: numArr,
      cvm: numArr,
      cvsd: numArr,
      nzero: z.array(z.number().int()),
      lambdaMin: num,
      lambda1se: num,
    }),
    path: z.object({ lambda: numArr, beta: z.record(z.string(), numArr) }), // features ever non-zero only
    selection: z.object({ B: z.number().int(), lambda: num, frequency: z.record(z.string(), num) }), // fraction of bootstraps
  }),
  radscore: z.object({
    trainingRange: range,
    nomogramInput: z.enum(["cross-fitted", "apparent"]),
    perPatient: z.array(
      z.object({
        caseCode: z.string(),
        split: z.enum(["training", "validation"]),
        aln: z.union([z.literal(0), z.literal(1)]),
        radscore: num, // final model's Rad-score
        radscoreCrossFitted: num.nullable(), // out-of-fold (training rows only)
      }),
    ),
  }),
  svm: z.object({
    features: z.array(z.string()),
    cost: num,
    gamma: num,
    rho: num,
    supportVectors: z.array(numArr), // scaled feature values
    coefs: numArr,
    classOrder: z.tuple([z.number().int(), z.number().int()]), // label of libsvm's first / second class
    platt: z.object({ A: num, B: num }),
    grid: z.object({ cost: numArr, gamma: numArr, auc: z.array(numArr), nfolds: z.number().int() }),
    performance: z.object({ training: performance, validation: performance.nullable() }),
  }),
  nomogram: logisticModel,
  clinical: logisticModel,
  comparison: z
    .object({ nomogramVsClinical: z.object({ z: num, pValue: num, cohort: z.string() }).nullable() })
    .nullable(),
  /** whole-pipeline bootstrap: optimism of the training AUC with scaling, LASSO selection and model refits redone
   *  in every resample (Harrell's bootstrap; apparent Rad-score inside the resamples, so conservative) */
  pipelineBootstrap: z
    .object({
      B: z.number().int(),
      failed: z.number().int(),
      nomogram: z.object({ apparent: num, optimism: num, corrected: num }),
      svm: z.object({ apparent: num, optimism: num, corrected: num }).nullable(),
    })
    .nullable(),
  decisionCurve: decisionCurve,
  table1: z.object({ byOutcome: z.record(z.string(), z.unknown()), bySplit: z.record(z.string(), z.unknown()).nullable() }),
  sampleSize: z.object({
    events: z.number().int(),
    n: z.number().int(),
    candidateParameters: z.number().int(),
    eventsPerParameter: num,
    lassoEventsPerFeature: num,
    riley: z.object({
      anticipatedR2CS: num,
      maxR2CS: num,
      shrinkageTarget: num,
      nShrinkage: num,
      nOptimism: num,
      nIntercept: num,
      required: num,
      met: z.boolean(),
    }),
  }),
  warnings: z.array(warning),
});

export type ModelArtefact = z.infer<typeof artefactSchema>;
export type Performance = z.infer<typeof performance>;
export type MetricWithCi = z.infer<typeof metricWithCi>;
export type LogisticModelArtefact = z.infer<typeof logisticModel>;
export type NomogramTerm = z.infer<typeof nomogramTerm>;
export type CalibrationTable = z.infer<typeof calibrationTable>;
export type ArtefactWarning = z.infer<typeof warning>;

export class ArtefactSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArtefactSchemaError";
  }
}

/** Parse unknown JSON as a model artefact; a clear error naming the first problems when it does not fit. */
export function parseArtefact(json: unknown): ModelArtefact {
  if (json && typeof json === "object" && "schemaVersion" in json && (json as { schemaVersion: unknown }).schemaVersion !== ARTEFACT_SCHEMA_VERSION)
    throw new ArtefactSchemaError(
      `model artefact schemaVersion ${String((json as { schemaVersion: unknown }).schemaVersion)} is not supported (this software reads version ${ARTEFACT_SCHEMA_VERSION})`,
    );
  const r = artefactSchema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new ArtefactSchemaError(`not a valid model artefact: ${issues}`);
  }
  return r.data;
}
