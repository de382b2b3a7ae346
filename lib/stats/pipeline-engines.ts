// Thin adapters between the pipeline and the lib/stats engines: shape conversions only (orientation of SVM
// decision values, Table 1 per cohort, decision-curve columns). No statistical method is implemented here.
import { svmTrain as engineTrain, svmDecision as engineDecision, svmTrainFromDistances, trainingDistances, rowsOf, type SvmModel } from "./svm.ts";
import { decisionCurve } from "./dca.ts";
import { table1, type Table1Result } from "./table1.ts";
import { svmGridSearch } from "./grid.ts";
import { plattCalibrate, sigmoidPredict } from "./platt.ts";
import { confusionMetrics } from "./metrics.ts";
import { bootstrapSelection } from "./lasso-bootstrap.ts";
import type { DataFrame, Cell } from "./design.ts";
import type { DesignMatrix } from "./scaler.ts";
import type { CohortRecord } from "./pipeline-input.ts";
import type { MetricWithCi } from "../model/artefact.ts";

export type SvmModelParams = {
  rho: number;
  supportVectors: number[][];
  coefs: number[];
  /** aln label of libsvm's first class (f > 0 favours it) and of the second */
  classOrder: [number, number];
  platt: { A: number; B: number };
};

export type PipelineSvm = SvmModelParams & { model: SvmModel };

/** Train an RBF C-SVC (libsvm port); with `probability`, Platt's A/B as libsvm's svm_binary_svc_probability. */
export function svmTrain(x: DesignMatrix, y: number[], cost: number, gamma: number, probability: boolean, seed = 1): PipelineSvm {
  const model = engineTrain(x, y, { cost, gamma });
  const platt = probability ? plattCalibrate(rowsOf(x), y, { cost, gamma }, seed) : { A: 0, B: 0 }; // libsvm svm_binary_svc_probability
  return {
    model,
    rho: model.rho,
    supportVectors: model.sv.map((r) => Array.from(r)),
    coefs: Array.from(model.coef),
    classOrder: [model.labels[0], model.labels[1]],
    platt: { A: platt.A, B: platt.B },
  };
}

/**
 * Grid search by k-fold CV AUC (lib/stats/grid.ts svmGridSearch: mean of the per-fold AUCs; ties -> the first
 * point, i.e. the smallest cost, then the smallest gamma), one cost row at a time so progress can be reported,
 * then the out-of-fold oriented decision values at the best point (fold fits by the libsvm port).
 */
export async function svmGridCv(
  x: DesignMatrix,
  y: number[],
  folds: Int32Array,
  costs: number[],
  gammas: number[],
  onRow: (done: number, total: number) => void | Promise<void>,
): Promise<{ auc: number[][]; best: { cost: number; gamma: number; auc: number }; oof: number[] }> {
  const rows = rowsOf(x);
  const auc: number[][] = [];
  let best = { cost: costs[0], gamma: gammas[0], auc: -Infinity };
  for (let ci = 0; ci < costs.length; ci++) {
    const g = svmGridSearch(rows, y, { costs: [costs[ci]], gammas, folds });
    auc.push(g.points.map((p) => p.auc));
    if (g.best.auc > best.auc) best = { cost: g.best.cost, gamma: g.best.gamma, auc: g.best.auc };
    await onRow((ci + 1) * gammas.length, costs.length * gammas.length);
  }
  const D = trainingDistances(rows);
  const oof = new Array<number>(y.length).fill(0);
  const K = [...new Set(folds)].sort((a, b) => a - b);
  for (const f of K) {
    const train = y.map((_, i) => i).filter((i) => folds[i] !== f);
    const test = y.map((_, i) => i).filter((i) => folds[i] === f);
    const m = svmTrainFromDistances(rows, D, y, { cost: best.cost, gamma: best.gamma }, train);
    const sign = m.labels[0] === 1 ? 1 : -1;
    const dv = engineDecision(m, test.map((i) => rows[i]));
    test.forEach((i, t) => (oof[i] = sign * dv[t]));
  }
  return { auc, best, oof };
}

/** Decision values oriented so that higher = ALN positive (libsvm's f favours classOrder[0]). */
export function svmDecision(m: PipelineSvm, x: DesignMatrix): number[] {
  const f = engineDecision(m.model, x);
  const sign = m.classOrder[0] === 1 ? 1 : -1;
  return Array.from(f, (v) => sign * v);
}

/** libsvm sigmoid_predict: P(first class | f) = 1 / (1 + exp(A f + B)) (lib/stats/platt.ts). */
export function plattProbability(f: number, A: number, B: number): number {
  return sigmoidPredict(f, { A, B, iterations: 0 });
}

/** P(ALN positive) from an oriented decision value via the model's Platt sigmoid. */
export function svmPlattProbability(m: SvmModelParams, orientedDecision: number): number {
  const f = m.classOrder[0] === 1 ? orientedDecision : -orientedDecision; // back to libsvm's orientation
  const pFirst = plattProbability(f, m.platt.A, m.platt.B);
  return m.classOrder[0] === 1 ? pFirst : 1 - pFirst;
}

