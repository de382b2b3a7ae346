// Shared loaders for the pipeline tests: the committed demo cohort (demo/, part of the repo).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolve, dirname } from "node:path";
import { cohortFromCsv, featuresFromCsv, type CohortRecord, type FeatureTable } from "../../../lib/stats/pipeline-input.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export function demoCohort(): { cohort: CohortRecord[]; features: FeatureTable } {
  return {
    cohort: cohortFromCsv(readFileSync(resolve(ROOT, "demo/cohort.csv"), "utf8")),
    features: featuresFromCsv(readFileSync(resolve(ROOT, "demo/features.csv"), "utf8")),
  };
}

/** Small settings so a pipeline run takes about a second (full sizes are exercised once in demo.test.ts). */
export const FAST = {
  lasso: { bootstrapB: 5, nfolds: 5, nlambda: 30 },
  validation: { B: 10, metricsB: 50 },
  svm: { cost: [1, 8], gamma: [0.125, 1], nfolds: 5 },
};
