// 2-D shape features (PyRadiomics shape2D; IBSI defines no 2-D morphology, so no IBSI codes).
// Contour = marching squares on the mask as PyRadiomics / skimage.find_contours(level 0.5): vertices on pixel-edge
// midpoints, pixels touching only at a corner are not joined, all contours (components and holes) together.
// Instead of tracing polylines we sum per 2x2 cell: the cell's inside area and cut length are fixed by its
// 4-corner case, which gives exactly the signed shoelace total and the total length (O(pixels), no allocation).
// Hull vertices: per half-pixel row the leftmost and rightmost contour vertex (a convex hull never needs others).

export const SHAPE2D_NAMES = [
  "MeshSurface",
  "PixelSurface",
  "Perimeter",
  "PerimeterSurfaceRatio",
  "Sphericity",
  "SphericalDisproportion",
  "MaximumDiameter",
  "MajorAxisLength",
  "MinorAxisLength",
  "Elongation",
  "Solidity",
] as const;

// Inside area of a marching-squares cell (unit = one pixel area) by number/arrangement of inside corners:
// 1 corner: 1/8, 2 adjacent: 1/2, 2 diagonal (not joined): 2 x 1/8, 3: 7/8, 4: 1.
// Case bits: 1 = top-left, 2 = top-right, 4 = bottom-left, 8 = bottom-right.
const AREA8 = new Float64Array(16);
// cut kind: 0 none, 1 one diagonal cut, 2 two diagonal cuts, 3 horizontal cut (length sx), 4 vertical cut (length sy)
const CUT = new Uint8Array(16);
for (let cs = 0; cs < 16; cs++) {
  const tl = cs & 1;
  const tr = (cs >> 1) & 1;
  const bl = (cs >> 2) & 1;
  const br = (cs >> 3) & 1;
  const n = tl + tr + bl + br;
  if (n === 0 || n === 4) {
    AREA8[cs] = n === 4 ? 8 : 0;
    CUT[cs] = 0;
  } else if (n === 1 || n === 3) {
    AREA8[cs] = n === 1 ? 1 : 7;
    CUT[cs] = 1;
  } else if ((tl && br) || (tr && bl)) {
    AREA8[cs] = 2;
    CUT[cs] = 2;
  } else {
    AREA8[cs] = 4;
    CUT[cs] = tl === tr ? 3 : 4; // top pair / bottom pair -> horizontal cut; left/right pair -> vertical cut
  }
}

const ws = {
  yMinX: new Int32Array(0),
  yMaxX: new Int32Array(0),
  hull: new Int32Array(0),
};

/**
 * Shape features of the ROI given as a padded grid g (rows H2 x cols W2, non-zero = ROI, with an all-zero frame
 * of at least one pixel). sy, sx: row and column spacing in mm. Writes the 11 values to out[off ..).
 */
