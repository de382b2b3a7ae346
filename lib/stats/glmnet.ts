// LASSO (alpha = 1) for gaussian and binomial responses, a port of glmnet's algorithm (Friedman, Hastie &
// Tibshirani 2010, J Stat Softw 33(1)) with glmnet 4.1's conventions: lambda sequence incl. fix.lam,
// internal standardisation with 1/n SDs, coefficients returned on the original scale, the early-stop rule
// (mnlam = 5, fdev = 1e-5 relative, devmax = 0.999), strong-rule/active-set iteration, proximal Newton
// (IRLS) outer loop for binomial with probabilities clamped to [1e-9, 1 - 1e-9].
// Hand-written rather than a library: no JS library implements glmnet's path; typed arrays keep it fast.
// Difference from glmnet on purpose (cli.md): coefficients are converged to the exact optimum — coordinate
// descent to a tight threshold, then an active-set Newton polish (fixed signs) with a full KKT check.
import type { DesignMatrix } from "./scaler.ts";

export type Family = "gaussian" | "binomial";

export interface GlmnetOptions {
  family?: Family;
  standardize?: boolean;
  nlambda?: number;
  /** default 1e-4 when n > p, else 0.01 (glmnet) */
  lambdaMinRatio?: number;
  /** user lambda sequence (sorted decreasing here); disables fix.lam and the early stop, as in glmnet */
  lambda?: ArrayLike<number>;
  /** coordinate-descent threshold on max_j xv_j * delta_j^2, relative to nulldev / n; default 1e-20 */
  thresh?: number;
  /** CD passes per inner solve before the Newton polish is tried; default 6 */
  passesBeforePolish?: number;
  /** hard cap on CD passes per fit (glmnet maxit); default 1e6 */
  maxPasses?: number;
  /** largest active set the Newton polish handles; default 400 */
  maxPolish?: number;
  /** apply glmnet's early-stopping rule; default true unless `lambda` is given */
  earlyStop?: boolean;
  /**
   * Start the first lambda from these coefficients (original scale), e.g. the full-data solution when refitting
   * a bootstrap resample. Only changes the speed: the exact optimum does not depend on the starting point.
   */
  warmStart?: { a0: number; beta: ArrayLike<number> };
}

export interface GlmnetFit {
  family: Family;
  n: number;
  p: number;
  standardize: boolean;
  lambda: Float64Array;
  /** intercept per lambda (original scale) */
  a0: Float64Array;
  /** beta[k] = coefficient vector (length p, original scale) at lambda[k] */
  beta: Float64Array[];
  df: Int32Array;
  devRatio: Float64Array;
  nulldev: number;
  npasses: number;
  /** w_j: 1/n SD of column j when standardize, else 1 (0 for constant columns, which are never entered) */
  penaltyWeights: Float64Array;
  /** columns with zero variance (never enter the model) */
  constantColumns: number[];
}

export class GlmnetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GlmnetError";
  }
}

const PMIN = 1e-9; // glmnet.control()$pmin: fitted probabilities clamped to [pmin, 1 - pmin]
const FDEV = 1e-5; // glmnet.control()$fdev
const DEVMAX = 0.999; // glmnet.control()$devmax
const MNLAM = 5; // glmnet.control()$mnlam
const BIG = 9.9e35; // glmnet.control()$big

