// Binary logistic regression as rms::lrm: Newton–Raphson to full convergence, SEs from the inverse
// information, Wald and LR tests, AIC/BIC, Nagelkerke R2, Brier, g/gp (Gini mean difference), exact
// (somers2) and lrm's binned C/Dxy, and Wald anova per factor with Nonlinear rows for splines.
// Separation: when the MLE does not exist (Newton diverges / fitted p reach 0 or 1), the fit is redone
// with Firth's penalised likelihood (Jeffreys prior), which always gives finite coefficients; a warning says so.
import { cholesky, cholInverse, cholSolve, quadFormInv, subMatrix } from "./linalg.ts";
import { midRanks } from "./rbase.ts";
import { pchisqUpper, pnormTwoSided, qnorm } from "./distributions.ts";
import { applyDesign, buildDesign, type Cell, type DataFrame, type Design, type DesignOptions, type DesignSpec } from "./design.ts";
import type { Formula } from "./formula.ts";

export interface LrmCore {
  /** intercept first */
  coef: Float64Array;
  /** (p+1) x (p+1) row-major */
  vcov: Float64Array;
  lp: Float64Array;
  /** -2 log L of the fitted model */
  deviance: number;
  /** -2 log L of the intercept-only model */
  deviance0: number;
  iterations: number;
  converged: boolean;
  method: "mle" | "firth";
  separation: boolean;
}

export interface FitOptions {
  maxIter?: number;
  /** "auto" (default): MLE, Firth when separation is detected; "never": MLE only (may not converge) */
  firth?: "auto" | "never" | "always";
  /** starting coefficients (intercept first); default: logit of the event rate, zeros */
  start?: ArrayLike<number>;
  /** compute the covariance matrix (default true; the bootstrap does not need it) */
  vcov?: boolean;
  /** Firth convergence: largest relative step (default 1e-11) */
  firthTol?: number;
}

/** log(1 + exp(eta)) without overflow */
function log1pexp(eta: number): number {
  return eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
}

function plogisStable(eta: number): number {
  return 1 / (1 + Math.exp(-eta)); // R plogis
}

function deviance0Of(y: ArrayLike<number>): number {
  let n1 = 0;
  for (let i = 0; i < y.length; i++) n1 += y[i];
  const n = y.length;
  const n0 = n - n1;
  // -2 [n1 log(n1/n) + n0 log(n0/n)]
  return -2 * ((n1 > 0 ? n1 * Math.log(n1 / n) : 0) + (n0 > 0 ? n0 * Math.log(n0 / n) : 0));
}

function linpred(X: ArrayLike<number>, n: number, p: number, b: ArrayLike<number>, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[0];
    const o = i * p;
    for (let j = 0; j < p; j++) s += X[o + j] * b[j + 1];
    out[i] = s;
  }
}

function devianceOf(y: ArrayLike<number>, lp: Float64Array): number {
  let ll = 0;
  for (let i = 0; i < lp.length; i++) ll += y[i] * lp[i] - log1pexp(lp[i]); // log L = sum(y eta - log(1+e^eta))
  return -2 * ll;
}

/** information matrix X'WX (with intercept) and score X'(y - p + adj) */
function infoAndScore(X: ArrayLike<number>, y: ArrayLike<number>, n: number, p: number, lp: Float64Array, hat: Float64Array | null) {
  const m = p + 1;
  const info = new Float64Array(m * m);
  const score = new Float64Array(m);
  const xi = new Float64Array(m);
  xi[0] = 1;
  for (let i = 0; i < n; i++) {
    const pr = plogisStable(lp[i]);
    const w = pr * (1 - pr);
    const o = i * p;
    for (let j = 0; j < p; j++) xi[j + 1] = X[o + j];
    const r = y[i] - pr + (hat ? hat[i] * (0.5 - pr) : 0); // score residual y - p (Firth: + h (1/2 - p))
    for (let a = 0; a < m; a++) {
      const xa = xi[a];
      if (xa === 0) continue; // factor dummies are mostly zero
      score[a] += xa * r;
      const wa = w * xa;
      const o2 = a * m;
      for (let b = 0; b <= a; b++) info[o2 + b] += wa * xi[b];
    }
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) info[b * m + a] = info[a * m + b];
  return { info, score };
}

