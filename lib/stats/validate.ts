// Bootstrap validation of a logistic model, rms 6.5 semantics (validate.lrm + predab.resample and
// calibrate.default): each resample refits the model; "training" indexes are measured on the resample,
// "test" indexes on the original rows with the resample's coefficients; optimism = mean(training) -
// mean(test) over the resamples where both are defined; corrected = apparent - optimism.
// Resamples are either given (R's indices, for exact replay) or drawn with lib/random.ts (seeded MT19937).
import { createRng, bootstrapIndices } from "../random.ts";
import { lrmFitCore, lrmStats, somers2, giniMd, type LrmModel } from "./logistic.ts";
import { lowess } from "./clowess.ts";
import { approx, plogis, quantile7, seqBy, seqLength } from "./rbase.ts";

export const VALIDATE_INDEXES = ["Dxy", "R2", "Intercept", "Slope", "Emax", "D", "U", "Q", "B", "g", "gp"] as const;
export type ValidateIndexName = (typeof VALIDATE_INDEXES)[number];

export interface ValidateRow {
  /** index_orig: the apparent value on the fitted rows */
  apparent: number;
  /** mean over resamples of the index on the resample itself */
  training: number;
  /** mean over resamples of the index on the original rows */
  test: number;
  optimism: number;
  corrected: number;
  /** number of resamples used */
  n: number;
}

export interface ValidateResult {
  index: Record<ValidateIndexName, ValidateRow>;
  B: number;
  /** resamples whose refit failed (excluded, as rms does) */
  failed: number;
}

export interface CalibrateResult {
  /** 50 points seq(p[5], p[n-4], length = 50) of the sorted apparent probabilities */
  predicted: number[];
  /** lowess (iter = 0) calibration curve of the apparent fit at `predicted` */
  apparent: number[];
  /** apparent - optimism */
  corrected: number[];
  optimism: number[];
  training: number[];
  test: number[];
  n: number[];
  /** print.calibrate summary: errors of the corrected curve at every fitted probability (approx ties = mean) */
  meanAbsoluteError: number;
  meanSquaredError: number;
  quantile90AbsoluteError: number;
  B: number;
  failed: number;
}

export interface BootstrapOptions {
  /** number of resamples (ignored when indices are given); default 200 */
  B?: number;
  /** seed for lib/random.ts; default 1 */
  seed?: number;
  /** explicit resamples, 0-based row positions into the model's training rows (e.g. R's indices - 1) */
  indices?: ArrayLike<number>[];
}

type Core = { X: Float64Array; y: ArrayLike<number>; n: number; p: number; lp: ArrayLike<number> };

function coreOf(model: LrmModel): Core {
  return { X: model.X, y: model.y, n: model.n, p: model.spec.colnames.length, lp: model.linearPredictor };
}

function resamples(n: number, opts: BootstrapOptions): ArrayLike<number>[] {
  if (opts.indices) {
    opts.indices.forEach((s, b) => {
      for (let i = 0; i < s.length; i++)
        if (!(Number.isInteger(s[i]) && s[i] >= 0 && s[i] < n)) throw new RangeError(`resample ${b + 1} has position ${s[i]} outside 0..${n - 1}`);
    });
    return opts.indices;
  }
  const B = opts.B ?? 200;
  if (!Number.isInteger(B) || B < 1) throw new RangeError(`B must be a positive integer, got ${B}`);
  const rng = createRng(opts.seed ?? 1);
  const out: Int32Array[] = [];
  for (let b = 0; b < B; b++) out.push(bootstrapIndices(rng, n));
  return out;
}

/** -2 sum(y xb - log(1 + e^xb)) as validate.lrm's L01 (R's logb(1 + exp(x))) */
function l01(xb: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xb.length; i++) s += y[i] * xb[i] - (xb[i] > 700 ? xb[i] : Math.log(1 + Math.exp(xb[i])));
  return -2 * s;
}

function brier(lp: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < lp.length; i++) s += (plogis(lp[i]) - y[i]) ** 2; // B <- sum((P - y)^2)/n
  return s / lp.length;
}

