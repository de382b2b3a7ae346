// C-SVC with an RBF kernel: a faithful port of libsvm 3.x's Solver (Fan, Chen & Lin 2005, JMLR 6: WSS3
// second-order working-set selection, shrinking, gradient reconstruction, calculate_rho), with e1071's
// conventions: classes numbered by first appearance in the training rows, training rows grouped by class
// (svm_group_classes) before solving, decision value f(x) = sum_i coef_i K(sv_i, x) - rho with coef =
// alpha_i y_i and f > 0 favouring the class of the first training row. Like libsvm, the Q matrix is kept in
// single precision (Qfloat = float) and the training kernel uses ||u||^2 + ||v||^2 - 2 u.v; prediction uses
// sum (u - v)^2 (k_function). The kernel matrix is precomputed in full (n ~ 100s), which is faster than
// libsvm's LRU cache and gives identical numbers. Hand-written: no JS package ports libsvm's solver exactly.
import type { DesignMatrix } from "./scaler.ts";

export interface SvmOptions {
  cost: number;
  gamma: number;
  /** libsvm eps (e1071 tolerance); default 1e-3 */
  tolerance?: number;
  /** default true */
  shrinking?: boolean;
}

export interface SvmModel {
  gamma: number;
  cost: number;
  /** labels[0] = class of the first training row (f > 0 favours it), labels[1] the other */
  labels: [number, number];
  /** support vectors (rows), in libsvm's order: class labels[0] first, training order within a class */
  sv: Float64Array[];
  /** 0-based training-row index of each support vector */
  svIndex: Int32Array;
  /** alpha_i * y_i (y = +1 for labels[0]) */
  coef: Float64Array;
  rho: number;
  /** number of support vectors per class, in `labels` order */
  nSV: [number, number];
  iterations: number;
}

export class SvmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SvmError";
  }
}

const TAU = 1e-12;
const LOWER = 0;
const UPPER = 1;
const FREE = 2;

/** rows of a column-major matrix */
export function rowsOf(x: DesignMatrix): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < x.n; i++) {
    const r = new Float64Array(x.p);
    for (let j = 0; j < x.p; j++) r[j] = x.data[j * x.n + i];
    out.push(r);
  }
  return out;
}

/** libsvm's training-kernel distance x_i.x_i + x_j.x_j - 2 x_i.x_j (n x n, row-major). */
export function trainingDistances(rows: Float64Array[]): Float64Array {
  const n = rows.length;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) sq[i] = dot(rows[i], rows[i]);
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const d = sq[i] + sq[j] - 2 * dot(rows[i], rows[j]); // libsvm kernel_rbf: x_square[i] + x_square[j] - 2 dot
      D[i * n + j] = d;
      D[j * n + i] = sq[j] + sq[i] - 2 * dot(rows[j], rows[i]);
    }
  }
  return D;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/** k_function's squared distance sum_k (u_k - v_k)^2 */
export function sqDist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const d = a[k] - b[k];
    s += d * d;
  }
  return s;
}

/** Train on rows (original order). */
export function svmTrain(x: DesignMatrix | Float64Array[], y: ArrayLike<number>, opts: SvmOptions): SvmModel {
  const rows = Array.isArray(x) ? x : rowsOf(x);
  return svmTrainFromDistances(rows, trainingDistances(rows), y, opts);
}

/**
 * Train given the precomputed training distances D (n x n, libsvm formula) of `rows`. Lets grid search reuse
 * one distance matrix for every gamma.
 */
export function svmTrainFromDistances(rows: Float64Array[], D: Float64Array, y: ArrayLike<number>, opts: SvmOptions, subset?: ArrayLike<number>): SvmModel {
  return trainCore(rows, D, false, y, opts, subset);
}

/**
 * Train given a precomputed full kernel matrix K[i * N + j] = exp(-gamma * D_ij) of `rows` (libsvm's training
 * formula for D): grid search computes it once per gamma and reuses it for every fold.
 */
export function svmTrainFromKernel(rows: Float64Array[], K: Float64Array, y: ArrayLike<number>, opts: SvmOptions, subset?: ArrayLike<number>): SvmModel {
  return trainCore(rows, K, true, y, opts, subset);
}

