// `npm run bench -- pipeline`: `axilla train` stage timings on the demo cohort's 147 patients x 299 seed-299
// features with the full pipeline (LASSO 10-fold CV, 100 bootstrap selections, 81-point SVM grid x 10 folds,
// logistic + backward AIC, nomogram, validate + calibrate B = 200, decision curve). Issue 4 acceptance 4 compares
// with R on this machine (glmnet, e1071, rms, pROC: about 2.9 s of compute — LASSO CV 0.5 s, 100 bootstrap LASSO
// fits 0.3 s, SVM grid 1.4 s, validate + calibrate 0.7 s); issue 5 acceptance 5 needs the demo end to end < 60 s.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { run as train } from "../lib/cli/commands/train.ts";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

export async function benchPipeline(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "axilla-bench-"));
  try {
    const args = (cfg: string, out: string): string[] => [
      "--cohort", resolve(ROOT, "demo/cohort.csv"),
      "--features", resolve(ROOT, "demo/features.csv"),
      "--config", cfg, "--seed", "20190147", "--out", out, "--quiet",
    ];
    // warm-up (JIT) with tiny settings, then the full-size run that is reported
    const small = join(dir, "small.json");
    writeFileSync(small, JSON.stringify({ lasso: { bootstrapB: 2, nfolds: 3, nlambda: 10 }, validation: { B: 2, metricsB: 10 }, svm: { cost: [1], gamma: [1], nfolds: 3 } }));
    await train(args(small, join(dir, "warm.json")));
    const full = join(dir, "full.json");
    writeFileSync(full, "{}"); // every setting at its default = the full pipeline
    const s = (await train(args(full, join(dir, "model.json")))) as { timings_s: Record<string, number>; cpu_s: Record<string, number> };
    const t = s.timings_s;
    const c = s.cpu_s;
    const rSteps = t.lasso_cv + t.bootstrap + t.svm_grid + t.validate_calibrate;
    const rStepsCpu = c.lasso_cv + c.bootstrap + c.svm_grid + c.validate_calibrate;
    return {
      "train.lasso_cv_s (R 0.5)": t.lasso_cv,
      "train.bootstrap_100_s (R 0.3)": t.bootstrap,
      "train.svm_grid_81x10_s (R 1.4)": t.svm_grid,
      "train.validate_calibrate_B200_s (R 0.7)": t.validate_calibrate,
      "train.same_steps_as_R_s (R 2.9)": rSteps,
      "train.nomogram_fastbw_s": t.nomogram,
      "train.table1_s": t.table1,
      "train.performance_s": t.performance,
      "train.decision_curve_s": t.decision_curve,
      "train.pipeline_total_s": t.total,
      "train.end_to_end_s (target < 60)": t.end_to_end,
      "cpu.lasso_cv_s": c.lasso_cv,
      "cpu.bootstrap_100_s": c.bootstrap,
      "cpu.svm_grid_81x10_s": c.svm_grid,
      "cpu.validate_calibrate_B200_s": c.validate_calibrate,
      "cpu.same_steps_as_R_s (R 2.9)": rStepsCpu,
      "cpu.pipeline_total_s": c.total,
      "machine.load_average_1min": loadavg()[0],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