function hatDiag(X: ArrayLike<number>, n: number, p: number, lp: Float64Array, infoInv: Float64Array): Float64Array {
  const m = p + 1;
  const h = new Float64Array(n);
  const xi = new Float64Array(m);
  xi[0] = 1;
  for (let i = 0; i < n; i++) {
    const pr = plogisStable(lp[i]);
    const o = i * p;
    for (let j = 0; j < p; j++) xi[j + 1] = X[o + j];
    let q = 0;
    for (let a = 0; a < m; a++) {
      let s = 0;
      for (let b = 0; b < m; b++) s += infoInv[a * m + b] * xi[b];
      q += xi[a] * s;
    }
    h[i] = pr * (1 - pr) * q;
  }
  return h;
}

interface EvalPoint {
  lp: Float64Array;
  info: Float64Array;
  L: Float64Array | null;
  /** score, Firth-modified when firth */
  score: Float64Array;
  /** -2 log L (Firth: minus log|I|) */
  objective: number;
  deviance: number;
}

/** one pass over the rows: information X'WX, score X'(y - p) and deviance at lp; Firth adds h(1/2 - p) */
function evaluate(X: ArrayLike<number>, y: ArrayLike<number>, n: number, p: number, lp: Float64Array, firth: boolean): EvalPoint {
  const m = p + 1;
  const { info, score } = infoAndScore(X, y, n, p, lp, null);
  const deviance = devianceOf(y, lp);
  const L = cholesky(info, m);
  let objective = deviance;
  if (firth) {
    if (!L) return { lp, info, L, score, objective: Infinity, deviance };
    let logdet = 0;
    for (let j = 0; j < m; j++) logdet += 2 * Math.log(L[j * m + j]);
    objective = deviance - logdet; // -2 (log L + 0.5 log|I|)
    const h = hatDiag(X, n, p, lp, cholInverse(L, m));
    for (let i = 0; i < n; i++) {
      const pr = plogisStable(lp[i]);
      const a = h[i] * (0.5 - pr); // Firth's modified score adds X' h (1/2 - p)
      score[0] += a;
      for (let j = 0; j < p; j++) score[j + 1] += a * X[i * p + j];
    }
  }
  return { lp, info, L, score, objective, deviance };
}

function fitNewton(X: ArrayLike<number>, y: ArrayLike<number>, n: number, p: number, firth: boolean, maxIter: number, start?: ArrayLike<number>, wantVcov = true, firthTol = 1e-11): LrmCore & { ok: boolean } {
  const m = p + 1;
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i];
  ybar /= n;
  const b = new Float64Array(m);
  if (start && start.length === m) b.set(start);
  else b[0] = Math.log(ybar / (1 - ybar)); // lrm's start: logit of the event rate
  let cur = evaluate(X, y, n, p, linpredNew(X, n, p, b), firth);
  let converged = false;
  let it = 0;
  let ok = true;
  const bNew = new Float64Array(m);
  for (it = 1; it <= maxIter; it++) {
    if (!cur.L) {
      ok = false;
      break;
    }
    const delta = cholSolve(cur.L, m, cur.score);
    let step = 1;
    let cand: EvalPoint | null = null;
    for (let half = 0; half < 30; half++) {
      for (let j = 0; j < m; j++) bNew[j] = b[j] + step * delta[j];
      cand = evaluate(X, y, n, p, linpredNew(X, n, p, bNew), firth);
      if (cand.objective <= cur.objective + 1e-9 * Math.max(1, Math.abs(cur.objective))) break;
      step /= 2;
    }
    let maxRel = 0;
    for (let j = 0; j < m; j++) maxRel = Math.max(maxRel, Math.abs(step * delta[j]) / Math.max(1, Math.abs(b[j])));
    b.set(bNew);
    const change = cur.objective - cand!.objective;
    cur = cand!;
    // MLE: quadratic convergence, stop on a tiny step (or a flat deviance); Firth's modified-score
    // iteration converges linearly, so only the step size counts there
    if (maxRel < (firth ? firthTol : 1e-10) || (!firth && Math.abs(change) < 1e-13 * Math.max(1, Math.abs(cur.objective)) && maxRel < 1e-7)) {
      converged = true;
      break;
    }
    if (!firth && it >= 8) {
      // separation: the deviance keeps falling while fitted probabilities reach 0/1 (|eta| > 35 means
      // p within 1e-15 of 0 or 1); stop early and let the caller switch to Firth
      let mx = 0;
      for (let i = 0; i < n; i++) mx = Math.max(mx, Math.abs(cur.lp[i]));
      if (mx > 35) break;
    }
  }
  // covariance: inverse of the (unpenalised) information at the estimates
  const vcov = !wantVcov ? new Float64Array(0) : cur.L ? cholInverse(cur.L, m) : new Float64Array(m * m).fill(NaN);
  if (!cur.L) ok = false;
  let maxAbsLp = 0;
  for (let i = 0; i < n; i++) maxAbsLp = Math.max(maxAbsLp, Math.abs(cur.lp[i]));
  const separation = !firth && (!converged || maxAbsLp > 30);
  return { coef: b, vcov, lp: cur.lp, deviance: cur.deviance, deviance0: deviance0Of(y), iterations: it, converged, method: firth ? "firth" : "mle", separation, ok };
}

