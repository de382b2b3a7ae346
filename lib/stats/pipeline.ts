// The whole training pipeline of shared/spec/pipeline.md as one deterministic function:
//   runPipeline(cohort, features, settings, seed, onProgress?) -> { artefact, report }
// Steps: split (given column / seeded outcome-stratified / whole-cohort bootstrap) -> min-max scaler on the
// training rows -> binomial LASSO with 10-fold CV (lambda.min | lambda.1se) + bootstrap selection frequencies ->
// Rad-score (and cross-fitted out-of-fold Rad-scores for the nomogram) -> RBF-SVM grid by 10-fold CV AUC, final
// SVM with Platt scaling -> Table 1 -> logistic nomogram (age, T stage, location, ER, PR, US ALN, Rad-score) with
// backward AIC (fastbw), rms nomogram points -> validate + calibrate (bootstrap B) -> clinical-only model ->
// ROC + DeLong, ACC/TPR/TNR/PPV/NPV with CIs on training-CV and validation -> decision curve -> sample-size checks.
// Every statistical method is the lib/stats engine's; this file only orchestrates, and every random draw comes
// from a seeded stream per purpose (./split.ts streamFor), so the same inputs + seed give the same artefact hash.
import { canonicalJson } from "../model/canonical.ts";
import { sha256Hex, hashArtefact } from "../model/hash.ts";
import { createRng, bootstrapIndices } from "../random.ts";
import { glmnet, type GlmnetOptions } from "./glmnet.ts";
import { aucMannWhitney } from "./cv.ts";
import { ARTEFACT_SCHEMA_VERSION, DEMO_LABEL, type ArtefactWarning, type CalibrationTable, type LogisticModelArtefact, type ModelArtefact, type Performance } from "../model/artefact.ts";
import { SOFTWARE_VERSION } from "../model/version.ts";
import { fitMinMax, applyMinMax, fromColumns, subsetRows, subsetColumns, type DesignMatrix } from "./scaler.ts";
import { cvGlmnet } from "./cv.ts";
import { lrm, predictLrm, type LrmModel } from "./logistic.ts";
import { fastbw } from "./fastbw.ts";
import { nomogram as buildNomogram, type Nomogram } from "./nomogram.ts";
import { predictPatient } from "../nomogram/index.ts";
import { validateAndCalibrate } from "./validate.ts";
import { calibrationStats } from "./calibrate.ts";
import { roc, rocTestDelong } from "./roc.ts";
import type { DataFrame, Cell } from "./design.ts";
import { stratifiedSplit, stratifiedFolds, streamFor, SplitError } from "./split.ts";
import { sampleSizeCheck } from "./samplesize.ts";
import { parseSettings, type PipelineSettings, type PipelineSettingsInput } from "./pipeline-settings.ts";
import { PipelineInputError, type CohortRecord, type FeatureTable, type InputProblem } from "./pipeline-input.ts";
import { classificationMetrics, lassoSelectionFrequencies, svmTrain, svmDecision, svmGridCv, svmPlattProbability, decisionCurveTable, table1Of, type SvmModelParams } from "./pipeline-engines.ts";

export type PipelineStage = "extraction" | "lasso-cv" | "bootstrap" | "svm-grid" | "validation";
export type ProgressFn = (stage: PipelineStage, done: number, total: number) => void;

export type PipelineReport = {
  timings_s: Record<string, number>;
  /** CPU seconds of this process per stage (less sensitive than wall time to other processes on a shared machine) */
  cpu_s: Record<string, number>;
  summary: {
    n: number;
    events: number;
    training: { n: number; events: number };
    validation: { n: number; events: number } | null;
    selectedFeatures: string[];
    lambda: number;
    svm: { cost: number; gamma: number; cvAuc: number };
    nomogramTerms: string[];
    auc: Record<string, number | null>;
  };
  warnings: ArtefactWarning[];
};

/** The run was cancelled through the AbortSignal passed to runPipeline. */
export class PipelineCancelledError extends Error {
  constructor() {
    super("the training run was cancelled");
    this.name = "PipelineCancelledError";
  }
}

export class PipelineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PipelineError";
  }
}

// purposes of the seeded streams (never reorder: changing one would change every artefact)
const STREAM = { split: 1, lassoFolds: 2, bootstrap: 3, svmFolds: 4, validate: 5, metrics: 6, nested: 7, clinicalValidate: 8, pipelineBoot: 9 } as const;

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());
const cpuNow = (): number => {
  const u = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return u ? (u.user + u.system) / 1e6 : 0;
};
const yieldToEventLoop = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function countEvents(y: ArrayLike<number>, idx?: number[]): number {
  let e = 0;
  if (idx) for (const i of idx) e += y[i];
  else for (let i = 0; i < y.length; i++) e += y[i];
  return e;
}

/** cohort + feature table hash: sha256 of the canonical JSON of the rows (sorted by case code) and feature names */
export function cohortHash(cohort: CohortRecord[], features: FeatureTable): string {
  const rows = [...cohort]
    .sort((a, b) => (a.caseCode < b.caseCode ? -1 : a.caseCode > b.caseCode ? 1 : 0))
    .map((r) => ({ ...r, features: Array.from(features.byCase.get(r.caseCode) ?? []) }));
  return sha256Hex(canonicalJson({ featureNames: features.names, rows }));
}

function rocCurveJson(r: ReturnType<typeof roc>): Performance["roc"] {
  const out: Performance["roc"] = [];
  for (let k = 0; k < r.curve.threshold.length; k++) {
    const t = r.curve.threshold[k];
    out.push({ threshold: t === -Infinity ? "-Inf" : t === Infinity ? "Inf" : t, sensitivity: r.curve.sensitivity[k], specificity: r.curve.specificity[k] });
  }
  return out;
}

