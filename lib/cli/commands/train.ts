// `axilla train --cohort cohort.csv (--features features.csv | --images DIR) [--config pipeline.json] [--seed S]
//   --out model.json` (cli.md "Pipeline"): the whole pipeline, progress on stderr, the model artefact written to
// --out, and on stdout a summary with "timings_s".
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CliError, flag, numberFlag, parseArgs, requireFlag } from "../io.ts";
import { parseCsv, CsvError } from "../../data/csv.ts";
import { cohortFromTable, featuresFromTable, PipelineInputError, type CohortRecord, type FeatureTable } from "../../stats/pipeline-input.ts";
import { parseSettings, PipelineSettingsError, type PipelineSettings } from "../../stats/pipeline-settings.ts";
import { runPipeline, PipelineError, type PipelineStage } from "../../stats/pipeline.ts";
import { toJson } from "../io.ts";

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw new CliError(`cannot read ${what} "${path}": ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Extract the chosen feature set for every case from its image + mask files (cohort columns image_cc/mask_cc,
 *  image_mlo/mask_mlo, spacing_mm; paths relative to DIR). View combination "single" uses the first configured
 *  view present; "mean" averages the configured views' feature vectors. */
export async function extractCohortFeatures(cohort: CohortRecord[], dir: string, settings: PipelineSettings, onProgress: (done: number, total: number) => void): Promise<FeatureTable> {
  const { loadImageFile, loadMaskFile } = await import("../../image/load.ts");
  const { extract } = await import("../../radiomics/extract.ts");
  const byCase = new Map<string, Float64Array>();
  let names: string[] | null = null;
  const problems: { row: number; column: string | null; problem: string }[] = [];
  for (let i = 0; i < cohort.length; i++) {
    const r = cohort[i];
    const views = settings.views.views.filter((v) => r.extra[`image_${v.toLowerCase()}`]);
    if (views.length === 0) {
      problems.push({ row: i + 2, column: `image_${settings.views.views[0].toLowerCase()}`, problem: "no image for the configured view(s)" });
      continue;
    }
    const use = settings.views.combination === "single" ? views.slice(0, 1) : views;
    const spacingRaw = r.extra.spacing_mm;
    const vectors: Record<string, number>[] = [];
    for (const v of use) {
      const img = r.extra[`image_${v.toLowerCase()}`]!;
      const msk = r.extra[`mask_${v.toLowerCase()}`];
      if (!msk) {
        problems.push({ row: i + 2, column: `mask_${v.toLowerCase()}`, problem: "missing mask file name" });
        continue;
      }
      try {
        const loaded = await loadImageFile(join(dir, img));
        const mask = await loadMaskFile(join(dir, msk), { rows: loaded.image.rows, cols: loaded.image.cols });
        // spacing: the cohort's spacing_mm, else the config's featureSet.spacingMm, else the file's own (DICOM)
        const given = spacingRaw ? Number(spacingRaw) : settings.featureSet.spacingMm;
        const spacing: [number, number] | null = given && given > 0 ? [given, given] : (loaded.spacing?.mm ?? null);
        if (!spacing) throw new Error(`no pixel spacing: give a spacing_mm column or featureSet.spacingMm`);
        const fx = extract(loaded.image, mask, { spacing, set: settings.featureSet.name as "seed-299", ng: settings.featureSet.ng });
        vectors.push(fx.features);
      } catch (e) {
        problems.push({ row: i + 2, column: `image_${v.toLowerCase()}`, problem: e instanceof Error ? e.message : String(e) });
      }
    }
    if (vectors.length) {
      names ??= Object.keys(vectors[0]);
      byCase.set(r.caseCode, Float64Array.from(names, (nm) => vectors.reduce((a, fv) => a + fv[nm], 0) / vectors.length));
    }
    onProgress(i + 1, cohort.length);
  }
  if (problems.length) throw new PipelineInputError(problems, "feature extraction");
  return { names: names ?? [], byCase };
}

export async function run(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const cohortPath = requireFlag(args, "cohort");
  const featuresPath = flag(args, "features");
  const imagesDir = flag(args, "images");
  const out = requireFlag(args, "out");
  if (!featuresPath === !imagesDir) throw new CliError("give exactly one of --features FILE or --images DIR");
  const seed = numberFlag(args, "seed", 1);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new CliError(`--seed must be an integer in [0, 2^32), got ${seed}`);
  const quiet = flag(args, "quiet") === "true";
  const configPath = flag(args, "config");
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  try {
    let config: unknown = {};
    if (configPath) {
      try {
        config = JSON.parse(await readText(configPath, "the config"));
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(`the config "${configPath}" is not valid JSON: ${(e as Error).message}`);
      }
    }
    const settings = parseSettings(config);
    const cohort = cohortFromTable(parseCsv(await readText(cohortPath, "the cohort")));
    let last = "";
    const progress = (stage: PipelineStage, done: number, total: number): void => {
      if (quiet) return;
      const line = `${stage} ${done}/${total}`;
      if (line !== last) process.stderr.write(`axilla train: ${line}\n`);
      last = line;
    };
    let features: FeatureTable;
    if (featuresPath) features = featuresFromTable(parseCsv(await readText(featuresPath, "the features")));
    else {
      const te = performance.now();
      features = await extractCohortFeatures(cohort, resolve(imagesDir!), settings, (d, t) => progress("extraction", d, t));
      timings.extraction = (performance.now() - te) / 1000;
    }
    const { artefact, report } = await runPipeline(cohort, features, settings, seed, progress);
    Object.assign(timings, report.timings_s);
    await writeFile(out, toJson(artefact) + "\n");
    timings.end_to_end = (performance.now() - t0) / 1000;
    return {
      out,
      hash: artefact.hash,
      seed,
      demo: artefact.demo,
      label: artefact.label,
      n: report.summary.n,
      events: report.summary.events,
      training: report.summary.training,
      validation: report.summary.validation,
      selected_features: report.summary.selectedFeatures,
      lambda: report.summary.lambda,
      svm: report.summary.svm,
      nomogram_terms: report.summary.nomogramTerms,
      auc: report.summary.auc,
      warnings: report.warnings.map((w) => `${w.code}: ${w.message}`),
      timings_s: timings,
      cpu_s: report.cpu_s,
    };
  } catch (e) {
    if (e instanceof PipelineInputError || e instanceof PipelineSettingsError || e instanceof PipelineError || e instanceof CsvError) throw new CliError(e.message);
    throw e;
  }
}
