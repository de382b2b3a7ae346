// Ports of R base functions whose exact floating-point behaviour the rms/Hmisc numbers depend on:
// seq(from, to, length.out) (R-level seq.default and C-level seq.int), quantile(type = 7), pretty(),
// approx(), rank(ties = "average"). Written by hand (not a library) because the fixtures compare
// against R to 1e-12 and these functions carry R's own rounding (e.g. pretty's 0.6000000000000001).

/** R seq.default(from, to, length.out = n): c(from, from + (1:(n-2)) * by, to), by = (to - from)/(n - 1). */
export function seqLength(from: number, to: number, n: number): number[] {
  if (n <= 0) return [];
  if (n === 1) return [from];
  if (n === 2) return [from, to];
  if (from === to) return new Array<number>(n).fill(from);
  const by = (to - from) / (n - 1);
  const out = new Array<number>(n);
  out[0] = from;
  for (let i = 1; i < n - 1; i++) out[i] = from + i * by;
  out[n - 1] = to;
  return out;
}

/** R 4.2 seq.int(from, to, length.out = n) (C do_seq): from + i*by, last element = to. */
export function seqIntLength(from: number, to: number, n: number): number[] {
  const out = new Array<number>(n);
  if (n > 0) out[0] = from;
  if (n > 1) out[n - 1] = to;
  if (n > 2) {
    const by = (to - from) / (n - 1);
    for (let i = 1; i < n - 1; i++) out[i] = from + i * by;
  }
  return out;
}

/** R seq(from, to, by) for by > 0: from + (0:k) * by, k = floor((to-from)/by + 1e-10), capped at to. */
export function seqBy(from: number, to: number, by: number): number[] {
  const k = Math.floor((to - from) / by + 1e-10);
  const out: number[] = [];
  for (let i = 0; i <= k; i++) out.push(Math.min(from + i * by, to));
  return out;
}

/** R quantile(x, probs, type = 7) on an already sorted array. */
export function quantile7Sorted(sorted: ArrayLike<number>, probs: number[]): number[] {
  const n = sorted.length;
  return probs.map((p) => {
    const index = 1 + Math.max(n - 1, 0) * p; // R: index <- 1 + max(n - 1, 0) * probs
    const lo = Math.floor(index);
    const hi = Math.ceil(index);
    let qs = sorted[lo - 1];
    const xhi = sorted[hi - 1];
    if (index > lo && xhi !== qs) {
      const h = index - lo;
      qs = (1 - h) * qs + h * xhi; // (1 - h) * qs + h * x[hi]
    }
    return qs;
  });
}

export function quantile7(x: ArrayLike<number>, probs: number[]): number[] {
  const s = Float64Array.from(x).sort();
  return quantile7Sorted(s, probs);
}

