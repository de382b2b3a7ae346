// Trains the demo model with the real pipeline (issue 5): demo/cohort.csv + demo/features.csv -> demo/model.json.
//   npx tsx scripts/demo/train-demo.ts [--seed 20190147] [--out demo/model.json]
// The artefact carries demo: true and the label "Demo model — not for clinical use"; the portal's first-start
// seeding imports demo/model.json as the active published version (verify its hash with lib/model/hash.ts).
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { cohortFromCsv, featuresFromCsv } from "../../lib/stats/pipeline-input.ts";
import { runPipeline } from "../../lib/stats/pipeline.ts";
import { toJson } from "../../lib/cli/io.ts";
import { DEMO_SEED } from "./make-cohort.ts";

export const DEMO_SETTINGS = {
  demo: true,
  source: "Axilla demo cohort: SEMI-SYNTHETIC (real mini-MIAS lesion pixels and seed-299 features; simulated clinical factors and ALN status) — see demo/README.md",
  featureSet: { name: "seed-299", ng: 32, spacingMm: 0.2 },
  views: { combination: "single" as const, views: ["MLO" as const] },
  validation: { pipelineB: 50 }, // also report whole-pipeline bootstrap optimism next to the validation cohort
};

/** Train the demo model from the committed demo files (root = repo root). */
export async function trainDemo(root: string, seed = DEMO_SEED, onProgress?: (stage: string, done: number, total: number) => void) {
  const cohort = cohortFromCsv(readFileSync(resolve(root, "demo/cohort.csv"), "utf8"));
  const features = featuresFromCsv(readFileSync(resolve(root, "demo/features.csv"), "utf8"));
  return runPipeline(cohort, features, DEMO_SETTINGS, seed, onProgress);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--seed");
  const seed = i >= 0 ? Number(process.argv[i + 1]) : DEMO_SEED;
  const o = process.argv.indexOf("--out");
  const out = o >= 0 ? process.argv[o + 1] : "demo/model.json";
  const t0 = performance.now();
  const { artefact, report } = await trainDemo(process.cwd(), seed, (s, d, t) => process.stderr.write(`\r${s} ${d}/${t}        `));
  writeFileSync(out, toJson(artefact) + "\n");
  process.stderr.write("\n");
  console.log(JSON.stringify({ out, hash: artefact.hash, timings_s: { ...report.timings_s, end_to_end: (performance.now() - t0) / 1000 }, summary: report.summary }, null, 2));
}

if (process.argv[1] && /train-demo\.ts$/.test(process.argv[1])) await main();