function log1pexp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}
function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Fit the LASSO path. x is column-major n x p; y numeric (0/1 for binomial). */
export function glmnet(x: DesignMatrix, y: ArrayLike<number>, opts: GlmnetOptions = {}): GlmnetFit {
  const family: Family = opts.family ?? "gaussian";
  const standardize = opts.standardize ?? true;
  const { n, p } = x;
  if (y.length !== n) throw new GlmnetError(`glmnet: y has ${y.length} values for ${n} rows`);
  if (n < 2) throw new GlmnetError("glmnet: need at least 2 rows");
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new GlmnetError(`glmnet: y[${i + 1}] is not finite`);
    if (family === "binomial" && y[i] !== 0 && y[i] !== 1) throw new GlmnetError(`glmnet: binomial y must be 0/1, row ${i + 1} has ${y[i]}`);
  }
  for (let k = 0; k < n * p; k++) if (!Number.isFinite(x.data[k])) throw new GlmnetError(`glmnet: x row ${(k % n) + 1}, column ${Math.floor(k / n) + 1} is not finite`);
  const yv = Float64Array.from(y);
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += yv[i];
  ybar /= n;
  if (family === "binomial" && (ybar === 0 || ybar === 1)) throw new GlmnetError("glmnet: binomial y has only one class");

  // standardisation: xs = (x - mean) / sd with 1/n SDs (glmnet's lstandard1/standard), sd = 1 if !standardize
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  const xs = new Float64Array(n * p);
  const ju = new Uint8Array(p);
  const constantColumns: number[] = [];
  for (let j = 0; j < p; j++) {
    const off = j * n;
    let m = 0;
    for (let i = 0; i < n; i++) m += x.data[off + i];
    m /= n; // weighted mean with weights 1/n
    let v = 0;
    for (let i = 0; i < n; i++) {
      const d = x.data[off + i] - m;
      v += d * d;
    }
    v /= n;
    const s = Math.sqrt(v); // 1/n standard deviation
    mean[j] = m;
    let constant = true;
    const x0 = x.data[off];
    for (let i = 1; i < n; i++) if (x.data[off + i] !== x0) { constant = false; break; }
    if (constant) {
      ju[j] = 0;
      sd[j] = 0;
      constantColumns.push(j);
      continue;
    }
    ju[j] = 1;
    sd[j] = standardize ? s : 1;
    const sj = sd[j];
    for (let i = 0; i < n; i++) xs[off + i] = (x.data[off + i] - m) / sj;
  }

  // null deviance
  let nulldev = 0;
  if (family === "gaussian") for (let i = 0; i < n; i++) nulldev += (yv[i] - ybar) * (yv[i] - ybar);
  else for (let i = 0; i < n; i++) nulldev -= 2 * (yv[i] * Math.log(ybar) + (1 - yv[i]) * Math.log(1 - ybar));

  // gradient at the null model -> lambda_max = max_j |sum_i xs_ij (y_i - ybar)| / n
  let lambdaMax = 0;
  for (let j = 0; j < p; j++) {
    if (!ju[j]) continue;
    const off = j * n;
    let g = 0;
    for (let i = 0; i < n; i++) g += xs[off + i] * (yv[i] - ybar);
    g = Math.abs(g) / n;
    if (g > lambdaMax) lambdaMax = g;
  }

  let lambdas: Float64Array;
  const userLambda = opts.lambda !== undefined;
  if (userLambda) {
    lambdas = Float64Array.from(opts.lambda!).sort().reverse();
    if (lambdas.length === 0 || lambdas.some((l) => !(l >= 0))) throw new GlmnetError("glmnet: lambda values must be non-negative");
  } else {
    const nlambda = opts.nlambda ?? 100;
    if (!(nlambda >= 1) || !Number.isInteger(nlambda)) throw new GlmnetError(`glmnet: nlambda must be a positive integer, got ${nlambda}`);
    const ratio = opts.lambdaMinRatio ?? (n > p ? 1e-4 : 0.01);
    if (!(ratio > 0 && ratio < 1)) throw new GlmnetError(`glmnet: lambda-min-ratio must be in (0, 1), got ${ratio}`);
    lambdas = new Float64Array(nlambda);
    const alf = Math.pow(ratio, 1 / (nlambda - 1)); // alf = flmin^(1/(nlam-1))
    lambdas[0] = BIG; // Fortran solves the first lambda with al = big (all-zero solution)
    if (nlambda > 1) lambdas[1] = alf * lambdaMax; // lambda_2 = alf * lambda_max
    for (let k = 2; k < nlambda; k++) lambdas[k] = lambdas[k - 1] * alf; // repeated multiplication as Fortran
    if (nlambda > 2) lambdas[0] = Math.exp(2 * Math.log(lambdas[1]) - Math.log(lambdas[2])); // glmnet:::fix.lam
    else lambdas[0] = lambdaMax;
  }
  const earlyStop = opts.earlyStop ?? !userLambda;

  const solver = new Solver(family, n, p, xs, yv, ju, nulldev, ybar, opts);
  if (opts.warmStart) {
    const ws = opts.warmStart;
    if (ws.beta.length !== p) throw new GlmnetError(`glmnet: warmStart has ${ws.beta.length} coefficients for ${p} columns`);
    let b0 = ws.a0;
    const bs = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      if (!ju[j] || !(ws.beta[j] !== 0)) continue;
      bs[j] = ws.beta[j] * sd[j]; // standardised scale
      b0 += mean[j] * ws.beta[j];
    }
    solver.setState(b0, bs);
  }
  const nl = lambdas.length;
  const outA0: number[] = [];
  const outBeta: Float64Array[] = [];
  const outDf: number[] = [];
  const outDev: number[] = [];
  const outLam: number[] = [];
  // strong rule reference: lambda_max, or the first lambda itself when warm-started near its solution
  let lamPrev = opts.warmStart ? lambdas[0] : lambdaMax;
  for (let k = 0; k < nl; k++) {
    const lam = lambdas[k];
    if (k === 0 && !userLambda) solver.setNull();
    else if (lam >= lambdaMax) solver.setNull(); // at or above lambda_max the solution is intercept-only
    else solver.solve(lam, Math.max(lamPrev, lam));
    lamPrev = lam;
    // back to the original scale: beta_j = b_j / sd_j, a0 = b0 - sum_j mean_j beta_j
    const beta = new Float64Array(p);
    let a0 = solver.b0;
    let df = 0;
    for (let j = 0; j < p; j++) {
      if (!ju[j] || solver.b[j] === 0) continue;
      beta[j] = solver.b[j] / sd[j];
      a0 -= mean[j] * beta[j];
      df++;
    }
    const dev = solver.deviance();
    const devRatio = 1 - dev / nulldev;
    outLam.push(lam);
    outA0.push(a0);
    outBeta.push(beta);
    outDf.push(df);
    outDev.push(devRatio);
    // glmnet's early stop: after mnlam lambdas, stop when dev.ratio > devmax or changes < fdev (relative)
    if (earlyStop && k + 1 >= Math.min(MNLAM, nl)) {
      if (devRatio > DEVMAX) break;
      if (k > 0 && devRatio - outDev[k - 1] < FDEV * devRatio) break;
    }
  }
  const penaltyWeights = new Float64Array(p);
  for (let j = 0; j < p; j++) penaltyWeights[j] = ju[j] ? (standardize ? sd[j] : 1) : 0;
  return {
    family,
    n,
    p,
    standardize,
    lambda: Float64Array.from(outLam),
    a0: Float64Array.from(outA0),
    beta: outBeta,
    df: Int32Array.from(outDf),
    devRatio: Float64Array.from(outDev),
    nulldev,
    npasses: solver.npasses,
    penaltyWeights,
    constantColumns,
  };
}

