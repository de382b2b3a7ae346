// Eigenvalues (real parts and imaginary parts) of a small real non-symmetric matrix: balance (EISPACK balanc),
// reduce to upper Hessenberg form by stabilised elimination (elmhes), then the Francis double-shift QR (hqr).
// Hand-written on a typed array because the MCC needs one 32x32 eigenproblem per GLCM direction (32 per
// extraction) and ml-matrix's EigenvalueDecomposition (which also builds eigenvectors and boxes every element)
// costs ~1 ms each; this costs ~0.05 ms. Falls back to ml-matrix if QR does not converge.
import { EigenvalueDecomposition, Matrix } from "ml-matrix";

const RADIX = 2;

/** Balance a (n x n, row-major, in place) so that row and column norms are similar; eigenvalues unchanged. */
function balance(a: Float64Array, n: number): void {
  const sqrdx = RADIX * RADIX;
  let done = false;
  while (!done) {
    done = true;
    for (let i = 0; i < n; i++) {
      let r = 0;
      let c = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        c += Math.abs(a[j * n + i]);
        r += Math.abs(a[i * n + j]);
      }
      if (c !== 0 && r !== 0) {
        let g = r / RADIX;
        let f = 1;
        const s = c + r;
        while (c < g) {
          f *= RADIX;
          c *= sqrdx;
        }
        g = r * RADIX;
        while (c > g) {
          f /= RADIX;
          c /= sqrdx;
        }
        if ((c + r) / f < 0.95 * s) {
          done = false;
          const gi = 1 / f;
          for (let j = 0; j < n; j++) a[i * n + j] *= gi;
          for (let j = 0; j < n; j++) a[j * n + i] *= f;
        }
      }
    }
  }
}

/** Reduce to upper Hessenberg form by elimination with pivoting (in place; entries below the subdiagonal zeroed). */
function hessenberg(a: Float64Array, n: number): void {
  for (let m = 1; m < n - 1; m++) {
    let x = 0;
    let i = m;
    for (let j = m; j < n; j++) {
      if (Math.abs(a[j * n + m - 1]) > Math.abs(x)) {
        x = a[j * n + m - 1];
        i = j;
      }
    }
    if (i !== m) {
      for (let j = m - 1; j < n; j++) {
        const t = a[i * n + j];
        a[i * n + j] = a[m * n + j];
        a[m * n + j] = t;
      }
      for (let j = 0; j < n; j++) {
        const t = a[j * n + i];
        a[j * n + i] = a[j * n + m];
        a[j * n + m] = t;
      }
    }
    if (x !== 0) {
      for (i = m + 1; i < n; i++) {
        let y = a[i * n + m - 1];
        if (y !== 0) {
          y /= x;
          a[i * n + m - 1] = y;
          for (let j = m; j < n; j++) a[i * n + j] -= y * a[m * n + j];
          for (let j = 0; j < n; j++) a[j * n + m] += y * a[j * n + i];
        }
      }
    }
  }
  for (let i = 2; i < n; i++) for (let j = 0; j < i - 1; j++) a[i * n + j] = 0;
}