/** ACC/TPR/TNR/PPV/NPV at `threshold` (positive when score >= threshold) with Wilson and bootstrap percentile
 *  95% CIs (lib/stats/metrics.ts). Undefined proportions (denominator 0) become null. */
export function classificationMetrics(y: number[], score: ArrayLike<number>, threshold: number, B: number, seed: number): Record<"acc" | "tpr" | "tnr" | "ppv" | "npv", MetricWithCi> {
  const m = confusionMetrics(y, score, threshold, { B, seed });
  const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);
  const pair = (p: [number, number]): [number, number] | null => (Number.isFinite(p[0]) && Number.isFinite(p[1]) ? [p[0], p[1]] : null);
  const one = (k: "accuracy" | "sensitivity" | "specificity" | "ppv" | "npv"): MetricWithCi => {
    const v = m.metrics[k];
    return { estimate: fin(v.value), ci: pair(v.bootstrap), wilson: pair(v.wilson), numerator: v.x, denominator: v.n };
  };
  return { acc: one("accuracy"), tpr: one("sensitivity"), tnr: one("specificity"), ppv: one("ppv"), npv: one("npv") };
}

/**
 * Bootstrap selection frequencies at the chosen lambda: lib/stats/lasso-bootstrap.ts bootstrapSelection (rule
 * "fixed": resample rows with replacement, redraw single-class resamples, refit the LASSO at that lambda, exactly
 * converged, count non-zero coefficients), run in chunks of 10 resamples — each chunk with its own derived seed —
 * so progress can be reported between chunks.
 */
export async function lassoSelectionFrequencies(
  x: DesignMatrix,
  y: number[],
  B: number,
  lambda: number,
  seed: number,
  onChunk: (done: number, total: number) => void | Promise<void>,
): Promise<{ frequency: Float64Array; B: number; redraws: number }> {
  const counts = new Float64Array(x.p);
  let redraws = 0;
  let done = 0;
  for (let chunk = 0; done < B; chunk++) {
    const b = Math.min(10, B - done);
    const r = bootstrapSelection(x, y, { B: b, seed: ((seed >>> 0) + Math.imul(chunk + 1, 40503)) >>> 0 || 1, family: "binomial", rule: "fixed", lambda });
    for (let j = 0; j < x.p; j++) counts[j] += r.counts[j];
    redraws += r.redraws;
    done += b;
    await onChunk(done, B);
  }
  return { frequency: Float64Array.from(counts, (c) => (B > 0 ? c / B : 0)), B, redraws };
}

function seqThresholds(s: { from: number; to: number; by: number }): number[] {
  const out: number[] = [];
  const n = Math.round((s.to - s.from) / s.by);
  for (let i = 0; i <= n; i++) out.push(Math.round((s.from + i * s.by) * 1e10) / 1e10); // i/100-style values, no cumulative sum
  return out;
}

export function decisionCurveTable(
  y: number[],
  pModel: number[],
  pClinical: number[],
  pSvm: number[],
  s: { from: number; to: number; by: number },
): { threshold: number[]; model: number[]; clinical: number[]; svm: number[]; all: number[]; none: number[]; interventionsAvoided: number[] } {
  const th = seqThresholds(s);
  const m = decisionCurve(pModel, y, th);
  const c = decisionCurve(pClinical, y, th);
  const v = decisionCurve(pSvm, y, th);
  return { threshold: th, model: m.netBenefit, clinical: c.netBenefit, svm: v.netBenefit, all: m.treatAll, none: m.treatNone, interventionsAvoided: m.interventionsAvoidedPer100 };
}

const T1_VARS = ["age", "t_stage", "location", "er", "pr", "us_aln"];

function frame(cohort: CohortRecord[], rows: number[], extra?: Record<string, Cell[]>): DataFrame {
  const c = (f: (r: CohortRecord) => Cell): Cell[] => rows.map((i) => f(cohort[i]));
  return {
    nrow: rows.length,
    columns: { aln: c((r) => r.aln), age: c((r) => r.age), t_stage: c((r) => r.t_stage), location: c((r) => r.location), er: c((r) => r.er), pr: c((r) => r.pr), us_aln: c((r) => r.us_aln), ...extra },
  };
}

/** NaN / Infinity -> null so no report shows NaN (a single-level factor has no test). */
function clean<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? null : x))) as T;
}

/** Table 1 by outcome (per cohort) and by split (primary vs validation, plus ALN). */
export function table1Of(cohort: CohortRecord[], training: number[], validation: number[]): { byOutcome: Record<string, unknown>; bySplit: Record<string, unknown> | null } {
  const safe = (df: DataFrame, g: string, vars: string[]): Table1Result | { error: string } => {
    try {
      return clean(table1(df, g, vars));
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  };
  const byOutcome: Record<string, unknown> = { training: safe(frame(cohort, training), "aln", T1_VARS) };
  if (validation.length) byOutcome.validation = safe(frame(cohort, validation), "aln", T1_VARS);
  let bySplit: Record<string, unknown> | null = null;
  if (validation.length) {
    const rows = [...training, ...validation];
    const split = [...training.map(() => "primary"), ...validation.map(() => "validation")];
    bySplit = { all: safe(frame(cohort, rows, { split }), "split", [...T1_VARS, "aln"]) };
  }
  return { byOutcome, bySplit };
}