/** indexes of a fit measured on its own data (evalfit = TRUE) */
function trainingIndexes(lp: ArrayLike<number>, y: ArrayLike<number>, deviance: number, deviance0: number, p: number): number[] {
  const n = y.length;
  const st = lrmStats(y, lp, deviance, deviance0, p);
  const D = (st.lrChi2 - 1) / n;
  const U = -2 / n;
  return [somers2(lp, y).Dxy, st.R2, 0, 1, 0, D, U, D - U, brier(lp, y), st.g, st.gp];
}

/** indexes of coefficients applied to other data (evalfit = FALSE): recalibration refit lrm.fit(xb, y) */
function testIndexes(xb: Float64Array, y: ArrayLike<number>): number[] {
  const n = y.length;
  const refit = lrmFitCore(xb, y, n, 1, { firth: "never", start: [0, 1], vcov: false });
  const st = lrmStats(y, refit.lp, refit.deviance, refit.deviance0, 1);
  const a = refit.coef[0];
  const s = refit.coef[1];
  const D = (st.lrChi2 - 1) / n;
  const U = (l01(xb, y) - refit.deviance - 2) / n;
  const sx = new Float64Array(n);
  const px = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sx[i] = s * xb[i];
    px[i] = plogis(a + s * xb[i]);
  }
  return [somers2(xb, y).Dxy, st.R2, a, s, 0, D, U, D - U, brier(xb, y), giniMd(sx), giniMd(px)];
}

/** calibrate's cal.error: approx(lowess(plogis(lp), y, iter = 0), xout = predy, ties = first) - predy */
function calError(lp: ArrayLike<number>, y: ArrayLike<number>, predy: number[]): number[] {
  const p = Float64Array.from(lp, plogis);
  const sm = lowess(p, y, { iter: 0 });
  const cal = approx(sm.x, sm.y, predy, "first");
  return cal.map((c, k) => c - predy[k]);
}

/** validate.lrm's Emax: max over p in seq(0, 1, 5e-4) of |p - plogis(a + b logit(p))| */
export function emax(a: number, b: number): number {
  let m = 0;
  for (const p of seqBy(0, 1, 0.0005)) {
    const P = plogis(a + b * Math.log(p / (1 - p)));
    const d = Math.abs(p - P);
    if (!Number.isNaN(d) && d > m) m = d;
  }
  return m;
}

export function calibrationPredy(lp: ArrayLike<number>): number[] {
  const p = Float64Array.from(lp, plogis).sort();
  const n = p.length;
  if (n < 11) throw new RangeError(`calibrate needs at least 11 rows, got ${n}`);
  return seqLength(p[4], p[n - 5], 50); // seq(p[5], p[n-4], length = 50)
}

