// `axilla stats lrm|fastbw|nomogram|validate|calibrate|dca|table1`: each command's run() in-process on
// the fixture CSV, compared with R (cli.md shapes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError, toJson } from "../../../lib/cli/io.ts";
import { run as lrmRun } from "../../../lib/cli/commands/stats/lrm.ts";
import { run as fastbwRun } from "../../../lib/cli/commands/stats/fastbw.ts";
import { run as nomogramRun } from "../../../lib/cli/commands/stats/nomogram.ts";
import { run as validateRun } from "../../../lib/cli/commands/stats/validate.ts";
import { run as calibrateRun } from "../../../lib/cli/commands/stats/calibrate.ts";
import { run as dcaRun } from "../../../lib/cli/commands/stats/dca.ts";
import { run as table1Run } from "../../../lib/cli/commands/stats/table1.ts";
import { fixture, fixturePath, bootstrapIndices, rotterdam, relClose, absClose, allAbsClose, allRelClose, type Json } from "./lrm-helpers.ts";

const L = fixture("rotterdam_lrm.json");
const V = fixture("rotterdam_validate_calibrate.json");
const D = fixture("rotterdam_dca.json");
const T = fixture("rotterdam_table1.json");
const tmp = mkdtempSync(join(tmpdir(), "axilla-stats-cli-"));

// training rows only (the CLI fits every complete row of the CSV)
function trainCsv(): string {
  const path = join(tmp, "rotterdam_train.csv");
  const { train } = rotterdam();
  const cols = Object.keys(train.columns);
  const lines = [cols.join(",")];
  for (let i = 0; i < train.nrow; i++) lines.push(cols.map((c) => train.columns[c][i] ?? "").join(","));
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}
const CSV = trainCsv();
// JSON round trip as the CLI prints it
const out = async (p: Promise<unknown>): Promise<Json> => JSON.parse(toJson(await p));

for (const key of ["main", "spline"] as const) {
  const F = L.models[key];
  test(`cli stats lrm ${key}`, async () => {
    const r = await out(lrmRun(["--csv", CSV, "--formula", F.formula]));
    assert.deepEqual(Object.keys(r.coefficients), F.coefficients.name);
    allRelClose(Object.values(r.coefficients) as number[], F.coefficients.estimate, 1e-7, "coef");
    allRelClose(Object.values(r.se) as number[], F.coefficients.se, 1e-7, "se");
    relClose(r.lr_chi2, F.LR_chi2, 1e-7, "LR");
    relClose(r.aic, F.AIC, 1e-7, "AIC");
    absClose(r.c_index, F.discrimination.train_exact_somers2.C, 1e-9, "C");
    absClose(r.dxy, F.discrimination.train_exact_somers2.Dxy, 1e-9, "Dxy");
    assert.equal(r.n, F.n);
    assert.equal(r.events, F.events);
  });

  test(`cli stats fastbw ${key}`, async () => {
    const r = await out(fastbwRun(["--csv", CSV, "--formula", F.formula, "--rule", "aic"]));
    assert.deepEqual(r.deleted, F.fastbw.factors_deleted);
    assert.deepEqual(r.kept, F.fastbw.factors_kept);
  });

  test(`cli stats nomogram ${key}`, async () => {
    const r = await out(nomogramRun(["--csv", CSV, "--formula", F.formula]));
    assert.deepEqual(Object.keys(r.axes), Object.keys(F.nomogram.axes));
    for (const [v, a] of Object.entries<Json>(r.axes)) {
      assert.deepEqual(a.values, F.nomogram.axes[v].values);
      allAbsClose(a.points, F.nomogram.axes[v].points, 1e-8, `${v} points`);
    }
    assert.deepEqual(r.total_points, F.nomogram.total_points_axis);
    assert.deepEqual(r.probability, F.nomogram.probability_axis.probability);
    allAbsClose(r.probability_points, F.nomogram.probability_axis.points_R, 1e-8, "probability positions");
  });
}

test("cli stats validate/calibrate main with --indices (exact replay); calibrate = validate", async () => {
  const F = V.models.main;
  const idxFile = join(tmp, "indices.json");
  writeFileSync(idxFile, JSON.stringify(bootstrapIndices().indices));
  const args = ["--csv", CSV, "--formula", F.formula, "--indices", idxFile];
  const r = await out(validateRun(args));
  for (const [name, E] of Object.entries<Json>(F.validate)) {
    absClose(r.index[name].apparent, E.index_orig, 1e-9, `${name} apparent`);
    absClose(r.index[name].optimism, E.optimism, 1e-7, `${name} optimism`);
    absClose(r.index[name].corrected, E.index_corrected, 1e-7, `${name} corrected`);
    assert.equal(r.index[name].n, E.n);
  }
  allAbsClose(r.calibration.predicted, F.calibrate.predy, 1e-9, "predicted");
  allAbsClose(r.calibration.apparent, F.calibrate.calibrated_orig, 1e-9, "apparent");
  allAbsClose(r.calibration.corrected, F.calibrate.calibrated_corrected, 1e-7, "corrected");
  // calibrate takes the same arguments and prints the same document; own seeded resampling is deterministic
  const small = ["--csv", CSV, "--formula", F.formula, "--B", "10", "--seed", "11"];
  const c = await out(calibrateRun(small));
  assert.deepEqual(c, await out(validateRun(small)));
  assert.equal(c.B, 10);
  assert.equal(c.calibration.predicted.length, 50);
});

