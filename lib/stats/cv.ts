// cv.glmnet(foldid = …) port (glmnet 4.1): every fold model is a full glmnet() call with its own lambda
// sequence; held-out predictions at the full-data lambdas by glmnet:::lambda.interp; per-fold measures
// (deviance with p clamped to [1e-5, 1 - 1e-5], AUC with ties 1/2, MAE, misclassification, MSE);
// fold-size-weighted cvm and cvsd; lambda.min (largest lambda attaining the minimum) and lambda.1se.
import { glmnet, predictLink, GlmnetError, type GlmnetFit, type GlmnetOptions } from "./glmnet.ts";
import { subsetRows, type DesignMatrix } from "./scaler.ts";

export type CvMeasure = "deviance" | "auc" | "mae" | "class" | "mse";

export interface CvGlmnetResult {
  fit: GlmnetFit;
  measure: CvMeasure;
  lambda: Float64Array;
  cvm: Float64Array;
  cvsd: Float64Array;
  /** fold_measure[f][k] (f = fold 1..K in increasing order) */
  foldMeasure: Float64Array[];
  lambdaMin: number;
  lambda1se: number;
  /** 0-based indices into lambda */
  indexMin: number;
  index1se: number;
  /** held-out link predictions (fit.preval), preval[k][i] for training row i at lambda k */
  preval: Float64Array[];
  foldFits: GlmnetFit[];
}

export class CvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CvError";
  }
}

const PROB_MIN = 1e-5; // cv.lognet prob_min

/** Mann–Whitney AUC with ties counted 1/2 (cases = y == 1). NaN when a class is empty. */
export function aucMannWhitney(y: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  // mid-ranks
  let rankSumCases = 0;
  let n1 = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[idx[j + 1]] === score[idx[i]]) j++;
    const mid = (i + j) / 2 + 1; // average rank of the tie group
    for (let k = i; k <= j; k++) if (y[idx[k]] === 1) {
      rankSumCases += mid;
      n1++;
    }
    i = j + 1;
  }
  const n0 = n - n1;
  if (n1 === 0 || n0 === 0) return NaN;
  return (rankSumCases - (n1 * (n1 + 1)) / 2) / (n1 * n0); // U / (n1 n0)
}

/** Check the fold column and the per-class event counts; returns the sorted fold labels. */
export function checkFolds(y: ArrayLike<number>, foldid: ArrayLike<number>, family: "binomial" | "gaussian"): number[] {
  const labels = [...new Set(Array.from(foldid))].sort((a, b) => a - b);
  if (labels.some((f) => !Number.isInteger(f))) throw new CvError("fold ids must be integers");
  const K = labels.length;
  if (K < 3) throw new CvError(`cross-validation needs at least 3 folds, got ${K}`);
  if (family === "binomial") {
    for (const cls of [0, 1]) {
      let c = 0;
      for (let i = 0; i < y.length; i++) if (y[i] === cls) c++;
      if (c < K) throw new CvError(`${K}-fold CV needs at least ${K} events per class; class ${cls} has ${c}`);
    }
  }
  return labels;
}

/** cv.glmnet with a fold id per row. `onFit(done, total)` is called after the full fit and after each fold's fit
 *  (total = folds + 1), for progress reports; it does not change the result. */