/** The internal solver on the standardised scale (penalty lambda * sum |b_j|). */
class Solver {
  b: Float64Array;
  b0: number;
  eta: Float64Array;
  npasses = 0;
  private r: Float64Array; // working residual v_i (z_i - eta_i)
  private v: Float64Array; // IRLS weights / n
  private xv: Float64Array;
  private inS: Uint8Array;
  private inA: Uint8Array;
  private S: number[] = [];
  private A: number[] = [];
  private grad: Float64Array;
  private thr: number;
  private passesBeforePolish: number;
  private maxPasses: number;
  private maxPolish: number;
  private cachedKey = "";
  private cachedL: Float64Array | null = null;
  private cachedW: Float64Array | null = null;
  private gradFresh = false;

  constructor(
    readonly family: Family,
    readonly n: number,
    readonly p: number,
    readonly xs: Float64Array,
    readonly y: Float64Array,
    readonly ju: Uint8Array,
    readonly nulldev: number,
    readonly ybar: number,
    opts: GlmnetOptions,
  ) {
    this.b = new Float64Array(p);
    this.b0 = 0;
    this.eta = new Float64Array(n);
    this.r = new Float64Array(n);
    this.v = new Float64Array(n);
    this.xv = new Float64Array(p);
    this.inS = new Uint8Array(p);
    this.inA = new Uint8Array(p);
    this.grad = new Float64Array(p);
    this.thr = (opts.thresh ?? 1e-20) * (nulldev / n);
    this.passesBeforePolish = opts.passesBeforePolish ?? 6;
    this.maxPasses = opts.maxPasses ?? 1e6;
    this.maxPolish = opts.maxPolish ?? 400;
    this.setNull();
  }

  isNull(): boolean {
    return this.A.length === 0;
  }

  /** set coefficients (standardised scale) and recompute eta */
  setState(b0: number, bs: Float64Array): void {
    this.setNull();
    this.gradFresh = false;
    this.b0 = b0;
    for (let j = 0; j < this.p; j++) {
      if (bs[j] === 0 || !Number.isFinite(bs[j])) continue;
      this.b[j] = bs[j];
      this.inA[j] = 1;
      this.A.push(j);
    }
    this.eta.fill(b0);
    for (const j of this.A) {
      const off = j * this.n;
      for (let i = 0; i < this.n; i++) this.eta[i] += this.b[j] * this.xs[off + i];
    }
  }

  setNull(): void {
    this.gradFresh = false;
    this.b.fill(0);
    for (const j of this.A) this.inA[j] = 0;
    this.A = [];
    this.b0 = this.family === "gaussian" ? this.ybar : Math.log(this.ybar / (1 - this.ybar)); // intercept-only fit
    this.eta.fill(this.b0);
  }