test("cli stats dca on R's test probabilities", async () => {
  const path = join(tmp, "dca.csv");
  const te = L.models.main.test;
  writeFileSync(path, "aln,p\n" + te.aln.map((y: number, i: number) => `${y},${te.probability[i]}`).join("\n") + "\n");
  const r = await out(dcaRun(["--csv", path, "--y", "aln", "--p", "p"]));
  assert.deepEqual(r.threshold, D.thresholds);
  allAbsClose(r.model, D.models.main.net_benefit, 1e-12, "model");
  allAbsClose(r.all, D.treat_all, 1e-12, "all");
  allAbsClose(r.none, D.treat_none, 0, "none");
  const r2 = await out(dcaRun(["--csv", path, "--y", "aln", "--p", "p", "--thresholds", "0.1:0.5:0.1"]));
  assert.deepEqual(r2.threshold, [0.1, 0.2, 0.3, 0.4, 0.5]);
  allAbsClose(r2.model, [9, 19, 29, 39, 49].map((i) => D.models.main.net_benefit[i]), 1e-12, "subset");
});

test("cli stats table1 on the training rows", async () => {
  const r = await out(table1Run(["--csv", CSV, "--y", "aln", "--vars", "age,meno,size,grade,er,pgr", "--nonnormal", "er,pgr"]));
  const F = T.table1_train_by_aln;
  assert.equal(r.variables.age.test, "welch_t");
  relClose(r.variables.age.statistic, F.age_welch_t.t, 1e-10, "t");
  relClose(r.variables.age.p_value, F.age_welch_t.p_value, 1e-8, "t p");
  for (const v of ["meno", "size", "grade"]) {
    assert.equal(r.variables[v].test, "chisq");
    relClose(r.variables[v].statistic, F[`${v}_chisq`].statistic, 1e-10, `${v} X2`);
    relClose(r.variables[v].p_value, F[`${v}_chisq`].p_value, 1e-8, `${v} p`);
  }
  for (const v of ["er", "pgr"]) {
    assert.equal(r.variables[v].test, "mann_whitney");
    assert.equal(r.variables[v].statistic, F[`${v}_mann_whitney`].W);
    relClose(r.variables[v].p_value, F[`${v}_mann_whitney`].p_value_continuity_corrected, 1e-8, `${v} p`);
  }
  for (const v of ["age", "meno", "size", "grade", "er", "pgr"]) relClose(r.variables[v].spearman.p_value, T.spearman_train[v].p_value, 1e-8, `${v} Spearman p`);
  assert.deepEqual(Object.keys(r.variables.age.summary_by_group), ["0", "1"]);
  assert.deepEqual(Object.keys(r.variables.age.summary_by_group["0"]), ["n", "mean", "sd", "median", "q1", "q3"]);
});

test("cli stats: rows missing a used column are dropped; bad input gives one-line CliErrors", async () => {
  const path = join(tmp, "missing.csv");
  const { train } = rotterdam();
  const cols = ["aln", "age", "size"];
  const lines = [cols.join(",")];
  for (let i = 0; i < 300; i++) lines.push(cols.map((c) => (i === 3 && c === "age") || (i === 7 && c === "aln") ? "NA" : train.columns[c][i]).join(","));
  writeFileSync(path, lines.join("\n") + "\n");
  const r = await out(lrmRun(["--csv", path, "--formula", "aln ~ age + size"]));
  assert.equal(r.n, 298);
  const bad: [string[], RegExp][] = [
    [["--formula", "aln ~ age"], /--csv/],
    [["--csv", join(tmp, "nope.csv"), "--formula", "aln ~ age"], /cannot read/],
    [["--csv", path, "--formula", "aln ~ age + foo"], /column "foo" is missing/],
    [["--csv", path, "--formula", "aln ~ rcs(age, 2)"], /rcs/],
    [["--csv", path, "--formula", "size ~ age"], /0\/1/],
  ];
  for (const [argv, re] of bad) await assert.rejects(lrmRun(argv), (e: unknown) => e instanceof CliError && re.test(e.message) && !e.message.includes("\n"));
  await assert.rejects(fastbwRun(["--csv", path, "--formula", "aln ~ age", "--rule", "p"]), CliError);
  await assert.rejects(validateRun(["--csv", path, "--formula", "aln ~ age", "--B", "0"]), /--B/);
  await assert.rejects(validateRun(["--csv", path, "--formula", "aln ~ age", "--indices", fixturePath("rotterdam_dca.json")]), /--indices/);
  await assert.rejects(dcaRun(["--csv", path, "--y", "aln", "--p", "age"]), /probability/);
  await assert.rejects(dcaRun(["--csv", path, "--y", "aln", "--p", "age", "--thresholds", "0.5:0.1:0.1"]), /--thresholds/);
  await assert.rejects(table1Run(["--csv", path, "--y", "size", "--vars", "age"]), /exactly 2 groups/);
});
