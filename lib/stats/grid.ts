// Grid search for the RBF SVM over (cost, gamma) by k-fold cross-validated AUC (pipeline.md step 7).
// One training-distance matrix (libsvm's formula) and one prediction-distance matrix are computed for the
// whole data set and shared by every fold and grid point; each fit is the faithful libsvm port in ./svm.ts.
import { createRng, type Rng } from "../random.ts";
import { aucMannWhitney } from "./cv.ts";
import { sqDist, svmTrainFromKernel, trainingDistances } from "./svm.ts";

export interface GridOptions {
  costs?: number[];
  gammas?: number[];
  /** fold id per row (any integers); otherwise seeded stratified folds */
  folds?: ArrayLike<number>;
  nfolds?: number;
  seed?: number;
  tolerance?: number;
}

export interface GridPoint {
  cost: number;
  gamma: number;
  /** mean of the per-fold AUCs (positive class = 1) */
  auc: number;
  /** per-fold AUCs, folds in increasing id order */
  foldAuc: number[];
  /** AUC of the pooled out-of-fold decision values */
  pooledAuc: number;
}

export interface GridResult {
  points: GridPoint[];
  best: GridPoint;
  folds: Int32Array;
}

/** 9 x 9 = 81 points: cost 2^-5, 2^-3, …, 2^11 and gamma 2^-15, 2^-13, …, 2^1 (libsvm guide's coarse grid). */
export const DEFAULT_COSTS = Array.from({ length: 9 }, (_, k) => 2 ** (-5 + 2 * k));
export const DEFAULT_GAMMAS = Array.from({ length: 9 }, (_, k) => 2 ** (-15 + 2 * k));

/**
 * Seeded stratified folds: within each class (0 then 1) the rows are shuffled and the concatenated list gets
 * folds 1, 2, …, k, 1, 2, … (the scheme of the reference splits, with our RNG). Returns 1-based fold ids.
 */
export function stratifiedFolds(y: ArrayLike<number>, k: number, seed: number | Rng): Int32Array {
  const rng = typeof seed === "number" ? createRng(seed) : seed;
  const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
  const order: number[] = [];
  for (const c of classes) {
    const idx: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === c) idx.push(i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    order.push(...idx);
  }
  const folds = new Int32Array(y.length);
  order.forEach((i, t) => (folds[i] = (t % k) + 1));
  return folds;
}

export class GridError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GridError";
  }
}

/** k-fold CV AUC for every (cost, gamma); best = highest mean fold AUC, ties to the earlier grid point (cost-major order). */
export function svmGridSearch(rows: Float64Array[], y: ArrayLike<number>, opts: GridOptions = {}): GridResult {
  const n = rows.length;
  const costs = opts.costs ?? DEFAULT_COSTS;
  const gammas = opts.gammas ?? DEFAULT_GAMMAS;
  const k = opts.nfolds ?? 10;
  let n1 = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) n1++;
  const n0 = n - n1;
  const folds = opts.folds ? Int32Array.from(opts.folds) : null;
  const K = folds ? new Set(folds).size : k;
  if (Math.min(n0, n1) < K) throw new GridError(`${K}-fold CV needs at least ${K} events per class; class ${n1 < n0 ? 1 : 0} has ${Math.min(n0, n1)}`);
  const foldId = folds ?? stratifiedFolds(y, k, opts.seed ?? 1);
  const labels = [...new Set(foldId)].sort((a, b) => a - b);
  const D = trainingDistances(rows);
  const P = new Float64Array(n * n); // k_function distances sum (u - v)^2
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) P[i * n + j] = P[j * n + i] = sqDist(rows[i], rows[j]);
  const trainIdx = labels.map((f) => Array.from({ length: n }, (_, i) => i).filter((i) => foldId[i] !== f));
  const testIdx = labels.map((f) => Array.from({ length: n }, (_, i) => i).filter((i) => foldId[i] === f));
  const pooled = new Float64Array(n);
  const byKey = new Map<string, GridPoint>();
  for (const gamma of gammas) {
    // one training kernel (libsvm kernel_rbf) and one prediction kernel (k_function) per gamma, shared by all costs and folds
    const K = new Float64Array(n * n);
    const KP = new Float64Array(n * n);
    for (let t = 0; t < n * n; t++) {
      K[t] = Math.exp(-gamma * D[t]);
      KP[t] = Math.exp(-gamma * P[t]);
    }
    for (const cost of costs) {
      const foldAuc: number[] = [];
      for (let f = 0; f < labels.length; f++) {
        const m = svmTrainFromKernel(rows, K, y, { cost, gamma, tolerance: opts.tolerance }, trainIdx[f]);
        const sign = m.labels[0] === 1 ? 1 : -1; // score where larger = class 1
        const te = testIdx[f];
        const score = new Float64Array(te.length);
        const yt = te.map((i) => y[i]);
        for (let t = 0; t < te.length; t++) {
          const off = te[t] * n;
          let s = 0;
          for (let q = 0; q < m.sv.length; q++) s += m.coef[q] * KP[off + m.svIndex[q]];
          score[t] = sign * (s - m.rho);
          pooled[te[t]] = score[t];
        }
        foldAuc.push(aucMannWhitney(yt, score));
      }
      const valid = foldAuc.filter((a) => Number.isFinite(a));
      byKey.set(`${cost}|${gamma}`, { cost, gamma, auc: valid.reduce((a, b) => a + b, 0) / valid.length, foldAuc, pooledAuc: aucMannWhitney(y, pooled) });
    }
  }
  const points: GridPoint[] = [];
  for (const cost of costs) for (const gamma of gammas) points.push(byKey.get(`${cost}|${gamma}`)!);
  let best = points[0];
  for (const p of points) if (p.auc > best.auc) best = p;
  return { points, best, folds: foldId };
}