function trainCore(rows: Float64Array[], M: Float64Array, isKernel: boolean, y: ArrayLike<number>, opts: SvmOptions, subset?: ArrayLike<number>): SvmModel {
  const idx = subset ? Array.from(subset) : Array.from({ length: rows.length }, (_, i) => i);
  const l = idx.length;
  const N = rows.length;
  const { cost, gamma } = opts;
  const eps = opts.tolerance ?? 1e-3;
  const shrinking = opts.shrinking ?? true;
  if (!(cost > 0)) throw new SvmError(`svm: cost must be > 0, got ${cost}`);
  if (!(gamma > 0)) throw new SvmError(`svm: gamma must be > 0, got ${gamma}`);
  if (!(eps > 0)) throw new SvmError(`svm: tolerance must be > 0, got ${eps}`);
  if (l < 2) throw new SvmError("svm: need at least 2 training rows");
  // svm_group_classes: labels by first appearance, rows grouped by class keeping their order
  const first = y[idx[0]];
  let second: number | undefined;
  for (const i of idx) {
    if (!Number.isFinite(y[i])) throw new SvmError(`svm: outcome of row ${i + 1} is missing`);
    if (y[i] !== first) {
      if (second === undefined) second = y[i];
      else if (y[i] !== second) throw new SvmError(`svm: outcome must have exactly 2 classes (found ${first}, ${second}, ${y[i]})`);
    }
  }
  if (second === undefined) throw new SvmError(`svm: the training rows have only one class (${first})`);
  const perm: number[] = [];
  for (const i of idx) if (y[i] === first) perm.push(i);
  const n0 = perm.length;
  for (const i of idx) if (y[i] !== first) perm.push(i);
  const ys = new Int8Array(l);
  for (let t = 0; t < l; t++) ys[t] = t < n0 ? 1 : -1;
  // Q_ij = y_i y_j K(x_i, x_j) stored as float (libsvm Qfloat); QD_i = K(x_i, x_i) in double
  const Q = new Float32Array(l * l);
  const QD = new Float64Array(l);
  for (let a = 0; a < l; a++) {
    const ra = perm[a] * N;
    const ya = ys[a];
    if (isKernel) {
      for (let b = 0; b < l; b++) Q[a * l + b] = ya * ys[b] * M[ra + perm[b]];
      QD[a] = M[ra + perm[a]];
    } else {
      for (let b = 0; b < l; b++) Q[a * l + b] = ya * ys[b] * Math.exp(-gamma * M[ra + perm[b]]); // RBF exp(-gamma ||u - v||^2)
      QD[a] = Math.exp(-gamma * M[ra + perm[a]]);
    }
  }
  const sol = smo(Q, QD, ys, cost, cost, eps, shrinking);
  const sv: Float64Array[] = [];
  const svIndex: number[] = [];
  const coef: number[] = [];
  let c0 = 0;
  let c1 = 0;
  for (let t = 0; t < l; t++) {
    const a = sol.alpha[t] * ys[t];
    if (a === 0 || Math.abs(sol.alpha[t]) <= 0) continue; // nonzero[i] = fabs(alpha) > 0
    sv.push(rows[perm[t]]);
    svIndex.push(perm[t]);
    coef.push(a);
    if (t < n0) c0++;
    else c1++;
  }
  return { gamma, cost, labels: [first, second], sv, svIndex: Int32Array.from(svIndex), coef: Float64Array.from(coef), rho: sol.rho, nSV: [c0, c1], iterations: sol.iter };
}

/** Decision values f(x) = sum_i coef_i exp(-gamma ||sv_i - x||^2) - rho for the rows of x. */
export function svmDecision(model: SvmModel, x: DesignMatrix | Float64Array[]): Float64Array {
  const rows = Array.isArray(x) ? x : rowsOf(x);
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    let s = 0;
    for (let k = 0; k < model.sv.length; k++) s += model.coef[k] * Math.exp(-model.gamma * sqDist(rows[i], model.sv[k]));
    out[i] = s - model.rho;
  }
  return out;
}

interface SmoResult {
  alpha: Float64Array;
  rho: number;
  iter: number;
}

