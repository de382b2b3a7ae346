// rms::calibrate(fit, B) (bootstrap bias-corrected lowess calibration curve; computed together with
// validate in ./validate.ts) and val.prob-style calibration statistics for given probabilities.
import { validateAndCalibrate, emax, type BootstrapOptions, type CalibrateResult } from "./validate.ts";
import { lrmFitCore, lrmStats, somers2, type LrmModel } from "./logistic.ts";
import { lowess } from "./clowess.ts";
import { approx, maxOf, quantile7 } from "./rbase.ts";

export type { CalibrateResult } from "./validate.ts";

export function calibrateLrm(model: LrmModel, opts: BootstrapOptions = {}): CalibrateResult {
  return validateAndCalibrate(model, opts).calibrate;
}

export interface CalibrationStats {
  n: number;
  /** calibration intercept and slope: lrm.fit(logit(p), y) (rms::val.prob "Intercept", "Slope") */
  intercept: number;
  slope: number;
  /** calibration-in-the-large: mean(y) - mean(p) */
  meanDifference: number;
  brier: number;
  cIndex: number;
  dxy: number;
  /** Nagelkerke R2 of the recalibration fit */
  r2: number;
  /** val.prob's lowess (iter = 0) absolute errors: mean, 90th percentile, max */
  eavg: number;
  e90: number;
  emax: number;
  /** Emax from the calibration intercept/slope line (validate's definition) */
  emaxLogistic: number;
}

/** val.prob-style calibration statistics of predicted probabilities p against 0/1 outcomes y. */
export function calibrationStats(p: ArrayLike<number>, y: ArrayLike<number>): CalibrationStats {
  const n = p.length;
  if (n !== y.length) throw new RangeError("p and y differ in length");
  const eps = 1e-12;
  const logit = Float64Array.from(p, (v) => {
    const q = Math.min(1 - eps, Math.max(eps, v));
    return Math.log(q / (1 - q));
  });
  const fit = lrmFitCore(logit, y, n, 1);
  const st = lrmStats(y, fit.lp, fit.deviance, fit.deviance0, 1);
  let br = 0;
  let my = 0;
  let mp = 0;
  for (let i = 0; i < n; i++) {
    br += (p[i] - y[i]) ** 2;
    my += y[i];
    mp += p[i];
  }
  const sm = lowess(p, y, { iter: 0 });
  const cal = approx(sm.x, sm.y, Array.from(p), "mean");
  const er = Array.from(p, (v, i) => Math.abs(v - cal[i])).filter((v) => !Number.isNaN(v));
  const s2 = somers2(p, y);
  return {
    n,
    intercept: fit.coef[0],
    slope: fit.coef[1],
    meanDifference: my / n - mp / n,
    brier: br / n,
    cIndex: s2.C,
    dxy: s2.Dxy,
    r2: st.R2,
    eavg: er.reduce((a, b) => a + b, 0) / er.length,
    e90: quantile7(er, [0.9])[0],
    emax: maxOf(er),
    emaxLogistic: emax(fit.coef[0], fit.coef[1]),
  };
}