  mu(eta: number): number {
    return this.family === "gaussian" ? eta : sigmoid(eta);
  }

  deviance(): number {
    const { n, y, eta } = this;
    let dev = 0;
    if (this.family === "gaussian") {
      for (let i = 0; i < n; i++) dev += (y[i] - eta[i]) * (y[i] - eta[i]); // RSS
    } else {
      for (let i = 0; i < n; i++) {
        const q = Math.min(Math.max(sigmoid(eta[i]), PMIN), 1 - PMIN); // glmnet dev2 clamps q
        dev -= 2 * (y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q));
      }
    }
    return dev;
  }

  /** gradient g_j = sum_i xs_ij (y_i - mu_i) / n for the listed columns (or all) */
  private computeGrad(all: boolean): void {
    const { n, p, xs, y, eta, grad, ju } = this;
    const res = new Float64Array(n);
    for (let i = 0; i < n; i++) res[i] = (y[i] - this.mu(eta[i])) / n;
    for (let j = 0; j < p; j++) {
      if (!ju[j] || (!all && this.inS[j])) continue;
      const off = j * n;
      let g = 0;
      g = dotAt(xs, off, res, n);
      grad[j] = g;
    }
  }

  solve(lam: number, lamPrev: number): void {
    const { p, ju } = this;
    // sequential strong rule (Tibshirani et al. 2012): keep j if |g_j| > 2 lambda - lambda_prev
    if (!this.gradFresh) this.computeGrad(true); // after a successful polish the inactive gradient is current
    for (const j of this.S) this.inS[j] = 0;
    this.S = [];
    const cut = 2 * lam - lamPrev;
    for (let j = 0; j < p; j++) {
      if (!ju[j]) continue;
      if (this.inA[j] || Math.abs(this.grad[j]) > cut) {
        this.inS[j] = 1;
        this.S.push(j);
      }
    }
    for (let guard = 0; guard < p + 2; guard++) {
      // CD until the pass budget runs out, then the Newton polish; alternate until one of them converges
      for (let round = 0; ; round++) {
        if (this.fitOnStrongSet(lam, round < 20 ? this.passesBeforePolish : Infinity)) break;
        if (this.polish(lam)) break;
      }
      // KKT check outside the strong set
      if (!this.gradFresh) this.computeGrad(false);
      let added = false;
      for (let j = 0; j < p; j++) {
        if (!ju[j] || this.inS[j]) continue;
        if (Math.abs(this.grad[j]) > lam) {
          this.inS[j] = 1;
          this.S.push(j);
          added = true;
        }
      }
      if (!added) return;
    }
  }

  /** IRLS outer loop with CD over the strong set. Returns false when the pass budget ran out first. */
  private fitOnStrongSet(lam: number, budget = this.passesBeforePolish): boolean {
    this.gradFresh = false;
    const { n, xs, y, eta, r, v, xv, b, thr, S } = this;
    const gaussian = this.family === "gaussian";
    const bOld = new Float64Array(this.p);
    let passes = 0;
    for (let outer = 0; outer < 1000; outer++) {
      // quadratic approximation at the current eta: v_i = q(1-q)/n, r_i = (y_i - q_i)/n (glmnet lognet)
      let sumv = 0;
      for (let i = 0; i < n; i++) {
        if (gaussian) {
          v[i] = 1 / n;
          r[i] = (y[i] - eta[i]) / n;
        } else {
          const q = Math.min(Math.max(sigmoid(eta[i]), PMIN), 1 - PMIN);
          v[i] = (q * (1 - q)) / n;
          r[i] = (y[i] - q) / n;
        }
        sumv += v[i];
      }
      for (const j of S) {
        const off = j * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += v[i] * xs[off + i] * xs[off + i]; // xv_j = sum_i v_i x_ij^2
        xv[j] = s;
        bOld[j] = b[j];
      }
      const b0Old = this.b0;
      // CD: a pass over S, then passes over the active set until converged, until a pass over S is quiet
      for (;;) {
        const dlx = this.pass(S, lam, sumv);
        passes++;
        if (dlx < thr) break;
        if (passes > budget || this.npasses > this.maxPasses) return this.syncEta(), false;
        for (;;) {
          const d2 = this.pass(this.A, lam, sumv);
          passes++;
          if (d2 < thr) break;
          if (passes > budget || this.npasses > this.maxPasses) return this.syncEta(), false;
        }
      }
      this.syncEta();
      if (gaussian) return true;
      let dl = sumv * (this.b0 - b0Old) * (this.b0 - b0Old);
      for (const j of S) dl = Math.max(dl, xv[j] * (b[j] - bOld[j]) * (b[j] - bOld[j]));
      if (dl < thr) return true;
    }
    return false;
  }

  /** eta = b0 + sum_j xs_j b_j (CD passes update only the working residual) */
  private syncEta(): void {
    const { n, xs, b, eta } = this;
    eta.fill(this.b0);
    for (const j of this.A) {
      const bj = b[j];
      if (bj === 0) continue;
      const off = j * n;
      for (let i = 0; i < n; i++) eta[i] += bj * xs[off + i];
    }
  }

  /** One CD pass over `set` plus the intercept (eta is left stale: see syncEta); returns max xv_j * delta_j^2. */
  private pass(set: number[], lam: number, sumv: number): number {
    const { n, xs, r, v, xv, b, inA } = this;
    this.npasses++;
    let dlx = 0;
    for (let t = 0; t < set.length; t++) {
      const j = set[t];
      const off = j * n;
      // g = r . x_j, 4-way unrolled (independent partial sums help V8)
      let g0 = 0,
        g1 = 0,
        g2 = 0,
        g3 = 0;
      let i = 0;
      for (; i + 3 < n; i += 4) {
        g0 += r[i] * xs[off + i];
        g1 += r[i + 1] * xs[off + i + 1];
        g2 += r[i + 2] * xs[off + i + 2];
        g3 += r[i + 3] * xs[off + i + 3];
      }
      for (; i < n; i++) g0 += r[i] * xs[off + i];
      const g = g0 + g1 + g2 + g3;
      const bj = b[j];
      const u = g + xv[j] * bj;
      const au = Math.abs(u) - lam;
      const bn = au > 0 ? (Math.sign(u) * au) / xv[j] : 0; // soft-threshold S(u, lambda) / xv_j
      const d = bn - bj;
      if (d === 0) continue;
      b[j] = bn;
      for (let i = 0; i < n; i++) {
        const xij = xs[off + i];
        r[i] -= d * v[i] * xij;
      }
      dlx = Math.max(dlx, xv[j] * d * d);
      if (!inA[j] && bn !== 0) {
        inA[j] = 1;
        this.A.push(j);
      }
    }
    // intercept: d = sum r / sum v
    let sr = 0;
    for (let i = 0; i < n; i++) sr += r[i];
    const d0 = sr / sumv;
    if (d0 !== 0) {
      this.b0 += d0;
      for (let i = 0; i < n; i++) {
        r[i] -= d0 * v[i];
      }
      dlx = Math.max(dlx, sumv * d0 * d0);
    }
    // drop zeros from the active list
    if (this.A.some((j) => b[j] === 0)) {
      this.A = this.A.filter((j) => {
        if (b[j] === 0) {
          inA[j] = 0;
          return false;
        }
        return true;
      });
    }
    return dlx;
  }

  private objective(lam: number, eta: Float64Array, b: Float64Array, act: number[]): number {
    const { n, y } = this;
    let f = 0;
    if (this.family === "gaussian") for (let i = 0; i < n; i++) f += (y[i] - eta[i]) * (y[i] - eta[i]) / (2 * n);
    else for (let i = 0; i < n; i++) f -= (y[i] * eta[i] - log1pexp(eta[i])) / n;
    let pen = 0;
    for (const j of act) pen += Math.abs(b[j]);
    return f + lam * pen;
  }

  /**
   * Append rows/columns for act[k0-1 ..] to a Cholesky factor of [1, X_A]' W [1, X_A] (k0 x k0), with the
   * weights w (already divided by n) the factor was built with. Returns null if the result is not PD.
   */
  private extendFactor(L0: Float64Array, k0: number, act: number[], w: Float64Array): Float64Array | null {
    const { n, xs } = this;
    const k = act.length + 1;
    const L = new Float64Array(k * k);
    for (let i = 0; i < k0; i++) for (let j = 0; j <= i; j++) L[i * k + j] = L0[i * k0 + j];
    const col = (m: number, i: number): number => (m === 0 ? 1 : xs[act[m - 1] * n + i]);
    for (let m = k0; m < k; m++) {
      const off = act[m - 1] * n;
      // h_c = sum_i w_i z_c,i x_new,i for c <= m
      for (let c = 0; c <= m; c++) {
        let h = 0;
        for (let i = 0; i < n; i++) h += w[i] * col(c, i) * xs[off + i];
        // forward substitution row m of L
        if (c < m) {
          let s = h;
          for (let q = 0; q < c; q++) s -= L[m * k + q] * L[c * k + q];
          L[m * k + c] = s / L[c * k + c];
        } else {
          let s = h;
          for (let q = 0; q < m; q++) s -= L[m * k + q] * L[m * k + q];
          if (!(s > 1e-300)) return null;
          L[m * k + m] = Math.sqrt(s);
        }
      }
    }
    return L;
  }

  /**
   * Active-set Newton with fixed signs on the smooth restriction of the objective (a coefficient reaching zero
   * leaves the set: projected Newton). Succeeds only if every inactive column then satisfies the KKT condition
   * |g_j| <= lambda; otherwise the caller keeps iterating CD (from the polished point, which only lowered the
   * objective, or from the restored state when the Newton system failed).
   */
  private polish(lam: number): boolean {
    this.gradFresh = false;
    const { n, xs, y, b } = this;
    const act = this.A.filter((j) => b[j] !== 0);
    let k = act.length + 1;
    let drops = 0;
    if (act.length > this.maxPolish || k > n) return false;
    const saveB = Float64Array.from(b);
    const saveB0 = this.b0;
    const saveEta = Float64Array.from(this.eta);
    const restore = (): false => {
      b.set(saveB);
      this.b0 = saveB0;
      this.eta.set(saveEta);
      return false;
    };
    const sgn = act.map((j) => Math.sign(b[j]));
    const g = new Float64Array(k);
    const res = new Float64Array(n);
    const etaNew = new Float64Array(n);
    const bNew = new Float64Array(this.p);
    const Z = new Float64Array(k * n); // rows: sqrt(w) * [1, x_a], contiguous for fast dot products
    // reuse the previous lambda's Hessian factor when the active set is unchanged (chord Newton; refreshed
    // below as soon as convergence slows down)
    const key = act.join(",");
    let L: Float64Array | null = null;
    if (this.cachedL && this.cachedKey === key) L = this.cachedL;
    else if (this.cachedL && this.cachedW && key.startsWith(this.cachedKey + ",")) {
      // new variables were appended: extend the cached factor (same stale weights) by one row per variable
      L = this.extendFactor(this.cachedL, this.cachedKey.split(",").length + 1, act, this.cachedW);
      if (L) {
        this.cachedKey = key;
        this.cachedL = L;
      }
    }
    let f = this.objective(lam, this.eta, b, act);
    let lastDec = Infinity;
    for (let it = 0; it < 60; it++) {
      for (let i = 0; i < n; i++) res[i] = (y[i] - this.mu(this.eta[i])) / n;
      // gradient of the smooth restricted objective: -[1, X_A]'(y - mu)/n + lambda * (0, sign)
      let s0 = 0;
      for (let i = 0; i < n; i++) s0 += res[i];
      g[0] = -s0;
      for (let a = 0; a < act.length; a++) {
        const off = act[a] * n;
        let s = 0;
        s = dotAt(xs, off, res, n);
        g[a + 1] = -s + lam * sgn[a];
      }
      if (L === null) {
        // Hessian [1, X_A]' W [1, X_A] / n at the current point; reused (chord Newton) while it keeps converging
        for (let i = 0; i < n; i++) {
          const m = this.mu(this.eta[i]);
          Z[i] = Math.sqrt((this.family === "gaussian" ? 1 : Math.max(m * (1 - m), PMIN * (1 - PMIN))) / n);
        }
        for (let a = 0; a < act.length; a++) {
          const off = act[a] * n;
          const row = (a + 1) * n;
          for (let i = 0; i < n; i++) Z[row + i] = Z[i] * xs[off + i];
        }
        const H = new Float64Array(k * k);
        for (let a = 0; a < k; a++) {
          const ra = a * n;
          for (let c = 0; c <= a; c++) {
            const rc = c * n;
            let t0 = 0,
              t1 = 0,
              t2 = 0,
              t3 = 0;
            let i = 0;
            for (; i + 3 < n; i += 4) {
              t0 += Z[ra + i] * Z[rc + i];
              t1 += Z[ra + i + 1] * Z[rc + i + 1];
              t2 += Z[ra + i + 2] * Z[rc + i + 2];
              t3 += Z[ra + i + 3] * Z[rc + i + 3];
            }
            for (; i < n; i++) t0 += Z[ra + i] * Z[rc + i];
            const t = t0 + t1 + t2 + t3;
            H[a * k + c] = t;
            H[c * k + a] = t;
          }
        }
        L = cholesky(H, k);
        if (!L) return restore();
        this.cachedKey = act.join(",");
        this.cachedL = L;
        const w = new Float64Array(n);
        for (let i = 0; i < n; i++) w[i] = Z[i] * Z[i];
        this.cachedW = w;
      }
      const step = cholSolve(L, g, k);
      let dec = 0;
      for (let a = 0; a < k; a++) dec += step[a] * g[a]; // (approximate) Newton decrement g' H^-1 g
      if (!(dec >= 0)) return restore();
      if (dec < 1e-30 * Math.max(1, Math.abs(f))) break;
      // largest step keeping every sign (the restriction is smooth only inside the orthant)
      let t = 1;
      let drop = -1;
      for (let a = 0; a < act.length; a++) {
        const st = step[a + 1];
        const bj = b[act[a]];
        if (st !== 0 && Math.sign(bj - st) !== sgn[a]) {
          const tc = bj / st; // b - tc * step = 0
          if (tc < t) {
            t = tc;
            drop = a;
          }
        }
      }
      let accepted = false;
      for (let ls = 0; ls < 40; ls++) {
        bNew.set(b);
        for (let a = 0; a < act.length; a++) bNew[act[a]] = b[act[a]] - t * step[a + 1];
        if (drop >= 0 && ls === 0) bNew[act[drop]] = 0; // lands exactly on zero
        const b0n = this.b0 - t * step[0];
        etaNew.fill(b0n);
        for (let a = 0; a < act.length; a++) {
          const off = act[a] * n;
          const ba = bNew[act[a]];
          if (ba !== 0) for (let i = 0; i < n; i++) etaNew[i] += ba * xs[off + i];
        }
        const fn = this.objective(lam, etaNew, bNew, act);
        if (fn <= f - 1e-4 * t * dec + 1e-15 * Math.abs(f)) {
          b.set(bNew);
          this.b0 = b0n;
          this.eta.set(etaNew);
          f = fn;
          accepted = true;
          if (drop >= 0 && ls === 0) {
            // the coefficient reached zero: leave the active set and refactor (projected Newton)
            act.splice(drop, 1);
            sgn.splice(drop, 1);
            k = act.length + 1;
            L = null;
            if (++drops > 20) return restore();
          }
          break;
        }
        t /= 2;
      }
      if (!accepted) {
        if (it > 0 && this.family !== "gaussian") {
          L = null; // stale Hessian: refresh once
          continue;
        }
        break;
      }
      if (dec < 1e-20 * Math.max(1, Math.abs(f))) break;
      if (L !== null && this.family !== "gaussian" && dec > 0.25 * lastDec) L = null; // slow chord convergence: refresh the Hessian
      lastDec = dec;
    }
    // KKT on the inactive columns
    for (let i = 0; i < n; i++) res[i] = (y[i] - this.mu(this.eta[i])) / n;
    for (let j = 0; j < this.p; j++) {
      if (!this.ju[j] || b[j] !== 0) continue;
      const off = j * n;
      let s = 0;
      s = dotAt(xs, off, res, n);
      // a column wants to enter: keep the (better) polished point and let CD bring the column in
      if (Math.abs(s) > lam * (1 + 1e-9)) return false;
      this.grad[j] = s;
    }
    this.gradFresh = true; // grad holds the gradient of every inactive column at the polished solution
    return true;
  }
}

