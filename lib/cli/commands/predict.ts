// `axilla predict --model model.json --case case.json` (cli.md "Pipeline"): probability, 95% CI, linear
// predictor, points per factor, total points, Rad-score and warnings (out-of-range inputs). case.json holds the
// clinical factors (age, t_stage, location, er, pr, us_aln) and either "radscore", "features" ({name: value}), or
// "image" + "mask" paths (relative to case.json) with "spacing_mm". The artefact's content hash is verified first.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { CliError, parseArgs, requireFlag } from "../io.ts";
import { parseArtefact, ArtefactSchemaError } from "../../model/artefact.ts";
import { verifyArtefact, ArtefactHashMismatchError } from "../../model/hash.ts";
import { predict, PredictionInputError, type PredictInputs } from "../../model/predict.ts";
import { assertCompatible, ModelCompatibilityError } from "../../model/compat.ts";

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new CliError(`cannot read ${what} "${path}": ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${what} "${path}" is not valid JSON: ${(e as Error).message}`);
  }
}

export async function run(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const modelPath = requireFlag(args, "model");
  const casePath = requireFlag(args, "case");
  const raw = await readJson(modelPath, "the model");
  try {
    verifyArtefact(raw as object);
    const artefact = parseArtefact(raw);
    const c = (await readJson(casePath, "the case")) as Record<string, unknown>;
    if (!c || typeof c !== "object") throw new CliError("the case must be a JSON object");
    const inputs: PredictInputs = {
      age: typeof c.age === "number" ? c.age : Number(c.age),
      t_stage: String(c.t_stage ?? ""),
      location: String(c.location ?? ""),
      er: String(c.er ?? ""),
      pr: String(c.pr ?? ""),
      us_aln: String(c.us_aln ?? ""),
    };
    if (c.features && typeof c.features === "object") inputs.features = c.features as Record<string, number>;
    else if (typeof c.radscore === "number") inputs.radscore = c.radscore;
    else if (typeof c.image === "string" && typeof c.mask === "string") {
      const { loadImageFile, loadMaskFile } = await import("../../image/load.ts");
      const { extract } = await import("../../radiomics/extract.ts");
      const base = dirname(resolve(casePath));
      const loaded = await loadImageFile(resolve(base, c.image));
      const mask = await loadMaskFile(resolve(base, c.mask), { rows: loaded.image.rows, cols: loaded.image.cols });
      const sp = typeof c.spacing_mm === "number" ? c.spacing_mm : null;
      const spacing: [number, number] | null = sp ? [sp, sp] : (loaded.spacing?.mm ?? null);
      if (!spacing) throw new CliError("the case image has no pixel spacing: add \"spacing_mm\" to case.json");
      const fs = artefact.featureSet.settings as { ng?: number };
      const fx = extract(loaded.image, mask, { spacing, set: artefact.featureSet.name as "seed-299", ng: fs.ng ?? 32 });
      assertCompatible(artefact, { set: fx.set, ng: fx.settings.ng, spacing_mm: fx.settings.spacing_mm, bin_width: fx.settings.bin_width });
      inputs.features = fx.features;
    } else throw new CliError('the case needs "radscore", "features", or "image" + "mask"');
    const r = predict(artefact, inputs);
    return {
      probability: r.probability,
      ci95: r.ci95,
      linear_predictor: r.linearPredictor,
      se_linear_predictor: r.seLinearPredictor,
      points: r.points,
      total_points: r.totalPoints,
      radscore: r.radscore,
      radscore_source: r.radscoreSource,
      svm_probability: r.svmProbability,
      clinical_only: r.clinicalOnly,
      out_of_range: r.outOfRange,
      warnings: r.warnings,
      model: r.model,
    };
  } catch (e) {
    if (e instanceof ArtefactHashMismatchError || e instanceof ArtefactSchemaError || e instanceof PredictionInputError || e instanceof ModelCompatibilityError) throw new CliError(e.message);
    throw e;
  }
}
