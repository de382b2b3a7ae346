// Port of R's lowess() / clowess (src/library/stats/src/lowess.c, R 4.x), kept statement for statement
// so calibrate()'s curves match R to ~1e-15: f = 2/3, iter robustness steps, delta = 0.01 * range(x).

function lowest(x: Float64Array, y: Float64Array, n: number, xs: number, nleft: number, nright: number, w: Float64Array, userw: boolean, rw: Float64Array): { ys: number; ok: boolean } {
  // 1-based indices as in the C code (arrays padded by one)
  const range = x[n] - x[1];
  const h = Math.max(xs - x[nleft], x[nright] - xs);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  let j = nleft;
  while (j <= n) {
    w[j] = 0;
    const r = Math.abs(x[j] - xs);
    if (r <= h9) {
      if (r <= h1) w[j] = 1;
      else {
        const q = r / h;
        const c = 1 - q * q * q;
        w[j] = c * c * c; // tricube weight
      }
      if (userw) w[j] *= rw[j];
      a += w[j];
    } else if (x[j] > xs) break;
    j++;
  }
  const nrt = j - 1;
  if (a <= 0) return { ys: 0, ok: false };
  for (j = nleft; j <= nrt; j++) w[j] /= a;
  if (h > 0) {
    a = 0;
    for (j = nleft; j <= nrt; j++) a += w[j] * x[j];
    let b = xs - a;
    let c = 0;
    for (j = nleft; j <= nrt; j++) c += w[j] * (x[j] - a) * (x[j] - a);
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (j = nleft; j <= nrt; j++) w[j] *= b * (x[j] - a) + 1;
    }
  }
  let ys = 0;
  for (j = nleft; j <= nrt; j++) ys += w[j] * y[j];
  return { ys, ok: true };
}

/** clowess on x sorted ascending; returns fitted ys (0-based). */
export function clowess(x0: ArrayLike<number>, y0: ArrayLike<number>, f: number, nsteps: number, delta: number): Float64Array {
  const n = x0.length;
  const x = new Float64Array(n + 1);
  const y = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    x[i + 1] = x0[i];
    y[i + 1] = y0[i];
  }
  const ys = new Float64Array(n + 1);
  const rw = new Float64Array(n + 1);
  const res = new Float64Array(n + 1);
  if (n < 2) {
    ys[1] = y[1];
    return ys.slice(1);
  }
  const ns = Math.max(2, Math.min(n, Math.trunc(f * n + 1e-7))); // at least two, at most n points
  let iter = 1;
  while (iter <= nsteps + 1) {
    let nleft = 1;
    let nright = ns;
    let last = 0;
    let i = 1;
    for (;;) {
      if (nright < n) {
        const d1 = x[i] - x[nleft];
        const d2 = x[nright + 1] - x[i];
        if (d1 > d2) {
          nleft++;
          nright++;
          continue;
        }
      }
      const r = lowest(x, y, n, x[i], nleft, nright, res, iter > 1, rw);
      ys[i] = r.ok ? r.ys : y[i];
      if (last < i - 1) {
        const denom = x[i] - x[last];
        for (let j = last + 1; j < i; j++) {
          const alpha = (x[j] - x[last]) / denom;
          ys[j] = alpha * ys[i] + (1 - alpha) * ys[last];
        }
      }
      last = i;
      const cut = x[last] + delta;
      for (i = last + 1; i <= n; i++) {
        if (x[i] > cut) break;
        if (x[i] === x[last]) {
          ys[i] = ys[last];
          last = i;
        }
      }
      i = Math.max(last + 1, i - 1);
      if (last >= n) break;
    }
    for (i = 0; i < n; i++) res[i + 1] = y[i + 1] - ys[i + 1];
    if (iter > nsteps) break;
    // robustness weights (bisquare of residual / 6 MAD)
    for (i = 1; i <= n; i++) rw[i] = Math.abs(res[i]);
    const sorted = Float64Array.from(rw.subarray(1)).sort();
    const m1 = Math.floor(n / 2) + 1;
    const m2 = n - m1 + 1;
    const cmad = 3 * (sorted[m1 - 1] + sorted[m2 - 1]);
    const c9 = 0.999 * cmad;
    const c1 = 0.001 * cmad;
    for (i = 1; i <= n; i++) {
      const r = Math.abs(res[i]);
      if (r <= c1) rw[i] = 1;
      else if (r <= c9) rw[i] = (1 - (r / cmad) ** 2) ** 2;
      else rw[i] = 0;
    }
    iter++;
  }
  return ys.slice(1);
}

/** R lowess(x, y, f = 2/3, iter, delta = 0.01 * diff(range(x))): x sorted (stable), fitted y. */
export function lowess(x: ArrayLike<number>, y: ArrayLike<number>, opts: { f?: number; iter?: number; delta?: number } = {}): { x: Float64Array; y: Float64Array } {
  const n = x.length;
  const o = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || a - b);
  const xs = Float64Array.from(o, (i) => x[i]);
  const yv = Float64Array.from(o, (i) => y[i]);
  const delta = opts.delta ?? 0.01 * (n ? xs[n - 1] - xs[0] : 0);
  return { x: xs, y: clowess(xs, yv, opts.f ?? 2 / 3, opts.iter ?? 3, delta) };
}
