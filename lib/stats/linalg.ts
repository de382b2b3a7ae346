// Small dense symmetric linear algebra for the Newton steps (p <= ~30). Hand-written rather than
// ml-matrix because the bootstrap calls these ~10^4 times on tiny matrices and object allocation
// dominated; flat Float64Array row-major storage.

/** Cholesky factor L (lower, row-major) of a symmetric positive-definite m x m matrix; null if not PD. */
export function cholesky(A: Float64Array, m: number): Float64Array | null {
  const L = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    let s = A[j * m + j];
    for (let k = 0; k < j; k++) s -= L[j * m + k] * L[j * m + k];
    if (!(s > 0)) return null;
    const d = Math.sqrt(s);
    L[j * m + j] = d;
    for (let i = j + 1; i < m; i++) {
      let t = A[i * m + j];
      for (let k = 0; k < j; k++) t -= L[i * m + k] * L[j * m + k];
      L[i * m + j] = t / d;
    }
  }
  return L;
}

/** Solve L L' x = b. */
export function cholSolve(L: Float64Array, m: number, b: ArrayLike<number>): Float64Array {
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * m + k] * z[k];
    z[i] = s / L[i * m + i];
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * x[k];
    x[i] = s / L[i * m + i];
  }
  return x;
}

/** Inverse of a symmetric PD matrix from its Cholesky factor. */
export function cholInverse(L: Float64Array, m: number): Float64Array {
  const inv = new Float64Array(m * m);
  const e = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    e.fill(0);
    e[j] = 1;
    const col = cholSolve(L, m, e);
    for (let i = 0; i < m; i++) inv[i * m + j] = col[i];
  }
  // symmetrise
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) {
      const v = (inv[i * m + j] + inv[j * m + i]) / 2;
      inv[i * m + j] = v;
      inv[j * m + i] = v;
    }
  return inv;
}

/** Inverse of a symmetric PD matrix (throws if singular). */
export function symInverse(A: Float64Array, m: number): Float64Array {
  const L = cholesky(A, m);
  if (!L) throw new Error("matrix is not positive definite");
  return cholInverse(L, m);
}

/** Submatrix A[idx, idx] of an m x m matrix. */
export function subMatrix(A: ArrayLike<number>, m: number, rows: number[], cols: number[] = rows): Float64Array {
  const out = new Float64Array(rows.length * cols.length);
  rows.forEach((r, i) => cols.forEach((c, j) => (out[i * cols.length + j] = A[r * m + c])));
  return out;
}

/** Quadratic form b' A^-1 b for symmetric PD A (k x k). */
export function quadFormInv(A: Float64Array, k: number, b: ArrayLike<number>): number {
  const L = cholesky(A, k);
  if (!L) return NaN;
  const x = cholSolve(L, k, b);
  let s = 0;
  for (let i = 0; i < k; i++) s += b[i] * x[i];
  return s;
}