/** sum_i a[off + i] * b[i], 4-way unrolled */
function dotAt(a: Float64Array, off: number, b: Float64Array, n: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[off + i] * b[i];
    s1 += a[off + i + 1] * b[i + 1];
    s2 += a[off + i + 2] * b[i + 2];
    s3 += a[off + i + 3] * b[i + 3];
  }
  for (; i < n; i++) s0 += a[off + i] * b[i];
  return s0 + s1 + s2 + s3;
}

/** Cholesky factor L (lower, row-major) of a symmetric positive definite k x k matrix; null if not PD. */
function cholesky(H: Float64Array, k: number): Float64Array | null {
  const L = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i * k + j];
      for (let m = 0; m < j; m++) s -= L[i * k + m] * L[j * k + m];
      if (i === j) {
        if (!(s > 1e-300)) return null;
        L[i * k + i] = Math.sqrt(s);
      } else L[i * k + j] = s / L[j * k + j];
    }
  }
  return L;
}

/** Solve L L' x = g. */
function cholSolve(L: Float64Array, g: Float64Array, k: number): Float64Array {
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = g[i];
    for (let m = 0; m < i; m++) s -= L[i * k + m] * z[m];
    z[i] = s / L[i * k + i];
  }
  const out = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = z[i];
    for (let m = i + 1; m < k; m++) s -= L[m * k + i] * out[m];
    out[i] = s / L[i * k + i];
  }
  return out;
}