/** Discrimination (pROC AUC + DeLong CI) and classification metrics with CIs of one score on one cohort. */
function performanceOf(
  cohortName: Performance["cohort"],
  y: number[],
  score: ArrayLike<number>,
  threshold: number,
  thresholdRule: string,
  seed: number,
  metricsB: number,
): Performance {
  const r = roc(y, score);
  const m = classificationMetrics(y, score, threshold, metricsB, seed);
  return {
    cohort: cohortName,
    n: y.length,
    events: countEvents(y),
    auc: r.auc,
    aucCi: r.ci,
    threshold,
    thresholdRule,
    ...m,
    roc: rocCurveJson(r),
  };
}

function frameOf(cohort: CohortRecord[], rows: number[], radscore: ArrayLike<number> | null): DataFrame {
  const col = (f: (r: CohortRecord, i: number) => Cell): Cell[] => rows.map((i, k) => f(cohort[i], k));
  const columns: Record<string, Cell[]> = {
    aln: col((r) => r.aln),
    age: col((r) => r.age),
    t_stage: col((r) => r.t_stage),
    location: col((r) => r.location),
    er: col((r) => r.er),
    pr: col((r) => r.pr),
    us_aln: col((r) => r.us_aln),
  };
  if (radscore) columns.radscore = rows.map((_, k) => radscore[k]);
  return { nrow: rows.length, columns };
}

function valuesOf(r: CohortRecord, radscore: number | null): Record<string, Cell> {
  const v: Record<string, Cell> = { age: r.age, t_stage: r.t_stage, location: r.location, er: r.er, pr: r.pr, us_aln: r.us_aln };
  if (radscore !== null) v.radscore = radscore;
  return v;
}

const LABELS: Record<string, string> = {
  age: "Age (years)",
  t_stage: "T stage",
  location: "Tumour location",
  er: "ER status",
  pr: "PR status",
  us_aln: "Ultrasound ALN status",
  radscore: "Rad-score",
};

type FittedLogistic = { model: LrmModel; nomo: Nomogram; candidate: string[]; deleted: string[]; formula: string; warnings: string[] };

/** lrm on the candidate terms, backward elimination by AIC (fastbw, rule aic, type individual), refit on the kept terms. */
function fitLogistic(df: DataFrame, terms: string[], stepwise: "aic" | "none"): FittedLogistic {
  const formulaOf = (t: string[]): string => `aln ~ ${t.join(" + ")}`;
  const full = lrm(df, formulaOf(terms));
  const warnings = [...full.warnings];
  let kept = terms;
  let deleted: string[] = [];
  if (stepwise === "aic") {
    const bw = fastbw(full);
    deleted = bw.deleted;
    kept = terms.filter((t) => bw.kept.includes(t));
    if (kept.length === 0) {
      // fastbw removed everything: keep the single strongest factor so a nomogram exists
      const best = [...full.anova].filter((a) => terms.includes(a.name)).sort((a, b) => b.chi2 - a.chi2)[0];
      kept = [best.name];
      deleted = deleted.filter((d) => d !== best.name);
      warnings.push(`backward elimination removed every predictor; "${best.name}" (largest Wald chi2) was kept so a nomogram can be drawn`);
    }
  }
  const model = kept.length === terms.length ? full : lrm(df, formulaOf(kept));
  if (model !== full) warnings.push(...model.warnings.filter((w) => !warnings.includes(w)));
  return { model, nomo: buildNomogram(model), candidate: terms, deleted, formula: formulaOf(kept), warnings };
}

function recordOf(names: string[], values: ArrayLike<number>): Record<string, number> {
  const o: Record<string, number> = {};
  names.forEach((n, i) => (o[n] = values[i]));
  return o;
}

function logisticArtefact(
  f: FittedLogistic,
  trainingRows: number[],
  cohort: CohortRecord[],
  perfTraining: Performance,
  perfValidation: Performance | null,
  val: ReturnType<typeof validateAndCalibrate> | null,
  validationCal: CalibrationTable | null,
  cValidation: number | null,
  apparentP: number[],
  yTrain: number[],
): LogisticModelArtefact {
  const { model, nomo } = f;
  const terms = model.spec.terms.map((t) => {
    const isFactor = !!t.levels;
    const raw = model.values[t.term.column] ?? [];
    const nums = raw.filter((v): v is number => typeof v === "number");
    return {
      variable: t.term.column,
      label: LABELS[t.term.column] ?? t.term.column,
      type: isFactor ? ("factor" as const) : ("numeric" as const),
      levels: t.levels ?? null,
      reference: t.levels ? t.levels[0] : null,
      transform: t.term.kind === "log" ? `log(x + ${t.term.offset})` : t.term.kind === "sqrt" ? "sqrt(x)" : t.term.kind === "rcs" ? `rcs(x, ${t.term.k})` : null,
      coefficientNames: t.colnames,
      trainingRange: !isFactor && nums.length ? ([Math.min(...nums), Math.max(...nums)] as [number, number]) : null,
      trainingLevels: isFactor ? Array.from(new Set(raw.map(String))).sort() : null,
    };
  });
  void trainingRows;
  void cohort;
  const cal = val ? calibrationFromRms(val, apparentP, yTrain) : null;
  return {
    formula: f.formula,
    candidateTerms: f.candidate,
    deleted: f.deleted,
    terms,
    coefficients: recordOf(model.names, model.coefficients),
    se: recordOf(model.names, model.se),
    vcov: { names: model.names, matrix: model.vcov },
    lrChi2: model.lrChi2,
    aic: model.aic,
    n: model.n,
    events: model.events,
    nomogram: {
      sc: nomo.sc,
      interceptInfo: nomo.intercept,
      axes: Object.fromEntries(
        nomo.axes.map((a) => [a.variable, { values: a.values, points: a.points, minXbeta: nomo.minXbeta[a.variable], maxXbeta: nomo.maxXbeta[a.variable] }]),
      ),
      totalPoints: nomo.totalPointsAxis,
      probability: { values: nomo.probabilityAxis.probability, points: nomo.probabilityAxis.points },
    },
    engine: nomo as unknown as Record<string, unknown>,
    cIndex: { apparent: model.cIndex, optimismCorrected: val ? (1 + val.validate.index.Dxy.corrected) / 2 : null, validation: cValidation },
    performance: { training: perfTraining, validation: perfValidation },
    validate: val ? Object.fromEntries(Object.entries(val.validate.index).map(([k, v]) => [k, { apparent: v.apparent, optimism: v.optimism, corrected: v.corrected, n: v.n }])) : null,
    calibration: cal,
    validationCalibration: validationCal,
  };
}

