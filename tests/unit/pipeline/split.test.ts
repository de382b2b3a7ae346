import { test } from "node:test";
import assert from "node:assert/strict";
import { stratifiedSplit, stratifiedFolds, streamFor, SplitError } from "../../../lib/stats/split.ts";
import { createRng } from "../../../lib/random.ts";

test("split: outcome-stratified split keeps round(ratio * n_class) of each class and is seeded", () => {
  const y = Array.from({ length: 147 }, (_, i) => (i < 83 ? 1 : 0));
  const s = stratifiedSplit(y, 0.75, createRng(4));
  assert.equal(s.training.length + s.validation.length, 147);
  assert.equal(s.training.filter((i) => y[i] === 1).length, 62); // round(0.75 * 83)
  assert.equal(s.training.filter((i) => y[i] === 0).length, 48); // round(0.75 * 64)
  assert.deepEqual(stratifiedSplit(y, 0.75, createRng(4)), s);
  assert.notDeepEqual(stratifiedSplit(y, 0.75, createRng(5)).training, s.training);
  assert.throws(() => stratifiedSplit(y, 1, createRng(1)), SplitError);
});

test("split: stratified folds differ in size and in events by at most 1; too few events is a clear error", () => {
  const y = Array.from({ length: 110 }, (_, i) => (i % 9 < 5 ? 1 : 0));
  const f = stratifiedFolds(y, 10, streamFor(1, 2));
  const sizes = Array.from({ length: 10 }, (_, k) => f.filter((v) => v === k + 1).length);
  const events = Array.from({ length: 10 }, (_, k) => y.filter((v, i) => v === 1 && f[i] === k + 1).length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
  assert.ok(Math.max(...events) - Math.min(...events) <= 1);
  assert.throws(() => stratifiedFolds([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], 3, createRng(1), "LASSO cross-validation"), /too few events for 3-fold LASSO cross-validation: 2 events and 9 non-events/);
});
