// Neighbouring grey-tone difference matrix (NGTDM) features, IBSI 2D (8QNN): 8-neighbourhood without the centre,
// only neighbours inside the ROI are averaged; a pixel with no ROI neighbour is left out (IBSI; PyRadiomics would
// count it with s = 0 — the two differ only for isolated ROI pixels).

export const NGTDM_NAMES = ["Coarseness", "Contrast", "Busyness", "Complexity", "Strength"] as const;
export const NGTDM_NF = NGTDM_NAMES.length;
/** IBSI codes in NGTDM_NAMES order. */
export const NGTDM_IBSI = ["QCDE", "65HE", "NQ30", "HDEZ", "1X9X"] as const;

const ws = { s: new Float64Array(0), nn: new Float64Array(0) };

/** NGTDM features into out[off ..) for ROI pixels at grid positions idx[0..n) of a padded level grid. */
export function ngtdmFeatures(lv: Uint16Array, stride: number, idx: Int32Array, n: number, ng: number, out: Float64Array, off: number): void {
  const g1 = ng + 1;
  if (ws.s.length < g1) {
    ws.s = new Float64Array(g1);
    ws.nn = new Float64Array(g1);
  }
  const s = ws.s;
  const ni = ws.nn;
  s.fill(0, 0, g1);
  ni.fill(0, 0, g1);
  for (let k = 0; k < n; k++) {
    const p = idx[k];
    const a = lv[p];
    const up = p - stride;
    const dn = p + stride;
    let cnt = 0;
    let sum = 0;
    let v = lv[up - 1];
    if (v) {
      cnt++;
      sum += v;
    }
    v = lv[up];
    if (v) {
      cnt++;
      sum += v;
    }
    v = lv[up + 1];
    if (v) {
      cnt++;
      sum += v;
    }
    v = lv[p - 1];
    if (v) {
      cnt++;
      sum += v;
    }
    v = lv[p + 1];
    if (v) {
      cnt++;
      sum += v;
    }
    v = lv[dn - 1];
    if (v) {
      cnt++;
      sum += v;
    }
    v = lv[dn];
    if (v) {
      cnt++;
      sum += v;
    }
    v = lv[dn + 1];
    if (v) {
      cnt++;
      sum += v;
    }
    if (cnt === 0) continue; // IBSI: pixels without ROI neighbours are left out
    s[a] += Math.abs(a - sum / cnt); // s_i = sum |i - mean neighbour level|
    ni[a]++;
  }
  let nvc = 0;
  for (let i = 1; i <= ng; i++) nvc += ni[i];
  let ngp = 0;
  let sps = 0;
  let ssum = 0;
  for (let i = 1; i <= ng; i++) {
    if (ni[i] === 0) continue;
    ngp++;
    sps += (ni[i] / nvc) * s[i];
    ssum += s[i];
  }
  let con = 0;
  let busDen = 0;
  let cpx = 0;
  let str = 0;
  for (let i = 1; i <= ng; i++) {
    if (ni[i] === 0) continue;
    const pi = ni[i] / nvc;
    for (let j = 1; j <= ng; j++) {
      if (ni[j] === 0) continue;
      const pj = ni[j] / nvc;
      const d = i - j;
      con += pi * pj * d * d;
      busDen += Math.abs(i * pi - j * pj);
      cpx += (Math.abs(d) * (pi * s[i] + pj * s[j])) / (pi + pj);
      str += (pi + pj) * d * d;
    }
  }
  let o = off;
  out[o++] = sps === 0 ? 1e6 : 1 / sps; // Coarseness (IBSI QCDE): 1 / sum p_i s_i (10^6 when 0)
  out[o++] = ngp <= 1 || nvc === 0 ? 0 : (con / (ngp * (ngp - 1))) * (ssum / nvc); // Contrast (IBSI 65HE)
  out[o++] = busDen === 0 ? 0 : sps / busDen; // Busyness (IBSI NQ30): sum p_i s_i / sum |i p_i - j p_j|
  out[o++] = nvc === 0 ? 0 : cpx / nvc; // Complexity (IBSI HDEZ): sum |i-j| (p_i s_i + p_j s_j)/(p_i + p_j) / N_vc
  out[o++] = ssum === 0 ? 0 : str / ssum; // Strength (IBSI 1X9X): sum (p_i + p_j)(i-j)^2 / sum s_i
}
