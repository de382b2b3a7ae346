// Shape sanity values fixed by the marching-squares rule (feature-set.md, pyradiomics-notes §3):
// one pixel -> area 0.5, perimeter 2 sqrt 2; filled W x H rectangle -> area WH - 0.5, perimeter 2(W+H) - 4 + 2 sqrt 2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { shape2DFeatures, SHAPE2D_NAMES } from "../../../lib/radiomics/shape2d.ts";

function shapeOf(rows: string[], sy = 1, sx = 1): Record<string, number> {
  const H2 = rows.length + 2;
  const W2 = rows[0].length + 2;
  const g = new Uint8Array(H2 * W2);
  rows.forEach((line, r) => [...line].forEach((ch, c) => (g[(r + 1) * W2 + c + 1] = ch === "#" ? 1 : 0)));
  const out = new Float64Array(SHAPE2D_NAMES.length);
  shape2DFeatures(g, H2, W2, sy, sx, out, 0);
  return Object.fromEntries(SHAPE2D_NAMES.map((n, i) => [n, out[i]]));
}
const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test("shape2D: one pixel -> area 0.5, perimeter 2*sqrt(2), pixel area 1, elongation NaN", () => {
  const s = shapeOf(["#"]);
  close(s.MeshSurface, 0.5);
  close(s.Perimeter, 2 * Math.SQRT2);
  close(s.PixelSurface, 1);
  close(s.MaximumDiameter, 1); // vertices at the 4 edge midpoints
  close(s.Solidity, 1);
  assert.ok(Number.isNaN(s.Elongation));
});

for (const [W, H] of [
  [1, 1],
  [4, 3],
  [7, 2],
  [10, 10],
]) {
  test(`shape2D: filled ${W}x${H} rectangle -> area WH-0.5, perimeter 2(W+H)-4+2*sqrt(2)`, () => {
    const s = shapeOf(Array.from({ length: H }, () => "#".repeat(W)));
    close(s.MeshSurface, W * H - 0.5);
    close(s.Perimeter, 2 * (W + H) - 4 + 2 * Math.SQRT2);
    close(s.PixelSurface, W * H);
    close(s.Solidity, 1); // a convex contour
  });
}

test("shape2D: spacing scales area by sy*sx and edges by their axis (2x3 rectangle, sy=0.5, sx=2)", () => {
  const s = shapeOf(["###", "###"], 0.5, 2);
  // cell areas scale by sy*sx; straight cuts: horizontal ones have length sx, vertical ones sy; 4 corner cuts of 0.5*hypot(sy,sx)
  close(s.MeshSurface, (6 - 0.5) * 1);
  close(s.Perimeter, 2 * 2 * (3 - 1) + 2 * 0.5 * (2 - 1) + 4 * 0.5 * Math.hypot(0.5, 2));
});

test("shape2D: a hole subtracts its area and adds its perimeter (3x3 ring)", () => {
  const s = shapeOf(["###", "#.#", "###"]);
  close(s.MeshSurface, 8.5 - 0.5); // outer contour 9 - 0.5, hole diamond 0.5
  close(s.Perimeter, 2 * 6 - 4 + 2 * Math.SQRT2 + 2 * Math.SQRT2); // outer + hole diamond (4 x sqrt(2)/2)
  close(s.PixelSurface, 8);
});

test("shape2D: pixels touching only at a corner are not joined (two separate diamonds)", () => {
  const s = shapeOf(["#.", ".#"]);
  close(s.MeshSurface, 1);
  close(s.Perimeter, 4 * Math.SQRT2);
});

test("shape2D: axis lengths from the pixel-centre covariance (1 x W line: var = (W^2-1)/12)", () => {
  const W = 9;
  const s = shapeOf(["#".repeat(W)]);
  close(s.MajorAxisLength, 4 * Math.sqrt((W * W - 1) / 12));
  close(s.MinorAxisLength, 0);
  close(s.Elongation, 0);
  close(s.Sphericity * s.SphericalDisproportion, 1);
  close(s.PerimeterSurfaceRatio, s.Perimeter / s.MeshSurface);
});