function linpredNew(X: ArrayLike<number>, n: number, p: number, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(n);
  linpred(X, n, p, b, out);
  return out;
}

/** Fit a logistic model to row-major X (n x p, no intercept column) and 0/1 y. */
export function lrmFitCore(X: ArrayLike<number>, y: ArrayLike<number>, n: number, p: number, options: FitOptions = {}): LrmCore {
  const maxIter = options.maxIter ?? 50;
  const mode = options.firth ?? "auto";
  const wantVcov = options.vcov !== false;
  if (mode !== "always") {
    const r = fitNewton(X, y, n, p, false, maxIter, options.start, wantVcov);
    if (mode === "never" || (r.ok && !r.separation)) return r;
  }
  return fitNewton(X, y, n, p, true, Math.max(maxIter, 200), undefined, wantVcov, options.firthTol ?? 1e-11);
}

/** Gini's mean difference (Hmisc::GiniMd): 2 sum((2i - n - 1) x_(i)) / (n (n - 1)) */
export function giniMd(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return NaN;
  const s = Float64Array.from(x).sort();
  let t = 0;
  for (let i = 0; i < n; i++) t += (2 * (i + 1) - n - 1) * s[i];
  return (2 * t) / (n * (n - 1));
}

/** Hmisc::somers2(x, y): exact C (concordance, ties 1/2) and Dxy = 2(C - 1/2) via mid-ranks. */
export function somers2(x: ArrayLike<number>, y: ArrayLike<number>): { C: number; Dxy: number; n: number; missing: number } {
  const r = midRanks(x);
  let n1 = 0;
  let sr = 0;
  for (let i = 0; i < y.length; i++)
    if (y[i] === 1) {
      n1++;
      sr += r[i];
    }
  const n = y.length;
  const meanRank = sr / n1;
  const C = (meanRank - (n1 + 1) / 2) / (n - n1); // c.index <- (mean.rank - (n1 + 1)/2)/(n - n1)
  return { C, Dxy: 2 * (C - 0.5), n, missing: 0 };
}

/** lrm's C/Dxy/Gamma/Tau-a: probabilities binned into 5001 cells (cell = floor(5000 p) + 1), same-cell pairs tied. */
export function binnedConcordance(prob: ArrayLike<number>, y: ArrayLike<number>) {
  const ev = new Float64Array(5002);
  const ne = new Float64Array(5002);
  for (let i = 0; i < prob.length; i++) {
    const c = Math.floor(5000 * prob[i]) + 1;
    if (y[i] === 1) ev[c]++;
    else ne[c]++;
  }
  let conc = 0;
  let tie = 0;
  let below = 0; // non-events in lower cells
  let n1 = 0;
  let n0 = 0;
  for (let c = 0; c < 5002; c++) {
    conc += ev[c] * below;
    tie += ev[c] * ne[c];
    below += ne[c];
    n1 += ev[c];
    n0 += ne[c];
  }
  const pairs = n1 * n0;
  const disc = pairs - conc - tie;
  const C = (conc + 0.5 * tie) / pairs;
  const n = n1 + n0;
  return { C, Dxy: (conc - disc) / pairs, Gamma: (conc - disc) / (conc + disc), TauA: (conc - disc) / ((n * (n - 1)) / 2) };
}

