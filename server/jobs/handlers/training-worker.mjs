// worker_threads entry of the training job (server/jobs/handlers/training.ts): runs feature extraction (when
// asked) and lib/stats/pipeline.ts runPipeline off the web server's event loop, posting progress messages.
// Plain .mjs so it is loaded from disk (not bundled by Next); TypeScript sources are loaded through tsx.
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

register();
const { root, cohort, features, settings, seed, extract } = workerData;
const load = (p) => import(pathToFileURL(`${root}/${p}`).href);

let lastPost = 0;
const post = (stage, done, total, force = false) => {
  const now = Date.now();
  if (!force && now - lastPost < 150 && done !== total) return;
  lastPost = now;
  parentPort.postMessage({ type: "progress", stage, done, total });
};

try {
  const { runPipeline } = await load("lib/stats/pipeline.ts");
  const { parseSettings } = await load("lib/stats/pipeline-settings.ts");
  const full = parseSettings(settings);
  let table = features ? { names: features.names, byCase: new Map(features.rows.map(([c, v]) => [c, Float64Array.from(v)])) } : null;
  const timings = {};
  if (extract) {
    const { extractCohortFeatures } = await load("lib/cli/commands/train.ts");
    const t0 = performance.now();
    post("extraction", 0, cohort.length, true);
    // image names in record.extra were rewritten to absolute stored paths by the handler; dir "" keeps them
    table = await extractCohortFeatures(cohort, "", full, (d, t) => post("extraction", d, t));
    timings.extraction = (performance.now() - t0) / 1000;
  }
  const { artefact, report } = await runPipeline(cohort, table, full, seed, (stage, done, total) => post(stage, done, total, done === 0 || done === total));
  parentPort.postMessage({ type: "done", artefact, report: { ...report, timings_s: { ...timings, ...report.timings_s } } });
} catch (e) {
  parentPort.postMessage({
    type: "error",
    name: e?.name ?? "Error",
    message: e instanceof Error ? e.message : String(e),
    problems: Array.isArray(e?.problems) ? e.problems.slice(0, 50) : null,
  });
}
