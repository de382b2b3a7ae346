// Decision-curve analysis (Vickers & Elkin 2006), as the R reference computes it: a patient is treated
// when p >= pt; net benefit = TP/n - FP/n * pt/(1 - pt); treat-all = prev - (1 - prev) * pt/(1 - pt);
// treat-none = 0; net interventions avoided per 100 = (NB_model - NB_all) / (pt/(1 - pt)) * 100.

export interface DecisionCurve {
  thresholds: number[];
  n: number;
  events: number;
  prevalence: number;
  tp: number[];
  fp: number[];
  netBenefit: number[];
  treatAll: number[];
  treatNone: number[];
  /** net reduction in interventions per 100 patients vs treat-all */
  interventionsAvoidedPer100: number[];
}

/** thresholds (1:99)/100 — each i/100, not a cumulative sum */
export function defaultThresholds(): number[] {
  return Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
}

export function decisionCurve(p: ArrayLike<number>, y: ArrayLike<number>, thresholds: number[] = defaultThresholds()): DecisionCurve {
  const n = p.length;
  if (n === 0 || n !== y.length) throw new RangeError(`decision curve needs equal non-empty p and y (got ${n} and ${y.length})`);
  let events = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new RangeError(`y must be 0/1, row ${i + 1} has ${y[i]}`);
    if (!(p[i] >= 0 && p[i] <= 1)) throw new RangeError(`p must be a probability in [0, 1], row ${i + 1} has ${p[i]}`);
    events += y[i];
  }
  for (const t of thresholds) if (!(t > 0 && t < 1)) throw new RangeError(`thresholds must lie in (0, 1), got ${t}`);
  const prev = events / n;
  const tp: number[] = [];
  const fp: number[] = [];
  const nb: number[] = [];
  const all: number[] = [];
  const avoided: number[] = [];
  for (const t of thresholds) {
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++)
      if (p[i] >= t) {
        if (y[i] === 1) a++;
        else b++;
      }
    tp.push(a);
    fp.push(b);
    const v = a / n - (b / n) * t / (1 - t); // TP/n - FP/n * pt/(1-pt)
    const w = prev - (1 - prev) * t / (1 - t); // treat all
    nb.push(v);
    all.push(w);
    avoided.push(((v - w) / (t / (1 - t))) * 100);
  }
  return { thresholds, n, events, prevalence: prev, tp, fp, netBenefit: nb, treatAll: all, treatNone: thresholds.map(() => 0), interventionsAvoidedPer100: avoided };
}