export interface LrmStats {
  n: number;
  events: number;
  lrChi2: number;
  df: number;
  P: number;
  /** lrm's binned C/Dxy (fit$stats['C'], ['Dxy']) */
  C: number;
  Dxy: number;
  Gamma: number;
  TauA: number;
  R2: number;
  Brier: number;
  g: number;
  gr: number;
  gp: number;
}

/** fit$stats of an lrm fit from y, the linear predictor and the deviances */
export function lrmStats(y: ArrayLike<number>, lp: ArrayLike<number>, deviance: number, deviance0: number, df: number): LrmStats {
  const n = y.length;
  let events = 0;
  let brier = 0;
  const prob = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    events += y[i];
    prob[i] = plogisStable(lp[i]);
    brier += (prob[i] - y[i]) ** 2;
  }
  const lr = deviance0 - deviance;
  const bc = binnedConcordance(prob, y);
  const g = giniMd(lp);
  return {
    n,
    events,
    lrChi2: lr,
    df,
    P: pchisqUpper(lr, df),
    C: bc.C,
    Dxy: bc.Dxy,
    Gamma: bc.Gamma,
    TauA: bc.TauA,
    R2: (1 - Math.exp(-lr / n)) / (1 - Math.exp(-deviance0 / n)), // Nagelkerke, as lrm
    Brier: brier / n,
    g,
    gr: Math.exp(g),
    gp: giniMd(prob),
  };
}

export interface AnovaRow {
  name: string;
  chi2: number;
  df: number;
  p: number;
}

export interface LrmModel {
  spec: DesignSpec;
  /** "Intercept" then the design's coefficient names */
  names: string[];
  coefficients: number[];
  se: number[];
  waldZ: number[];
  pValue: number[];
  oddsRatio: number[];
  orLower95: number[];
  orUpper95: number[];
  /** (p+1) x (p+1) */
  vcov: number[][];
  n: number;
  events: number;
  logLik: number;
  /** [-2 log L null, -2 log L model] */
  deviance: [number, number];
  lrChi2: number;
  lrDf: number;
  lrP: number;
  /** -2 log L + 2 (p + 1) */
  aic: number;
  bic: number;
  stats: LrmStats;
  /** exact concordance (somers2) on the fitted rows */
  cIndex: number;
  dxy: number;
  linearPredictor: number[];
  anova: AnovaRow[];
  method: "mle" | "firth";
  converged: boolean;
  iterations: number;
  warnings: string[];
  /** training rows (0-based indices into the input data) */
  rows: number[];
  /** raw predictor values on the training rows (nomogram axes) */
  values: Record<string, Cell[]>;
  y: number[];
  /** row-major training design (no intercept), kept for validate/calibrate */
  X: Float64Array;
}

/** Wald anova per factor (rms anova.rms): chi2 = b_S' V_SS^-1 b_S. */
export function waldAnova(spec: DesignSpec, coef: ArrayLike<number>, vcov: ArrayLike<number>): AnovaRow[] {
  const m = coef.length;
  const rows: AnovaRow[] = [];
  const wald = (name: string, idx: number[]): AnovaRow => {
    const V = subMatrix(vcov, m, idx);
    const b = idx.map((i) => coef[i]);
    const chi2 = quadFormInv(V, idx.length, b);
    return { name, chi2, df: idx.length, p: pchisqUpper(chi2, idx.length) };
  };
  const all: number[] = [];
  const nonlinAll: number[] = [];
  let nNonlinear = 0;
  for (const t of spec.terms) {
    const idx = t.columnIndex.filter((c) => c >= 0).map((c) => c + 1);
    if (idx.length === 0) continue;
    all.push(...idx);
    rows.push(wald(t.name, idx));
    if (t.term.kind === "rcs") {
      const nl = t.columnIndex.slice(1).filter((c) => c >= 0).map((c) => c + 1);
      if (nl.length) {
        rows.push(wald(" Nonlinear", nl));
        nonlinAll.push(...nl);
        nNonlinear++;
      }
    }
  }
  if (nNonlinear > 1) rows.push(wald("TOTAL NONLINEAR", nonlinAll));
  if (all.length) rows.push(wald("TOTAL", all));
  return rows;
}

