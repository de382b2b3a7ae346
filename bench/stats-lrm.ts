// `npm run bench -- stats-lrm`: lrm + fastbw + nomogram + validate/calibrate B = 200 on a seeded synthetic
// 147-patient problem shaped like the seed study (age, T stage, location, ER, PR, US ALN, Rad-score).
// R (rms) takes about 0.7 s for validate + calibrate B = 200 at this size on this machine (issue 4).
import { createRng } from "../lib/random.ts";
import { lrm } from "../lib/stats/logistic.ts";
import { fastbw } from "../lib/stats/fastbw.ts";
import { nomogram } from "../lib/stats/nomogram.ts";
import { validateAndCalibrate } from "../lib/stats/validate.ts";
import { decisionCurve } from "../lib/stats/dca.ts";
import type { DataFrame } from "../lib/stats/design.ts";

export const BENCH_FORMULA = "aln ~ age + t_stage + location + er + pr + us_aln + radscore";

/** Seeded synthetic cohort: 147 rows, 7 predictors, outcome from a logistic model. */
export function syntheticCohort(seed = 2019, n = 147): DataFrame {
  const rng = createRng(seed);
  const pick = <T>(xs: T[], w: number[]): T => {
    let u = rng.uniform();
    for (let i = 0; i < xs.length; i++) {
      u -= w[i];
      if (u < 0) return xs[i];
    }
    return xs[xs.length - 1];
  };
  const cols: Record<string, (number | string)[]> = { age: [], t_stage: [], location: [], er: [], pr: [], us_aln: [], radscore: [], aln: [] };
  for (let i = 0; i < n; i++) {
    const age = Math.round(52 + 10 * rng.normal());
    const t = pick(["T1", "T2", "T3", "T4"], [0.35, 0.45, 0.12, 0.08]);
    const loc = pick(["UOQ", "UIQ", "LOQ", "LIQ", "central"], [0.45, 0.2, 0.12, 0.1, 0.13]);
    const er = pick(["positive", "negative"], [0.7, 0.3]);
    const pr = pick(["positive", "negative"], [0.6, 0.4]);
    const us = pick(["positive", "negative"], [0.35, 0.65]);
    const rad = rng.normal() * 1.2 - 0.3;
    const lp = -1.2 + 0.01 * (age - 52) + ({ T1: 0, T2: 0.6, T3: 1.1, T4: 1.4 } as Record<string, number>)[t] + (loc === "central" ? 0.4 : 0) + (er === "positive" ? 0.2 : 0) + (us === "positive" ? 1.1 : 0) + 0.9 * rad;
    const y = rng.uniform() < 1 / (1 + Math.exp(-lp)) ? 1 : 0;
    cols.age.push(age);
    cols.t_stage.push(t);
    cols.location.push(loc);
    cols.er.push(er);
    cols.pr.push(pr);
    cols.us_aln.push(us);
    cols.radscore.push(rad);
    cols.aln.push(y);
  }
  return { nrow: n, columns: cols };
}

/** best of `reps` runs: wall seconds and CPU (user + system) seconds of this process */
function time<T>(f: () => T, reps = 1): [T, number, number] {
  let r!: T;
  let wall = Infinity;
  let cpu = Infinity;
  for (let k = 0; k < reps; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    r = f();
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return [r, wall, cpu];
}

export async function benchLrm(): Promise<Record<string, number>> {
  const df = syntheticCohort();
  // warm-up (JIT) on a small B, then timed runs
  validateAndCalibrate(lrm(df, BENCH_FORMULA), { B: 20, seed: 1 });
  const [model, tFit] = time(() => lrm(df, BENCH_FORMULA), 3);
  const [, tBw] = time(() => fastbw(model), 3);
  const [, tNomo] = time(() => nomogram(model), 3);
  const [vc, tVal, cVal] = time(() => validateAndCalibrate(model, { B: 200, seed: 1 }), 3);
  const [, tDca] = time(() => decisionCurve(model.linearPredictor.map((v) => 1 / (1 + Math.exp(-v))), model.y), 3);
  return {
    "lrm fit (147 rows, 7 predictors, 13 coefficients) s": tFit,
    "fastbw s": tBw,
    "nomogram s": tNomo,
    "validate + calibrate B=200 s (best of 3, wall)": tVal,
    "validate + calibrate B=200 s (best of 3, CPU)": cVal,
    "decision curve s": tDca,
    "total s": tFit + tBw + tNomo + tVal + tDca,
    "R validate + calibrate B=200 s (issue 4)": 0.7,
    "bootstrap refits failed": vc.validate.failed,
    events: model.events,
  };
}
