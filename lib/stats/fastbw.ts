// Fast backward elimination, rms::fastbw(fit, rule = "aic", type = "individual", aics = 0):
// Lawless & Singhal (1978) approximations from the full fit's coefficients b and covariance V.
// After deleting parameter set D, the kept parameters K are approximated by
//   b_K* = b_K - V_KD V_DD^-1 b_D,   V_K* = V_KK - V_KD V_DD^-1 V_DK,
// a factor's individual Wald chi2 is b*_f' (V*_ff)^-1 b*_f, and at each step the factor with the
// smallest chi2 - 2 df is deleted while that is below aics = 0. Residual chi2 = b_D' V_DD^-1 b_D.
import { cholesky, cholSolve, quadFormInv, subMatrix } from "./linalg.ts";
import { pchisqUpper } from "./distributions.ts";
import type { LrmModel } from "./logistic.ts";

export interface FastbwStep {
  deleted: string;
  chi2: number;
  df: number;
  p: number;
  residualChi2: number;
  residualDf: number;
  residualP: number;
  /** residual chi2 - 2 residual df */
  aic: number;
}

export interface FastbwResult {
  steps: FastbwStep[];
  /** factor names, deletion order */
  deleted: string[];
  /** factor names, formula order */
  kept: string[];
  /** 1-based positions of the kept coefficients (Intercept = 1), as rms parms.kept */
  parmsKept: number[];
  /** approximate coefficients after deletion (Intercept first), keyed by name */
  coefficients: Record<string, number>;
}

/** b_K - V_KD V_DD^-1 b_D and V_KK - V_KD V_DD^-1 V_DK */
function reduce(b: number[], V: ArrayLike<number>, m: number, K: number[], D: number[]): { bK: number[]; VK: Float64Array } {
  const bK = K.map((k) => b[k]);
  const VK = subMatrix(V, m, K);
  if (D.length === 0) return { bK, VK };
  const VDD = subMatrix(V, m, D);
  const L = cholesky(VDD, D.length);
  if (!L) throw new Error("fastbw: covariance of deleted parameters is singular");
  const bD = D.map((d) => b[d]);
  const w = cholSolve(L, D.length, bD); // V_DD^-1 b_D
  const VKD = subMatrix(V, m, K, D);
  const nk = K.length;
  const nd = D.length;
  for (let i = 0; i < nk; i++) {
    let s = 0;
    for (let j = 0; j < nd; j++) s += VKD[i * nd + j] * w[j];
    bK[i] -= s;
  }
  // columns of V_DD^-1 V_DK
  const Z = new Float64Array(nd * nk);
  const col = new Float64Array(nd);
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nd; j++) col[j] = VKD[k * nd + j];
    const z = cholSolve(L, nd, col);
    for (let j = 0; j < nd; j++) Z[j * nk + k] = z[j];
  }
  for (let i = 0; i < nk; i++)
    for (let k = 0; k < nk; k++) {
      let s = 0;
      for (let j = 0; j < nd; j++) s += VKD[i * nd + j] * Z[j * nk + k];
      VK[i * nk + k] -= s;
    }
  return { bK, VK };
}

export function fastbw(model: Pick<LrmModel, "spec" | "coefficients" | "vcov" | "names">, aics = 0): FastbwResult {
  const b = model.coefficients;
  const m = b.length;
  const V = new Float64Array(m * m);
  model.vcov.forEach((row, i) => row.forEach((v, j) => (V[i * m + j] = v)));
  const factors = model.spec.terms
    .map((t) => ({ name: t.name, idx: t.columnIndex.filter((c) => c >= 0).map((c) => c + 1) }))
    .filter((f) => f.idx.length > 0);
  let remaining = factors.slice();
  const deleted: typeof factors = [];
  const steps: FastbwStep[] = [];
  for (;;) {
    if (remaining.length === 0) break;
    const D = deleted.flatMap((f) => f.idx).sort((a, c) => a - c);
    const K = [0, ...remaining.flatMap((f) => f.idx)].sort((a, c) => a - c);
    const { bK, VK } = reduce(b, V, m, K, D);
    let best = -1;
    let bestCrit = Infinity;
    let bestChi2 = 0;
    remaining.forEach((f, fi) => {
      const pos = f.idx.map((i) => K.indexOf(i));
      const chi2 = quadFormInv(subMatrix(VK, K.length, pos), pos.length, pos.map((q) => bK[q]));
      const crit = chi2 - 2 * f.idx.length;
      if (crit < bestCrit) {
        bestCrit = crit;
        best = fi;
        bestChi2 = chi2;
      }
    });
    if (!(bestCrit < aics)) break;
    const f = remaining[best];
    deleted.push(f);
    remaining = remaining.filter((_, i) => i !== best);
    const D2 = deleted.flatMap((g) => g.idx).sort((a, c) => a - c);
    const resid = quadFormInv(subMatrix(V, m, D2), D2.length, D2.map((d) => b[d]));
    steps.push({
      deleted: f.name,
      chi2: bestChi2,
      df: f.idx.length,
      p: pchisqUpper(bestChi2, f.idx.length),
      residualChi2: resid,
      residualDf: D2.length,
      residualP: pchisqUpper(resid, D2.length),
      aic: resid - 2 * D2.length,
    });
  }
  const D = deleted.flatMap((f) => f.idx).sort((a, c) => a - c);
  const K = [0, ...remaining.flatMap((f) => f.idx)].sort((a, c) => a - c);
  const { bK } = reduce(b, V, m, K, D);
  const coefficients: Record<string, number> = {};
  K.forEach((k, i) => (coefficients[model.names[k]] = bK[i]));
  return {
    steps,
    deleted: deleted.map((f) => f.name),
    kept: factors.filter((f) => remaining.includes(f)).map((f) => f.name),
    parmsKept: K.map((k) => k + 1),
    coefficients,
  };
}