/** Fit from a finished design. */
export function lrmFromDesign(d: Design, options: FitOptions = {}): LrmModel {
  const { X, y, n, p, spec } = d;
  const warnings = [...d.warnings];
  let events = 0;
  for (let i = 0; i < n; i++) events += y[i];
  if (events === 0 || events === n) throw new Error(`the response "${spec.response}" has ${events === 0 ? "no events" : "no non-events"}; a logistic model cannot be fitted`);
  const fit = lrmFitCore(X, y, n, p, options);
  if (fit.method === "firth")
    warnings.push(
      "perfect or quasi-complete separation: the maximum-likelihood estimates do not exist (some fitted probabilities reach 0 or 1); coefficients are Firth-penalised estimates (Jeffreys prior), SEs from the unpenalised information at those estimates",
    );
  else if (!fit.converged) warnings.push(`Newton-Raphson did not converge in ${fit.iterations} iterations`);
  const m = p + 1;
  const names = ["Intercept", ...spec.colnames];
  const coef = Array.from(fit.coef);
  const se = coef.map((_, j) => Math.sqrt(fit.vcov[j * m + j]));
  const z975 = qnorm(0.975);
  const stats = lrmStats(y, fit.lp, fit.deviance, fit.deviance0, p);
  const exact = somers2(fit.lp, y);
  const vcov: number[][] = [];
  for (let i = 0; i < m; i++) vcov.push(Array.from(fit.vcov.subarray(i * m, (i + 1) * m)));
  return {
    spec,
    names,
    coefficients: coef,
    se,
    waldZ: coef.map((b, j) => b / se[j]),
    pValue: coef.map((b, j) => pnormTwoSided(b / se[j])),
    oddsRatio: coef.map((b) => Math.exp(b)),
    orLower95: coef.map((b, j) => Math.exp(b - z975 * se[j])),
    orUpper95: coef.map((b, j) => Math.exp(b + z975 * se[j])),
    vcov,
    n,
    events,
    logLik: -fit.deviance / 2,
    deviance: [fit.deviance0, fit.deviance],
    lrChi2: stats.lrChi2,
    lrDf: p,
    lrP: stats.P,
    aic: fit.deviance + 2 * m,
    bic: fit.deviance + Math.log(n) * m,
    stats,
    cIndex: exact.C,
    dxy: exact.Dxy,
    linearPredictor: Array.from(fit.lp),
    anova: waldAnova(spec, fit.coef, fit.vcov),
    method: fit.method,
    converged: fit.converged,
    iterations: fit.iterations,
    warnings,
    rows: d.rows,
    values: d.values,
    y: Array.from(y),
    X,
  };
}

/** rms::lrm(formula, data): build the design and fit. */
export function lrm(df: DataFrame, formula: string | Formula, options: FitOptions & DesignOptions = {}): LrmModel {
  return lrmFromDesign(buildDesign(df, formula, options), options);
}

/** Linear predictor for a design row (no intercept) under a fitted model. */
export function linearPredictorOf(model: Pick<LrmModel, "coefficients">, x: ArrayLike<number>): number {
  let s = model.coefficients[0];
  for (let j = 0; j < x.length; j++) s += model.coefficients[j + 1] * x[j];
  return s;
}

/** Linear predictor and probability for every row of new data (the fitted design re-applied; missing values throw). */
export function predictLrm(model: Pick<LrmModel, "spec" | "coefficients">, df: DataFrame, rows?: number[]): { lp: number[]; probability: number[] } {
  const X = applyDesign(model.spec, df, rows);
  const p = model.spec.colnames.length;
  const n = p === 0 ? (rows ?? Array.from({ length: df.nrow })).length : X.length / p;
  const lp: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = model.coefficients[0];
    for (let j = 0; j < p; j++) s += model.coefficients[j + 1] * X[i * p + j];
    lp.push(s);
  }
  return { lp, probability: lp.map(plogisStable) };
}