/** R's R_pretty() (src/appl/pretty.c, R 4.2) + pretty.default(): n = 5 by default, min.n = n %/% 3. */
export function pretty(values: ArrayLike<number>, n = 5): number[] {
  let lo = Infinity;
  let up = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > up) up = v;
    }
  }
  if (!Number.isFinite(lo)) return [];
  const minN = Math.floor(n / 3);
  const shrinkSml = 0.75;
  const h = 1.5; // high.u.bias
  const h5 = 0.5 + 1.5 * h; // u5.bias
  const roundingEps = 1e-10;
  const DBL_EPSILON = 2.220446049250313e-16;
  let ndiv = n;
  const dx = up - lo;
  let cell: number;
  let iSmall: boolean;
  if (dx === 0 && up === 0) {
    cell = 1;
    iSmall = true;
  } else {
    cell = Math.max(Math.abs(lo), Math.abs(up));
    let U = 1 + (h5 >= 1.5 * h + 0.5 ? 1 / (1 + h) : 1.5 / (1 + h5));
    U *= Math.max(1, ndiv) * DBL_EPSILON;
    iSmall = dx < cell * U * 3;
  }
  if (iSmall) {
    if (cell > 10) cell = 9 + cell / 10;
    cell *= shrinkSml;
    if (minN > 1) cell /= minN;
  } else {
    cell = dx;
    if (ndiv > 1) cell /= ndiv;
  }
  const subsmall = Math.pow(2, -20) * 2.2250738585072014e-308;
  if (cell < subsmall) cell = subsmall;
  const base = Math.pow(10, Math.floor(Math.log10(cell)));
  let unit = base;
  let ns: number;
  if ((ns = 2 * base) - cell < h * (cell - unit)) {
    unit = ns;
    if ((ns = 5 * base) - cell < h5 * (cell - unit)) {
      unit = ns;
      if ((ns = 10 * base) - cell < h * (cell - unit)) unit = ns;
    }
  }
  ns = Math.floor(lo / unit + roundingEps);
  let nu = Math.ceil(up / unit - roundingEps);
  while (ns * unit > lo + roundingEps * unit) ns--;
  while (nu * unit < up - roundingEps * unit) nu++;
  let k = Math.floor(0.5 + nu - ns);
  if (k < minN) {
    k = minN - k;
    if (ns >= 0) {
      nu += Math.floor(k / 2);
      ns -= Math.floor(k / 2) + (k % 2);
    } else {
      ns -= Math.floor(k / 2);
      nu += Math.floor(k / 2) + (k % 2);
    }
    ndiv = minN;
  } else ndiv = k;
  // return_bounds = TRUE: only widen the original range
  if (ns * unit < lo) lo = ns * unit;
  if (nu * unit > up) up = nu * unit;
  const s = seqIntLength(lo, up, ndiv + 1);
  if (ndiv > 0) {
    const delta = (up - lo) / ndiv;
    for (let i = 0; i < s.length; i++) if (Math.abs(s[i]) < 1e-14 * delta) s[i] = 0;
  }
  return s;
}

export type Ties = "mean" | "first";

/**
 * R approx(x, y, xout, method = "linear", rule = 1, ties): NaN outside [min x, max x].
 * x need not be sorted; ties collapsed by `ties` (R's regularize.values).
 */
export function approx(x: ArrayLike<number>, y: ArrayLike<number>, xout: ArrayLike<number>, ties: Ties = "mean"): number[] {
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]) && !Number.isNaN(y[i])) idx.push(i);
  idx.sort((a, b) => x[a] - x[b] || a - b); // stable order as R's order()
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < idx.length; ) {
    let j = k;
    let sum = 0;
    while (j < idx.length && x[idx[j]] === x[idx[k]]) {
      sum += y[idx[j]];
      j++;
    }
    xs.push(x[idx[k]]);
    ys.push(ties === "first" ? y[idx[k]] : sum / (j - k));
    k = j;
  }
  const n = xs.length;
  const out = new Array<number>(xout.length);
  for (let m = 0; m < xout.length; m++) {
    const v = xout[m];
    if (n === 0 || Number.isNaN(v) || v < xs[0] || v > xs[n - 1]) {
      out[m] = NaN;
      continue;
    }
    let i = 0;
    let j = n - 1;
    while (i < j - 1) {
      const ij = (i + j) >> 1;
      if (v < xs[ij]) j = ij;
      else i = ij;
    }
    if (v === xs[j]) out[m] = ys[j];
    else if (v === xs[i]) out[m] = ys[i];
    else out[m] = ys[i] + (ys[j] - ys[i]) * ((v - xs[i]) / (xs[j] - xs[i])); // R approx1 linear
  }
  return out;
}

/** Mid-ranks (R rank(ties.method = "average")), 1-based. */
export function midRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(n);
  for (let k = 0; k < n; ) {
    let j = k;
    while (j + 1 < n && x[idx[j + 1]] === x[idx[k]]) j++;
    const avg = (k + j + 2) / 2;
    for (let m = k; m <= j; m++) r[idx[m]] = avg;
    k = j + 1;
  }
  return r;
}

export function plogis(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function qlogis(p: number): number {
  return Math.log(p / (1 - p));
}

/** min of an array without spreading it into arguments (safe for any length); NaN-free input assumed */
export function minOf(x: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] < m) m = x[i];
  return m;
}

export function maxOf(x: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > m) m = x[i];
  return m;
}
