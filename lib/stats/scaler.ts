// Min-max scaling fitted on the training rows only (pipeline.md step 4). Column-major matrices
// (see DesignMatrix in ./glmnet.ts) so the LASSO and SVM code can use the result directly.

/** Column-major design matrix: `data[j * n + i]` is row i, column j. */
export interface DesignMatrix {
  n: number;
  p: number;
  data: Float64Array;
}

export interface MinMaxScaler {
  features: string[];
  min: number[];
  max: number[];
  /** true when max == min on the training rows: the column carries no information and should be dropped */
  constant: boolean[];
}

export interface ScaleOptions {
  /** clip scaled values to [0, 1] (prediction-time setting); default false = R's behaviour, no clipping */
  clip?: boolean;
}

export interface OutOfRange {
  row: number;
  feature: string;
  value: number;
  scaled: number;
}

export class ScalerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScalerError";
  }
}

/** Fit min and max per column on the given (training) rows. NaN anywhere is an error naming row and column. */
export function fitMinMax(x: DesignMatrix, features: string[]): MinMaxScaler {
  if (features.length !== x.p) throw new ScalerError(`fitMinMax: ${features.length} names for ${x.p} columns`);
  if (x.n === 0) throw new ScalerError("fitMinMax: no training rows");
  const min: number[] = [];
  const max: number[] = [];
  const constant: boolean[] = [];
  for (let j = 0; j < x.p; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < x.n; i++) {
      const v = x.data[j * x.n + i];
      if (!Number.isFinite(v)) throw new ScalerError(`fitMinMax: row ${i + 1}, column "${features[j]}" is not a finite number`);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min.push(lo);
    max.push(hi);
    constant.push(hi === lo);
  }
  return { features: [...features], min, max, constant };
}

/**
 * Apply the scaler: (x - min) / (max - min), computed in exactly this order so the result matches R bit
 * for bit. Constant columns give 0. Values outside the training range are reported in `outOfRange`
 * (row index 0-based) and, with `clip`, clipped to [0, 1].
 */
export function applyMinMax(scaler: MinMaxScaler, x: DesignMatrix, opts: ScaleOptions = {}): { x: DesignMatrix; outOfRange: OutOfRange[] } {
  if (x.p !== scaler.features.length) throw new ScalerError(`applyMinMax: matrix has ${x.p} columns, scaler ${scaler.features.length}`);
  const out = new Float64Array(x.n * x.p);
  const outOfRange: OutOfRange[] = [];
  for (let j = 0; j < x.p; j++) {
    const lo = scaler.min[j];
    const hi = scaler.max[j];
    const range = hi - lo;
    for (let i = 0; i < x.n; i++) {
      const v = x.data[j * x.n + i];
      let s = scaler.constant[j] ? 0 : (v - lo) / range; // min-max: (x - min) / (max - min)
      if (v < lo || v > hi) {
        outOfRange.push({ row: i, feature: scaler.features[j], value: v, scaled: s });
        if (opts.clip) s = v < lo ? 0 : 1;
      }
      out[j * x.n + i] = s;
    }
  }
  return { x: { n: x.n, p: x.p, data: out }, outOfRange };
}

/** Build a column-major matrix from rows (array of row arrays). */
export function fromRows(rows: ArrayLike<number>[], p?: number): DesignMatrix {
  const n = rows.length;
  const pp = p ?? (n > 0 ? rows[0].length : 0);
  const data = new Float64Array(n * pp);
  for (let i = 0; i < n; i++) for (let j = 0; j < pp; j++) data[j * n + i] = rows[i][j];
  return { n, p: pp, data };
}

/** Build a column-major matrix from columns. */
export function fromColumns(cols: ArrayLike<number>[], n?: number): DesignMatrix {
  const p = cols.length;
  const nn = n ?? (p > 0 ? cols[0].length : 0);
  const data = new Float64Array(nn * p);
  for (let j = 0; j < p; j++) for (let i = 0; i < nn; i++) data[j * nn + i] = cols[j][i];
  return { n: nn, p, data };
}

/** Rows `idx` (with repeats allowed) of a column-major matrix. */
export function subsetRows(x: DesignMatrix, idx: ArrayLike<number>): DesignMatrix {
  const m = idx.length;
  const data = new Float64Array(m * x.p);
  for (let j = 0; j < x.p; j++) {
    const src = j * x.n;
    const dst = j * m;
    for (let k = 0; k < m; k++) data[dst + k] = x.data[src + idx[k]];
  }
  return { n: m, p: x.p, data };
}

/** Columns `idx` of a column-major matrix. */
export function subsetColumns(x: DesignMatrix, idx: ArrayLike<number>): DesignMatrix {
  const data = new Float64Array(x.n * idx.length);
  for (let k = 0; k < idx.length; k++) data.set(x.data.subarray(idx[k] * x.n, (idx[k] + 1) * x.n), k * x.n);
  return { n: x.n, p: idx.length, data };
}
