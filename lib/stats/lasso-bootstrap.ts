// Bootstrap selection frequencies for the LASSO (pipeline.md step 5). Each of B resamples (rows drawn with
// replacement by lib/random.ts, seeded) is refitted and the features with a non-zero coefficient are counted.
// Rules for the lambda used inside a resample:
//   "fixed"  — the given lambda (typically the full-data CV lambda.min). Because the solver converges to the
//              exact optimum, the solution does not depend on the path used to reach it, so by default the
//              resample is fitted at that single lambda directly (fast); `lambdaPath` walks a path instead;
//   "cv-min" / "cv-1se" — cv.glmnet inside each resample with seeded stratified folds, lambda.min / 1se.
// Resamples that contain a single class (binomial) are redrawn; the count of redraws is reported.
import { bootstrapIndices, createRng } from "../random.ts";
import { glmnet, type Family } from "./glmnet.ts";
import { cvGlmnet, type CvMeasure } from "./cv.ts";
import { stratifiedFolds } from "./grid.ts";
import { subsetRows, type DesignMatrix } from "./scaler.ts";

export interface BootstrapSelectionOptions {
  B?: number;
  seed: number;
  family?: Family;
  standardize?: boolean;
  rule?: "fixed" | "cv-min" | "cv-1se";
  /** for rule "fixed": the lambda (required) and optionally the full-data lambda sequence to walk down */
  lambda?: number;
  lambdaPath?: ArrayLike<number>;
  nfolds?: number;
  measure?: CvMeasure;
}

export interface BootstrapSelectionResult {
  B: number;
  rule: "fixed" | "cv-min" | "cv-1se";
  /** per feature: share of resamples selecting it (0..1) */
  frequency: Float64Array;
  counts: Int32Array;
  /** lambda used in each resample */
  lambdaUsed: Float64Array;
  redraws: number;
}

export function bootstrapSelection(x: DesignMatrix, y: ArrayLike<number>, opts: BootstrapSelectionOptions): BootstrapSelectionResult {
  const B = opts.B ?? 100;
  const rule = opts.rule ?? "fixed";
  const family = opts.family ?? "binomial";
  const rng = createRng(opts.seed);
  if (rule === "fixed" && !(opts.lambda! > 0)) throw new RangeError("bootstrapSelection: rule 'fixed' needs lambda > 0");
  let path: number[] | undefined;
  if (rule === "fixed") {
    const seq = opts.lambdaPath ? Array.from(opts.lambdaPath).filter((l) => l > opts.lambda!) : [];
    path = [...seq, opts.lambda!];
  }
  const counts = new Int32Array(x.p);
  const lambdaUsed = new Float64Array(B);
  let redraws = 0;
  for (let b = 0; b < B; b++) {
    let idx = bootstrapIndices(rng, x.n);
    for (let tries = 0; family === "binomial" && tries < 1000; tries++) {
      let s = 0;
      for (let t = 0; t < idx.length; t++) s += y[idx[t]];
      if (s > 0 && s < idx.length) break;
      idx = bootstrapIndices(rng, x.n);
      redraws++;
    }
    const xb = subsetRows(x, idx);
    const yb = Float64Array.from(idx, (i) => y[i]);
    let beta: Float64Array;
    if (rule === "fixed") {
      const fit = glmnet(xb, yb, { family, standardize: opts.standardize, lambda: path });
      beta = fit.beta[fit.beta.length - 1];
      lambdaUsed[b] = opts.lambda!;
    } else {
      const folds = stratifiedFolds(yb, opts.nfolds ?? 10, rng);
      const cv = cvGlmnet(xb, yb, folds, { family, standardize: opts.standardize, measure: opts.measure });
      const k = rule === "cv-min" ? cv.indexMin : cv.index1se;
      beta = cv.fit.beta[k];
      lambdaUsed[b] = cv.lambda[k];
    }
    for (let j = 0; j < x.p; j++) if (beta[j] !== 0) counts[j]++;
  }
  return { B, rule, frequency: Float64Array.from(counts, (c) => c / B), counts, lambdaUsed, redraws };
}
