// Advice the admin can act on for a failed training run (pure; used by app/admin/runs/RunProgress.tsx).
/** Advice for "too few events for k-fold … cross-validation: E events and N non-events …": the admin can lower the
 *  folds in the run form (every fold needs at least one patient with and one without ALN metastasis). */
export function foldAdvice(error: string | null, folds: number | null): string | null {
  if (!error) return null;
  const m = /too few events for (\d+)-fold [^:]*: (\d+) events and (\d+) non-events/.exec(error);
  if (!m) return null;
  const k = Number(m[1]);
  const most = Math.min(Number(m[2]), Number(m[3]));
  const used = folds ?? k;
  if (most >= 3)
    return `start a new run with “Cross-validation folds” set to ${Math.min(most, used - 1)} or fewer (this run used ${used}; the training data have ${m[2]} patients with and ${m[3]} without ALN metastasis, and every fold needs both), or import a larger cohort.`;
  return `this cohort is too small to train on: the training data have ${m[2]} patients with and ${m[3]} without ALN metastasis, and even 3-fold cross-validation needs at least 3 of each. Import a larger cohort.`;
}
