// Thin adapters between the pipeline and the lib/stats engines: shape conversions only (orientation of SVM
// decision values, Table 1 per cohort, decision-curve columns). No statistical method is implemented here.
import { svmTrain as engineTrain, svmDecision as engineDecision, svmTrainFromDistances, trainingDistances, rowsOf, type SvmModel } from "./svm.ts";
import { aucMannWhitney } from "./cv.ts";
import { decisionCurve } from "./dca.ts";
import { table1, type Table1Result } from "./table1.ts";
import { createRng } from "../random.ts";
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
  const platt = probability ? svmPlatt(x, y, { cost, gamma }, seed) : { A: NaN, B: NaN };
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
 * Grid search by k-fold CV AUC: for every (cost, gamma), train on k-1 folds and take the AUC (ties 1/2) of the
 * held-out decision values per fold, averaged over folds (as cv.glmnet averages fold AUCs). The training
 * distance matrix is computed once and shared by every fit (svmTrainFromDistances). Returns the grid, the best
 * point (ties -> smallest cost, then smallest gamma) and the out-of-fold oriented decision values there.
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
  const D = trainingDistances(rows);
  const K = Math.max(...Array.from(folds));
  const parts = Array.from({ length: K }, (_, f) => ({
    train: y.map((_, i) => i).filter((i) => folds[i] !== f + 1),
    test: y.map((_, i) => i).filter((i) => folds[i] === f + 1),
  }));
  const oofAt = (cost: number, gamma: number): { auc: number; oof: number[] } => {
    const oof = new Array<number>(y.length).fill(0);
    let sum = 0;
    for (const pt of parts) {
      const m = svmTrainFromDistances(rows, D, y, { cost, gamma }, pt.train);
      const sign = m.labels[0] === 1 ? 1 : -1;
      const dv = engineDecision(m, pt.test.map((i) => rows[i]));
      pt.test.forEach((i, t) => (oof[i] = sign * dv[t]));
      sum += aucMannWhitney(pt.test.map((i) => y[i]), pt.test.map((i) => oof[i]));
    }
    return { auc: sum / parts.length, oof };
  };
  const auc: number[][] = [];
  let best = { cost: costs[0], gamma: gammas[0], auc: -Infinity };
  let bestOof: number[] = [];
  for (let ci = 0; ci < costs.length; ci++) {
    const row: number[] = [];
    for (let gi = 0; gi < gammas.length; gi++) {
      const r = oofAt(costs[ci], gammas[gi]);
      row.push(r.auc);
      if (r.auc > best.auc) {
        best = { cost: costs[ci], gamma: gammas[gi], auc: r.auc };
        bestOof = r.oof;
      }
    }
    auc.push(row);
    await onRow((ci + 1) * gammas.length, costs.length * gammas.length);
  }
  return { auc, best, oof: bestOof };
}

/** Decision values oriented so that higher = ALN positive (libsvm's f favours classOrder[0]). */
export function svmDecision(m: PipelineSvm, x: DesignMatrix): number[] {
  const f = engineDecision(m.model, x);
  const sign = m.classOrder[0] === 1 ? 1 : -1;
  return Array.from(f, (v) => sign * v);
}

/** P(ALN positive) from an oriented decision value via the model's Platt sigmoid. */
export function svmPlattProbability(m: SvmModelParams, orientedDecision: number): number {
  const f = m.classOrder[0] === 1 ? orientedDecision : -orientedDecision; // back to libsvm's orientation
  const pFirst = plattProbability(f, m.platt.A, m.platt.B); // P(classOrder[0])
  return m.classOrder[0] === 1 ? pFirst : 1 - pFirst;
}