/** glmnet:::lambda.interp: left/right indices and the weight of `left` for each s. */
export function lambdaInterp(lambda: ArrayLike<number>, s: ArrayLike<number>): { left: Int32Array; right: Int32Array; frac: Float64Array } {
  const ns = s.length;
  const left = new Int32Array(ns);
  const right = new Int32Array(ns);
  const frac = new Float64Array(ns);
  const k = lambda.length;
  if (k === 1) {
    frac.fill(1);
    return { left, right, frac };
  }
  const l1 = lambda[0];
  const lk = lambda[k - 1];
  const norm = new Float64Array(k);
  for (let m = 0; m < k; m++) norm[m] = (l1 - lambda[m]) / (l1 - lk); // 0 .. 1 increasing
  const lo = Math.min(...norm);
  const hi = Math.max(...norm);
  for (let t = 0; t < ns; t++) {
    let sf = (l1 - s[t]) / (l1 - lk);
    if (sf < lo) sf = lo;
    if (sf > hi) sf = hi;
    // coord = approx(norm, 1:k, sf)$y (linear interpolation of the 1-based index)
    let coord: number;
    let m = 0;
    while (m < k - 1 && norm[m + 1] < sf) m++;
    if (sf === norm[m]) coord = m + 1;
    else if (m + 1 < k && sf === norm[m + 1]) coord = m + 2;
    else coord = m + 1 + (sf - norm[m]) / (norm[m + 1] - norm[m]);
    const l = Math.floor(coord);
    const r = Math.ceil(coord);
    let fr = (sf - norm[r - 1]) / (norm[l - 1] - norm[r - 1]);
    if (l === r) fr = 1;
    if (Math.abs(norm[l - 1] - norm[r - 1]) < 2.220446049250313e-16) fr = 1;
    left[t] = l - 1;
    right[t] = r - 1;
    frac[t] = fr;
  }
  return { left, right, frac };
}

