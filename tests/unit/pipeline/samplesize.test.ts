import { test } from "node:test";
import assert from "node:assert/strict";
import { sampleSizeCheck, SampleSizeError } from "../../../lib/stats/samplesize.ts";

// Reference: R pmsampsize documented binary example (Riley et al. 2019/2020 worked example):
// pmsampsize(type = "b", csrsquared = 0.288, parameters = 24, prevalence = 0.174) -> criteria 623, 662, 221; n = 662.
test("samplesize: Riley criteria reproduce the pmsampsize binary example (623 / 662 / 221 -> 662)", () => {
  const r = sampleSizeCheck({ n: 1000, events: 174, parameters: 24, anticipatedR2CS: 0.288 });
  assert.equal(r.riley.nShrinkage, 623);
  assert.equal(r.riley.nOptimism, 662);
  assert.equal(r.riley.nIntercept, 221);
  assert.equal(r.riley.required, 662);
  assert.equal(r.riley.met, true);
  assert.equal(r.eventsPerParameter, 174 / 24);
  const small = sampleSizeCheck({ n: 110, events: 19, parameters: 24, anticipatedR2CS: 0.288 });
  assert.equal(small.riley.met, false);
});

test("samplesize: impossible inputs give a typed error", () => {
  assert.throws(() => sampleSizeCheck({ n: 10, events: 0, parameters: 3 }), SampleSizeError);
  assert.throws(() => sampleSizeCheck({ n: 100, events: 50, parameters: 3, anticipatedR2CS: 0.9 }), /anticipated Cox-Snell R2/);
});
