// Timing of the LASSO / SVM training stages on a synthetic, seeded 147 x 299 problem (the size of the seed
// study's cohort and feature set): cv.glmnet with 10 folds, 100 bootstrap LASSO fits, and an 81-point SVM
// grid x 10 folds. R (glmnet, e1071) takes 0.5 s, 0.3 s and 1.4 s for these on the team machine (issue 4).
import { createRng } from "../lib/random.ts";
import { cvGlmnet } from "../lib/stats/cv.ts";
import { bootstrapSelection } from "../lib/stats/lasso-bootstrap.ts";
import { stratifiedFolds, svmGridSearch } from "../lib/stats/grid.ts";
import { rowsOf } from "../lib/stats/svm.ts";
import { applyMinMax, fitMinMax, subsetColumns, type DesignMatrix } from "../lib/stats/scaler.ts";

/** Radiomics-like data: 12 latent factors (features within a block are correlated), 8 informative features. */
export function syntheticCohort(n = 147, p = 299, seed = 20191129): { x: DesignMatrix; y: Float64Array } {
  const rng = createRng(seed);
  const F = 12;
  const z = Array.from({ length: n }, () => Array.from({ length: F }, () => rng.normal()));
  const data = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const f = j % F;
    const load = 0.5 + 0.5 * rng.uniform();
    for (let i = 0; i < n; i++) data[j * n + i] = 10 + 3 * (load * z[i][f] + Math.sqrt(1 - load * load) * rng.normal());
  }
  const x0 = { n, p, data };
  const x = applyMinMax(fitMinMax(x0, Array.from({ length: p }, (_, j) => `f${j}`)), x0).x;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = -0.6;
    for (let j = 0; j < 8; j++) eta += (j % 2 ? -1.5 : 2) * (x.data[j * 17 * n + i] - 0.5) * 2;
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { x, y };
}

export async function benchLassoSvm(): Promise<Record<string, number>> {
  const { x, y } = syntheticCohort();
  const folds = stratifiedFolds(y, 10, 7);
  const now = (): number => performance.now() / 1000; // wall clock
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6; // CPU seconds of this process (robust when the machine is shared)
  };
  // warm-up (JIT) on a small problem so the figures are steady-state
  cvGlmnet(subsetColumns(x, Array.from({ length: 20 }, (_, j) => j)), y, folds, { family: "binomial" });
  let t = now();
  let c = cpu();
  const cv = cvGlmnet(x, y, folds, { family: "binomial", measure: "deviance" });
  const tCv = now() - t;
  const cCv = cpu() - c;
  t = now();
  c = cpu();
  const boot = bootstrapSelection(x, y, { B: 100, seed: 11, family: "binomial", rule: "fixed", lambda: cv.lambdaMin });
  const tBoot = now() - t;
  const cBoot = cpu() - c;
  const beta = cv.fit.beta[cv.indexMin];
  const sel = Array.from({ length: x.p }, (_, j) => j).filter((j) => beta[j] !== 0);
  const rows = rowsOf(subsetColumns(x, sel.length > 0 ? sel : [0]));
  t = now();
  c = cpu();
  const grid = svmGridSearch(rows, y, { folds });
  const tSvm = now() - t;
  const cSvm = cpu() - c;
  return {
    "lasso_cv_10fold_s (R 0.5)": tCv,
    "lasso_bootstrap_100_fits_s (R 0.3)": tBoot,
    "svm_grid_81x10fold_s (R 1.4)": tSvm,
    lasso_cv_cpu_s: cCv,
    lasso_bootstrap_cpu_s: cBoot,
    svm_grid_cpu_s: cSvm,
    lasso_n_lambda: cv.lambda.length,
    lasso_selected_at_lambda_min: sel.length,
    bootstrap_max_frequency: Math.max(...boot.frequency),
    svm_best_cv_auc: grid.best.auc,
  };
}