/** Coefficients at arbitrary lambdas by glmnet's linear interpolation (predict.glmnet(s = …)). */
export function coefAt(fit: GlmnetFit, s: ArrayLike<number>): { a0: Float64Array; beta: Float64Array[] } {
  const { left, right, frac } = lambdaInterp(fit.lambda, s);
  const a0 = new Float64Array(s.length);
  const beta: Float64Array[] = [];
  for (let t = 0; t < s.length; t++) {
    const l = left[t];
    const r = right[t];
    const f = frac[t];
    a0[t] = fit.a0[l] * f + fit.a0[r] * (1 - f);
    const bl = fit.beta[l];
    const br = fit.beta[r];
    const bt = new Float64Array(fit.p);
    for (let j = 0; j < fit.p; j++) bt[j] = bl[j] * f + br[j] * (1 - f);
    beta.push(bt);
  }
  return { a0, beta };
}

/** Linear predictor a0 + x beta for one coefficient vector. */
export function linearPredictor(x: DesignMatrix, a0: number, beta: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.n).fill(a0);
  for (let j = 0; j < x.p; j++) {
    const bj = beta[j];
    if (bj === 0) continue;
    const off = j * x.n;
    for (let i = 0; i < x.n; i++) out[i] += x.data[off + i] * bj;
  }
  return out;
}

