// Prediction from a model artefact: the Rad-score from a feature vector (min-max scaler + LASSO linear
// predictor, out-of-range flags) and the nomogram probability with its 95% CI, points per factor and total
// points (lib/nomogram's predictPatient on the artefact's stored nomogram engine object), plus the SVM
// signature's probability when a feature vector is given. Browser-safe (no node imports): the UI redraws
// what-if predictions client-side with the same code. Hash checking lives in ./hash.ts (server side).
import { predictPatient } from "../nomogram/index.ts";
import type { Nomogram } from "../stats/nomogram.ts";
import { svmDecision, type SvmModel } from "../stats/svm.ts";
import { sigmoidPredict } from "../stats/platt.ts";
import type { ModelArtefact, LogisticModelArtefact } from "./artefact.ts";

export class PredictionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PredictionInputError";
  }
}

export type RadscoreResult = {
  radscore: number;
  /** selected features whose value lies outside the training [min, max] */
  outOfRange: string[];
  /** per selected feature: raw value, scaled value (after clipping when the artefact says so), coefficient */
  terms: { feature: string; value: number; scaled: number; coefficient: number }[];
};

/** Rad-score = intercept + sum_j beta_j * (x_j - min_j) / (max_j - min_j) over the LASSO-selected features. */
export function radscore(artefact: Pick<ModelArtefact, "scaler" | "lasso">, features: Record<string, number>): RadscoreResult {
  const { scaler, lasso } = artefact;
  const missing = lasso.features.filter((f) => !(f in features) || typeof features[f] !== "number" || !Number.isFinite(features[f]));
  if (missing.length)
    throw new PredictionInputError(`the feature vector lacks ${missing.length} feature(s) the model needs: ${missing.slice(0, 8).join(", ")}${missing.length > 8 ? ", …" : ""}`);
  let s = lasso.intercept;
  const outOfRange: string[] = [];
  const terms: RadscoreResult["terms"] = [];
  lasso.features.forEach((f, t) => {
    const j = scaler.features.indexOf(f);
    if (j < 0) throw new PredictionInputError(`model artefact is inconsistent: selected feature "${f}" has no scaler entry`);
    const x = features[f];
    const lo = scaler.min[j];
    const hi = scaler.max[j];
    let z = hi === lo ? 0 : (x - lo) / (hi - lo); // min-max: (x - min) / (max - min)
    if (x < lo || x > hi) {
      outOfRange.push(f);
      if (scaler.outOfRange === "clip") z = x < lo ? 0 : 1;
    }
    s += lasso.coefficients[t] * z; // Rad-score = LASSO linear predictor
    terms.push({ feature: f, value: x, scaled: z, coefficient: lasso.coefficients[t] });
  });
  return { radscore: s, outOfRange, terms };
}

export type ClinicalInputs = {
  age: number;
  t_stage: string;
  location: string;
  er: string;
  pr: string;
  us_aln: string;
};

export type PredictInputs = ClinicalInputs & {
  /** the Rad-score itself, or the feature vector it is computed from */
  radscore?: number;
  features?: Record<string, number>;
};

export type PredictResult = {
  probability: number;
  ci95: [number, number];
  linearPredictor: number;
  seLinearPredictor: number;
  points: Record<string, number>;
  totalPoints: number;
  radscore: number;
  radscoreSource: "given" | "features";
  /** the SVM radiomics signature's P(ALN+) (only when a feature vector is given) */
  svmProbability: number | null;
  clinicalOnly: { probability: number; ci95: [number, number] };
  outOfRange: string[];
  warnings: string[];
  model: { hash: string | null; demo: boolean; label: string | null; version: string };
};

function checkLevels(m: LogisticModelArtefact, values: Record<string, string | number>): void {
  for (const t of m.terms) {
    if (t.type !== "factor") continue;
    const v = values[t.variable];
    if (typeof v !== "string" || !(t.levels ?? []).includes(v))
      throw new PredictionInputError(`${t.label} "${String(v)}" is not a level the model was trained on (${(t.levels ?? []).join(", ")})`);
  }
}

