// Grey-level size-zone matrix (GLSZM) features, IBSI 2D (8QNN) / PyRadiomics glszm: zones = 8-connected sets of
// equal level inside the ROI, P(i, j) = number of zones with level i and size j. Zones are labelled by a flood fill
// with a reused Int32Array stack; the matrix is kept sparse (a sorted list of (level, size) keys), because a dense
// Ng x N_p matrix would be tens of MB for a large ROI.

export const GLSZM_NAMES = [
  "SmallAreaEmphasis",
  "LargeAreaEmphasis",
  "GrayLevelNonUniformity",
  "GrayLevelNonUniformityNormalized",
  "SizeZoneNonUniformity",
  "SizeZoneNonUniformityNormalized",
  "ZonePercentage",
  "GrayLevelVariance",
  "ZoneVariance",
  "ZoneEntropy",
  "LowGrayLevelZoneEmphasis",
  "HighGrayLevelZoneEmphasis",
  "SmallAreaLowGrayLevelEmphasis",
  "SmallAreaHighGrayLevelEmphasis",
  "LargeAreaLowGrayLevelEmphasis",
  "LargeAreaHighGrayLevelEmphasis",
] as const;
export const GLSZM_NF = GLSZM_NAMES.length;
/** IBSI codes in GLSZM_NAMES order. */
export const GLSZM_IBSI = ["5QRC", "48P8", "JNSA", "Y1RO", "4JP3", "VB3A", "P30P", "BYLV", "3NSA", "GU8N", "XMSY", "5GN9", "5RAI", "HW1V", "YH51", "J17V"] as const;

const EPS = 2.220446049250313e-16;

const ws = {
  seen: new Uint8Array(0),
  stack: new Int32Array(0),
  keys: new Float64Array(0),
  levelCount: new Float64Array(0),
  sizeCount: new Float64Array(0),
};

/** GLSZM features into out[off ..) for ROI pixels at grid positions idx[0..n) of a padded grid (row stride). */
export function glszmFeatures(lv: Uint16Array, stride: number, gridSize: number, idx: Int32Array, n: number, ng: number, out: Float64Array, off: number): void {
  if (ws.seen.length < gridSize) ws.seen = new Uint8Array(gridSize);
  if (ws.stack.length < n + 8) ws.stack = new Int32Array(n + 8);
  if (ws.keys.length < n) ws.keys = new Float64Array(n);
  const seen = ws.seen;
  seen.fill(0, 0, gridSize);
  const stack = ws.stack;
  const keys = ws.keys;
  const nb = [-stride - 1, -stride, -stride + 1, -1, 1, stride - 1, stride, stride + 1];
  let nz = 0;
  const base = n + 1;
  for (let k = 0; k < n; k++) {
    const p0 = idx[k];
    if (seen[p0]) continue;
    const a = lv[p0];
    seen[p0] = 1;
    let sp = 0;
    stack[sp++] = p0;
    let size = 0;
    while (sp > 0) {
      const p = stack[--sp];
      size++;
      for (let t = 0; t < 8; t++) {
        const q = p + nb[t];
        if (!seen[q] && lv[q] === a) {
          seen[q] = 1;
          stack[sp++] = q;
        }
      }
    }
    keys[nz++] = a * base + size;
  }
  const ks = keys.subarray(0, nz).sort();
  if (ws.levelCount.length < ng + 1) ws.levelCount = new Float64Array(ng + 1);
  if (ws.sizeCount.length < n + 1) ws.sizeCount = new Float64Array(n + 1);
  const lc = ws.levelCount;
  const sc = ws.sizeCount;
  lc.fill(0, 0, ng + 1);
  sc.fill(0, 0, n + 1);
  let sae = 0;
  let lae = 0;
  let lgze = 0;
  let hgze = 0;
  let salge = 0;
  let sahge = 0;
  let lalge = 0;
  let lahge = 0;
  let mui = 0;
  let muj = 0;
  for (let t = 0; t < nz; t++) {
    const key = ks[t];
    const i = Math.floor(key / base);
    const j = key - i * base;
    const ii = i * i;
    const jj = j * j;
    lc[i]++;
    sc[j]++;
    sae += 1 / jj;
    lae += jj;
    lgze += 1 / ii;
    hgze += ii;
    salge += 1 / (ii * jj);
    sahge += ii / jj;
    lalge += jj / ii;
    lahge += ii * jj;
    mui += i / nz;
    muj += j / nz;
  }
  let gln = 0;
  for (let i = 1; i <= ng; i++) gln += lc[i] * lc[i];
  let szn = 0;
  for (let j = 1; j <= n; j++) szn += sc[j] * sc[j];
  let glv = 0;
  let zv = 0;
  let ent = 0;
  for (let t = 0; t < nz; ) {
    const key = ks[t];
    let c = 0;
    while (t < nz && ks[t] === key) {
      c++;
      t++;
    }
    const i = Math.floor(key / base);
    const j = key - i * base;
    const p = c / nz;
    glv += p * (i - mui) * (i - mui);
    zv += p * (j - muj) * (j - muj);
    ent -= p * Math.log2(p + EPS);
  }
  let o = off;
  out[o++] = sae / nz; // SmallAreaEmphasis (IBSI 5QRC): sum P/j^2 / N_z
  out[o++] = lae / nz; // LargeAreaEmphasis (IBSI 48P8): sum P j^2 / N_z
  out[o++] = gln / nz; // GrayLevelNonUniformity (IBSI JNSA): sum_i (sum_j P)^2 / N_z
  out[o++] = gln / (nz * nz); // GrayLevelNonUniformityNormalized (IBSI Y1RO): / N_z^2
  out[o++] = szn / nz; // SizeZoneNonUniformity (IBSI 4JP3): sum_j (sum_i P)^2 / N_z
  out[o++] = szn / (nz * nz); // SizeZoneNonUniformityNormalized (IBSI VB3A): / N_z^2
  out[o++] = nz / n; // ZonePercentage (IBSI P30P): N_z / N_p
  out[o++] = glv; // GrayLevelVariance (IBSI BYLV): sum p (i - mu_i)^2
  out[o++] = zv; // ZoneVariance (IBSI 3NSA): sum p (j - mu_j)^2
  out[o++] = ent; // ZoneEntropy (IBSI GU8N): -sum p log2(p + eps)
  out[o++] = lgze / nz; // LowGrayLevelZoneEmphasis (IBSI XMSY): sum P/i^2 / N_z
  out[o++] = hgze / nz; // HighGrayLevelZoneEmphasis (IBSI 5GN9): sum P i^2 / N_z
  out[o++] = salge / nz; // SmallAreaLowGrayLevelEmphasis (IBSI 5RAI): sum P/(i^2 j^2) / N_z
  out[o++] = sahge / nz; // SmallAreaHighGrayLevelEmphasis (IBSI HW1V): sum P i^2/j^2 / N_z
  out[o++] = lalge / nz; // LargeAreaLowGrayLevelEmphasis (IBSI YH51): sum P j^2/i^2 / N_z
  out[o++] = lahge / nz; // LargeAreaHighGrayLevelEmphasis (IBSI J17V): sum P i^2 j^2 / N_z
}
