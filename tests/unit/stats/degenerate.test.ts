// Degenerate data: separation (warning + finite Firth estimates), constant / duplicate columns (dropped
// with a warning), missing values (error listing rows and columns), bad formulas.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lrm } from "../../../lib/stats/logistic.ts";
import { buildDesign, DesignError, type DataFrame } from "../../../lib/stats/design.ts";
import { parseFormula, FormulaError } from "../../../lib/stats/formula.ts";
import { nomogram } from "../../../lib/stats/nomogram.ts";
import { validateAndCalibrate } from "../../../lib/stats/validate.ts";
import { relClose } from "./lrm-helpers.ts";

test("quasi-complete separation: warning and Firth estimates (= Haldane's +1/2 for one binary covariate)", () => {
  // x = 1 -> always an event (a zero cell). For a single binary covariate Firth's estimate equals the
  // log odds ratio with 1/2 added to every cell (Firth 1993; Heinze & Schemper 2002).
  const x = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
  const y = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1];
  const m = lrm({ nrow: x.length, columns: { x, y } }, "y ~ x");
  assert.equal(m.method, "firth");
  assert.ok(m.warnings.some((w) => /separation/.test(w)));
  const [n00, n01, n10, n11] = [7, 3, 0, 6]; // (x, y) counts
  relClose(m.coefficients[0], Math.log((n01 + 0.5) / (n00 + 0.5)), 1e-9, "Firth intercept");
  relClose(m.coefficients[1], Math.log(((n11 + 0.5) * (n00 + 0.5)) / ((n10 + 0.5) * (n01 + 0.5))), 1e-9, "Firth log OR");
  assert.ok(m.se.every(Number.isFinite));
});

test("complete separation: finite coefficients, no NaN anywhere in fit, nomogram or validation", () => {
  const age = Array.from({ length: 30 }, (_, i) => 30 + i);
  const size = age.map((_, i) => ["T1", "T2", "T3"][i % 3]);
  const aln = age.map((a) => (a >= 45 ? 1 : 0));
  const df: DataFrame = { nrow: 30, columns: { age, size, aln } };
  const m = lrm(df, "aln ~ age + size");
  assert.equal(m.method, "firth");
  assert.ok(m.warnings[0].includes("Firth"));
  for (const v of [...m.coefficients, ...m.se, m.aic, m.lrChi2, m.cIndex, m.stats.R2, m.stats.Brier]) assert.ok(Number.isFinite(v), String(v));
  assert.equal(m.cIndex, 1);
  const nm = nomogram(m);
  assert.ok(nm.axes.every((a) => a.points.every(Number.isFinite)));
  const v = validateAndCalibrate(m, { B: 20, seed: 1 });
  for (const row of Object.values(v.validate.index)) for (const x of [row.apparent, row.training, row.test, row.optimism, row.corrected]) assert.ok(Number.isFinite(x), JSON.stringify(row));
  assert.ok(v.calibrate.corrected.every((x) => !Number.isNaN(x)));
});

test("constant and duplicate columns are dropped with a warning", () => {
  const n = 40;
  const a = Array.from({ length: n }, (_, i) => Math.sin(i) * 10);
  const b = a.slice();
  const k = Array.from({ length: n }, () => 5);
  const y = a.map((v, i) => (v + (i % 7) - 3 > 0 ? 1 : 0));
  const m = lrm({ nrow: n, columns: { a, b, k, y } }, "y ~ a + b + k");
  assert.deepEqual(m.names, ["Intercept", "a"]);
  assert.ok(m.warnings.some((w) => /"k" is constant/.test(w)));
  assert.ok(m.warnings.some((w) => /"b" duplicates "a"/.test(w)));
  assert.ok(m.coefficients.every(Number.isFinite));
  // the dropped factors get no nomogram axis
  assert.deepEqual(nomogram(m).axes.map((x) => x.variable), ["a"]);
});

test("missing values: error naming rows and columns (or dropped on request, as the CLI does)", () => {
  const df: DataFrame = { nrow: 5, columns: { y: [0, 1, null, 1, 0], a: [1, 2, 3, null, 5], b: ["x", "y", "x", "y", null] } };
  assert.throws(
    () => buildDesign(df, "y ~ a + b"),
    (e: unknown) => e instanceof DesignError && /3 row\(s\)/.test(e.message) && /row 3 \(y\)/.test(e.message) && /row 4 \(a\)/.test(e.message) && /row 5 \(b\)/.test(e.message),
  );
  const d = buildDesign(df, "y ~ a", { missing: "drop" });
  assert.deepEqual(d.rows, [0, 1, 4]);
});

test("formula parsing: rms names, ref levels, transformations and clear errors", () => {
  const f = parseFormula("y ~ a + factor(b, ref=X) + log(c + 1) + sqrt(d) + rcs(e, 4)");
  assert.deepEqual(f.terms.map((t) => t.kind), ["plain", "factor", "log", "sqrt", "rcs"]);
  const n = 60;
  const df: DataFrame = {
    nrow: n,
    columns: {
      y: Array.from({ length: n }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0),
      a: Array.from({ length: n }, (_, i) => i),
      b: Array.from({ length: n }, (_, i) => ["W", "X", "Z"][i % 3]),
      c: Array.from({ length: n }, (_, i) => (i * 13) % 17),
      d: Array.from({ length: n }, (_, i) => (i * 5) % 11),
      e: Array.from({ length: n }, (_, i) => (i * 31) % 59),
    },
  };
  const d = buildDesign(df, f);
  assert.deepEqual(d.spec.colnames, ["a", "b=W", "b=Z", "c", "d", "e", "e'", "e''"]);
  for (const bad of ["y a", "y ~", "y ~ foo(a)", "y ~ rcs(a, 2)", "y ~ log(a + -1)", "y ~ a + a", "y ~ (a"]) assert.throws(() => parseFormula(bad), FormulaError, bad);
  assert.throws(() => buildDesign(df, "y ~ factor(b, ref=Q)"), /not a level/);
  assert.throws(() => buildDesign(df, "y ~ nope"), /column "nope" is missing/);
  assert.throws(() => buildDesign({ nrow: 2, columns: { y: [0, 2], a: [1, 2] } }, "y ~ a"), /must be 0\/1/);
});

test("formatFormula round-trips and keeps fastbw's factors (refit formula)", async () => {
  const { formatFormula } = await import("../../../lib/stats/formula.ts");
  const text = "aln ~ rcs(age, 3) + meno + factor(size, ref=T2) + grade + er + log(pgr + 1)";
  assert.equal(formatFormula(parseFormula(text)), text);
  assert.equal(formatFormula(parseFormula(text), ["meno", "size", "er", "pgr"]), "aln ~ meno + factor(size, ref=T2) + er + log(pgr + 1)");
  assert.throws(() => formatFormula(parseFormula(text), []), FormulaError);
});