function normalise(inputs: ClinicalInputs): Record<string, string | number> {
  const pn = (v: string, what: string): string => {
    const t = String(v).trim().toLowerCase();
    if (t === "positive" || t === "negative") return t;
    throw new PredictionInputError(`${what} must be "positive" or "negative", got "${v}"`);
  };
  if (typeof inputs.age !== "number" || !Number.isFinite(inputs.age)) throw new PredictionInputError(`age must be a number, got "${String(inputs.age)}"`);
  return {
    age: inputs.age,
    t_stage: String(inputs.t_stage).trim().toUpperCase(),
    location: String(inputs.location).trim().toLowerCase() === "central" ? "central" : String(inputs.location).trim().toUpperCase(),
    er: pn(inputs.er, "ER status"),
    pr: pn(inputs.pr, "PR status"),
    us_aln: pn(inputs.us_aln, "ultrasound ALN status"),
  };
}

/** SVM decision value f = sum coef_i exp(-gamma ||sv_i - x||^2) - rho (libsvm) and Platt P(ALN+). */
function svmProbability(a: ModelArtefact, features: Record<string, number>): number {
  const x = a.svm.features.map((f) => {
    const j = a.scaler.features.indexOf(f);
    const lo = a.scaler.min[j];
    const hi = a.scaler.max[j];
    let z = hi === lo ? 0 : (features[f] - lo) / (hi - lo);
    if (a.scaler.outOfRange === "clip") z = Math.min(1, Math.max(0, z));
    return z;
  });
  const model: SvmModel = {
    gamma: a.svm.gamma,
    cost: a.svm.cost,
    labels: a.svm.classOrder,
    sv: a.svm.supportVectors.map((r) => Float64Array.from(r)),
    svIndex: new Int32Array(a.svm.supportVectors.length),
    coef: Float64Array.from(a.svm.coefs),
    rho: a.svm.rho,
    nSV: [0, 0],
    iterations: 0,
  };
  const f = svmDecision(model, [Float64Array.from(x)])[0]; // libsvm decision value (engine)
  const pFirst = sigmoidPredict(f, { A: a.svm.platt.A, B: a.svm.platt.B, iterations: 0 }); // Platt P(classOrder[0]) (engine)
  return a.svm.classOrder[0] === 1 ? pFirst : 1 - pFirst;
}

/** Nomogram prediction for one patient. Throws PredictionInputError naming the bad input. */
export function predict(artefact: ModelArtefact, inputs: PredictInputs): PredictResult {
  const values = normalise(inputs);
  let rs: number;
  let source: PredictResult["radscoreSource"];
  const warnings: string[] = [];
  const outOfRange: string[] = [];
  let svmP: number | null = null;
  if (inputs.features) {
    const r = radscore(artefact, inputs.features);
    rs = r.radscore;
    source = "features";
    for (const f of r.outOfRange) {
      outOfRange.push(f);
      warnings.push(`feature ${f} = ${inputs.features[f]} is outside the training range [${artefact.scaler.min[artefact.scaler.features.indexOf(f)]}, ${artefact.scaler.max[artefact.scaler.features.indexOf(f)]}]`);
    }
    svmP = svmProbability(artefact, inputs.features);
  } else if (typeof inputs.radscore === "number" && Number.isFinite(inputs.radscore)) {
    rs = inputs.radscore;
    source = "given";
  } else throw new PredictionInputError("the case needs either a Rad-score or a feature vector");
  checkLevels(artefact.nomogram, values);
  checkLevels(artefact.clinical, values);
  const nomo = artefact.nomogram.engine as unknown as Nomogram;
  const p = predictPatient(nomo, { ...values, radscore: rs });
  for (const name of p.outOfRange) if (!outOfRange.includes(name)) outOfRange.push(name);
  warnings.push(...p.warnings);
  const c = predictPatient(artefact.clinical.engine as unknown as Nomogram, values);
  if (artefact.demo && artefact.label) warnings.unshift(artefact.label);
  return {
    probability: p.probability,
    ci95: p.ci95,
    linearPredictor: p.linearPredictor,
    seLinearPredictor: p.seLinearPredictor,
    points: p.points,
    totalPoints: p.totalPoints,
    radscore: rs,
    radscoreSource: source,
    svmProbability: svmP,
    clinicalOnly: { probability: c.probability, ci95: c.ci95 },
    outOfRange,
    warnings,
    model: { hash: artefact.hash ?? null, demo: artefact.demo, label: artefact.label, version: artefact.software.version },
  };
}
