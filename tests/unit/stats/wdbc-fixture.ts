// Shared loading for the LASSO / ROC / SVM tests: the WDBC CSV and the trimmed R fixtures in
// tests/fixtures/stats (made by scripts/fixtures/trim-stats-fixtures.ts from shared/reference/stats).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCsv, numericColumn, textColumn } from "../../../lib/data/csv.ts";
import { applyMinMax, fitMinMax, fromColumns, subsetColumns, type DesignMatrix, type MinMaxScaler } from "../../../lib/stats/scaler.ts";

export const FIX = join(import.meta.dirname, "../../fixtures/stats");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type J = Record<string, any>;
export function fixture(name: string): J {
  return JSON.parse(readFileSync(join(FIX, name), "utf8"));
}
export const num = (v: number | string): number => (v === "-Inf" ? -Infinity : v === "Inf" ? Infinity : v === "NaN" ? NaN : (v as number));

export interface Wdbc {
  features: string[];
  trainRows: number[];
  testRows: number[];
  Xtr: DesignMatrix;
  Xte: DesignMatrix;
  ytr: Float64Array;
  yte: Float64Array;
  foldtr: Int32Array;
  radiusMeanTr: Float64Array;
  scaler: MinMaxScaler;
  select(names: string[], X: DesignMatrix): DesignMatrix;
}

let cached: Wdbc | undefined;
export function wdbc(): Wdbc {
  if (cached) return cached;
  const t = parseCsv(readFileSync(join(FIX, "wdbc_data.csv"), "utf8"));
  const split = textColumn(t, "split");
  const trainRows = split.flatMap((s, i) => (s === "train" ? [i] : []));
  const testRows = split.flatMap((s, i) => (s === "test" ? [i] : []));
  const features = t.columns.slice(1, 31);
  const cols = features.map((f) => numericColumn(t, f));
  const y = numericColumn(t, "malignant");
  const fold = numericColumn(t, "fold");
  const radius = numericColumn(t, "radius_mean");
  const Xtr0 = fromColumns(cols.map((c) => trainRows.map((i) => c[i])));
  const Xte0 = fromColumns(cols.map((c) => testRows.map((i) => c[i])));
  const scaler = fitMinMax(Xtr0, features);
  cached = {
    features,
    trainRows,
    testRows,
    Xtr: applyMinMax(scaler, Xtr0).x,
    Xte: applyMinMax(scaler, Xte0).x,
    ytr: Float64Array.from(trainRows, (i) => y[i]),
    yte: Float64Array.from(testRows, (i) => y[i]),
    foldtr: Int32Array.from(trainRows, (i) => fold[i]),
    radiusMeanTr: Float64Array.from(trainRows, (i) => radius[i]),
    scaler,
    select: (names, X) => subsetColumns(X, names.map((n) => features.indexOf(n))),
  };
  return cached;
}

/** |a - b| <= tol, with a readable message */
export function near(actual: number, expected: number, tol: number, what: string): void {
  if (actual === expected) return;
  const d = Math.abs(actual - expected);
  if (!(d <= tol)) throw new Error(`${what}: got ${actual}, expected ${expected} (|diff| ${d} > ${tol})`);
}