const sign = (a: number, b: number): number => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/** Francis QR on an upper Hessenberg matrix (destroyed). Returns false if it did not converge. */
function hqr(a: Float64Array, n: number, wr: Float64Array, wi: Float64Array): boolean {
  let anorm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) anorm += Math.abs(a[i * n + j]);
  let nn = n - 1;
  let t = 0;
  let p = 0;
  let q = 0;
  let r = 0;
  let s = 0;
  let w = 0;
  let x = 0;
  let y = 0;
  let z = 0;
  while (nn >= 0) {
    let its = 0;
    let l: number;
    do {
      for (l = nn; l >= 1; l--) {
        s = Math.abs(a[(l - 1) * n + l - 1]) + Math.abs(a[l * n + l]);
        if (s === 0) s = anorm;
        if (Math.abs(a[l * n + l - 1]) + s === s) {
          a[l * n + l - 1] = 0;
          break;
        }
      }
      x = a[nn * n + nn];
      if (l === nn) {
        wr[nn] = x + t;
        wi[nn] = 0;
        nn--;
      } else {
        y = a[(nn - 1) * n + nn - 1];
        w = a[nn * n + nn - 1] * a[(nn - 1) * n + nn];
        if (l === nn - 1) {
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + sign(z, p);
            wr[nn - 1] = wr[nn] = x + z;
            if (z !== 0) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn] = z;
            wi[nn - 1] = -z;
          }
          nn -= 2;
        } else {
          if (its === 60) return false;
          if (its === 10 || its === 20 || its === 40) {
            t += x;
            for (let i = 0; i <= nn; i++) a[i * n + i] -= x;
            s = Math.abs(a[nn * n + nn - 1]) + Math.abs(a[(nn - 1) * n + nn - 2]);
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          ++its;
          let m: number;
          for (m = nn - 2; m >= l; m--) {
            z = a[m * n + m];
            r = x - z;
            s = y - z;
            p = (r * s - w) / a[(m + 1) * n + m] + a[m * n + m + 1];
            q = a[(m + 1) * n + m + 1] - z - r - s;
            r = a[(m + 2) * n + m + 1];
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(a[m * n + m - 1]) * (Math.abs(q) + Math.abs(r));
            const v = Math.abs(p) * (Math.abs(a[(m - 1) * n + m - 1]) + Math.abs(z) + Math.abs(a[(m + 1) * n + m + 1]));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            a[i * n + i - 2] = 0;
            if (i !== m + 2) a[i * n + i - 3] = 0;
          }
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = a[k * n + k - 1];
              q = a[(k + 1) * n + k - 1];
              r = 0;
              if (k !== nn - 1) r = a[(k + 2) * n + k - 1];
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            s = sign(Math.sqrt(p * p + q * q + r * r), p);
            if (s !== 0) {
              if (k === m) {
                if (l !== m) a[k * n + k - 1] = -a[k * n + k - 1];
              } else a[k * n + k - 1] = -s * x;
              p += s;
              x = p / s;
              y = q / s;
              z = r / s;
              q /= p;
              r /= p;
              for (let j = k; j <= nn; j++) {
                p = a[k * n + j] + q * a[(k + 1) * n + j];
                if (k !== nn - 1) {
                  p += r * a[(k + 2) * n + j];
                  a[(k + 2) * n + j] -= p * z;
                }
                a[(k + 1) * n + j] -= p * y;
                a[k * n + j] -= p * x;
              }
              const mmin = nn < k + 3 ? nn : k + 3;
              for (let i = l; i <= mmin; i++) {
                p = x * a[i * n + k] + y * a[i * n + k + 1];
                if (k !== nn - 1) {
                  p += z * a[i * n + k + 2];
                  a[i * n + k + 2] -= p * r;
                }
                a[i * n + k + 1] -= p * q;
                a[i * n + k] -= p;
              }
            }
          }
        }
      }
    } while (l < nn - 1);
  }
  return true;
}

let work = new Float64Array(0);
let wrBuf = new Float64Array(0);
let wiBuf = new Float64Array(0);

/**
 * Real parts of the eigenvalues of the n x n row-major matrix m (not modified), into the returned reused array
 * (first n entries). Same values as numpy.linalg.eigvals up to round-off.
 */
export function realEigenvalues(m: Float64Array, n: number): Float64Array {
  if (work.length < n * n) work = new Float64Array(n * n);
  if (wrBuf.length < n) {
    wrBuf = new Float64Array(n);
    wiBuf = new Float64Array(n);
  }
  const a = work;
  a.set(m.subarray(0, n * n));
  balance(a, n);
  hessenberg(a, n);
  if (hqr(a, n, wrBuf, wiBuf)) return wrBuf;
  // not converged (never seen on GLCM matrices): the general JAMA routine
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(m.subarray(i * n, i * n + n)));
  const re = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: false }).realEigenvalues;
  for (let i = 0; i < n; i++) wrBuf[i] = re[i];
  return wrBuf;
}

// ---------------------------------------------------------------------------------------------------------------
// Fast path for the MCC matrix. Q(i,j) = sum_k p(i,k) p(j,k) / (px(i) px(k) + eps) satisfies, for eps = 0,
// D^(1/2) Q D^(-1/2) = M^2 with M = D^(-1/2) P D^(-1/2) symmetric (D = diag px). With eps, S = D^(1/2) Q D^(-1/2)
// = H + K with H symmetric and K skew and tiny. A skew perturbation moves a simple eigenvalue of H only at second
// order (|d lambda| <= ~||K||^2 / gap), so the eigenvalues of H (Householder tridiagonalisation + implicit QL,
// ~4x cheaper than Hessenberg-QR) are those of Q to 1e-10 relative whenever 2 ||K||_F^2 / gap is below that (and
// ||K|| < gap / 10); otherwise we fall back to the general routine above (numpy's eigvals(Q) to round-off).

/** How many MCC eigenproblems took the symmetric fast path / the general routine (diagnostics, tests). */
export const mccStats = { fast: 0, general: 0 };

