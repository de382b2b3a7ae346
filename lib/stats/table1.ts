// 'Table 1': per-group summaries and univariate tests of each variable against a grouping (the outcome),
// as pipeline.md step 8 / cli.md `stats table1`: a text column or one with <= 10 distinct values is
// categorical (chi-square without correction, or Fisher when an expected count is < 5); otherwise Welch t
// (or Mann–Whitney for variables flagged non-normal); Spearman of each variable with the grouping.
import type { Cell, DataFrame } from "./design.ts";
import { chisqTest, fisherTest, mannWhitney, meanR, spearman, varianceR, welchTTest, type ContinuousSummary } from "./tests.ts";
import { quantile7 } from "./rbase.ts";

export type Table1Test = "welch_t" | "mann_whitney" | "chisq" | "fisher";

export interface Table1Variable {
  type: "continuous" | "categorical";
  /** continuous: {group: {n, mean, sd, median, q1, q3}}; categorical: {group: {level: {n, percent}}} */
  summary_by_group: Record<string, ContinuousSummary> | Record<string, Record<string, { n: number; percent: number }>>;
  test: Table1Test;
  /** t, W, X2, or null for Fisher (or when no test is possible) */
  statistic: number | null;
  /** null when no test is possible (a single level, a group with < 2 values, ...) */
  p_value: number | null;
  df?: number;
  /** Welch: CI of the difference (first group - second) */
  conf_int?: [number, number];
  /** Mann–Whitney: p without continuity correction */
  p_value_no_correction?: number;
  /** categorical: counts[level][group] */
  counts?: number[][];
  levels?: string[];
  /** null values when undefined (a constant variable) */
  spearman: { rho: number | null; p_value: number | null; S: number | null };
  n: number;
}

export interface Table1Result {
  groups: string[];
  n_by_group: number[];
  variables: Record<string, Table1Variable>;
  warnings: string[];
}

function codePointCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0; // UTF-16 order equals code-point order outside surrogate pairs
}

function sortedLevels(vals: Cell[]): { labels: string[]; numeric: boolean } {
  const numeric = vals.every((v) => typeof v === "number");
  const uniq = Array.from(new Set(vals.map((v) => String(v))));
  return { labels: numeric ? uniq.sort((a, b) => Number(a) - Number(b)) : uniq.sort(codePointCompare), numeric };
}

export function summarizeContinuous(x: number[]): ContinuousSummary {
  if (x.length === 0) return { n: 0, mean: null, sd: null, median: null, q1: null, q3: null };
  const [q1, median, q3] = quantile7(x, [0.25, 0.5, 0.75]);
  return { n: x.length, mean: meanR(x), sd: x.length > 1 ? Math.sqrt(varianceR(x)) : null, median, q1, q3 };
}

export interface Table1Options {
  /** continuous variables to test with Mann–Whitney instead of Welch t */
  nonnormal?: string[];
}

