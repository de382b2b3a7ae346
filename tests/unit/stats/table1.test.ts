// Table 1 and univariate tests against rotterdam_table1.json and wdbc_univariate.json
// (statistics relative 1e-10, p-values relative 1e-8 down to 1e-93).
import { test } from "node:test";
import assert from "node:assert/strict";
import { table1 } from "../../../lib/stats/table1.ts";
import { spearman, mannWhitney, fisherTest, chisqTest, welchTTest } from "../../../lib/stats/tests.ts";
import { fixture, rotterdam, csvFrame, rowsWhere, relClose, allRelClose } from "./lrm-helpers.ts";

const T = fixture("rotterdam_table1.json");
const W = fixture("wdbc_univariate.json");
const VARS = ["age", "meno", "size", "grade", "er", "pgr"];

function checkTable(r: ReturnType<typeof table1>, F: typeof T.table1_train_by_aln, vars: string[]) {
  assert.deepEqual(r.groups, F.group_levels);
  assert.deepEqual(r.n_by_group, F.n_by_group);
  const a = r.variables.age;
  const E = F.age_welch_t;
  assert.equal(a.test, "welch_t");
  relClose(a.statistic!, E.t, 1e-10, "t");
  relClose(a.df!, E.df, 1e-10, "df");
  relClose(a.p_value!, E.p_value, 1e-8, "t p");
  allRelClose(a.conf_int!, E.conf_int_diff, 1e-10, "CI");
  const s = a.summary_by_group as Record<string, { mean: number; sd: number }>;
  F.group_levels.forEach((g: string, j: number) => {
    relClose(s[g].mean, E.mean_by_group[j], 1e-12, "mean");
    relClose(s[g].sd, E.sd_by_group[j], 1e-12, "sd");
  });
  for (const v of vars.filter((x) => F[`${x}_chisq`])) {
    const C = F[`${v}_chisq`];
    const got = r.variables[v];
    assert.equal(got.test, "chisq", v);
    assert.deepEqual(got.levels, C.levels);
    assert.deepEqual(got.counts, C.counts);
    relClose(got.statistic!, C.statistic, 1e-10, `${v} X2`);
    assert.equal(got.df, C.df);
    relClose(got.p_value!, C.p_value, 1e-8, `${v} p`);
    const pc = got.summary_by_group as Record<string, Record<string, { percent: number }>>;
    C.levels.forEach((l: string, i: number) => C.groups.forEach((g: string, j: number) => relClose(pc[g][l].percent, C.column_percent[i][j], 1e-12, `${v} %`)));
  }
  for (const v of ["er", "pgr"]) {
    const M = F[`${v}_mann_whitney`];
    const got = r.variables[v];
    assert.equal(got.test, "mann_whitney");
    assert.equal(got.statistic, M.W);
    relClose(got.p_value!, M.p_value_continuity_corrected, 1e-8, `${v} p`);
    relClose(got.p_value_no_correction!, M.p_value_no_correction, 1e-8, `${v} p (no correction)`);
    const s2 = got.summary_by_group as Record<string, { q1: number; median: number; q3: number }>;
    F.group_levels.forEach((g: string) => assert.deepEqual([s2[g].q1, s2[g].median, s2[g].q3], M.quartiles_by_group[g]));
  }
}

test("table1: training rows by aln (Welch t, chi-square, Mann–Whitney, summaries, Spearman)", () => {
  const r = table1(rotterdam().train, "aln", VARS, { nonnormal: ["er", "pgr"] });
  checkTable(r, T.table1_train_by_aln, VARS);
  for (const v of VARS) {
    relClose(r.variables[v].spearman.rho!, T.spearman_train[v].rho, 1e-10, `${v} rho`);
    relClose(r.variables[v].spearman.S!, T.spearman_train[v].S, 1e-10, `${v} S`);
    relClose(r.variables[v].spearman.p_value!, T.spearman_train[v].p_value, 1e-8, `${v} Spearman p`);
  }
});

