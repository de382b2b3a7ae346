// Eigenvalue routines behind the MCC, against ml-matrix's EigenvalueDecomposition (an independent JAMA port).
import { test } from "node:test";
import assert from "node:assert/strict";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { mccSecondEigenvalue, mccStats, realEigenvalues } from "../../../lib/radiomics/eigen.ts";
import { createRng } from "../../../lib/random.ts";

function mlEigen(m: Float64Array, n: number): number[] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(m.subarray(i * n, i * n + n)));
  return new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: false }).realEigenvalues.slice().sort((a, b) => a - b);
}

test("realEigenvalues (balance + Hessenberg + Francis QR) equals ml-matrix on random non-symmetric matrices", () => {
  const rng = createRng(20261127);
  for (let trial = 0; trial < 60; trial++) {
    const n = 2 + (trial % 31);
    const m = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) m[i] = rng.uniform() - 0.5;
    const ours = Array.from(realEigenvalues(m, n).subarray(0, n)).sort((a, b) => a - b);
    const ref = mlEigen(m, n);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(ours[i] - ref[i]) < 1e-10, `n=${n} #${i}: ${ours[i]} vs ${ref[i]}`);
  }
});

/** MCC matrix Q of a random symmetric GLCM with some rare levels; returns Q, sqrt(px) and the reference lambda_2. */
function mccCase(seed: number, m: number, rareScale: number): { q: Float64Array; sq: Float64Array; l2: number } {
  const rng = createRng(seed);
  const P = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      const w = (i === 0 || j === 0 ? rareScale : 1) * Math.floor(rng.uniform() * 50);
      P[i * m + j] = w;
      P[j * m + i] = w;
    }
  }
  let tot = 0;
  for (const v of P) tot += v;
  for (let i = 0; i < P.length; i++) P[i] /= tot;
  const px = new Float64Array(m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) px[i] += P[i * m + j];
  const eps = 2.220446049250313e-16;
  const q = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += (P[a * m + k] * P[b * m + k]) / (px[a] * px[k] + eps);
    q[a * m + b] = s;
  }
  const ev = mlEigen(q, m);
  return { q, sq: px.map(Math.sqrt), l2: ev[m - 2] };
}

test("MCC second eigenvalue: symmetric fast path and general fallback both equal ml-matrix", () => {
  mccStats.fast = 0;
  mccStats.general = 0;
  for (let t = 0; t < 20; t++) {
    const c = mccCase(100 + t, 8 + t, t % 2 ? 1 : 1e-6); // odd: well-conditioned; even: a very rare level (eps matters)
    const got = mccSecondEigenvalue(c.q, c.sq, 8 + t);
    assert.ok(Math.abs(got - c.l2) < 1e-10, `case ${t}: ${got} vs ${c.l2}`);
  }
  assert.ok(mccStats.fast > 0, "fast path used");
  assert.ok(mccStats.general > 0, "general fallback used");
});
