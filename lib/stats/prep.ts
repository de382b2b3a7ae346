// Input checks shared by the LASSO / SVM / ROC code: missing values (error listing rows and columns),
// constant and duplicate columns (dropped with a warning), and CSV-to-matrix helpers for the CLI.
import { columnIndex, type CsvTable } from "../data/csv.ts";
import { fromColumns, subsetColumns, type DesignMatrix } from "./scaler.ts";

export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataError";
  }
}

/** Throws a DataError listing (1-based) rows and the columns with missing / non-finite values. */
export function assertComplete(x: DesignMatrix, names: string[], y?: ArrayLike<number>, yName = "y"): void {
  const bad = new Map<number, string[]>();
  for (let j = 0; j < x.p; j++)
    for (let i = 0; i < x.n; i++)
      if (!Number.isFinite(x.data[j * x.n + i])) {
        const l = bad.get(i) ?? [];
        l.push(names[j]);
        bad.set(i, l);
      }
  if (y) for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) bad.set(i, [...(bad.get(i) ?? []), yName]);
  if (bad.size === 0) return;
  const rows = [...bad.keys()].sort((a, b) => a - b);
  const shown = rows.slice(0, 10).map((r) => `row ${r + 1} (${bad.get(r)!.join(", ")})`);
  throw new DataError(`missing values in ${rows.length} row(s): ${shown.join("; ")}${rows.length > 10 ? "; …" : ""}`);
}

export interface ColumnScreen {
  x: DesignMatrix;
  names: string[];
  /** indices (into the input columns) that were kept */
  kept: number[];
  dropped: { name: string; reason: "constant" | "duplicate"; duplicateOf?: string }[];
  warnings: string[];
}

/** Drop constant columns and exact duplicates of an earlier column, with one warning each. */
export function dropDegenerateColumns(x: DesignMatrix, names: string[]): ColumnScreen {
  const kept: number[] = [];
  const dropped: ColumnScreen["dropped"] = [];
  const warnings: string[] = [];
  const n = x.n;
  for (let j = 0; j < x.p; j++) {
    const col = x.data.subarray(j * n, (j + 1) * n);
    let constant = true;
    for (let i = 1; i < n; i++) if (col[i] !== col[0]) { constant = false; break; }
    if (constant) {
      dropped.push({ name: names[j], reason: "constant" });
      warnings.push(`column "${names[j]}" is constant on the training rows and was dropped`);
      continue;
    }
    let dup = -1;
    for (const k of kept) {
      const other = x.data.subarray(k * n, (k + 1) * n);
      let same = true;
      for (let i = 0; i < n; i++) if (other[i] !== col[i]) { same = false; break; }
      if (same) { dup = k; break; }
    }
    if (dup >= 0) {
      dropped.push({ name: names[j], reason: "duplicate", duplicateOf: names[dup] });
      warnings.push(`column "${names[j]}" duplicates "${names[dup]}" and was dropped`);
      continue;
    }
    kept.push(j);
  }
  return { x: kept.length === x.p ? x : subsetColumns(x, kept), names: kept.map((j) => names[j]), kept, dropped, warnings };
}

/** Numeric columns of a CSV table, keeping only rows where every listed column is present. */
export function completeNumericRows(table: CsvTable, cols: string[]): { rows: number[]; values: Float64Array[]; droppedRows: number[] } {
  const idx = cols.map((c) => columnIndex(table, c));
  const rows: number[] = [];
  const droppedRows: number[] = [];
  table.rows.forEach((r, i) => {
    if (idx.some((j) => r[j] === null)) droppedRows.push(i);
    else rows.push(i);
  });
  const values = idx.map((j, c) =>
    Float64Array.from(rows, (i) => {
      const v = Number(table.rows[i][j]);
      if (!Number.isFinite(v)) throw new DataError(`row ${i + 2}, column "${cols[c]}": "${table.rows[i][j]}" is not a number`);
      return v;
    }),
  );
  return { rows, values, droppedRows };
}

/** 0/1 outcome check naming the offending value. */
export function assertBinary(y: ArrayLike<number>, name: string): void {
  for (let i = 0; i < y.length; i++) if (y[i] !== 0 && y[i] !== 1) throw new DataError(`outcome "${name}" must be 0/1; found ${y[i]}`);
}

export function matrixFromColumns(cols: Float64Array[]): DesignMatrix {
  return fromColumns(cols);
}