function calibrationFromRms(val: ReturnType<typeof validateAndCalibrate>, p: number[], y: number[]): CalibrationTable {
  const c = val.calibrate;
  const st = calibrationStats(p, y);
  return {
    predicted: c.predicted,
    apparent: c.apparent,
    corrected: c.corrected,
    intercept: val.validate.index.Intercept.corrected, // bias-corrected calibration intercept (validate)
    slope: val.validate.index.Slope.corrected, // bias-corrected calibration slope (validate)
    brier: st.brier,
    meanAbsError: c.meanAbsoluteError,
    q90AbsError: c.quantile90AbsoluteError,
    cohort: "training-bootstrap",
  };
}

function validationCalibration(p: number[], y: number[]): CalibrationTable {
  const st = calibrationStats(p, y);
  return {
    predicted: [],
    apparent: [],
    corrected: [],
    intercept: st.intercept,
    slope: st.slope,
    brier: st.brier,
    meanAbsError: st.eavg,
    q90AbsError: st.e90,
    cohort: "validation",
  };
}

/**
 * Run the whole pipeline. Pure and deterministic for a given (cohort, features, settings, seed): no clock or
 * environment enters the artefact (timings go to the report only).
 */
export async function runPipeline(
  cohort: CohortRecord[],
  features: FeatureTable,
  settingsInput: PipelineSettingsInput | PipelineSettings = {},
  seed = 1,
  onProgress?: ProgressFn,
  options: { signal?: AbortSignal } = {},
): Promise<{ artefact: ModelArtefact; report: PipelineReport }> {
  const tick = async (): Promise<void> => {
    await yieldToEventLoop();
    if (options.signal?.aborted) throw new PipelineCancelledError();
  };
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new PipelineError(`seed must be an integer in [0, 2^32), got ${seed}`);
  const settings = parseSettings(settingsInput);
  const progress: ProgressFn = onProgress ?? (() => {});
  const warnings: ArtefactWarning[] = [];
  const warn = (code: string, message: string, stage: string | null = null): void => {
    warnings.push({ code, message, stage });
  };
  const timings: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  let t0 = now();
  let c0 = cpuNow();
  const lap = (name: string): void => {
    const t = now();
    const c = cpuNow();
    timings[name] = (t - t0) / 1000;
    cpu[name] = c - c0;
    t0 = t;
    c0 = c;
  };
  const tStart = now();
  const cStart = cpuNow();

  // ---- 0. assemble and check the data --------------------------------------------------------------------------
  const problems: InputProblem[] = [];
  cohort.forEach((r, i) => {
    if (!features.byCase.has(r.caseCode)) problems.push({ row: i + 2, column: "case_code", problem: `no feature row for case "${r.caseCode}"` });
  });
  if (problems.length) throw new PipelineInputError(problems, "the cohort and feature tables");
  const n = cohort.length;
  const y = cohort.map((r) => r.aln);
  const eventsAll = countEvents(y);
  if (eventsAll === 0 || eventsAll === n) throw new PipelineError(`the cohort has ${eventsAll} ALN-positive patients out of ${n}; both outcomes are needed`);
  const p0 = features.names.length;
  const Xraw = fromColumns(features.names.map((_, j) => Float64Array.from(cohort, (r) => features.byCase.get(r.caseCode)![j])), n);

  // ---- 1. split ----------------------------------------------------------------------------------------------------
  let method = settings.split.method;
  const hasColumn = cohort.every((r) => r.split !== null);
  if (method === "auto") method = hasColumn ? "column" : "stratified";
  if (method === "column" && !hasColumn) throw new PipelineError('split method "column" needs a split column (primary/validation) in the cohort');
  const PBn = settings.validation.pipelineB ?? (method === "bootstrap" ? 50 : 0); // whole-pipeline bootstrap resamples
  let training: number[];
  let validation: number[];
  if (method === "column") {
    training = cohort.flatMap((r, i) => (r.split === "primary" ? [i] : []));
    validation = cohort.flatMap((r, i) => (r.split === "validation" ? [i] : []));
  } else if (method === "stratified") {
    ({ training, validation } = stratifiedSplit(y, settings.split.ratio, streamFor(seed, STREAM.split)));
  } else {
    training = cohort.map((_, i) => i);
    validation = [];
  }
  const yTr = training.map((i) => y[i]);
  const yVa = validation.map((i) => y[i]);
  const evTr = countEvents(yTr);
  const evVa = countEvents(yVa);
  if (evTr < 2 || training.length - evTr < 2) throw new PipelineError(`the training cohort has ${evTr} events and ${training.length - evTr} non-events; at least 2 of each are needed`);
  if (validation.length > 0 && (evVa === 0 || evVa === validation.length))
    throw new PipelineError(`the validation cohort has ${evVa} events among ${validation.length} patients; it needs both outcomes for ROC/DeLong`);
  if (method === "bootstrap") warn("bootstrap-validation", "whole-cohort training with bootstrap validation: no separate validation cohort; performance is optimism-corrected", "split");
  else if (validation.length < 100)
    warn("small-validation", `the validation cohort has ${validation.length} patients (${evVa} events); its AUC and metrics are imprecise (see the CIs). Whole-cohort bootstrap validation is recommended for small cohorts`, "split");

  // ---- 2. scaler (training rows only); constant and duplicate features dropped -----------------------------------
  const XtrRaw = subsetRows(Xraw, training);
  const dropped: { name: string; reason: string }[] = [];
  const keepIdx: number[] = [];
  const seenCols = new Map<string, string>();
  for (let j = 0; j < p0; j++) {
    const col = XtrRaw.data.subarray(j * XtrRaw.n, (j + 1) * XtrRaw.n);
    let same = true;
    for (let i = 1; i < col.length; i++) if (col[i] !== col[0]) same = false;
    if (same) {
      dropped.push({ name: features.names[j], reason: `constant (${col[0]}) in the training rows` });
      continue;
    }
    const key = Array.from(Xraw.data.subarray(j * n, (j + 1) * n)).join(",");
    const dup = seenCols.get(key);
    if (dup) {
      dropped.push({ name: features.names[j], reason: `duplicates "${dup}"` });
      continue;
    }
    seenCols.set(key, features.names[j]);
    keepIdx.push(j);
  }
  if (dropped.length) warn("dropped-features", `${dropped.length} feature(s) dropped: ${dropped.slice(0, 5).map((d) => `${d.name} (${d.reason})`).join("; ")}${dropped.length > 5 ? "; …" : ""}`, "scaler");
  if (keepIdx.length === 0) throw new PipelineError("every feature is constant in the training rows; nothing to select from");
  const names = keepIdx.map((j) => features.names[j]);
  const scaler = fitMinMax(subsetColumns(XtrRaw, keepIdx), names);
  const Xall = applyMinMax(scaler, subsetColumns(Xraw, keepIdx), { clip: false }).x;
  const Xtr = subsetRows(Xall, training);
  const XvaScaled = validation.length ? applyMinMax(scaler, subsetRows(subsetColumns(Xraw, keepIdx), validation), { clip: settings.scaler.outOfRange === "clip" }) : null;
  if (XvaScaled && XvaScaled.outOfRange.length) {
    const cases = new Set(XvaScaled.outOfRange.map((o) => cohort[validation[o.row]].caseCode));
    warn("out-of-range", `${cases.size} validation patient(s) have feature values outside the training range (${settings.scaler.outOfRange === "clip" ? "clipped" : "flagged, not clipped"})`, "scaler");
  }
  const Xva = XvaScaled ? XvaScaled.x : null;
  lap("scaler");

  // ---- 3. LASSO CV ---------------------------------------------------------------------------------------------------
  const L = settings.lasso;
  let folds: Int32Array;
  try {
    folds = stratifiedFolds(yTr, L.nfolds, streamFor(seed, STREAM.lassoFolds), "LASSO cross-validation");
  } catch (e) {
    if (e instanceof SplitError) throw new PipelineError(e.message);
    throw e;
  }
  const solver = { thresh: L.thresh, ...(L.exact ? {} : { maxPolish: 0 }) };
  progress("lasso-cv", 0, L.nfolds + 1);
  await tick();
  // one step per fit: the whole training cohort, then each fold (reported as they finish)
  const cv = cvGlmnet(Xtr, yTr, folds, { family: "binomial", measure: L.measure, nlambda: L.nlambda, ...solver, onFit: (d, t) => progress("lasso-cv", d, t) });
  let k = L.lambdaRule === "min" ? cv.indexMin : cv.index1se;
  const nz = (kk: number): number => cv.fit.beta[kk].reduce((a, b) => a + (b !== 0 ? 1 : 0), 0);
  if (nz(k) === 0) {
    const k0 = k;
    while (k + 1 < cv.fit.lambda.length && nz(k) === 0) k++;
    if (nz(k) === 0) throw new PipelineError("the LASSO selected no feature at any lambda: the features carry no signal for ALN status in this cohort");
    warn("lasso-empty", `the LASSO selected no feature at lambda.${L.lambdaRule} (${cv.fit.lambda[k0].toPrecision(4)}); the largest lambda with a feature (${cv.fit.lambda[k].toPrecision(4)}) was used`, "lasso");
  }
  const lambda = cv.fit.lambda[k];
  const a0 = cv.fit.a0[k];
  const betaAll = cv.fit.beta[k];
  const sel: number[] = [];
  for (let j = 0; j < betaAll.length; j++) if (betaAll[j] !== 0) sel.push(j);
  const selNames = sel.map((j) => names[j]);
  const selCoef = sel.map((j) => betaAll[j]);
  lap("lasso_cv");

  // ---- 4. bootstrap selection frequencies ---------------------------------------------------------------------------
  const B = L.bootstrapB;
  // warm-start path for the whole-pipeline bootstrap refits: 10 geometric steps from lambda_max to the chosen
  // lambda (the solution there does not depend on the path; 10 warm starts reach it as reliably as k + 1 values)
  const lmax = cv.fit.lambda[0];
  const lambdaSeq = k < 10 ? Array.from(cv.fit.lambda.slice(0, k + 1)) : Array.from({ length: 10 }, (_, i) => (i === 9 ? lambda : lmax * Math.pow(lambda / lmax, i / 9)));
  const boot = await lassoSelectionFrequencies(Xtr, yTr, B, lambda, streamSeed(seed, STREAM.bootstrap), async (d, t) => {
    progress("bootstrap", d, t);
    await tick();
  });
  const bUsed = boot.B;
  const frequency: Record<string, number> = {};
  names.forEach((nm, j) => {
    if (boot.frequency[j] > 0) frequency[nm] = boot.frequency[j];
  });
  lap("bootstrap");

  // ---- 5. Rad-scores --------------------------------------------------------------------------------------------------
  const radOf = (X: DesignMatrix, i: number): number => {
    let s = a0;
    for (let t = 0; t < sel.length; t++) s += selCoef[t] * X.data[sel[t] * X.n + i]; // Rad-score = LASSO linear predictor
    return s;
  };
  const radTr = training.map((_, i) => radOf(Xtr, i));
  const radVa = Xva ? validation.map((_, i) => radOf(Xva, i)) : [];
  let radCross: number[] | null = null;
  if (settings.radscore.nomogramInput === "cross-fitted") {
    if (settings.radscore.crossFit === "cv-preval") {
      radCross = Array.from(cv.preval[k]); // out-of-fold linear predictor of the CV fold models at the chosen lambda
    } else {
      radCross = new Array<number>(training.length).fill(0);
      const rngN = streamFor(seed, STREAM.nested);
      for (let f = 1; f <= L.nfolds; f++) {
        const inner = training.map((_, i) => i).filter((i) => folds[i] !== f);
        const outer = training.map((_, i) => i).filter((i) => folds[i] === f);
        const yIn = inner.map((i) => yTr[i]);
        const fIn = stratifiedFolds(yIn, L.nfolds, rngN, "nested LASSO cross-validation");
        const cvIn = cvGlmnet(subsetRows(Xtr, inner), yIn, fIn, { family: "binomial", measure: L.measure, nlambda: L.nlambda, ...solver });
        const kk = L.lambdaRule === "min" ? cvIn.indexMin : cvIn.index1se;
        const bIn = cvIn.fit.beta[kk];
        for (const i of outer) {
          let s = cvIn.fit.a0[kk];
          for (let j = 0; j < bIn.length; j++) if (bIn[j] !== 0) s += bIn[j] * Xtr.data[j * Xtr.n + i];
          radCross[i] = s;
        }
      }
    }
  } else {
    warn(
      "unnested-radscore",
      "the nomogram was fitted on the apparent Rad-score of the training rows (the seed study's unnested procedure): its coefficients and training performance inherit the LASSO's selection optimism",
      "radscore",
    );
  }
  lap("radscore");

  // ---- 6. SVM grid by 10-fold CV AUC ------------------------------------------------------------------------------------
  const S = settings.svm;
  const XtrSel = subsetColumns(Xtr, sel);
  const XvaSel = Xva ? subsetColumns(Xva, sel) : null;
  const svmFolds = stratifiedFolds(yTr, S.nfolds, streamFor(seed, STREAM.svmFolds), "SVM cross-validation");
  const grid = await svmGridCv(XtrSel, yTr, svmFolds, S.cost, S.gamma, async (done, total) => {
    progress("svm-grid", done, total);
    await tick();
  });
  const { cost, gamma } = grid.best;
  const gridAuc = grid.auc;
  const best = { auc: grid.best.auc };
  const svm = svmTrain(XtrSel, yTr, cost, gamma, true, streamSeed(seed, STREAM.svmFolds));
  const svmOof = grid.oof; // training-CV: out-of-fold decision values at the chosen (C, gamma)
  const svmVa = XvaSel ? svmDecision(svm, XvaSel) : [];
  warn(
    "svm-cv-tuned",
    `the SVM's training-CV figures are out-of-fold at the (C, gamma) chosen on the same folds (${S.cost.length * S.gamma.length}-point grid), so they are optimistic; ${validation.length ? "the validation cohort" : "the whole-pipeline bootstrap"}${validation.length && PBn ? " and the whole-pipeline bootstrap" : ""} give${validation.length && PBn ? "" : "s"} the honest estimate`,
    "svm",
  );
  lap("svm_grid");

  // ---- 7. Table 1 ---------------------------------------------------------------------------------------------------------
  const t1 = table1Of(cohort, training, validation);
  lap("table1");

  // ---- 8. nomogram and clinical-only model -------------------------------------------------------------------------------
  const vTotal = 2 + PBn; // validate + calibrate of the two logistic models, then the whole-pipeline bootstrap
  progress("validation", 0, vTotal);
  await tick();
  const radForNomogram = radCross ?? radTr;
  const predictors = [...settings.nomogram.predictors];
  const dfTr = frameOf(cohort, training, radForNomogram);
  const nom = fitLogistic(dfTr, [...predictors, "radscore"], settings.nomogram.stepwise);
  const clin = fitLogistic(frameOf(cohort, training, null), predictors, settings.nomogram.stepwise);
  for (const w of nom.warnings) warn("nomogram-fit", w, "nomogram");
  for (const w of clin.warnings) warn("clinical-fit", w, "clinical");
  if (!nom.formula.includes("radscore")) warn("radscore-deleted", "backward elimination removed the Rad-score from the nomogram", "nomogram");
  lap("nomogram");

  // ---- 9. validate + calibrate (bootstrap B) -----------------------------------------------------------------------------
  const VB = settings.validation.B;
  const valNom = VB > 0 ? validateAndCalibrate(nom.model, { B: VB, seed: streamSeed(seed, STREAM.validate) }) : null;
  progress("validation", 1, vTotal);
  await tick();
  const valClin = VB > 0 ? validateAndCalibrate(clin.model, { B: VB, seed: streamSeed(seed, STREAM.clinicalValidate) }) : null;
  progress("validation", 2, vTotal);
  lap("validate_calibrate");

  // ---- 10. performance: training (apparent / CV) and validation --------------------------------------------------------
  const mB = settings.validation.metricsB;
  const mSeed = streamSeed(seed, STREAM.metrics);
  const pNomTr = nom.model.linearPredictor.map((v) => 1 / (1 + Math.exp(-v)));
  const pClinTr = clin.model.linearPredictor.map((v) => 1 / (1 + Math.exp(-v)));
  // a validation patient whose factor level never occurs in the training rows cannot be scored by the logistic
  // models: such patients are left out of the nomogram/clinical validation figures, with a warning naming them
  const predictRows = (f: FittedLogistic, rows: number[], rad: number[] | null): number[] =>
    rows.map((i, t) => {
      try {
        return predictPatient(f.nomo, valuesOf(cohort[i], rad ? rad[t] : null)).probability;
      } catch {
        return NaN;
      }
    });
  const pNomVaAll = validation.length ? predictRows(nom, validation, radVa) : [];
  const pClinVaAll = validation.length ? predictRows(clin, validation, null) : [];
  const okVa = validation.map((_, t) => t).filter((t) => Number.isFinite(pNomVaAll[t]) && Number.isFinite(pClinVaAll[t]));
  if (okVa.length < validation.length)
    warn(
      "unscorable-validation",
      `${validation.length - okVa.length} validation patient(s) have a factor level absent from the training cohort and are left out of the nomogram and clinical-model validation: ${validation
        .filter((_, t) => !okVa.includes(t))
        .map((i) => cohort[i].caseCode)
        .join(", ")}`,
      "validation",
    );
  const yVaM = okVa.map((t) => yVa[t]);
  const pNomVa = okVa.map((t) => pNomVaAll[t]);
  const pClinVa = okVa.map((t) => pClinVaAll[t]);
  const evVaM = countEvents(yVaM);
  const logisticValidation = validation.length > 0 && evVaM > 0 && evVaM < yVaM.length;
  const thr = settings.threshold;
  const svmTrainingPerf = performanceOf("training-cv", yTr, svmOof, 0, "SVM decision value > 0 (libsvm class)", mSeed, mB);
  const svmValPerf = validation.length ? performanceOf("validation", yVa, svmVa, 0, "SVM decision value > 0 (libsvm class)", mSeed + 1, mB) : null;
  // training-CV: the final formula refitted on 9 of the 10 LASSO folds and predicted on the 10th (out-of-fold)
  const cvProbs = (f: FittedLogistic, rad: number[] | null): number[] | null => {
    const df = frameOf(cohort, training, rad);
    const out = new Array<number>(training.length).fill(NaN);
    try {
      for (let fo = 1; fo <= L.nfolds; fo++) {
        const fit = training.map((_, i) => i).filter((i) => folds[i] !== fo);
        const test = training.map((_, i) => i).filter((i) => folds[i] === fo);
        const sub: DataFrame = { nrow: fit.length, columns: Object.fromEntries(Object.entries(df.columns).map(([c, v]) => [c, fit.map((i) => v[i])])) };
        const m = lrm(sub, f.formula);
        const pr = predictLrm(m, df, test).probability;
        test.forEach((i, t) => (out[i] = pr[t]));
      }
      return out;
    } catch (e) {
      warn("cv-fallback", `${f === nom ? "nomogram" : "clinical model"}: 10-fold CV predictions failed (${e instanceof Error ? e.message : String(e)}); training performance is apparent`, "performance");
      return null;
    }
  };
  const pNomCv = cvProbs(nom, radForNomogram);
  const pClinCv = cvProbs(clin, null);
  const nomTrainPerf = pNomCv
    ? performanceOf("training-cv", yTr, pNomCv, thr, `probability >= ${thr}`, mSeed + 2, mB)
    : performanceOf("training-apparent", yTr, pNomTr, thr, `probability >= ${thr}`, mSeed + 2, mB);
  const nomValPerf = logisticValidation ? performanceOf("validation", yVaM, pNomVa, thr, `probability >= ${thr}`, mSeed + 3, mB) : null;
  const clinTrainPerf = pClinCv
    ? performanceOf("training-cv", yTr, pClinCv, thr, `probability >= ${thr}`, mSeed + 4, mB)
    : performanceOf("training-apparent", yTr, pClinTr, thr, `probability >= ${thr}`, mSeed + 4, mB);
  const nomApparentAuc = roc(yTr, pNomTr).auc;
  const clinValPerf = logisticValidation ? performanceOf("validation", yVaM, pClinVa, thr, `probability >= ${thr}`, mSeed + 5, mB) : null;
  lap("performance");

  // ---- 10b. whole-pipeline bootstrap (optimism of the training AUCs with every step redone per resample) -----
  const PB = PBn;
  let pipelineBootstrap: ModelArtefact["pipelineBootstrap"] = null;
  if (PB > 0) {
    const svmApparent = roc(yTr, svmDecision(svm, XtrSel)).auc;
    const r = await wholePipelineBootstrap({
      B: PB,
      seed: streamSeed(seed, STREAM.pipelineBoot),
      XtrRaw: subsetColumns(XtrRaw, keepIdx),
      yTr,
      frameTr: (rad: number[]) => frameOf(cohort, training, rad),
      lambdaSeq,
      solver,
      formula: nom.formula,
      cost,
      gamma,
      onProgress: async (d, t) => {
        progress("validation", 2 + d, 2 + t);
        await tick();
      },
    });
    if (!Number.isFinite(r.nomOptimism)) warn("pipeline-bootstrap", `no whole-pipeline bootstrap resample could be refitted (${r.failed} of ${PB} failed)`, "validation");
    else pipelineBootstrap = {
      B: r.B,
      failed: r.failed,
      nomogram: { apparent: nomApparentAuc, optimism: r.nomOptimism, corrected: nomApparentAuc - r.nomOptimism },
      svm: Number.isFinite(r.svmOptimism) ? { apparent: svmApparent, optimism: r.svmOptimism, corrected: svmApparent - r.svmOptimism } : null,
    };
    if (r.failed > 0) warn("pipeline-bootstrap", `${r.failed} of ${PB} whole-pipeline bootstrap resamples could not be refitted and were skipped`, "validation");
  }
  lap("pipeline_bootstrap");
  const comparison = logisticValidation ? rocTestDelong(yVaM, pNomVa, pClinVa) : rocTestDelong(yTr, pNomTr, pClinTr);
  lap("comparison");

  // ---- 11. decision curve --------------------------------------------------------------------------------------------------
  const dcaOnValidation = logisticValidation;
  const dc = decisionCurveTable(
    dcaOnValidation ? yVaM : yTr,
    dcaOnValidation ? pNomVa : pNomTr,
    dcaOnValidation ? pClinVa : pClinTr,
    dcaOnValidation ? okVa.map((t) => svmPlattProbability(svm, svmVa[t])) : svmOof.map((d) => svmPlattProbability(svm, d)),
    settings.decisionCurve,
  );
  lap("decision_curve");

  // ---- 12. sample size ---------------------------------------------------------------------------------------------------------
  const candidateParams = lrm(dfTr, `aln ~ ${[...predictors, "radscore"].join(" + ")}`).names.length - 1;
  const ss = sampleSizeCheck({
    n: training.length,
    events: Math.min(evTr, training.length - evTr),
    parameters: candidateParams,
    anticipatedR2CS: settings.sampleSize.anticipatedR2CS,
    shrinkageTarget: settings.sampleSize.shrinkageTarget,
    optimismDelta: settings.sampleSize.optimismDelta,
  });
  // the check uses the smaller outcome class as "events" (the limiting sample size)
  const sampleSize = { ...ss, events: evTr, lassoEventsPerFeature: Math.min(evTr, training.length - evTr) / names.length };
  if (ss.eventsPerParameter < settings.sampleSize.minEventsPerParameter)
    warn("epp", `${ss.eventsPerParameter.toFixed(1)} events per candidate parameter for the nomogram (${ss.events} in the smaller class / ${candidateParams} parameters); at least ${settings.sampleSize.minEventsPerParameter} is the usual minimum`, "sample-size");
  if (!ss.riley.met)
    warn("riley", `Riley et al. (2020) criteria need ${ss.riley.required} training patients for ${candidateParams} candidate parameters (shrinkage >= ${ss.riley.shrinkageTarget}, Nagelkerke optimism <= ${settings.sampleSize.optimismDelta}, intercept +-0.05); this cohort has ${training.length}`, "sample-size");
  warn("lasso-epp", `the LASSO screened ${names.length} candidate features with ${Math.min(evTr, training.length - evTr)} events in the smaller class (${sampleSize.lassoEventsPerFeature.toFixed(3)} per feature): selection is unstable; see the bootstrap selection frequencies`, "sample-size");
  if (valNom && valNom.validate.index.Slope.corrected < 0.9)
    warn("shrinkage", `the nomogram's bootstrap-corrected calibration slope is ${valNom.validate.index.Slope.corrected.toFixed(3)} (< 0.9): it overfits`, "validation");
  lap("sample_size");

  // ---- 13. artefact ------------------------------------------------------------------------------------------------------------
  const path: Record<string, number[]> = {};
  names.forEach((nm, j) => {
    if (cv.fit.beta.some((b) => b[j] !== 0)) path[nm] = cv.fit.beta.map((b) => b[j]);
  });
  const perPatient = [
    ...training.map((i, t) => ({ caseCode: cohort[i].caseCode, split: "training" as const, aln: cohort[i].aln, radscore: radTr[t], radscoreCrossFitted: radCross ? radCross[t] : null })),
    ...validation.map((i, t) => ({ caseCode: cohort[i].caseCode, split: "validation" as const, aln: cohort[i].aln, radscore: radVa[t], radscoreCrossFitted: null })),
  ];
  const params: SvmModelParams = svm;
  const body: Omit<ModelArtefact, "hash"> = {
    schemaVersion: ARTEFACT_SCHEMA_VERSION,
    kind: "axilla-model",
    demo: settings.demo,
    label: settings.demo ? DEMO_LABEL : null,
    software: { name: "axilla", version: SOFTWARE_VERSION },
    seed,
    settings: settings as unknown as Record<string, unknown>,
    featureSet: { name: settings.featureSet.name, settings: { ng: settings.featureSet.ng, spacingMm: settings.featureSet.spacingMm } },
    views: { combination: settings.views.combination, views: settings.views.views },
    cohort: {
      hash: cohortHash(cohort, features),
      n,
      events: eventsAll,
      training: { n: training.length, events: evTr },
      validation: validation.length ? { n: validation.length, events: evVa } : null,
      splitMethod: method,
      featuresOffered: p0,
      droppedFeatures: dropped,
      source: settings.source,
    },
    scaler: { features: names, min: scaler.min, max: scaler.max, outOfRange: settings.scaler.outOfRange },
    lasso: {
      measure: L.measure,
      lambdaRule: L.lambdaRule,
      lambda,
      intercept: a0,
      features: selNames,
      coefficients: selCoef,
      cv: { lambda: Array.from(cv.lambda), cvm: Array.from(cv.cvm), cvsd: Array.from(cv.cvsd), nzero: Array.from(cv.fit.df), lambdaMin: cv.lambdaMin, lambda1se: cv.lambda1se },
      path: { lambda: Array.from(cv.fit.lambda), beta: path },
      selection: { B: bUsed, lambda, frequency },
    },
    radscore: {
      trainingRange: [Math.min(...radTr), Math.max(...radTr)],
      nomogramInput: settings.radscore.nomogramInput,
      perPatient,
    },
    svm: {
      features: selNames,
      cost,
      gamma,
      rho: params.rho,
      supportVectors: params.supportVectors,
      coefs: params.coefs,
      classOrder: params.classOrder,
      platt: params.platt,
      grid: { cost: S.cost, gamma: S.gamma, auc: gridAuc, nfolds: S.nfolds },
      performance: { training: svmTrainingPerf, validation: svmValPerf },
    },
    nomogram: logisticArtefact(nom, training, cohort, nomTrainPerf, nomValPerf, valNom, logisticValidation ? validationCalibration(pNomVa, yVaM) : null, nomValPerf ? nomValPerf.auc : null, pNomTr, yTr),
    clinical: logisticArtefact(clin, training, cohort, clinTrainPerf, clinValPerf, valClin, logisticValidation ? validationCalibration(pClinVa, yVaM) : null, clinValPerf ? clinValPerf.auc : null, pClinTr, yTr),
    comparison: { nomogramVsClinical: { z: comparison.z, pValue: comparison.pValue, cohort: logisticValidation ? "validation" : "training-apparent" } },
    pipelineBootstrap,
    decisionCurve: { cohort: dcaOnValidation ? "validation" : "training-apparent", ...dc },
    table1: t1,
    sampleSize,
    warnings,
  };
  assertFinite(body, "artefact");
  const artefact = { ...body, hash: hashArtefact(body) } as ModelArtefact;
  timings.total = (now() - tStart) / 1000;
  cpu.total = cpuNow() - cStart;
  const report: PipelineReport = {
    timings_s: timings,
    cpu_s: cpu,
    summary: {
      n,
      events: eventsAll,
      training: { n: training.length, events: evTr },
      validation: validation.length ? { n: validation.length, events: evVa } : null,
      selectedFeatures: selNames,
      lambda,
      svm: { cost, gamma, cvAuc: best.auc },
      nomogramTerms: nom.model.spec.terms.map((t) => t.name),
      auc: {
        svm_training_cv: svmTrainingPerf.auc,
        svm_validation: svmValPerf ? svmValPerf.auc : null,
        nomogram_training_cv: nomTrainPerf.auc,
        nomogram_apparent: nomApparentAuc,
        nomogram_corrected_c: artefact.nomogram.cIndex.optimismCorrected,
        nomogram_validation: nomValPerf ? nomValPerf.auc : null,
        clinical_validation: clinValPerf ? clinValPerf.auc : null,
      },
    },
    warnings,
  };
  return { artefact, report };
}

