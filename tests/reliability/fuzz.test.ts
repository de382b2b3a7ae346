// Issue 7 item 1, short seeded run (the long run is scripts/fuzz/run.ts): mutated DICOM files and cohort CSVs
// through the real parsers. Each case must give a valid result or a typed error with a message within a time
// bound; RSS must stay bounded. Complements tests/unit/dicom/fuzz.test.ts (per-fixture truncation/bit flips):
// here the mutations are mixed (wrong and huge lengths, bad VRs, nested sequences, huge dimensions, splices)
// and the seed files are picked at random.
import assert from "node:assert/strict";
import { test } from "node:test";
import { csvCase, dicomCase, dicomSeeds, DICOM_MUTATIONS } from "../../scripts/fuzz/mutators.ts";
import { runCsv, runDicom } from "../../scripts/fuzz/targets.ts";

const SEED = Number(process.env.AXILLA_FUZZ_SEED ?? 7007);
const N_DICOM = Number(process.env.AXILLA_FUZZ_DICOM ?? 300);
const N_CSV = Number(process.env.AXILLA_FUZZ_CSV ?? 250);
const CASE_BOUND_MS = 3000; // small fixtures (< 260 kB) decode in milliseconds; generous for a loaded 2-core machine
const RSS_GROWTH_MB = 400;

test(`${N_DICOM} mutated DICOM files: valid result or DicomError, bounded time and memory (seed ${SEED})`, { timeout: 60_000 }, async () => {
  const seeds = dicomSeeds(120_000);
  assert.ok(seeds.length >= 15, `DICOM seed fixtures: ${seeds.length}`);
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const byKind = new Map<string, { ok: number; err: number }>();
  const codes = new Set<string>();
  let worst = 0;
  for (let i = 0; i < N_DICOM; i++) {
    const c = dicomCase(seeds, SEED, i);
    const t0 = performance.now();
    let r: Awaited<ReturnType<typeof runDicom>>;
    try {
      r = await runDicom(c.bytes);
    } catch (e) {
      assert.fail(`case ${i} (${c.kind} of ${c.seedFile}, seed ${SEED}): ${(e as Error).message}`);
    }
    const dt = performance.now() - t0;
    worst = Math.max(worst, dt);
    assert.ok(dt < CASE_BOUND_MS, `case ${i} (${c.kind} of ${c.seedFile}) took ${dt.toFixed(0)} ms`);
    const k = byKind.get(c.kind) ?? { ok: 0, err: 0 };
    if (r.full.ok) k.ok++;
    else {
      k.err++;
      codes.add(r.full.code);
    }
    byKind.set(c.kind, k);
    if (i % 25 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  assert.ok((peak - rss0) / 2 ** 20 < RSS_GROWTH_MB, `RSS grew by ${((peak - rss0) / 2 ** 20).toFixed(0)} MB`);
  // the mutations must actually reach the error paths (a fuzzer that only produces valid files tests nothing)
  for (const kind of DICOM_MUTATIONS) assert.ok(byKind.has(kind), `mutation ${kind} never ran`);
  for (const kind of ["truncate", "length-huge", "nested-sequences", "transfer-syntax"]) assert.ok((byKind.get(kind)?.err ?? 0) > 0, `${kind} never produced an error`);
  for (const code of ["TRUNCATED", "UNSUPPORTED_TRANSFER_SYNTAX"]) assert.ok(codes.has(code), `no ${code} among ${[...codes].join(",")}`);
  console.log(`# DICOM fuzz: ${N_DICOM} cases, worst ${worst.toFixed(0)} ms, RSS +${((peak - rss0) / 2 ** 20).toFixed(0)} MB, codes ${[...codes].sort().join(",")}`);
});

test(`${N_CSV} mutated cohort/feature CSVs: valid result or typed error, bounded time (seed ${SEED})`, { timeout: 60_000 }, () => {
  let worst = 0;
  const seen = new Map<string, number>();
  let accepted = 0;
  for (let i = 0; i < N_CSV; i++) {
    const c = csvCase(SEED, i);
    const t0 = performance.now();
    let r: ReturnType<typeof runCsv>;
    try {
      r = runCsv(c.cohort, c.features);
    } catch (e) {
      assert.fail(`CSV case ${i} (${c.kind} on ${c.target}, seed ${SEED}): ${(e as Error).message}`);
    }
    const dt = performance.now() - t0;
    worst = Math.max(worst, dt);
    assert.ok(dt < CASE_BOUND_MS, `CSV case ${i} (${c.kind}) took ${dt.toFixed(0)} ms`);
    for (const o of [r.parse, r.cohort, r.features, r.importCheck]) if (!o.ok) seen.set(o.code, (seen.get(o.code) ?? 0) + 1);
    if (r.importCheck.ok) accepted++;
  }
  assert.ok((seen.get("CsvError") ?? 0) > 0 && (seen.get("PipelineInputError") ?? 0) > 0, `typed errors seen: ${JSON.stringify([...seen])}`);
  assert.ok(accepted < N_CSV, "every mutated CSV was accepted: the mutations do nothing");
  console.log(`# CSV fuzz: ${N_CSV} cases, worst ${worst.toFixed(0)} ms, errors ${JSON.stringify(Object.fromEntries(seen))}, import-check accepted ${accepted}`);
});
