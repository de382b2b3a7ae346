// Platt scaling exactly as libsvm's sigmoid_train / sigmoid_predict (Lin, Lin & Weng 2007 improvement of
// Platt 2000), with the internal 5-fold cross-validation of svm_binary_svc_probability. Difference from
// libsvm (documented): the fold permutation uses our seeded MT19937 (lib/random.ts) instead of C rand(),
// so A and B agree with e1071 only up to that resampling.
import { createRng, type Rng } from "../random.ts";
import { svmTrainFromDistances, trainingDistances, sqDist, type SvmOptions } from "./svm.ts";

export interface PlattFit {
  /** P(class labels[0] | f) = 1 / (1 + exp(A f + B)) */
  A: number;
  B: number;
  iterations: number;
}

/** libsvm sigmoid_train: labels > 0 means the positive (first) class. */
export function sigmoidTrain(dec: ArrayLike<number>, labels: ArrayLike<number>): PlattFit {
  const l = dec.length;
  let prior1 = 0;
  let prior0 = 0;
  for (let i = 0; i < l; i++) if (labels[i] > 0) prior1++; else prior0++;
  const maxIter = 100;
  const minStep = 1e-10;
  const sigma = 1e-12;
  const eps = 1e-5;
  const hiTarget = (prior1 + 1) / (prior1 + 2); // Platt's regularised targets
  const loTarget = 1 / (prior0 + 2);
  const t = new Float64Array(l);
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  let fval = 0;
  for (let i = 0; i < l; i++) {
    t[i] = labels[i] > 0 ? hiTarget : loTarget;
    const fApB = dec[i] * A + B;
    fval += fApB >= 0 ? t[i] * fApB + Math.log(1 + Math.exp(-fApB)) : (t[i] - 1) * fApB + Math.log(1 + Math.exp(fApB));
  }
  let iter = 0;
  for (; iter < maxIter; iter++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < l; i++) {
      const fApB = dec[i] * A + B;
      let p: number;
      let q: number;
      if (fApB >= 0) {
        p = Math.exp(-fApB) / (1 + Math.exp(-fApB));
        q = 1 / (1 + Math.exp(-fApB));
      } else {
        p = 1 / (1 + Math.exp(fApB));
        q = Math.exp(fApB) / (1 + Math.exp(fApB));
      }
      const d2 = p * q;
      h11 += dec[i] * dec[i] * d2;
      h22 += d2;
      h21 += dec[i] * d2;
      const d1 = t[i] - p;
      g1 += dec[i] * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < eps && Math.abs(g2) < eps) break;
    const det = h11 * h22 - h21 * h21; // Newton direction -inv(H') g
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let stepsize = 1;
    while (stepsize >= minStep) {
      const newA = A + stepsize * dA;
      const newB = B + stepsize * dB;
      let newf = 0;
      for (let i = 0; i < l; i++) {
        const fApB = dec[i] * newA + newB;
        newf += fApB >= 0 ? t[i] * fApB + Math.log(1 + Math.exp(-fApB)) : (t[i] - 1) * fApB + Math.log(1 + Math.exp(fApB));
      }
      if (newf < fval + 0.0001 * stepsize * gd) {
        A = newA;
        B = newB;
        fval = newf;
        break;
      }
      stepsize /= 2;
    }
    if (stepsize < minStep) break; // line search fails (libsvm prints a warning and stops)
  }
  return { A, B, iterations: iter };
}

/** libsvm sigmoid_predict: probability of the positive (first) class. */
export function sigmoidPredict(f: number, fit: PlattFit): number {
  const fApB = f * fit.A + fit.B;
  return fApB >= 0 ? Math.exp(-fApB) / (1 + Math.exp(-fApB)) : 1 / (1 + Math.exp(fApB));
}

/**
 * svm_binary_svc_probability: 5-fold CV decision values (sign toward the class of the first training row),
 * then sigmoid_train. `rows`/`y` are the training rows in training order.
 */
export function plattCalibrate(rows: Float64Array[], y: ArrayLike<number>, opts: SvmOptions, seed: number | Rng, nrFold = 5): PlattFit {
  const l = rows.length;
  const rng = typeof seed === "number" ? createRng(seed) : seed;
  const first = y[0];
  const perm = Array.from({ length: l }, (_, i) => i);
  for (let i = 0; i < l; i++) {
    const j = i + rng.int(l - i); // libsvm: j = i + rand() % (l - i)
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const D = trainingDistances(rows);
  const dec = new Float64Array(l);
  for (let f = 0; f < nrFold; f++) {
    const begin = Math.floor((f * l) / nrFold);
    const end = Math.floor(((f + 1) * l) / nrFold);
    const sub = [...perm.slice(0, begin), ...perm.slice(end)];
    let pc = 0;
    let nc = 0;
    for (const i of sub) if (y[i] === first) pc++; else nc++;
    if (pc === 0 || nc === 0) {
      for (let j = begin; j < end; j++) dec[perm[j]] = pc > 0 ? 1 : nc > 0 ? -1 : 0;
      continue;
    }
    const m = svmTrainFromDistances(rows, D, y, opts, sub);
    const sign = m.labels[0] === first ? 1 : -1; // dec_values *= submodel->label[0]
    for (let j = begin; j < end; j++) {
      const x = rows[perm[j]];
      let s = 0;
      for (let k = 0; k < m.sv.length; k++) s += m.coef[k] * Math.exp(-m.gamma * sqDist(x, m.sv[k]));
      dec[perm[j]] = sign * (s - m.rho);
    }
  }
  const labels = Array.from(y, (v) => (v === first ? 1 : -1));
  return sigmoidTrain(dec, labels);
}