/** validate + calibrate in one pass over the resamples (each resample is refitted once). */
export function validateAndCalibrate(model: LrmModel, opts: BootstrapOptions = {}): { validate: ValidateResult; calibrate: CalibrateResult } {
  const c = coreOf(model);
  const { X, y, n, p } = c;
  const sets = resamples(n, opts);
  const predy = calibrationPredy(c.lp);
  const K = VALIDATE_INDEXES.length;
  const orig = trainingIndexes(c.lp, y, model.deviance[1], model.deviance[0], p);
  const trSum = new Float64Array(K);
  const teSum = new Float64Array(K);
  const cnt = new Float64Array(K);
  const P = predy.length;
  const ctr = new Float64Array(P);
  const cte = new Float64Array(P);
  const ccnt = new Float64Array(P);
  let failed = 0;
  const Xb = new Float64Array(n * p);
  const yb = new Float64Array(n);
  const xbOrig = new Float64Array(n);
  for (const s of sets) {
    const nb = s.length;
    for (let i = 0; i < nb; i++) {
      const r = s[i];
      yb[i] = y[r];
      for (let j = 0; j < p; j++) Xb[i * p + j] = X[r * p + j];
    }
    let ev = 0;
    for (let i = 0; i < nb; i++) ev += yb[i];
    if (ev === 0 || ev === nb) {
      failed++;
      continue;
    }
    // a separated resample gets Firth estimates (as the apparent fit would) rather than diverging
    const fit = lrmFitCore(Xb.subarray(0, nb * p), yb.subarray(0, nb), nb, p, { firth: "auto", start: model.coefficients, vcov: false, firthTol: 1e-8 });
    if (!fit.converged || !fit.coef.every(Number.isFinite)) {
      failed++; // rms drops resamples whose fit fails (e.g. a factor level absent: singular information)
      continue;
    }
    for (let i = 0; i < n; i++) {
      let t = fit.coef[0];
      for (let j = 0; j < p; j++) t += X[i * p + j] * fit.coef[j + 1];
      xbOrig[i] = t;
    }
    const ybv = yb.subarray(0, nb);
    const tr = trainingIndexes(fit.lp, ybv, fit.deviance, fit.deviance0, p);
    const te = testIndexes(xbOrig, y);
    for (let k = 0; k < K; k++) {
      if (Number.isNaN(tr[k] + te[k])) continue;
      trSum[k] += tr[k];
      teSum[k] += te[k];
      cnt[k]++;
    }
    const ctrain = calError(fit.lp, ybv, predy);
    const ctest = calError(xbOrig, y, predy);
    for (let k = 0; k < P; k++) {
      if (Number.isNaN(ctrain[k] + ctest[k])) continue;
      ctr[k] += ctrain[k];
      cte[k] += ctest[k];
      ccnt[k]++;
    }
  }
  if (sets.length - failed === 0) throw new RangeError(`all ${sets.length} bootstrap refits failed (a resample lacked events, non-events or a factor level)`);
  const rows = {} as Record<ValidateIndexName, ValidateRow>;
  VALIDATE_INDEXES.forEach((name, k) => {
    const training = trSum[k] / cnt[k];
    const test = teSum[k] / cnt[k];
    const optimism = training - test;
    rows[name] = { apparent: orig[k], training, test, optimism, corrected: orig[k] - optimism, n: cnt[k] };
  });
  // Emax from the corrected calibration intercept and slope
  const e = emax(rows.Intercept.corrected, rows.Slope.corrected);
  rows.Emax = { apparent: 0, training: 0, test: e, optimism: e, corrected: e, n: rows.Dxy.n };
  const calOrig = calError(c.lp, y, predy).map((d, k) => d + predy[k]);
  const training = Array.from(ctr, (s, k) => s / ccnt[k]);
  const test = Array.from(cte, (s, k) => s / ccnt[k]);
  const optimism = training.map((t, k) => t - test[k]);
  const corrected = calOrig.map((v, k) => v - optimism[k]);
  // print.calibrate: err <- predicted - approx(predy, calibrated.corrected, xout = predicted, ties = mean)$y
  const predicted = Array.from(c.lp, plogis);
  const okk = predy.map((_, k) => !Number.isNaN(predy[k] + corrected[k]));
  const cal = approx(
    predy.filter((_, k) => okk[k]),
    corrected.filter((_, k) => okk[k]),
    predicted,
    "mean",
  );
  const err = predicted.map((pv, i) => Math.abs(pv - cal[i])).filter((v) => !Number.isNaN(v));
  const mae = err.reduce((a, b) => a + b, 0) / err.length;
  const mse = err.reduce((a, b) => a + b * b, 0) / err.length;
  const q90 = quantile7(err, [0.9])[0];
  return {
    validate: { index: rows, B: sets.length, failed },
    calibrate: {
      predicted: predy,
      apparent: calOrig,
      corrected,
      optimism,
      training,
      test,
      n: Array.from(ccnt),
      meanAbsoluteError: mae,
      meanSquaredError: mse,
      quantile90AbsoluteError: q90,
      B: sets.length,
      failed,
    },
  };
}

/** rms::validate(fit, B) for a logistic model. */
export function validateLrm(model: LrmModel, opts: BootstrapOptions = {}): ValidateResult {
  return validateAndCalibrate(model, opts).validate;
}
