import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { run as train } from "../../../lib/cli/commands/train.ts";
import { run as predictCmd } from "../../../lib/cli/commands/predict.ts";
import { CliError } from "../../../lib/cli/io.ts";
import { verifyArtefact } from "../../../lib/model/hash.ts";
import { ROOT, FAST } from "./helpers.ts";

test("cli: axilla train writes a verified artefact and a summary with timings; axilla predict scores a case", async () => {
  const dir = mkdtempSync(join(tmpdir(), "axilla-train-"));
  try {
    const cfg = join(dir, "pipeline.json");
    writeFileSync(cfg, JSON.stringify(FAST));
    const out = join(dir, "model.json");
    const s = (await train(["--cohort", resolve(ROOT, "demo/cohort.csv"), "--features", resolve(ROOT, "demo/features.csv"), "--config", cfg, "--seed", "9", "--out", out, "--quiet"])) as Record<string, unknown>;
    const model = JSON.parse(readFileSync(out, "utf8"));
    assert.equal(verifyArtefact(model), s.hash);
    assert.equal(s.n, 147);
    assert.equal(s.events, 83);
    const t = s.timings_s as Record<string, number>;
    for (const k of ["lasso_cv", "bootstrap", "svm_grid", "validate_calibrate", "total"]) assert.ok(t[k] >= 0, k);
    const casePath = join(dir, "case.json");
    writeFileSync(casePath, JSON.stringify({ age: 60, t_stage: "T2", location: "UOQ", er: "positive", pr: "positive", us_aln: "positive", radscore: 0.4 }));
    const p = (await predictCmd(["--model", out, "--case", casePath])) as { probability: number; ci95: [number, number]; linear_predictor: number; points: Record<string, number>; total_points: number };
    assert.ok(Math.abs(p.probability - 1 / (1 + Math.exp(-p.linear_predictor))) < 1e-12);
    assert.ok(p.ci95[0] < p.probability && p.probability < p.ci95[1]);
    assert.ok(Math.abs(Object.values(p.points).reduce((a, b) => a + b, 0) - p.total_points) < 1e-9);
    // case with image + mask (the committed demo crop), relative to case.json
    const imgCase = join(dir, "case-img.json");
    writeFileSync(imgCase, JSON.stringify({ age: 60, t_stage: "T2", location: "UOQ", er: "positive", pr: "positive", us_aln: "negative", image: resolve(ROOT, "demo/images/DEMO-001.png"), mask: resolve(ROOT, "demo/masks/DEMO-001.png"), spacing_mm: 0.2 }));
    const q = (await predictCmd(["--model", out, "--case", imgCase])) as { radscore: number; radscore_source: string };
    const stored = model.radscore.perPatient.find((r: { caseCode: string }) => r.caseCode === "DEMO-001").radscore;
    assert.equal(q.radscore_source, "features");
    assert.ok(Math.abs(q.radscore - stored) < 1e-9, `Rad-score from the image ${q.radscore} vs stored ${stored}`);
    // tampering: one coefficient changed -> refused with the hash message
    model.nomogram.coefficients.Intercept += 0.5;
    const tampered = join(dir, "tampered.json");
    writeFileSync(tampered, JSON.stringify(model));
    await assert.rejects(predictCmd(["--model", tampered, "--case", casePath]), (e: unknown) => e instanceof CliError && /model artefact hash mismatch: stored [0-9a-f]{64}, computed [0-9a-f]{64}/.test((e as Error).message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("cli: axilla train input errors are one-line CliErrors", async () => {
  await assert.rejects(train(["--cohort", "x.csv", "--out", "y.json"]), /give exactly one of --features FILE or --images DIR/);
  await assert.rejects(train(["--cohort", "/nonexistent/c.csv", "--features", "f.csv", "--out", "y.json"]), (e: unknown) => e instanceof CliError && /cannot read the cohort/.test((e as Error).message));
  await assert.rejects(train(["--cohort", resolve(ROOT, "demo/cohort.csv"), "--features", resolve(ROOT, "demo/features.csv"), "--seed", "-3", "--out", "y.json"]), /--seed must be an integer/);
});

test("cli: train --images extracts seed-299 from the committed crops + masks exactly as features.csv holds them", async () => {
  const { extractCohortFeatures } = await import("../../../lib/cli/commands/train.ts");
  const { cohortFromCsv, featuresFromCsv } = await import("../../../lib/stats/pipeline-input.ts");
  const { parseSettings } = await import("../../../lib/stats/pipeline-settings.ts");
  const cohort = cohortFromCsv(readFileSync(resolve(ROOT, "demo/cohort.csv"), "utf8")).slice(0, 3);
  const table = featuresFromCsv(readFileSync(resolve(ROOT, "demo/features.csv"), "utf8"));
  const seen: number[] = [];
  const got = await extractCohortFeatures(cohort, resolve(ROOT, "demo"), parseSettings({}), (d) => seen.push(d));
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(got.names, table.names);
  for (const c of cohort) {
    const a = got.byCase.get(c.caseCode)!;
    const b = table.byCase.get(c.caseCode)!;
    for (let j = 0; j < a.length; j++) assert.ok(a[j] === b[j] || Math.abs(a[j] - b[j]) <= 1e-12 * Math.max(1, Math.abs(b[j])), `${c.caseCode} ${table.names[j]}`);
  }
});