/** ACC/TPR/TNR/PPV/NPV with bootstrap percentile and Wilson 95% CIs (lib/stats/metrics.ts). */
export function classificationMetrics(y: number[], pred: number[], B: number, seed: number): Record<"acc" | "tpr" | "tnr" | "ppv" | "npv", MetricWithCi> {
  const m = binaryMetrics(y, pred, { B, seed });
  const one = (k: "accuracy" | "sensitivity" | "specificity" | "ppv" | "npv"): MetricWithCi => {
    const v = m[k];
    return {
      estimate: nanToZero(v.estimate),
      ci: [nanToZero(v.ci[0]), nanToZero(v.ci[1])],
      wilson: v.wilson ? [v.wilson[0], v.wilson[1]] : null,
      numerator: v.numerator ?? null,
      denominator: v.denominator ?? null,
    };
  };
  return { acc: one("accuracy"), tpr: one("sensitivity"), tnr: one("specificity"), ppv: one("ppv"), npv: one("npv") };
}

function nanToZero(v: number): number {
  return Number.isFinite(v) ? v : 0;
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

// ---- TEMP(stats-A): stand-ins until lib/stats lands Platt scaling and metric CIs; replaced by the engines ----
export function plattProbability(f: number, A: number, B: number): number {
  const fApB = f * A + B;
  return fApB >= 0 ? Math.exp(-fApB) / (1 + Math.exp(-fApB)) : 1 / (1 + Math.exp(fApB));
}
function svmPlatt(_x: DesignMatrix, _y: number[], _o: { cost: number; gamma: number }, _seed: number): { A: number; B: number } {
  return { A: -1, B: 0 };
}
type M = { estimate: number; ci: [number, number]; wilson: [number, number] | null; numerator?: number; denominator?: number };
function binaryMetrics(y: number[], pred: number[], o: { B: number; seed: number }): Record<"accuracy" | "sensitivity" | "specificity" | "ppv" | "npv", M> {
  const counts = (idx: ArrayLike<number>) => {
    let tp = 0, tn = 0, fp = 0, fn = 0;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      if (pred[i] === 1) {
        if (y[i] === 1) tp++;
        else fp++;
      } else if (y[i] === 1) fn++;
      else tn++;
    }
    return { tp, tn, fp, fn };
  };
  const frac = (c: ReturnType<typeof counts>) => ({
    accuracy: [c.tp + c.tn, c.tp + c.tn + c.fp + c.fn],
    sensitivity: [c.tp, c.tp + c.fn],
    specificity: [c.tn, c.tn + c.fp],
    ppv: [c.tp, c.tp + c.fp],
    npv: [c.tn, c.tn + c.fn],
  });
  const all = frac(counts(Array.from({ length: y.length }, (_, i) => i)));
  const rng = createRng(o.seed);
  const boots: Record<string, number[]> = { accuracy: [], sensitivity: [], specificity: [], ppv: [], npv: [] };
  for (let b = 0; b < o.B; b++) {
    const idx = Array.from({ length: y.length }, () => rng.int(y.length));
    const f = frac(counts(idx));
    for (const k of Object.keys(boots)) {
      const [a, d] = f[k as keyof typeof f];
      if (d > 0) boots[k].push(a / d);
    }
  }
  const out = {} as Record<"accuracy" | "sensitivity" | "specificity" | "ppv" | "npv", M>;
  for (const k of Object.keys(boots) as (keyof typeof all)[]) {
    const [a, d] = all[k];
    const v = boots[k].sort((p, q) => p - q);
    const q = (pp: number) => (v.length ? v[Math.min(v.length - 1, Math.floor(pp * (v.length - 1)))] : NaN);
    const z = 1.959963984540054;
    const ph = d ? a / d : NaN;
    const den = 1 + (z * z) / d;
    const c = (ph + (z * z) / (2 * d)) / den;
    const h = (z * Math.sqrt((ph * (1 - ph)) / d + (z * z) / (4 * d * d))) / den;
    out[k] = { estimate: ph, ci: [q(0.025), q(0.975)], wilson: d ? [c - h, c + h] : null, numerator: a, denominator: d };
  }
  return out;
}