/** A 32-bit seed for engines that take a seed (validate/calibrate), derived per purpose like streamFor. */
function streamSeed(seed: number, purpose: number): number {
  return ((seed >>> 0) + Math.imul(purpose + 1, 2654435761)) >>> 0 || 1;
}

/** Every number in the artefact must be finite (JSON has no NaN/Inf and no report may show NaN). */
function assertFinite(v: unknown, path: string): void {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new PipelineError(`internal error: ${path} is ${v}; the run was stopped instead of publishing a non-finite number`);
  } else if (Array.isArray(v)) v.forEach((x, i) => assertFinite(x, `${path}[${i}]`));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) assertFinite(x, `${path}.${k}`);
}

type WpbInput = {
  B: number;
  seed: number;
  /** training rows x kept features, unscaled */
  XtrRaw: DesignMatrix;
  yTr: number[];
  frameTr: (radscore: number[]) => DataFrame;
  lambdaSeq: ArrayLike<number>;
  solver: GlmnetOptions;
  formula: string;
  cost: number;
  gamma: number;
  onProgress: (done: number, total: number) => Promise<void>;
};

/**
 * Harrell's bootstrap optimism for the whole pipeline: in each resample of the training rows the min-max scaler is
 * refitted, the LASSO refitted at the chosen lambda (so selection happens inside the resample), the Rad-score
 * recomputed, the nomogram's final formula refitted (lrm) and the SVM refitted with the chosen (C, gamma) on the
 * resample's selected features; optimism = mean over resamples of AUC(resample) - AUC(original training rows).
 */
