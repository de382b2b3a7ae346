// Issue 5 acceptance 2 (and 5): the full-size pipeline on the demo cohort recovers the generating features and
// reports a validation AUC with a CI; end-to-end training of the demo cohort takes well under 60 s.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { trainDemo } from "../../../scripts/demo/train-demo.ts";
import { parseArtefact } from "../../../lib/model/artefact.ts";
import { ROOT } from "./helpers.ts";

test("demo: full pipeline (LASSO-CV, 100 bootstraps, 81-point SVM grid, B=200) recovers the generating features and reports validation AUC with CI", async () => {
  // the generating model written by scripts/demo/make-cohort.ts (chosen before any outcome existed)
  const gen = JSON.parse(readFileSync(resolve(ROOT, "demo/generating-model.json"), "utf8")) as { generating_features: { name: string }[] };
  const generating = gen.generating_features.map((g) => g.name);
  assert.equal(generating.length, 3);
  const t0 = performance.now();
  const { artefact, report } = await trainDemo(ROOT);
  const seconds = (performance.now() - t0) / 1000;
  const a = parseArtefact(JSON.parse(JSON.stringify(artefact)));
  assert.equal(a.lasso.selection.B, 100);
  assert.equal(a.svm.grid.cost.length * a.svm.grid.gamma.length, 81);
  // B = 200 resamples; as in rms, resamples whose refit is singular (a sparse factor level such as T4 drawn
  // zero times) are left out and n counts the ones used — most of them must be usable
  const nUsed = a.nomogram.validate!.Dxy.n;
  assert.ok(nUsed > 150 && nUsed <= 200, `validate used ${nUsed} of 200 resamples`);
  // recovered: every generating feature is in the final Rad-score and among the 10 most often selected of 299
  const freq = a.lasso.selection.frequency;
  for (const f of generating) {
    assert.ok(a.lasso.features.includes(f), `${f} is in the final Rad-score`);
    const higher = Object.values(freq).filter((v) => v > (freq[f] ?? 0)).length;
    assert.ok(higher < 10, `${f} selection frequency ${freq[f]} ranks ${higher + 1} of ${a.scaler.features.length}`);
  }
  // validation AUC with a DeLong CI, for the nomogram and the SVM signature
  for (const perf of [a.nomogram.performance.validation!, a.svm.performance.validation!]) {
    assert.equal(perf.n, 37);
    assert.equal(perf.events, 22);
    assert.ok(perf.aucCi[0] < perf.auc && perf.auc < perf.aucCi[1]);
    assert.ok(perf.aucCi[0] >= 0 && perf.aucCi[1] <= 1);
  }
  assert.ok(a.nomogram.performance.validation!.auc > 0.6, `nomogram validation AUC ${a.nomogram.performance.validation!.auc}`);
  assert.ok(a.nomogram.formula.includes("radscore"));
  assert.equal(a.demo, true);
  assert.equal(a.label, "Demo model — not for clinical use");
  assert.equal(a.decisionCurve.cohort, "validation");
  assert.equal(a.decisionCurve.threshold.length, 99);
  assert.ok(seconds < 60, `demo training took ${seconds.toFixed(1)} s`);
  process.stderr.write(`demo training: ${seconds.toFixed(2)} s; stages ${JSON.stringify(report.timings_s)}\n`);
});
