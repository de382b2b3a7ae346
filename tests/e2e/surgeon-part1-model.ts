// A small model artefact for the surgeon browser test when demo/model.json (the demo pipeline's output) is not
// there: the real training pipeline (lib/stats/pipeline.ts, cheap settings) on a seeded synthetic cohort whose
// feature vectors scatter around the mdb028 tumour ROI's own features, so its Rad-score is a plausible number.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadImageFile } from "../../lib/image/load.ts";
import { extract } from "../../lib/radiomics/extract.ts";
import { SEED_299_NAMES } from "../../lib/radiomics/sets.ts";
import { largestComponent, polygonToMask, regionGrow } from "../../lib/radiomics/roi.ts";
import { runPipeline } from "../../lib/stats/pipeline.ts";
import type { CohortRecord } from "../../lib/stats/pipeline-input.ts";
import { withHash } from "../../lib/model/hash.ts";
import { createRng } from "../../lib/random.ts";

export const MDB028 = join(import.meta.dirname, "..", "fixtures", "dicom", "generated", "mdb028_MG.dcm");
/** mini-MIAS Info.txt: mdb028 CIRC at x 338, y 314 (origin bottom-left), radius 56 -> row 1024 - 314. */
export const MDB028_TUMOUR = { row: 1024 - 314, col: 338, radius: 56 };

export async function writeTestArtefact(file: string): Promise<void> {
  const loaded = await loadImageFile(MDB028);
  const { row, col, radius } = MDB028_TUMOUR;
  const img = loaded.image;
  const v = img.data[row * img.cols + col];
  const grown = regionGrow(img, { row, col }, v - 12, Infinity);
  const poly = Array.from({ length: 64 }, (_, k) => ({ x: col + 0.5 + radius * Math.cos((2 * Math.PI * k) / 64), y: row + 0.5 + radius * Math.sin((2 * Math.PI * k) / 64) }));
  const circle = polygonToMask(img.rows, img.cols, poly);
  const both = new Uint8Array(grown.data.length);
  for (let i = 0; i < both.length; i++) both[i] = grown.data[i] & circle.data[i];
  const mask = largestComponent({ rows: img.rows, cols: img.cols, data: both });
  const x0 = extract(img, mask, { spacing: loaded.spacing!.mm, set: "seed-299", ng: 32 }).features;
  const rng = createRng(20261127);
  const names = [...SEED_299_NAMES];
  const byCase = new Map<string, Float64Array>();
  const cohort: CohortRecord[] = [];
  const a = names.indexOf("original_firstorder_Mean");
  const b = names.indexOf("original_shape2D_Elongation");
  for (let i = 0; i < 120; i++) {
    const code = `SYN-${String(i + 1).padStart(3, "0")}`;
    const z = Float64Array.from(names, () => rng.normal());
    byCase.set(code, Float64Array.from(names, (nm, j) => (x0[nm] === 0 ? 0.1 * z[j] : x0[nm] * (1 + 0.25 * z[j]))));
    const aln = rng.uniform() < 1 / (1 + Math.exp(-(1.8 * z[a] - 1.5 * z[b]))) ? 1 : 0;
    cohort.push({
      caseCode: code,
      aln,
      age: 35 + rng.int(40),
      t_stage: (["T1", "T2", "T3", "T4"] as const)[rng.int(4)],
      location: (["UIQ", "UOQ", "LIQ", "LOQ", "central"] as const)[rng.int(5)],
      er: rng.uniform() < 0.6 ? "positive" : "negative",
      pr: rng.uniform() < 0.5 ? "positive" : "negative",
      us_aln: rng.uniform() < 0.4 + 0.3 * aln ? "positive" : "negative",
      split: null,
      site: null,
      extra: {},
    });
  }
  const { artefact } = await runPipeline(
    cohort,
    { names, byCase },
    { demo: true, lasso: { bootstrapB: 0, nfolds: 5 }, svm: { cost: [1], gamma: [0.5], nfolds: 3 }, validation: { B: 0, metricsB: 0 } },
    11,
  );
  writeFileSync(file, JSON.stringify(withHash(artefact)));
}
