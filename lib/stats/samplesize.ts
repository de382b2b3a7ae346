// Sample-size checks for a binary-outcome prediction model (pipeline.md guards):
// - events per candidate parameter (EPP);
// - Riley RD et al. "Calculating the sample size required for developing a clinical prediction model",
//   BMJ 2020;368:m441 (criteria as implemented by R pmsampsize, type "b"):
//   (i)   expected uniform shrinkage S >= 0.9:        n = p / ((S - 1) ln(1 - R2cs / S))
//   (ii)  optimism in Nagelkerke R2 <= delta (0.05):  S = R2cs / (R2cs + delta * maxR2cs), n as in (i)
//   (iii) overall risk within +-0.05 (95%):           n = (1.96 / 0.05)^2 * phi (1 - phi)
//   maxR2cs = 1 - (phi^phi (1 - phi)^(1 - phi))^2; the anticipated Cox-Snell R2 defaults to 15% of it
//   (Riley's recommendation when nothing better is known).

export type SampleSizeInput = {
  n: number;
  events: number;
  /** candidate parameters of the model (dummy variables count one each) */
  parameters: number;
  /** anticipated Cox-Snell R2; null -> 0.15 x max R2cs */
  anticipatedR2CS?: number | null;
  shrinkageTarget?: number;
  optimismDelta?: number;
  marginOfError?: number;
};

export type SampleSizeResult = {
  events: number;
  n: number;
  candidateParameters: number;
  eventsPerParameter: number;
  riley: {
    anticipatedR2CS: number;
    maxR2CS: number;
    shrinkageTarget: number;
    nShrinkage: number;
    nOptimism: number;
    nIntercept: number;
    required: number;
    met: boolean;
  };
};

export class SampleSizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SampleSizeError";
  }
}

/** max Cox-Snell R2 for outcome prevalence phi: 1 - exp(2 lnL_null / n) */
export function maxR2CoxSnell(phi: number): number {
  return 1 - Math.exp(2 * (phi * Math.log(phi) + (1 - phi) * Math.log(1 - phi))); // lnL_null / n = phi ln phi + (1-phi) ln(1-phi)
}

function nForShrinkage(p: number, r2: number, s: number): number {
  return p / ((s - 1) * Math.log(1 - r2 / s)); // Riley 2020, eq. for criterion (i)
}

export function sampleSizeCheck(input: SampleSizeInput): SampleSizeResult {
  const { n, events, parameters } = input;
  if (!(n > 0) || !(events > 0) || events >= n) throw new SampleSizeError(`sample-size check needs 0 < events < n, got ${events} events in ${n}`);
  if (!(parameters >= 1)) throw new SampleSizeError(`sample-size check needs at least one candidate parameter, got ${parameters}`);
  const phi = events / n;
  const maxR2 = maxR2CoxSnell(phi);
  const r2 = input.anticipatedR2CS ?? 0.15 * maxR2;
  if (!(r2 > 0 && r2 < maxR2)) throw new SampleSizeError(`anticipated Cox-Snell R2 must lie in (0, ${maxR2.toFixed(4)}), got ${r2}`);
  const S = input.shrinkageTarget ?? 0.9;
  const delta = input.optimismDelta ?? 0.05;
  const moe = input.marginOfError ?? 0.05;
  const nShrinkage = Math.ceil(nForShrinkage(parameters, r2, S)); // pmsampsize rounds each criterion up
  const S2 = r2 / (r2 + delta * maxR2); // shrinkage giving Nagelkerke optimism delta
  const nOptimism = Math.ceil(nForShrinkage(parameters, r2, S2));
  const nIntercept = Math.ceil((1.96 / moe) ** 2 * phi * (1 - phi)); // criterion (iii), 1.96 as pmsampsize
  const required = Math.max(nShrinkage, nOptimism, nIntercept);
  return {
    events,
    n,
    candidateParameters: parameters,
    eventsPerParameter: events / parameters,
    riley: { anticipatedR2CS: r2, maxR2CS: maxR2, shrinkageTarget: S, nShrinkage, nOptimism, nIntercept, required, met: n >= required },
  };
}
