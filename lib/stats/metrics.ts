// Classification metrics at a threshold (pipeline.md step 7): ACC, TPR (sensitivity), TNR (specificity),
// PPV, NPV, each with a Wilson score CI (Wilson 1927) and a seeded bootstrap percentile CI (rows resampled
// with replacement, type-7 quantiles). A row is called positive when score >= threshold (as the decision
// curve: p >= pt); with pROC's midpoint thresholds > and >= coincide.
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { bootstrapIndices, createRng } from "../random.ts";

export type MetricName = "accuracy" | "sensitivity" | "specificity" | "ppv" | "npv";
export const METRIC_NAMES: MetricName[] = ["accuracy", "sensitivity", "specificity", "ppv", "npv"];

export interface Metric {
  value: number;
  /** numerator and denominator of the proportion */
  x: number;
  n: number;
  wilson: [number, number];
  bootstrap: [number, number];
}

export interface ConfusionMetrics {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  metrics: Record<MetricName, Metric>;
  B: number;
  level: number;
}

export interface MetricsOptions {
  level?: number;
  B?: number;
  seed?: number;
}

/** Wilson score interval for x successes out of n: (p + z^2/2n ± z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n). */
export function wilsonInterval(x: number, n: number, level = 0.95): [number, number] {
  if (n === 0) return [NaN, NaN];
  const z = normalQuantile(1 - (1 - level) / 2, 0, 1);
  const p = x / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const den = 1 + z2 / n;
  return [Math.max(0, (centre - half) / den), Math.min(1, (centre + half) / den)];
}

/** R quantile(type = 7) of sorted values. */
export function quantile7(sorted: ArrayLike<number>, prob: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * prob;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function counts(y: ArrayLike<number>, score: ArrayLike<number>, thr: number, idx?: ArrayLike<number>): [number, number, number, number] {
  let tp = 0,
    fp = 0,
    tn = 0,
    fn = 0;
  const m = idx ? idx.length : y.length;
  for (let t = 0; t < m; t++) {
    const i = idx ? idx[t] : t;
    const pos = score[i] >= thr;
    if (y[i] === 1) {
      if (pos) tp++;
      else fn++;
    } else if (pos) fp++;
    else tn++;
  }
  return [tp, fp, tn, fn];
}

function fractions(tp: number, fp: number, tn: number, fn: number): Record<MetricName, [number, number]> {
  return {
    accuracy: [tp + tn, tp + fp + tn + fn], // (TP + TN) / n
    sensitivity: [tp, tp + fn], // TPR = TP / (TP + FN)
    specificity: [tn, tn + fp], // TNR = TN / (TN + FP)
    ppv: [tp, tp + fp], // PPV = TP / (TP + FP)
    npv: [tn, tn + fn], // NPV = TN / (TN + FN)
  };
}

/** Metrics at `threshold` with Wilson and bootstrap percentile CIs (B resamples, default 2000, seed default 1). */
export function confusionMetrics(y: ArrayLike<number>, score: ArrayLike<number>, threshold: number, opts: MetricsOptions = {}): ConfusionMetrics {
  const level = opts.level ?? 0.95;
  const B = opts.B ?? 2000;
  const n = y.length;
  if (score.length !== n) throw new RangeError(`metrics: ${n} outcomes but ${score.length} scores`);
  const [tp, fp, tn, fn] = counts(y, score, threshold);
  const fr = fractions(tp, fp, tn, fn);
  const boot: Record<MetricName, number[]> = { accuracy: [], sensitivity: [], specificity: [], ppv: [], npv: [] };
  const rng = createRng(opts.seed ?? 1);
  for (let b = 0; b < B; b++) {
    const idx = bootstrapIndices(rng, n);
    const f = fractions(...counts(y, score, threshold, idx));
    for (const k of METRIC_NAMES) if (f[k][1] > 0) boot[k].push(f[k][0] / f[k][1]); // undefined proportions skipped
  }
  const a = (1 - level) / 2;
  const metrics = {} as Record<MetricName, Metric>;
  for (const k of METRIC_NAMES) {
    const [x, d] = fr[k];
    const s = boot[k].sort((u, v) => u - v);
    metrics[k] = { value: d > 0 ? x / d : NaN, x, n: d, wilson: wilsonInterval(x, d, level), bootstrap: [quantile7(s, a), quantile7(s, 1 - a)] };
  }
  return { threshold, tp, fp, tn, fn, metrics, B, level };
}