async function wholePipelineBootstrap(o: WpbInput): Promise<{ B: number; failed: number; nomOptimism: number; svmOptimism: number }> {
  const rng = createRng(o.seed);
  const n = o.yTr.length;
  let nomSum = 0;
  let nomN = 0;
  let svmSum = 0;
  let svmN = 0;
  let failed = 0;
  for (let b = 0; b < o.B; b++) {
    const idx = bootstrapIndices(rng, n);
    const yb = Array.from(idx, (i) => o.yTr[i]);
    const eb = countEvents(yb);
    if (eb < 2 || eb > n - 2) {
      failed++;
      continue;
    }
    try {
      const XbRaw = subsetRows(o.XtrRaw, idx);
      const sc = fitMinMax(XbRaw, Array.from({ length: o.XtrRaw.p }, (_, j) => String(j))); // scaler refitted inside the resample
      const Xb = applyMinMax(sc, XbRaw).x;
      const Xo = applyMinMax(sc, o.XtrRaw).x;
      const fit = glmnet(Xb, yb, { ...o.solver, family: "binomial", lambda: o.lambdaSeq });
      const last = fit.beta.length - 1;
      const beta = fit.beta[last];
      const a0 = fit.a0[last];
      const sel: number[] = [];
      for (let j = 0; j < beta.length; j++) if (beta[j] !== 0) sel.push(j);
      const rad = (X: DesignMatrix, i: number): number => {
        let s = a0;
        for (const j of sel) s += beta[j] * X.data[j * X.n + i]; // Rad-score = LASSO linear predictor
        return s;
      };
      const radB = yb.map((_, i) => rad(Xb, i));
      const radO = o.yTr.map((_, i) => rad(Xo, i));
      const frameAll = o.frameTr(radO);
      const frameB: DataFrame = { nrow: n, columns: Object.fromEntries(Object.entries(frameAll.columns).map(([k2, col]) => [k2, Array.from(idx, (i) => col[i])])) };
      frameB.columns.radscore = radB;
      const m = lrm(frameB, o.formula);
      const appB = aucMannWhitney(yb, m.linearPredictor);
      const testO = aucMannWhitney(o.yTr, predictLrm(m, frameAll).lp);
      nomSum += appB - testO;
      nomN++;
      if (sel.length > 0) {
        const sv = svmTrain(subsetColumns(Xb, sel), yb, o.cost, o.gamma, false);
        const app = aucMannWhitney(yb, svmDecision(sv, subsetColumns(Xb, sel)));
        const tst = aucMannWhitney(o.yTr, svmDecision(sv, subsetColumns(Xo, sel)));
        svmSum += app - tst;
        svmN++;
      }
    } catch {
      failed++; // e.g. a factor level absent from the resample, or a one-class fold
    }
    if ((b + 1) % 10 === 0 || b + 1 === o.B) await o.onProgress(b + 1, o.B);
  }
  return { B: o.B, failed, nomOptimism: nomN ? nomSum / nomN : NaN, svmOptimism: svmN ? svmSum / svmN : NaN };
}