/** libsvm Solver::Solve for C-SVC (p = -1). Q is l x l row-major float, swapped in place when shrinking. */
function smo(Qin: Float32Array, QDin: Float64Array, yin: Int8Array, Cp: number, Cn: number, eps: number, shrinking: boolean): SmoResult {
  const l = yin.length;
  const Q = Float32Array.from(Qin);
  const QD = Float64Array.from(QDin);
  const y = Int8Array.from(yin);
  const p = new Float64Array(l).fill(-1);
  const alpha = new Float64Array(l);
  const status = new Uint8Array(l);
  const activeSet = new Int32Array(l);
  const G = new Float64Array(l);
  const Gbar = new Float64Array(l);
  const getC = (i: number): number => (y[i] > 0 ? Cp : Cn);
  const updateStatus = (i: number): void => {
    if (alpha[i] >= getC(i)) status[i] = UPPER;
    else if (alpha[i] <= 0) status[i] = LOWER;
    else status[i] = FREE;
  };
  for (let i = 0; i < l; i++) {
    updateStatus(i);
    activeSet[i] = i;
    G[i] = p[i];
  }
  let activeSize = l;
  let unshrink = false;

  const swapIndex = (i: number, j: number): void => {
    if (i === j) return;
    // swap rows i and j, then columns i and j, of Q (libsvm swaps x, x_square, y, QD and the cache)
    for (let k = 0; k < l; k++) {
      const t = Q[i * l + k];
      Q[i * l + k] = Q[j * l + k];
      Q[j * l + k] = t;
    }
    for (let k = 0; k < l; k++) {
      const t = Q[k * l + i];
      Q[k * l + i] = Q[k * l + j];
      Q[k * l + j] = t;
    }
    let t: number;
    t = QD[i]; QD[i] = QD[j]; QD[j] = t;
    t = y[i]; y[i] = y[j]; y[j] = t;
    t = G[i]; G[i] = G[j]; G[j] = t;
    t = status[i]; status[i] = status[j]; status[j] = t;
    t = alpha[i]; alpha[i] = alpha[j]; alpha[j] = t;
    t = p[i]; p[i] = p[j]; p[j] = t;
    t = activeSet[i]; activeSet[i] = activeSet[j]; activeSet[j] = t;
    t = Gbar[i]; Gbar[i] = Gbar[j]; Gbar[j] = t;
  };

  const reconstructGradient = (): void => {
    if (activeSize === l) return;
    let nrFree = 0;
    for (let j = activeSize; j < l; j++) G[j] = Gbar[j] + p[j];
    for (let j = 0; j < activeSize; j++) if (status[j] === FREE) nrFree++;
    if (nrFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const off = i * l;
        for (let j = 0; j < activeSize; j++) if (status[j] === FREE) G[i] += alpha[j] * Q[off + j];
      }
    } else {
      for (let i = 0; i < activeSize; i++) {
        if (status[i] !== FREE) continue;
        const off = i * l;
        const ai = alpha[i];
        for (let j = activeSize; j < l; j++) G[j] += ai * Q[off + j];
      }
    }
  };

  const beShrunk = (i: number, Gmax1: number, Gmax2: number): boolean => {
    if (status[i] === UPPER) return y[i] === 1 ? -G[i] > Gmax1 : -G[i] > Gmax2;
    if (status[i] === LOWER) return y[i] === 1 ? G[i] > Gmax2 : G[i] > Gmax1;
    return false;
  };

  const doShrinking = (): void => {
    let Gmax1 = -Infinity;
    let Gmax2 = -Infinity;
    for (let i = 0; i < activeSize; i++) {
      if (y[i] === 1) {
        if (status[i] !== UPPER && -G[i] >= Gmax1) Gmax1 = -G[i];
        if (status[i] !== LOWER && G[i] >= Gmax2) Gmax2 = G[i];
      } else {
        if (status[i] !== UPPER && -G[i] >= Gmax2) Gmax2 = -G[i];
        if (status[i] !== LOWER && G[i] >= Gmax1) Gmax1 = G[i];
      }
    }
    if (!unshrink && Gmax1 + Gmax2 <= eps * 10) {
      unshrink = true;
      reconstructGradient();
      activeSize = l;
    }
    for (let i = 0; i < activeSize; i++) {
      if (beShrunk(i, Gmax1, Gmax2)) {
        activeSize--;
        while (activeSize > i) {
          if (!beShrunk(activeSize, Gmax1, Gmax2)) {
            swapIndex(i, activeSize);
            break;
          }
          activeSize--;
        }
      }
    }
  };

  let outI = -1;
  let outJ = -1;
  // WSS3 (Fan et al. 2005): i maximises -y_t G_t over I_up; j minimises the second-order objective decrease
  const selectWorkingSet = (): boolean => {
    let Gmax = -Infinity;
    let Gmax2 = -Infinity;
    let GmaxIdx = -1;
    let GminIdx = -1;
    let objDiffMin = Infinity;
    for (let t = 0; t < activeSize; t++) {
      if (y[t] === 1) {
        if (status[t] !== UPPER && -G[t] >= Gmax) {
          Gmax = -G[t];
          GmaxIdx = t;
        }
      } else if (status[t] !== LOWER && G[t] >= Gmax) {
        Gmax = G[t];
        GmaxIdx = t;
      }
    }
    const i = GmaxIdx;
    const offI = i * l;
    for (let j = 0; j < activeSize; j++) {
      if (y[j] === 1) {
        if (status[j] !== LOWER) {
          const gradDiff = Gmax + G[j];
          if (G[j] >= Gmax2) Gmax2 = G[j];
          if (gradDiff > 0) {
            const quad = QD[i] + QD[j] - 2.0 * y[i] * Q[offI + j];
            const objDiff = quad > 0 ? -(gradDiff * gradDiff) / quad : -(gradDiff * gradDiff) / TAU;
            if (objDiff <= objDiffMin) {
              GminIdx = j;
              objDiffMin = objDiff;
            }
          }
        }
      } else if (status[j] !== UPPER) {
        const gradDiff = Gmax - G[j];
        if (-G[j] >= Gmax2) Gmax2 = -G[j];
        if (gradDiff > 0) {
          const quad = QD[i] + QD[j] + 2.0 * y[i] * Q[offI + j];
          const objDiff = quad > 0 ? -(gradDiff * gradDiff) / quad : -(gradDiff * gradDiff) / TAU;
          if (objDiff <= objDiffMin) {
            GminIdx = j;
            objDiffMin = objDiff;
          }
        }
      }
    }
    if (Gmax + Gmax2 < eps || GminIdx === -1) return true;
    outI = GmaxIdx;
    outJ = GminIdx;
    return false;
  };

  const maxIter = Math.max(10000000, l > 2147483647 / 100 ? 2147483647 : 100 * l);
  let counter = Math.min(l, 1000) + 1;
  let iter = 0;
  while (iter < maxIter) {
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      if (shrinking) doShrinking();
    }
    if (selectWorkingSet()) {
      reconstructGradient();
      activeSize = l;
      if (selectWorkingSet()) break;
      counter = 1; // do shrinking next iteration
    }
    ++iter;
    const i = outI;
    const j = outJ;
    const offI = i * l;
    const offJ = j * l;
    const Ci = getC(i);
    const Cj = getC(j);
    const oldAi = alpha[i];
    const oldAj = alpha[j];
    if (y[i] !== y[j]) {
      let quad = QD[i] + QD[j] + 2 * Q[offI + j];
      if (quad <= 0) quad = TAU;
      const delta = (-G[i] - G[j]) / quad;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = diff;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = -diff;
      }
      if (diff > Ci - Cj) {
        if (alpha[i] > Ci) {
          alpha[i] = Ci;
          alpha[j] = Ci - diff;
        }
      } else if (alpha[j] > Cj) {
        alpha[j] = Cj;
        alpha[i] = Cj + diff;
      }
    } else {
      let quad = QD[i] + QD[j] - 2 * Q[offI + j];
      if (quad <= 0) quad = TAU;
      const delta = (G[i] - G[j]) / quad;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > Ci) {
        if (alpha[i] > Ci) {
          alpha[i] = Ci;
          alpha[j] = sum - Ci;
        }
      } else if (alpha[j] < 0) {
        alpha[j] = 0;
        alpha[i] = sum;
      }
      if (sum > Cj) {
        if (alpha[j] > Cj) {
          alpha[j] = Cj;
          alpha[i] = sum - Cj;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = sum;
      }
    }
    const dAi = alpha[i] - oldAi;
    const dAj = alpha[j] - oldAj;
    for (let k = 0; k < activeSize; k++) G[k] += Q[offI + k] * dAi + Q[offJ + k] * dAj;
    const ui = status[i] === UPPER;
    const uj = status[j] === UPPER;
    updateStatus(i);
    updateStatus(j);
    if (ui !== (status[i] === UPPER)) {
      if (ui) for (let k = 0; k < l; k++) Gbar[k] -= Ci * Q[offI + k];
      else for (let k = 0; k < l; k++) Gbar[k] += Ci * Q[offI + k];
    }
    if (uj !== (status[j] === UPPER)) {
      if (uj) for (let k = 0; k < l; k++) Gbar[k] -= Cj * Q[offJ + k];
      else for (let k = 0; k < l; k++) Gbar[k] += Cj * Q[offJ + k];
    }
  }
  if (iter >= maxIter && activeSize < l) {
    reconstructGradient();
    activeSize = l;
  }
  // calculate_rho: mean of y G over free variables, else midpoint of the feasible interval
  let nrFree = 0;
  let ub = Infinity;
  let lb = -Infinity;
  let sumFree = 0;
  for (let i = 0; i < activeSize; i++) {
    const yG = y[i] * G[i];
    if (status[i] === UPPER) {
      if (y[i] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (status[i] === LOWER) {
      if (y[i] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nrFree++;
      sumFree += yG;
    }
  }
  const rho = nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2;
  const out = new Float64Array(l);
  for (let i = 0; i < l; i++) out[activeSet[i]] = alpha[i];
  return { alpha: out, rho, iter };
}
