// ROI utilities on synthetic images whose answer is known by construction.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  fillHoles,
  largestComponent,
  maskArea,
  maskBoundingBox,
  maskFromData,
  polygonToMask,
  regionGrow,
  RoiError,
} from "../../../lib/radiomics/roi.ts";
import type { Image2D, Mask2D } from "../../../lib/image/types.ts";

function fromRows(rows: string[]): Mask2D {
  const r = rows.length;
  const c = rows[0].length;
  const data = new Uint8Array(r * c);
  rows.forEach((line, i) => [...line].forEach((ch, j) => (data[i * c + j] = ch === "#" ? 1 : 0)));
  return { rows: r, cols: c, data };
}
function toRows(m: Mask2D): string[] {
  const out: string[] = [];
  for (let r = 0; r < m.rows; r++) {
    let s = "";
    for (let c = 0; c < m.cols; c++) s += m.data[r * m.cols + c] ? "#" : ".";
    out.push(s);
  }
  return out;
}

test("polygonToMask: an integer-corner rectangle gives exactly its pixels (pixel-centre rule)", () => {
  const m = polygonToMask(10, 12, [
    { x: 2, y: 3 },
    { x: 9, y: 3 },
    { x: 9, y: 7 },
    { x: 2, y: 7 },
  ]);
  for (let r = 0; r < 10; r++) for (let c = 0; c < 12; c++) assert.equal(m.data[r * 12 + c], r >= 3 && r < 7 && c >= 2 && c < 9 ? 1 : 0, `(${r},${c})`);
  assert.deepEqual(maskBoundingBox(m), { rowMin: 3, rowMax: 6, colMin: 2, colMax: 8, count: 28 });
});

test("polygonToMask: a triangle includes a pixel iff its centre is inside; clipped at the image edge", () => {
  const m = polygonToMask(6, 6, [
    { x: 0, y: 0 },
    { x: 8, y: 0 },
    { x: 0, y: 8 },
  ]);
  // centre (c+0.5, r+0.5) inside x + y < 8  <=>  r + c < 7
  for (let r = 0; r < 6; r++) for (let c = 0; c < 6; c++) assert.equal(m.data[r * 6 + c], r + c < 7 ? 1 : 0);
  assert.throws(() => polygonToMask(5, 5, [{ x: 0, y: 0 }]), RoiError);
});

test("regionGrow: threshold + 8-connectivity from the seed; 4-connectivity stops at a diagonal contact", () => {
  // 100-valued blob A (with a diagonal-only bridge to blob B), background 0, a 50-valued island inside A
  const rows = ["AAA.....", "AAA.....", "AAb.....", "...B....", "...BBB..", "....BB.."];
  const img: Image2D = { rows: 6, cols: 8, data: new Float64Array(48) };
  rows.forEach((line, r) => [...line].forEach((ch, c) => (img.data[r * 8 + c] = ch === "A" || ch === "B" ? 100 : ch === "b" ? 50 : 0)));
  const g8 = regionGrow(img, { row: 0, col: 0 }, 90, 110);
  // A only: B touches A nowhere, and b (50) is outside the bounds
  assert.deepEqual(toRows(g8), ["###.....", "###.....", "##......", "........", "........", "........"]);
  // with b inside the bounds, B joins through the diagonal contact b(2,2)-B(3,3)
  const g8b = regionGrow(img, { row: 0, col: 0 }, 40, 110);
  assert.equal(maskArea(g8b), 8 + 1 + 6);
  const g4 = regionGrow(img, { row: 0, col: 0 }, 40, 110, { connectivity: 4 });
  assert.equal(maskArea(g4), 9);
  // seed outside the bounds -> empty; seed outside the image -> typed error
  assert.equal(maskArea(regionGrow(img, { row: 5, col: 0 }, 90, 110)), 0);
  assert.throws(() => regionGrow(img, { row: 6, col: 0 }, 0, 1), RoiError);
  assert.throws(() => regionGrow(img, { row: 0, col: 0 }, 5, 1), /lower <= upper/);
});

test("regionGrow: a 1000x1000 disc inside a larger image is found exactly", () => {
  const R = 500;
  const N = 1200;
  const img: Image2D = { rows: N, cols: N, data: new Float64Array(N * N) };
  let expected = 0;
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      const inside = (r - 600) ** 2 + (c - 600) ** 2 <= R * R;
      img.data[r * N + c] = inside ? 1000 + ((r * 31 + c * 17) % 200) : (r + c) % 300; // background never in [1000, 1199]
      if (inside) expected++;
    }
  }
  const t0 = performance.now();
  const m = regionGrow(img, { row: 600, col: 600 }, 1000, 1199);
  const ms = performance.now() - t0;
  assert.equal(maskArea(m), expected);
  assert.ok(ms < 2000, `took ${ms} ms`);
});

test("fillHoles: enclosed background becomes ROI, background touching the border stays out", () => {
  const m = fromRows([".......", ".#####.", ".#..##.", ".#.#.#.", ".#####.", "...#...", "......."]);
  assert.deepEqual(toRows(fillHoles(m)), [".......", ".#####.", ".#####.", ".#####.", ".#####.", "...#...", "......."]);
  // a hole that leaks through a diagonal gap is a hole for an 8-connected foreground (background is 4-connected)
  const d = fromRows(["###.", "#.#.", "##.#", "...."]);
  assert.deepEqual(toRows(fillHoles(d)), ["###.", "###.", "##.#", "...."]);
  assert.deepEqual(toRows(fillHoles(d, 4)), ["###.", "#.#.", "##.#", "...."]);
});

test("largestComponent: keeps the biggest 8-connected component (diagonal contact joins)", () => {
  const m = fromRows(["##....#", "##...##", "..#....", ".......", "####..."]);
  // 8-conn: top-left 4 + diagonal pixel = 5; right 3; bottom 4
  assert.deepEqual(toRows(largestComponent(m)), ["##.....", "##.....", "..#....", ".......", "......."]);
  // 4-conn: top-left 4 ties bottom 4 -> the first in raster order
  assert.deepEqual(toRows(largestComponent(m, 4)), ["##.....", "##.....", ".......", ".......", "......."]);
  assert.equal(maskArea(largestComponent(fromRows(["..", ".."]))), 0);
});

test("maskFromData / maskBoundingBox: non-zero = ROI; empty mask -> null; size mismatch -> RoiError", () => {
  const m = maskFromData(2, 3, [0, 255, 0, 0, 0, 7]);
  assert.deepEqual(Array.from(m.data), [0, 1, 0, 0, 0, 1]);
  assert.deepEqual(maskBoundingBox(m), { rowMin: 0, rowMax: 1, colMin: 1, colMax: 2, count: 2 });
  assert.equal(maskBoundingBox(maskFromData(2, 2, [0, 0, 0, 0])), null);
  assert.throws(() => maskFromData(2, 2, [1, 2, 3]), RoiError);
});
