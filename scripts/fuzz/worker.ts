// Worker thread of scripts/fuzz/run.ts: builds case (kind, seed, index) itself and runs it through the parsers.
import { parentPort, workerData } from "node:worker_threads";
import { csvCase, dicomCase, dicomSeeds } from "./mutators.ts";
import { FuzzFinding, runCsv, runDicom } from "./targets.ts";

const seeds = dicomSeeds(workerData.maxSeedBytes as number);

parentPort!.on("message", async (m: { kind: "dicom" | "csv"; seed: number; index: number }) => {
  const t0 = performance.now();
  try {
    if (m.kind === "dicom") {
      const c = dicomCase(seeds, m.seed, m.index);
      const r = await runDicom(c.bytes);
      parentPort!.postMessage({ index: m.index, ms: performance.now() - t0, ok: r.full.ok, code: r.full.ok ? "ok" : r.full.code, label: `${c.kind} of ${c.seedFile}` });
    } else {
      const c = csvCase(m.seed, m.index);
      const r = runCsv(c.cohort, c.features);
      parentPort!.postMessage({ index: m.index, ms: performance.now() - t0, ok: r.importCheck.ok, code: r.importCheck.ok ? "ok" : r.importCheck.code, label: `${c.kind} on ${c.target}` });
    }
  } catch (e) {
    parentPort!.postMessage({ index: m.index, ms: performance.now() - t0, finding: `${e instanceof FuzzFinding ? "" : "unexpected "}${(e as Error)?.message ?? String(e)}` });
  }
});
parentPort!.postMessage({ ready: true, seeds: seeds.length });
