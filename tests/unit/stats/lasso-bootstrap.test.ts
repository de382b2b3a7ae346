// Min-max scaler options, input checks (missing values, constant/duplicate columns) and bootstrap selection.
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyMinMax, fitMinMax, fromRows, subsetRows } from "../../../lib/stats/scaler.ts";
import { bootstrapIndices, createRng } from "../../../lib/random.ts";
import { assertComplete, dropDegenerateColumns, DataError } from "../../../lib/stats/prep.ts";
import { bootstrapSelection } from "../../../lib/stats/lasso-bootstrap.ts";
import { glmnet } from "../../../lib/stats/glmnet.ts";
import { wdbc } from "./wdbc-fixture.ts";

test("scaler: (x - min)/(max - min), no clipping by default, clip option, out-of-range flagged, constant flagged", () => {
  const train = fromRows([[1, 5, 2], [3, 5, 4], [2, 5, 6]]);
  const sc = fitMinMax(train, ["a", "b", "c"]);
  assert.deepEqual(sc.constant, [false, true, false]);
  const test1 = fromRows([[0, 5, 7], [2, 9, 4]]);
  const r = applyMinMax(sc, test1);
  assert.deepEqual(Array.from(r.x.data), [-0.5, 0.5, 0, 0, 1.25, 0.5]);
  assert.deepEqual(r.outOfRange.map((o) => [o.row, o.feature]), [[0, "a"], [1, "b"], [0, "c"]]);
  const c = applyMinMax(sc, test1, { clip: true });
  assert.deepEqual(Array.from(c.x.data), [0, 0.5, 0, 1, 1, 0.5]);
  assert.throws(() => fitMinMax(fromRows([[1], [NaN]]), ["a"]), /row 2, column "a"/);
});

test("prep: missing values are an error listing rows and columns; constant and duplicate columns dropped with warnings", () => {
  const x = fromRows([[1, 2, 3], [NaN, 2, 3], [1, NaN, NaN]]);
  assert.throws(() => assertComplete(x, ["age", "size", "er"], [0, 1, NaN], "aln"), (e: unknown) => e instanceof DataError && e.message === "missing values in 2 row(s): row 2 (age); row 3 (size, er, aln)");
  const y = fromRows([[1, 7, 1, 2], [2, 7, 2, 3], [3, 7, 3, 1]]);
  const s = dropDegenerateColumns(y, ["a", "const", "a_copy", "b"]);
  assert.deepEqual(s.names, ["a", "b"]);
  assert.deepEqual(s.kept, [0, 3]);
  assert.deepEqual(s.warnings, ['column "const" is constant on the training rows and was dropped', 'column "a_copy" duplicates "a" and was dropped']);
});

test("bootstrap selection: seeded, fixed-lambda rule equals a direct fit on the same resample, frequencies in [0, 1]", () => {
  const d = wdbc();
  const x = d.select(["concave_points_worst", "radius_se", "texture_worst", "smoothness_worst", "symmetry_worst"], d.Xtr);
  const lam = 0.01;
  const a = bootstrapSelection(x, d.ytr, { B: 10, seed: 9, rule: "fixed", lambda: lam });
  const b = bootstrapSelection(x, d.ytr, { B: 10, seed: 9, rule: "fixed", lambda: lam });
  assert.deepEqual(a.counts, b.counts);
  for (const f of a.frequency) assert.ok(f >= 0 && f <= 1);
  // the strongest predictor is selected in every resample; exact solutions make the path irrelevant
  assert.equal(a.counts[0], 10);
  // one resample walking a lambda path down to lam == a direct single-lambda fit on the same resample
  const one = bootstrapSelection(x, d.ytr, { B: 1, seed: 9, rule: "fixed", lambda: 0.002, lambdaPath: [0.2, 0.1, 0.05, 0.02, 0.01, 0.005] });
  const idx = bootstrapIndices(createRng(9), x.n);
  const fit = glmnet(subsetRows(x, idx), Float64Array.from(idx, (i) => d.ytr[i]), { family: "binomial", lambda: [0.002] });
  assert.deepEqual(Array.from(one.counts), Array.from(fit.beta[0], (v) => (v !== 0 ? 1 : 0)));
  const cv = bootstrapSelection(x, d.ytr, { B: 2, seed: 9, rule: "cv-1se", nfolds: 5 });
  assert.equal(cv.lambdaUsed.length, 2);
  assert.ok(cv.lambdaUsed.every((l) => l > 0));
  assert.throws(() => bootstrapSelection(x, d.ytr, { B: 2, seed: 1, rule: "fixed" }), /needs lambda/);
});