export function shape2DFeatures(g: Uint16Array | Uint8Array, H2: number, W2: number, sy: number, sx: number, out: Float64Array, off: number): void {
  const nY = 2 * H2;
  if (ws.yMinX.length < nY) {
    ws.yMinX = new Int32Array(nY);
    ws.yMaxX = new Int32Array(nY);
    ws.hull = new Int32Array(4 * nY + 8);
  }
  const yMinX = ws.yMinX;
  const yMaxX = ws.yMaxX;
  yMinX.fill(0x7fffffff, 0, nY);
  yMaxX.fill(-1, 0, nY);
  let area8 = 0;
  let nDiag = 0;
  let nH = 0;
  let nV = 0;
  // pixel-centre moments for the covariance
  let np = 0;
  let sr = 0;
  let sc = 0;
  for (let r = 0; r < H2; r++) {
    const o = r * W2;
    const o2 = o + W2;
    const last = r === H2 - 1;
    let hFirst = -1;
    let hLast = -1;
    let vFirst = -1;
    let vLast = -1;
    for (let c = 0; c < W2; c++) {
      const a = g[o + c] !== 0 ? 1 : 0;
      if (a) {
        np++;
        sr += r;
        sc += c;
      }
      if (c < W2 - 1) {
        const b = g[o + c + 1] !== 0 ? 1 : 0;
        if (a !== b) {
          if (hFirst < 0) hFirst = c;
          hLast = c;
        }
        if (!last) {
          const cc = g[o2 + c] !== 0 ? 1 : 0;
          const d = g[o2 + c + 1] !== 0 ? 1 : 0;
          const cs = a | (b << 1) | (cc << 2) | (d << 3);
          if (cs !== 0) {
            area8 += AREA8[cs];
            const cut = CUT[cs];
            if (cut === 1) nDiag++;
            else if (cut === 2) nDiag += 2;
            else if (cut === 3) nH++;
            else if (cut === 4) nV++;
          }
        }
      }
      if (!last && a !== (g[o2 + c] !== 0 ? 1 : 0)) {
        if (vFirst < 0) vFirst = c;
        vLast = c;
      }
    }
    // doubled coordinates: a horizontal-neighbour vertex sits at (2r, 2c+1), a vertical one at (2r+1, 2c)
    if (hFirst >= 0) {
      yMinX[2 * r] = 2 * hFirst + 1;
      yMaxX[2 * r] = 2 * hLast + 1;
    }
    if (vFirst >= 0) {
      yMinX[2 * r + 1] = 2 * vFirst;
      yMaxX[2 * r + 1] = 2 * vLast;
    }
  }
  const diag = 0.5 * Math.sqrt(sy * sy + sx * sx);
  const A = (area8 / 8) * sy * sx; // MeshSurface: |sum of signed shoelace areas| of all contours
  const P = nDiag * diag + nH * sx + nV * sy; // Perimeter: total contour length
  // covariance (/N) of pixel-centre coordinates (row*sy, col*sx)
  const mr = sr / np;
  const mc = sc / np;
  let crr = 0;
  let ccc = 0;
  let crc = 0;
  for (let r = 0; r < H2; r++) {
    const o = r * W2;
    const dr = (r - mr) * sy;
    for (let c = 0; c < W2; c++) {
      if (g[o + c] === 0) continue;
      const dc = (c - mc) * sx;
      crr += dr * dr;
      ccc += dc * dc;
      crc += dr * dc;
    }
  }
  crr /= np;
  ccc /= np;
  crc /= np;
  const half = 0.5 * (crr + ccc);
  const disc = Math.sqrt(0.25 * (crr - ccc) * (crr - ccc) + crc * crc);
  let l1 = half + disc;
  let l2 = half - disc;
  if (l2 < 0 && l2 > -1e-10) l2 = 0; // tiny negative eigenvalues -> 0 (PyRadiomics)
  if (l1 < 0 && l1 > -1e-10) l1 = 0;
  // convex hull (Andrew's monotone chain) of the per-row extreme vertices, in exact integer doubled coordinates
  const hull = ws.hull;
  let nh = 0;
  const cross = (ay: number, ax: number, by: number, bx: number, cy: number, cx: number): number => (by - ay) * (cx - ax) - (bx - ax) * (cy - ay);
  // points sorted by (y, x): for each y: min x then max x
  const pts = new Int32Array(4 * nY);
  let npts = 0;
  for (let y = 0; y < nY; y++) {
    if (yMaxX[y] < 0) continue;
    pts[npts * 2] = y;
    pts[npts * 2 + 1] = yMinX[y];
    npts++;
    if (yMaxX[y] !== yMinX[y]) {
      pts[npts * 2] = y;
      pts[npts * 2 + 1] = yMaxX[y];
      npts++;
    }
  }
  // lower chain then upper chain
  for (let pass = 0; pass < 2; pass++) {
    const start = nh;
    for (let t = 0; t < npts; t++) {
      const k = pass === 0 ? t : npts - 1 - t;
      const y = pts[2 * k];
      const x = pts[2 * k + 1];
      while (nh - start >= 2 && cross(hull[2 * (nh - 2)], hull[2 * (nh - 2) + 1], hull[2 * (nh - 1)], hull[2 * (nh - 1) + 1], y, x) <= 0) nh--;
      hull[2 * nh] = y;
      hull[2 * nh + 1] = x;
      nh++;
    }
    nh--; // last point repeats as the first of the next chain
  }
  // hull area (shoelace) and maximum diameter, in mm
  let hullArea2 = 0;
  for (let i = 0; i < nh; i++) {
    const j = i + 1 === nh ? 0 : i + 1;
    hullArea2 += hull[2 * i + 1] * hull[2 * j] - hull[2 * j + 1] * hull[2 * i];
  }
  const hullArea = (Math.abs(hullArea2) / 2 / 4) * sy * sx; // doubled coordinates -> /4
  let dmax2 = 0;
  for (let i = 0; i < nh; i++) {
    const yi = hull[2 * i] * 0.5 * sy;
    const xi = hull[2 * i + 1] * 0.5 * sx;
    for (let j = i + 1; j < nh; j++) {
      const dy = hull[2 * j] * 0.5 * sy - yi;
      const dx = hull[2 * j + 1] * 0.5 * sx - xi;
      const d2 = dy * dy + dx * dx;
      if (d2 > dmax2) dmax2 = d2;
    }
  }
  let o = off;
  out[o++] = A; // MeshSurface: area enclosed by the marching-squares contours
  out[o++] = np * sy * sx; // PixelSurface: N_p * sy * sx
  out[o++] = P; // Perimeter: total contour length
  out[o++] = P / A; // PerimeterSurfaceRatio: P / A
  out[o++] = (2 * Math.sqrt(Math.PI * A)) / P; // Sphericity: 2 sqrt(pi A) / P
  out[o++] = P / (2 * Math.sqrt(Math.PI * A)); // SphericalDisproportion: P / (2 sqrt(pi A))
  out[o++] = Math.sqrt(dmax2); // MaximumDiameter: largest vertex-to-vertex distance
  out[o++] = 4 * Math.sqrt(l1); // MajorAxisLength: 4 sqrt(lambda_1)
  out[o++] = 4 * Math.sqrt(l2); // MinorAxisLength: 4 sqrt(lambda_2)
  out[o++] = l1 === 0 ? NaN : Math.sqrt(l2 / l1); // Elongation: sqrt(lambda_2 / lambda_1)
  out[o++] = A / hullArea; // Solidity: MeshSurface / convex hull area
}