export function cvGlmnet(
  x: DesignMatrix,
  y: ArrayLike<number>,
  foldid: ArrayLike<number>,
  opts: GlmnetOptions & { measure?: CvMeasure; onFit?: (done: number, total: number) => void } = {},
): CvGlmnetResult {
  const family = opts.family ?? "gaussian";
  const measure: CvMeasure = opts.measure ?? (family === "binomial" ? "deviance" : "mse");
  if (family === "gaussian" && (measure === "auc" || measure === "class")) throw new CvError(`type-measure ${measure} needs family binomial`);
  if (foldid.length !== x.n) throw new CvError(`foldid has ${foldid.length} values for ${x.n} rows`);
  const labels = checkFolds(y, foldid, family);
  const { lambdaMinRatio, nlambda, standardize, thresh, passesBeforePolish, maxPasses, maxPolish } = opts;
  const gopts: GlmnetOptions = { family, lambdaMinRatio, nlambda, standardize, thresh, passesBeforePolish, maxPasses, maxPolish, lambda: opts.lambda };
  // as in R, each fold call gets the same arguments; its default lambda.min.ratio follows the fold's own n and p
  const fit = glmnet(x, y, gopts);
  const lambda = fit.lambda;
  const nl = lambda.length;
  const K = labels.length;
  opts.onFit?.(1, K + 1);
  const preval: Float64Array[] = Array.from({ length: nl }, () => new Float64Array(x.n));
  const foldFits: GlmnetFit[] = [];
  const foldMeasure: Float64Array[] = [];
  const foldSize: number[] = [];
  for (const f of labels) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    for (let i = 0; i < x.n; i++) (foldid[i] === f ? testIdx : trainIdx).push(i);
    const yTrain = trainIdx.map((i) => y[i]);
    if (family === "binomial" && (yTrain.every((v) => v === 0) || yTrain.every((v) => v === 1)))
      throw new CvError(`fold ${f}: the training part has only one class`);
    let ff: GlmnetFit;
    try {
      ff = glmnet(subsetRows(x, trainIdx), yTrain, gopts);
    } catch (e) {
      if (e instanceof GlmnetError) throw new CvError(`fold ${f}: ${e.message}`);
      throw e;
    }
    foldFits.push(ff);
    const xt = subsetRows(x, testIdx);
    const pred = predictLink(ff, xt, lambda);
    const yt = testIdx.map((i) => y[i]);
    const m = new Float64Array(nl);
    for (let k = 0; k < nl; k++) {
      const eta = pred[k];
      for (let t = 0; t < testIdx.length; t++) preval[k][testIdx[t]] = eta[t];
      m[k] = foldValue(measure, family, yt, eta);
    }
    foldMeasure.push(m);
    foldSize.push(testIdx.length);
    opts.onFit?.(1 + foldFits.length, K + 1);
  }
  // cvm = fold-size-weighted mean of fold means; cvsd = sqrt(weighted mean squared deviation / (K - 1))
  const cvm = new Float64Array(nl);
  const cvsd = new Float64Array(nl);
  const wsum = foldSize.reduce((a, b) => a + b, 0);
  for (let k = 0; k < nl; k++) {
    let s = 0;
    for (let f = 0; f < K; f++) s += foldSize[f] * foldMeasure[f][k];
    const mk = s / wsum;
    let v = 0;
    for (let f = 0; f < K; f++) v += foldSize[f] * (foldMeasure[f][k] - mk) ** 2;
    cvm[k] = mk;
    cvsd[k] = Math.sqrt(v / wsum / (K - 1));
  }
  // lambda.min: largest lambda with cvm == min (on -cvm for AUC); lambda.1se: largest lambda with cvm <= min + sd
  const sign = measure === "auc" ? -1 : 1;
  let best = Infinity;
  for (let k = 0; k < nl; k++) if (sign * cvm[k] < best) best = sign * cvm[k];
  let indexMin = -1;
  for (let k = 0; k < nl; k++) if (sign * cvm[k] <= best && (indexMin < 0 || lambda[k] > lambda[indexMin])) indexMin = k;
  const semin = sign * cvm[indexMin] + cvsd[indexMin];
  let index1se = -1;
  for (let k = 0; k < nl; k++) if (sign * cvm[k] <= semin && (index1se < 0 || lambda[k] > lambda[index1se])) index1se = k;
  return { fit, measure, lambda, cvm, cvsd, foldMeasure, lambdaMin: lambda[indexMin], lambda1se: lambda[index1se], indexMin, index1se, preval, foldFits };
}

function foldValue(measure: CvMeasure, family: "binomial" | "gaussian", y: number[], eta: Float64Array): number {
  const m = y.length;
  if (measure === "auc") return aucMannWhitney(y, eta); // per-fold AUC of the link (monotone in p)
  let s = 0;
  for (let i = 0; i < m; i++) {
    if (family === "gaussian") {
      const r = y[i] - eta[i];
      s += measure === "mae" ? Math.abs(r) : r * r; // mse / mae
      continue;
    }
    const p = 1 / (1 + Math.exp(-eta[i]));
    if (measure === "deviance") {
      const pc = Math.min(Math.max(p, PROB_MIN), 1 - PROB_MIN);
      s += -2 * (y[i] * Math.log(pc) + (1 - y[i]) * Math.log(1 - pc)); // binomial deviance, p clamped
    } else if (measure === "mse") s += 2 * (y[i] - p) ** 2; // cv.lognet: (y0-(1-p))^2 + (y1-p)^2
    else if (measure === "mae") s += 2 * Math.abs(y[i] - p); // |y0-(1-p)| + |y1-p|
    else s += (1 - y[i]) * (p >= 0.5 ? 1 : 0) + y[i] * (p <= 0.5 ? 1 : 0); // misclassification (ties count)
  }
  return s / m;
}
