export {};

// `npm run bench`: speed and memory figures (not timed tests). Each area exports one bench function;
// this runner calls them in turn and prints their figures. `npm run bench -- radiomics` runs one area.
type BenchFn = () => Promise<Record<string, unknown>>;

const AREAS: Record<string, () => Promise<BenchFn>> = {
  dicom: async () => (await import("./dicom.ts")).benchDicom,
  radiomics: async () => (await import("./radiomics.ts")).benchRadiomics,
  "stats-lasso-svm": async () => (await import("./stats-lasso-svm.ts")).benchLassoSvm,
  "stats-lrm": async () => (await import("./stats-lrm.ts")).benchLrm,
  pipeline: async () => (await import("./pipeline.ts")).benchPipeline,
  // production build under 50 concurrent predictions.predict calls for 30 s (needs `next build`)
  load: async () => (await import("./load.ts")).benchLoad,
};

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  let failed = 0;
  for (const [name, load] of Object.entries(AREAS)) {
    if (only.length > 0 && !only.includes(name)) continue;
    console.log(`\n## ${name}`);
    try {
      const fn = await load();
      const figures = await fn();
      for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(48)} ${typeof v === "number" ? +v.toFixed(3) : JSON.stringify(v)}`);
    } catch (err) {
      failed++;
      console.log(`failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (failed > 0) process.exitCode = 1;
}

await main();