export function table1(df: DataFrame, groupCol: string, vars: string[], options: Table1Options = {}): Table1Result {
  const warnings: string[] = [];
  if (!(groupCol in df.columns)) throw new RangeError(`column "${groupCol}" is missing`);
  const variables: Record<string, Table1Variable> = {};
  const gAll = df.columns[groupCol];
  const gLev = sortedLevels(gAll.filter((v) => v !== null));
  if (gLev.labels.length !== 2) throw new RangeError(`the grouping column "${groupCol}" must have exactly 2 groups, found ${gLev.labels.length} (${gLev.labels.join(", ")})`);
  const groups = gLev.labels;
  for (const v of vars) {
    if (!(v in df.columns)) throw new RangeError(`column "${v}" is missing`);
    const col = df.columns[v];
    const rows: number[] = [];
    for (let i = 0; i < df.nrow; i++) if (col[i] !== null && gAll[i] !== null) rows.push(i);
    if (rows.length < df.nrow) warnings.push(`${v}: ${df.nrow - rows.length} row(s) with a missing value dropped`);
    const vals = rows.map((i) => col[i]);
    const g = rows.map((i) => groups.indexOf(String(gAll[i])));
    const lev = sortedLevels(vals);
    const categorical = !lev.numeric || lev.labels.length <= 10;
    // Spearman: text coded 1..k in level order; group coded by its sorted position
    const xs = lev.numeric ? (vals as number[]) : vals.map((x) => lev.labels.indexOf(String(x)) + 1);
    const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
    let spOut: Table1Variable["spearman"] = { rho: null, p_value: null, S: null };
    try {
      const sp = spearman(xs, g);
      spOut = { rho: num(sp.rho), p_value: num(sp.pValue), S: num(sp.S) };
    } catch (e) {
      warnings.push(`${v}: Spearman not computed (${(e as Error).message})`);
    }
    if (spOut.rho === null) warnings.push(`${v}: Spearman correlation undefined (a constant variable)`);
    if (categorical) {
      const counts = lev.labels.map(() => groups.map(() => 0));
      vals.forEach((x, i) => counts[lev.labels.indexOf(String(x))][g[i]]++);
      const nG = groups.map((_, j) => counts.reduce((a, r) => a + r[j], 0));
      const summary: Record<string, Record<string, { n: number; percent: number }>> = {};
      groups.forEach((gr, j) => {
        summary[gr] = {};
        lev.labels.forEach((l, i) => (summary[gr][l] = { n: counts[i][j], percent: (100 * counts[i][j]) / nG[j] }));
      });
      let test: Table1Test = "chisq";
      let statistic: number | null = null;
      let p: number | null = null;
      let dfv: number | undefined;
      if (lev.labels.length < 2) {
        warnings.push(`${v}: a single level; no test`);
      } else {
        const cs = chisqTest(counts);
        let fisherP: number | null = null;
        if (cs.expected.some((r) => r.some((e) => e < 5))) {
          try {
            fisherP = fisherTest(counts).pValue;
          } catch (e) {
            // too many tables for exhaustive enumeration (no network algorithm here): fall back, say so
            warnings.push(`${v}: expected counts < 5 but ${(e as Error).message}; chi-square reported instead`);
          }
        }
        if (fisherP !== null) {
          test = "fisher";
          p = fisherP;
        } else {
          statistic = cs.statistic;
          p = cs.pValue;
          dfv = cs.df;
        }
      }
      variables[v] = { type: "categorical", summary_by_group: summary, test, statistic, p_value: p, df: dfv, counts, levels: lev.labels, spearman: spOut, n: rows.length };
    } else {
      const byG = groups.map((_, j) => (vals as number[]).filter((_, i) => g[i] === j));
      const summary: Record<string, ContinuousSummary> = {};
      groups.forEach((gr, j) => (summary[gr] = summarizeContinuous(byG[j])));
      const base = { type: "continuous" as const, summary_by_group: summary, spearman: spOut, n: rows.length };
      try {
        if (options.nonnormal?.includes(v)) {
          const mw = mannWhitney(byG[0], byG[1]);
          variables[v] = { ...base, test: "mann_whitney", statistic: mw.W, p_value: num(mw.pValue), p_value_no_correction: mw.pValueNoCorrection };
        } else {
          const wt = welchTTest(byG[0], byG[1]);
          variables[v] = { ...base, test: "welch_t", statistic: num(wt.t), p_value: num(wt.pValue), df: wt.df, conf_int: wt.confInt };
        }
      } catch (e) {
        warnings.push(`${v}: no test (${(e as Error).message})`);
        variables[v] = { ...base, test: options.nonnormal?.includes(v) ? "mann_whitney" : "welch_t", statistic: null, p_value: null };
      }
      if (variables[v].p_value === null && !warnings.some((w) => w.startsWith(`${v}: no test`))) warnings.push(`${v}: the test is undefined (no variation within the groups)`);
    }
  }
  const nBy = groups.map((gr) => gAll.filter((x) => x !== null && String(x) === gr).length);
  return { groups, n_by_group: nBy, variables, warnings };
}
