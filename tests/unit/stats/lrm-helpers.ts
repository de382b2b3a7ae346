// Fixture loading for the lrm / nomogram / validate / DCA / Table 1 tests (R reference values copied
// into tests/fixtures/stats by tests/fixtures/stats/make-lrm-fixtures.mjs).
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { parseCsv } from "../../../lib/data/csv.ts";
import { dataFrameFromCsv, type DataFrame } from "../../../lib/stats/design.ts";

const dir = new URL("../../fixtures/stats/", import.meta.url);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(name, dir), "utf8"));
}

export function bootstrapIndices(): { seed: number; B: number; n: number; indices: number[][] } {
  return JSON.parse(gunzipSync(readFileSync(new URL("rotterdam_bootstrap_indices.json.gz", dir))).toString("utf8"));
}

export function fixturePath(name: string): string {
  return new URL(name, dir).pathname;
}

export function csvFrame(name: string): DataFrame {
  return dataFrameFromCsv(parseCsv(readFileSync(new URL(name, dir), "utf8")));
}

export function subset(df: DataFrame, rows: number[]): DataFrame {
  return { nrow: rows.length, columns: Object.fromEntries(Object.entries(df.columns).map(([k, v]) => [k, rows.map((i) => v[i])])) };
}

export function rowsWhere(df: DataFrame, col: string, value: string): number[] {
  const out: number[] = [];
  df.columns[col].forEach((v, i) => {
    if (v === value) out.push(i);
  });
  return out;
}

let cache: { all: DataFrame; train: DataFrame; test: DataFrame; trainRows: number[]; testRows: number[] } | undefined;
/** rotterdam.csv, its training rows and test rows (file order) */
export function rotterdam() {
  if (!cache) {
    const all = csvFrame("rotterdam_lrm_data.csv");
    const trainRows = rowsWhere(all, "split", "train");
    const testRows = rowsWhere(all, "split", "test");
    cache = { all, train: subset(all, trainRows), test: subset(all, testRows), trainRows, testRows };
  }
  return cache;
}

export function relClose(actual: number, expected: number, rel: number, what: string): void {
  const d = Math.abs(actual - expected);
  if (!(d <= rel * Math.abs(expected)) && !(expected === 0 && d <= rel)) throw new Error(`${what}: ${actual} vs R ${expected} (rel ${d / Math.abs(expected)} > ${rel})`);
}

export function absClose(actual: number, expected: number, tol: number, what: string): void {
  const d = Math.abs(actual - expected);
  if (!(d <= tol)) throw new Error(`${what}: ${actual} vs R ${expected} (abs diff ${d} > ${tol})`);
}

export function allAbsClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} vs R ${expected.length}`);
  for (let i = 0; i < expected.length; i++) absClose(actual[i], expected[i], tol, `${what}[${i}]`);
}

export function allRelClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} vs R ${expected.length}`);
  for (let i = 0; i < expected.length; i++) relClose(actual[i], expected[i], rel, `${what}[${i}]`);
}