/** predict(fit, newx, s, type = 'link'): one Float64Array (length newx.n) per s. With `s` omitted, the fit's own lambdas. */
export function predictLink(fit: GlmnetFit, x: DesignMatrix, s?: ArrayLike<number>): Float64Array[] {
  if (x.p !== fit.p) throw new GlmnetError(`predict: newx has ${x.p} columns, the fit ${fit.p}`);
  if (s === undefined) return fit.beta.map((b, k) => linearPredictor(x, fit.a0[k], b));
  const c = coefAt(fit, s);
  return c.beta.map((b, k) => linearPredictor(x, c.a0[k], b));
}

/** The LASSO objective at (a0, beta) on the original scale (README objective_definition). */
export function lassoObjective(fit: GlmnetFit, x: DesignMatrix, y: ArrayLike<number>, lambda: number, a0: number, beta: ArrayLike<number>): number {
  const eta = linearPredictor(x, a0, beta);
  let f = 0;
  for (let i = 0; i < x.n; i++) {
    if (fit.family === "gaussian") f += (y[i] - eta[i]) ** 2 / (2 * x.n);
    else f -= (y[i] * eta[i] - log1pexp(eta[i])) / x.n;
  }
  let pen = 0;
  for (let j = 0; j < x.p; j++) pen += fit.penaltyWeights[j] * Math.abs(beta[j]);
  return f + lambda * pen;
}
