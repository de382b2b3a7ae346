// Long fuzz run (issue 7 item 1): >= 10,000 mutated DICOM files and >= 1,000 mutated cohort CSVs through the
// real parsers, each case in a worker thread with a kill timeout (a hang is terminated and reported), worker
// heap capped (a memory blow-up is reported), process RSS sampled. Prints cases/s, max time per case, peak RSS
// and any findings; exit code 1 when there is a finding.
//   npx tsx scripts/fuzz/run.ts [--dicom 10000] [--csv 1000] [--seed 7] [--workers 2] [--timeout-ms 15000]
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const N_DICOM = arg("dicom", 10_000);
const N_CSV = arg("csv", 1_000);
const SEED = arg("seed", 7);
const WORKERS = arg("workers", Math.max(1, Math.min(2, availableParallelism())));
const TIMEOUT_MS = arg("timeout-ms", 15_000);
const HEAP_MB = arg("heap-mb", 1024);
const MAX_SEED_BYTES = arg("max-seed-bytes", 1_100_000);

type Result = { index: number; ms: number; ok?: boolean; code?: string; label?: string; finding?: string };

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

async function phase(kind: "dicom" | "csv", n: number) {
  const findings: string[] = [];
  const codes = new Map<string, number>();
  let maxMs = 0;
  let maxLabel = "";
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  await new Promise<void>((finish) => {
    const startWorker = () => {
      const w = new Worker(new URL("./worker-entry.mjs", import.meta.url), { workerData: { maxSeedBytes: MAX_SEED_BYTES }, resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
      let current = -1;
      let timer: NodeJS.Timeout | undefined;
      let dead = false;
      const give = () => {
        if (next >= n) {
          dead = true;
          void w.terminate();
          if (done >= n) finish();
          return;
        }
        current = next++;
        timer = setTimeout(() => {
          findings.push(`${kind} case ${current}: no answer within ${TIMEOUT_MS} ms (hang) — worker terminated`);
          dead = true;
          done++;
          void w.terminate();
          startWorker();
        }, TIMEOUT_MS);
        w.postMessage({ kind, seed: SEED, index: current });
      };
      w.on("message", (m: Result & { ready?: boolean }) => {
        if (m.ready) return give();
        clearTimeout(timer);
        done++;
        if (m.finding) findings.push(`${kind} case ${m.index}: ${m.finding}`);
        else codes.set(m.code!, (codes.get(m.code!) ?? 0) + 1);
        if (m.ms > maxMs) [maxMs, maxLabel] = [m.ms, `case ${m.index} (${m.label})`];
        if (done % 1000 === 0) console.error(`  ${kind}: ${done}/${n} (${((performance.now() - t0) / 1000).toFixed(0)} s, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB)`);
        give();
      });
      w.on("error", (e) => {
        if (dead) return;
        clearTimeout(timer);
        if (current < 0) {
          console.error(`worker failed to start: ${e.message}`);
          process.exit(2);
        }
        findings.push(`${kind} case ${current}: worker crashed: ${e.message}`);
        dead = true;
        done++;
        startWorker();
        if (done >= n) finish();
      });
    };
    for (let i = 0; i < WORKERS; i++) startWorker();
  });
  const s = (performance.now() - t0) / 1000;
  return { cases: n, seconds: +s.toFixed(1), casesPerSecond: +(n / s).toFixed(1), maxMsPerCase: +maxMs.toFixed(0), slowest: maxLabel, outcomes: Object.fromEntries([...codes].sort()), findings };
}

const dicom = await phase("dicom", N_DICOM);
const csv = await phase("csv", N_CSV);
clearInterval(sampler);
const report = { seed: SEED, workers: WORKERS, timeoutMs: TIMEOUT_MS, workerHeapMb: HEAP_MB, dicom, csv, peakRssMb: +(peakRss / 2 ** 20).toFixed(0) };
console.log(JSON.stringify(report, null, 2));
if (dicom.findings.length || csv.findings.length) process.exitCode = 1;
