// Grey-level dependence matrix (PyRadiomics gldm = IBSI NGLDM with coarseness alpha = 0, distance 1, 2D):
// j = 1 + number of 8-neighbours inside the ROI with the same level (the centre counts, so j >= 1);
// P(i, j) = number of ROI pixels with level i and dependence j; N_z = N_p.

export const GLDM_NAMES = [
  "SmallDependenceEmphasis",
  "LargeDependenceEmphasis",
  "GrayLevelNonUniformity",
  "DependenceNonUniformity",
  "DependenceNonUniformityNormalized",
  "GrayLevelVariance",
  "DependenceVariance",
  "DependenceEntropy",
  "LowGrayLevelEmphasis",
  "HighGrayLevelEmphasis",
  "SmallDependenceLowGrayLevelEmphasis",
  "SmallDependenceHighGrayLevelEmphasis",
  "LargeDependenceLowGrayLevelEmphasis",
  "LargeDependenceHighGrayLevelEmphasis",
] as const;
export const GLDM_NF = GLDM_NAMES.length;
/** IBSI NGLDM codes in GLDM_NAMES order. */
export const GLDM_IBSI = ["SODN", "IMOQ", "FP8K", "Z87G", "OKJI", "1PFV", "DNX2", "FCBV", "TL9H", "OAE7", "EQ3F", "JA6D", "NBZI", "9QMG"] as const;

const EPS = 2.220446049250313e-16;
const ws = { m: new Float64Array(0) };

/** GLDM features into out[off ..) for ROI pixels at grid positions idx[0..n) of a padded level grid. */
export function gldmFeatures(lv: Uint16Array, stride: number, idx: Int32Array, n: number, ng: number, out: Float64Array, off: number): void {
  const J = 10; // dependence 1..9
  const g1 = ng + 1;
  if (ws.m.length < g1 * J) ws.m = new Float64Array(g1 * J);
  const M = ws.m;
  M.fill(0, 0, g1 * J);
  for (let k = 0; k < n; k++) {
    const p = idx[k];
    const a = lv[p];
    const up = p - stride;
    const dn = p + stride;
    // alpha = 0: neighbours with |level difference| <= 0, i.e. equal level (0 = outside never matches a >= 1)
    const j =
      1 +
      (lv[up - 1] === a ? 1 : 0) +
      (lv[up] === a ? 1 : 0) +
      (lv[up + 1] === a ? 1 : 0) +
      (lv[p - 1] === a ? 1 : 0) +
      (lv[p + 1] === a ? 1 : 0) +
      (lv[dn - 1] === a ? 1 : 0) +
      (lv[dn] === a ? 1 : 0) +
      (lv[dn + 1] === a ? 1 : 0);
    M[a * J + j]++;
  }
  let sde = 0;
  let lde = 0;
  let lgle = 0;
  let hgle = 0;
  let sdlgle = 0;
  let sdhgle = 0;
  let ldlgle = 0;
  let ldhgle = 0;
  let gln = 0;
  let mui = 0;
  let muj = 0;
  for (let i = 1; i <= ng; i++) {
    let row = 0;
    const ii = i * i;
    for (let j = 1; j < J; j++) {
      const c = M[i * J + j];
      if (c === 0) continue;
      const jj = j * j;
      row += c;
      sde += c / jj;
      lde += c * jj;
      lgle += c / ii;
      hgle += c * ii;
      sdlgle += c / (ii * jj);
      sdhgle += (c * ii) / jj;
      ldlgle += (c * jj) / ii;
      ldhgle += c * ii * jj;
      mui += (i * c) / n;
      muj += (j * c) / n;
    }
    gln += row * row;
  }
  let dn2 = 0;
  for (let j = 1; j < J; j++) {
    let col = 0;
    for (let i = 1; i <= ng; i++) col += M[i * J + j];
    dn2 += col * col;
  }
  let glv = 0;
  let dv = 0;
  let ent = 0;
  for (let i = 1; i <= ng; i++) {
    for (let j = 1; j < J; j++) {
      const c = M[i * J + j];
      if (c === 0) continue;
      const p = c / n;
      glv += p * (i - mui) * (i - mui);
      dv += p * (j - muj) * (j - muj);
      ent -= p * Math.log2(p + EPS);
    }
  }
  let o = off;
  out[o++] = sde / n; // SmallDependenceEmphasis (IBSI SODN): sum P/j^2 / N_z
  out[o++] = lde / n; // LargeDependenceEmphasis (IBSI IMOQ): sum P j^2 / N_z
  out[o++] = gln / n; // GrayLevelNonUniformity (IBSI FP8K): sum_i (sum_j P)^2 / N_z
  out[o++] = dn2 / n; // DependenceNonUniformity (IBSI Z87G): sum_j (sum_i P)^2 / N_z
  out[o++] = dn2 / (n * n); // DependenceNonUniformityNormalized (IBSI OKJI): / N_z^2
  out[o++] = glv; // GrayLevelVariance (IBSI 1PFV): sum p (i - mu_i)^2
  out[o++] = dv; // DependenceVariance (IBSI DNX2): sum p (j - mu_j)^2
  out[o++] = ent; // DependenceEntropy (IBSI FCBV): -sum p log2(p + eps)
  out[o++] = lgle / n; // LowGrayLevelEmphasis (IBSI TL9H): sum P/i^2 / N_z
  out[o++] = hgle / n; // HighGrayLevelEmphasis (IBSI OAE7): sum P i^2 / N_z
  out[o++] = sdlgle / n; // SmallDependenceLowGrayLevelEmphasis (IBSI EQ3F): sum P/(i^2 j^2) / N_z
  out[o++] = sdhgle / n; // SmallDependenceHighGrayLevelEmphasis (IBSI JA6D): sum P i^2/j^2 / N_z
  out[o++] = ldlgle / n; // LargeDependenceLowGrayLevelEmphasis (IBSI NBZI): sum P j^2/i^2 / N_z
  out[o++] = ldhgle / n; // LargeDependenceHighGrayLevelEmphasis (IBSI 9QMG): sum P i^2 j^2 / N_z
}