let hBuf = new Float64Array(0);
let dBuf = new Float64Array(0);
let eBuf = new Float64Array(0);

function pythag(a: number, b: number): number {
  const aa = Math.abs(a);
  const ab = Math.abs(b);
  if (aa > ab) {
    const t = ab / aa;
    return aa * Math.sqrt(1 + t * t);
  }
  if (ab === 0) return 0;
  const t = aa / ab;
  return ab * Math.sqrt(1 + t * t);
}

/** Eigenvalues of a symmetric n x n matrix a (row-major, lower triangle used, destroyed) into d. false = no convergence. */
function symmetricEigenvalues(a: Float64Array, n: number, d: Float64Array, e: Float64Array): boolean {
  // Householder reduction to tridiagonal form (tred2 without eigenvectors)
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(a[i * n + k]);
      if (scale === 0) e[i] = a[i * n + l];
      else {
        for (let k = 0; k <= l; k++) {
          a[i * n + k] /= scale;
          h += a[i * n + k] * a[i * n + k];
        }
        let f = a[i * n + l];
        let g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[i * n + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          g = 0;
          for (let k = 0; k <= j; k++) g += a[j * n + k] * a[i * n + k];
          for (let k = j + 1; k <= l; k++) g += a[k * n + j] * a[i * n + k];
          e[j] = g / h;
          f += e[j] * a[i * n + j];
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          f = a[i * n + j];
          g = e[j] - hh * f;
          e[j] = g;
          for (let k = 0; k <= j; k++) a[j * n + k] -= f * e[k] + g * a[i * n + k];
        }
      }
    } else e[i] = a[i * n + l];
  }
  e[0] = 0;
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  // implicit QL on the tridiagonal matrix (tqli without eigenvectors)
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) + dd === dd) break;
      }
      if (m !== l) {
        if (iter++ === 60) return false;
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = pythag(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
        let s = 1;
        let c = 1;
        let p = 0;
        let underflow = false;
        for (let i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          r = pythag(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] -= p;
            e[m] = 0;
            underflow = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (underflow) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return true;
}

/**
 * Second largest real eigenvalue of the MCC matrix q (m x m, row-major) given sqrt(px) of its levels (sq, length
 * m; 0 for a level without pairs in this direction, whose row and column of q are 0).
 */
export function mccSecondEigenvalue(q: Float64Array, sq: Float64Array, m: number): number {
  if (hBuf.length < m * m) hBuf = new Float64Array(m * m);
  if (dBuf.length < m) {
    dBuf = new Float64Array(m);
    eBuf = new Float64Array(m);
  }
  const h = hBuf;
  let k2 = 0;
  for (let a = 0; a < m; a++) {
    for (let b = 0; b <= a; b++) {
      // S(a,b) = sqrt(px_a) Q(a,b) / sqrt(px_b)
      const sab = sq[b] === 0 ? 0 : (sq[a] * q[a * m + b]) / sq[b];
      const sba = sq[a] === 0 ? 0 : (sq[b] * q[b * m + a]) / sq[a];
      h[a * m + b] = 0.5 * (sab + sba); // symmetric part H
      const kk = 0.5 * (sab - sba); // skew part K
      k2 += 2 * kk * kk;
    }
  }
  const d = dBuf;
  if (symmetricEigenvalues(h, m, d, eBuf)) {
    let l1 = -Infinity;
    let l2 = -Infinity;
    let l3 = -Infinity;
    for (let i = 0; i < m; i++) {
      const v = d[i];
      if (v > l1) {
        l3 = l2;
        l2 = l1;
        l1 = v;
      } else if (v > l2) {
        l3 = l2;
        l2 = v;
      } else if (v > l3) l3 = v;
    }
    if (k2 === 0) {
      mccStats.fast++;
      return l2;
    }
    const gap = Math.min(l1 - l2, m > 2 ? l2 - l3 : Infinity);
    const kF = Math.sqrt(k2);
    // second-order bound on |lambda_2(H) - lambda_2(Q)|: accept at 1e-10 relative (1e-13 absolute near 0)
    if (gap > 0 && kF < gap / 10 && (2 * k2) / gap <= 1e-10 * Math.max(Math.abs(l2), 1e-3)) {
      mccStats.fast++;
      return l2;
    }
  }
  mccStats.general++;
  const re = realEigenvalues(q, m);
  let l1 = -Infinity;
  let l2 = -Infinity;
  for (let i = 0; i < m; i++) {
    const v = re[i];
    if (v > l1) {
      l2 = l1;
      l1 = v;
    } else if (v > l2) l2 = v;
  }
  return l2;
}

