// Cohort splitting and fold assignment for the training pipeline (pipeline.md step 1), seeded (lib/random.ts).
// - stratifiedSplit: within each outcome class, round(ratio * n_class) rows go to training (as the R fixtures'
//   splits.json does it, but with our MT19937 stream — the fixtures' CSV columns stay the source of truth there).
// - stratifiedFolds: permute class-0 rows, permute class-1 rows, concatenate, deal folds 1..k in turn (so fold
//   sizes and fold event counts differ by at most 1), as splits.json describes cv.glmnet-style fold ids.
import { createRng, shuffle, type Rng } from "../random.ts";

export class SplitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SplitError";
  }
}

export type Split = { training: number[]; validation: number[] };

/** Outcome-stratified random split; indices returned in ascending order. */
export function stratifiedSplit(y: ArrayLike<number>, ratio: number, rng: Rng): Split {
  if (!(ratio > 0 && ratio < 1)) throw new SplitError(`the split ratio must lie strictly between 0 and 1, got ${ratio}`);
  const training: number[] = [];
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === cls) idx.push(i);
    const k = Math.round(ratio * idx.length); // per-class training count
    training.push(...shuffle(rng, idx).slice(0, k));
  }
  training.sort((a, b) => a - b);
  const inTrain = new Set(training);
  const validation: number[] = [];
  for (let i = 0; i < y.length; i++) if (!inTrain.has(i)) validation.push(i);
  return { training, validation };
}

/** Fold ids 1..k for each row, stratified by outcome. Throws when a class has fewer rows than folds. */
export function stratifiedFolds(y: ArrayLike<number>, k: number, rng: Rng, what = "cross-validation"): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new SplitError(`${what} needs at least 2 folds, got ${k}`);
  const c0: number[] = [];
  const c1: number[] = [];
  for (let i = 0; i < y.length; i++) (y[i] === 1 ? c1 : c0).push(i);
  if (c1.length < k || c0.length < k)
    throw new SplitError(
      `too few events for ${k}-fold ${what}: ${c1.length} events and ${c0.length} non-events in ${y.length} rows; every fold needs at least one of each (use fewer folds or more data)`,
    );
  const order = [...shuffle(rng, c0), ...shuffle(rng, c1)];
  const fold = new Int32Array(y.length);
  order.forEach((row, j) => (fold[row] = (j % k) + 1));
  return fold;
}

/** Convenience: a fresh seeded stream per purpose so one stage's draws never shift another's. */
export function streamFor(seed: number, purpose: number): Rng {
  // derived seed: a fixed odd multiplier spreads purposes over the 32-bit space (Knuth's multiplicative hash)
  return createRng(((seed >>> 0) + Math.imul(purpose + 1, 2654435761)) >>> 0);
}