test("table1: all rows by split (text grouping) and Spearman on all rows", () => {
  const { all } = rotterdam();
  const r = table1(all, "split", [...VARS, "aln"], { nonnormal: ["er", "pgr"] });
  checkTable(r, T.table1_by_split, [...VARS, "aln"]);
  const aln = all.columns.aln as number[];
  for (const v of VARS) {
    const x = v === "size" ? all.columns.size.map((s) => ["T1", "T2", "T3"].indexOf(s as string) + 1) : (all.columns[v] as number[]);
    const s = spearman(x, aln);
    relClose(s.rho, T.spearman_all_rows[v].rho, 1e-10, `${v} rho`);
    relClose(s.pValue, T.spearman_all_rows[v].p_value, 1e-8, `${v} p`);
  }
});

test("wdbc: Spearman and Mann–Whitney for 30 features (p down to 1e-93)", () => {
  const df = csvFrame("wdbc_univariate_data.csv");
  const rows = rowsWhere(df, "split", "train");
  assert.equal(rows.length, W.n);
  const y = rows.map((i) => df.columns.malignant[i] as number);
  let smallest = 1;
  for (const [f, E] of Object.entries<typeof W.features.radius_mean>(W.features)) {
    const x = rows.map((i) => df.columns[f][i] as number);
    const s = spearman(x, y);
    relClose(s.rho, E.spearman.rho, 1e-10, `${f} rho`);
    relClose(s.S, E.spearman.S, 1e-10, `${f} S`);
    relClose(s.pValue, E.spearman.p_value, 1e-8, `${f} Spearman p`);
    smallest = Math.min(smallest, E.spearman.p_value);
    const m = mannWhitney(x.filter((_, i) => y[i] === 0), x.filter((_, i) => y[i] === 1));
    relClose(m.W, E.mann_whitney.W, 1e-10, `${f} W`);
    relClose(m.pValue, E.mann_whitney.p_value_continuity_corrected, 1e-8, `${f} MW p`);
    relClose(m.pValueNoCorrection, E.mann_whitney.p_value_no_correction, 1e-8, `${f} MW p (no cc)`);
  }
  assert.ok(smallest < 1e-92);
});

test("Fisher exact test: R's documented examples", () => {
  // ?fisher.test: TeaTasting (3,1 / 1,3) two-sided p = 0.4857; Convictions two-sided p = 0.0005367
  relClose(fisherTest([[3, 1], [1, 3]]).pValue, 0.4857142857142857, 1e-10, "TeaTasting");
  relClose(fisherTest([[2, 10], [15, 3]]).pValue, 0.0005367, 1e-4, "Convictions");
  // transpose invariance and a 2 x k table enumerates quickly
  const t = [[10, 20, 5, 3, 2], [12, 8, 1, 0, 4]];
  const tt = t[0].map((_, j) => t.map((r) => r[j]));
  relClose(fisherTest(tt).pValue, fisherTest(t).pValue, 1e-12, "transpose");
});

test("table1 uses Fisher when an expected count is < 5, and input checks", () => {
  const df = { nrow: 12, columns: { g: [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], x: ["a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b", "a"] } };
  const r = table1(df, "g", ["x"]);
  assert.equal(r.variables.x.test, "fisher");
  assert.equal(r.variables.x.statistic, null);
  relClose(r.variables.x.p_value!, fisherTest([[5, 1], [1, 5]]).pValue, 1e-12, "fisher p");
  assert.throws(() => table1({ nrow: 3, columns: { g: [0, 1, 2], x: [1, 2, 3] } }, "g", ["x"]), /exactly 2 groups/);
  // degenerate variables give null (never NaN) with a warning
  const n = 24;
  const d2 = { nrow: n, columns: { g: Array.from({ length: n }, (_, i) => i % 2), k: Array.from({ length: n }, () => 7), one: Array.from({ length: n }, (_, i) => (i === 0 ? 1.5 : 2 + i * 0.1 + (i % 2 ? 0 : 50))) } };
  d2.columns.one = d2.columns.one.map((v, i) => (i % 2 === 1 && i > 1 ? null : v)) as number[];
  const r2 = table1(d2, "g", ["k", "one"]);
  assert.equal(r2.variables.k.spearman.rho, null);
  assert.equal(r2.variables.one.p_value, null);
  assert.ok(r2.warnings.some((w) => w.startsWith("k:")) && r2.warnings.some((w) => w.startsWith("one:")));
  assert.ok(!JSON.stringify(r2).includes("NaN"));
  assert.throws(() => chisqTest([[1, 2]]), /2 x 2/);
  assert.throws(() => welchTTest([1], [2, 3]), /at least 2/);
});
