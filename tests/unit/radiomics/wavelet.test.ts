// SWT coif1 against PyWavelets (pywt_swt2d_coif1_reference.json: level-1 bands of pywt.swtn, odd axes wrap-padded
// by one and cropped back) within 1e-9, plus properties fixed by the definition of the 2-level transform.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readJson } from "./helpers.ts";
import { COIF1_DEC_HI, COIF1_DEC_LO, swt2Level1, swt2Level2, colsAtRoi, filterRows } from "../../../lib/radiomics/wavelet.ts";

type PywtRef = {
  coif1_dec_lo: number[];
  coif1_dec_hi: number[];
  cases: { name: string; input: number[][]; output: Record<string, number[][]> }[];
};
const ref = readJson<PywtRef>("pywt_swt2d_coif1_reference.json");

test("coif1 filters equal pywt dec_lo / dec_hi", () => {
  assert.deepEqual([...COIF1_DEC_LO], ref.coif1_dec_lo);
  assert.deepEqual([...COIF1_DEC_HI], ref.coif1_dec_hi);
});

for (const c of ref.cases) {
  test(`level-1 SWT equals PyWavelets within 1e-9: ${c.name}`, () => {
    const h = c.input.length;
    const w = c.input[0].length;
    const H = h % 2 ? h + 1 : h; // odd axes padded by one element (wrap), as the reference did
    const W = w % 2 ? w + 1 : w;
    const x = new Float64Array(H * W);
    for (let r = 0; r < H; r++) for (let col = 0; col < W; col++) x[r * W + col] = c.input[r % h][col % w];
    const bands = swt2Level1(x, H, W);
    for (const key of ["LL", "LH", "HL", "HH"] as const) {
      const want = c.output[`wavelet-${key}`];
      assert.ok(want, `reference has wavelet-${key}`);
      for (let r = 0; r < h; r++) {
        for (let col = 0; col < w; col++) {
          const got = bands[key][r * W + col];
          assert.ok(Math.abs(got - want[r][col]) <= 1e-9, `${c.name} ${key}[${r}][${col}]: ${got} vs ${want[r][col]}`);
        }
      }
    }
  });
}

test("2-level SWT of a constant c: LL2 = 4c, all details 0 (sum dec_lo = sqrt 2 per axis and level)", () => {
  const H = 8;
  const W = 12;
  const x = new Float64Array(H * W).fill(3);
  const b = swt2Level2(x, H, W);
  for (let i = 0; i < H * W; i++) {
    assert.ok(Math.abs(b.LL2[i] - 12) < 1e-12);
    assert.ok(Math.abs(b.LL1[i] - 6) < 1e-12);
    for (const k of ["LH1", "HL1", "HH1", "LH2", "HL2", "HH2"] as const) assert.ok(Math.abs(b[k][i]) < 1e-12);
  }
});

test("level-2 is the à-trous formula out[o] = sum_j f[j] a1[(o + 6 - 2j) mod N] (1-D check on rows)", () => {
  const H = 16;
  const W = 1;
  const a1 = new Float64Array(H);
  for (let i = 0; i < H; i++) a1[i] = Math.sin(i * 1.7) * 10 + i;
  const lo = new Float64Array(H);
  const hi = new Float64Array(H);
  filterRows(a1, H, W, 2, 0, H, lo, hi);
  for (let o = 0; o < H; o++) {
    let l = 0;
    let h = 0;
    for (let j = 0; j < 6; j++) {
      const v = a1[(((o + 6 - 2 * j) % H) + H) % H];
      l += ref.coif1_dec_lo[j] * v;
      h += ref.coif1_dec_hi[j] * v;
    }
    assert.ok(Math.abs(lo[o] - l) < 1e-12 && Math.abs(hi[o] - h) < 1e-12);
  }
});

test("ROI-only axis-1 pass equals the full transform at the ROI pixels (incl. wrapped edge columns)", () => {
  const H = 12;
  const W = 16;
  const x = new Float64Array(H * W);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 97) / 3;
  const full = swt2Level1(x, H, W);
  const a0 = new Float64Array(H * W);
  const d0 = new Float64Array(H * W);
  filterRows(x, H, W, 1, 0, H, a0, d0);
  // runs over the whole box rows 1..10, columns 0..15 (edges wrap)
  const runs: number[] = [];
  for (let r = 1; r <= 10; r++) runs.push(r - 1, 0, W - 1);
  const n = 10 * W;
  const A = new Float64Array(n);
  const B = new Float64Array(n);
  const st = new Float64Array(8);
  colsAtRoi(d0, W, 1, Int32Array.from(runs), 10, 1, 0, A, B, st);
  let k = 0;
  for (let r = 1; r <= 10; r++) {
    for (let c = 0; c < W; c++, k++) {
      assert.ok(Math.abs(A[k] - full.LH[r * W + c]) < 1e-12);
      assert.ok(Math.abs(B[k] - full.HH[r * W + c]) < 1e-12);
    }
  }
});
