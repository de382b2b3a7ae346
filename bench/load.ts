// Load test (issue 7 item 5): the production build (`next start` via tests/e2e/harness.ts, fresh DATA_DIR, demo
// model seeded at first start) on loopback; a surgeon signs in, creates a case, uploads mdb028_MG.dcm, saves the
// tumour ROI and computes the Rad-score; then C concurrent clients call the predictions.predict tRPC query
// (server-side prediction with the active model) for S seconds after W seconds of warm-up. Figures: requests/s,
// p50/p99/max latency, errors (warm-up errors included).
// Needs a production build (`next build`).
//   npx tsx bench/load.ts [--concurrency 50] [--seconds 30] [--warmup 5] [--postgres | --url http://host:port]   or   npm run bench -- load
// (--postgres: on a fresh database of the TEST_DATABASE_URL server instead of the embedded PGlite)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEMO, ROOT, startServer } from "../tests/e2e/harness.ts";
import { signIn, trpcMutation, trpcQuery, type Session } from "../tests/reliability/http-client.ts";
import { polygonToMask } from "../lib/radiomics/roi.ts";
import { encodeMaskRle } from "../server/api/routers/rois.ts";

const FACTORS = { age: 52, t_stage: "T2", location: "UOQ", er: "positive", pr: "negative", us_aln: "positive" } as const;

function must<T>(r: { data?: T; error?: { code: string; message: string } }, what: string): T {
  if (r.error || r.data === undefined) throw new Error(`${what}: ${r.error?.code} ${r.error?.message}`);
  return r.data;
}

/** A case with a stored Rad-score for the active model, ready for predictions.predict. */
async function prepareCase(s: Session): Promise<string> {
  const c = must(await trpcMutation<{ id: string }>(s, "cases.create", { caseCode: `LOAD-${Date.now() % 100000}` }), "cases.create");
  const bytes = new Uint8Array(readFileSync(join(ROOT, "tests/fixtures/dicom/generated/mdb028_MG.dcm")));
  const { uploadId, chunkBytes } = must(await trpcMutation<{ uploadId: string; chunkBytes: number }>(s, "images.uploadBegin", { caseId: c.id, size: bytes.byteLength }), "uploadBegin");
  for (let off = 0; off < bytes.byteLength; off += chunkBytes)
    must(await trpcMutation(s, "images.uploadChunk", { uploadId, offset: off, data: Buffer.from(bytes.subarray(off, off + chunkBytes)).toString("base64") }), "uploadChunk");
  const ing = must(await trpcMutation<{ status: string; image: { id: string } }>(s, "images.ingest", { uploadId }), "ingest");
  // mini-MIAS Info.txt: mdb028 tumour at x 338, y 314 (origin bottom-left), radius 56; the viewer frame is chest wall left
  const [row, col, radius] = [1024 - 314, 338, 56];
  const poly = Array.from({ length: 64 }, (_, k) => ({ x: col + 0.5 + radius * Math.cos((2 * Math.PI * k) / 64), y: row + 0.5 + radius * Math.sin((2 * Math.PI * k) / 64) }));
  const mask = polygonToMask(1024, 1024, poly);
  must(await trpcMutation(s, "rois.save", { imageId: ing.image.id, method: "freehand", rows: 1024, cols: 1024, rle: encodeMaskRle(mask) }), "rois.save");
  must(await trpcMutation(s, "radscore.compute", { caseId: c.id }), "radscore.compute");
  must(await trpcQuery(s, "predictions.predict", { caseId: c.id, factors: FACTORS }), "predictions.predict (warm-up)");
  return c.id;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function benchLoad(opts: { concurrency?: number; seconds?: number; warmup?: number; postgres?: boolean; url?: string } = {}): Promise<Record<string, unknown>> {
  const concurrency = opts.concurrency ?? 50;
  const seconds = opts.seconds ?? 30;
  const warmup = opts.warmup ?? 5;
  // url: an already running portal (e.g. several processes behind a proxy, or one started under a profiler);
  // postgres: a fresh database on the TEST_DATABASE_URL server instead of the embedded (in-process, WASM) PGlite
  const srv = opts.url
    ? { url: opts.url.replace(/\/$/, ""), stop: async () => {} }
    : await startServer({ env: { LOG_LEVEL: "warn" }, timeoutMs: 120_000, postgres: opts.postgres ?? false });
  try {
    const s = await signIn(srv.url, DEMO.surgeon.email, DEMO.surgeon.password);
    const caseId = await prepareCase(s);
    const url = `${srv.url}/api/trpc/predictions.predict?input=${encodeURIComponent(JSON.stringify({ json: { caseId, factors: FACTORS } }))}`;
    let responseBytes = 0;
    const errors: Record<string, number> = {};
    /** C clients, each sending the next request when its last one answered, for `secs` seconds; latencies in ms. */
    const drive = async (secs: number, target = url, expect = '"probability"'): Promise<number[]> => {
      const lat: number[] = [];
      const end = performance.now() + secs * 1000;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < end) {
            const a = performance.now();
            try {
              const r = await fetch(target, { headers: { cookie: s.cookie } });
              const body = await r.text();
              if (target === url) responseBytes = body.length;
              if (r.status !== 200 || !body.includes(expect)) errors[`HTTP ${r.status}`] = (errors[`HTTP ${r.status}`] ?? 0) + 1;
            } catch (e) {
              errors[(e as Error).message] = (errors[(e as Error).message] ?? 0) + 1;
            }
            lat.push(performance.now() - a);
          }
        }),
      );
      return lat;
    };
    // warm-up (JIT, connection pool, first verification of the model): not timed, but its errors count
    const warm = await drive(warmup);
    const t0 = performance.now();
    const lat = await drive(seconds);
    const wall = (performance.now() - t0) / 1000;
    lat.sort((x, y) => x - y);
    // The framework's floor at the same concurrency: auth.me (Next route + tRPC + session check, no database
    // work, a 150-byte answer). What predictions.predict costs beyond this is ours.
    const floorSecs = Math.min(10, seconds);
    const t1 = performance.now();
    const floor = (await drive(floorSecs, `${srv.url}/api/trpc/auth.me`, '"role"')).sort((x, y) => x - y);
    const floorWall = (performance.now() - t1) / 1000;
    return {
      concurrency,
      warmupSeconds: warmup,
      warmupRequests: warm.length,
      seconds: +wall.toFixed(1),
      requests: lat.length,
      errors: Object.values(errors).reduce((x, y) => x + y, 0),
      errorKinds: errors,
      requestsPerSecond: +(lat.length / wall).toFixed(1),
      p50_ms: +pct(lat, 50).toFixed(1),
      p90_ms: +pct(lat, 90).toFixed(1),
      p99_ms: +pct(lat, 99).toFixed(1),
      max_ms: +lat[lat.length - 1].toFixed(1),
      responseBytes,
      floor_authMe: { seconds: +floorWall.toFixed(1), requestsPerSecond: +(floor.length / floorWall).toFixed(1), p50_ms: +pct(floor, 50).toFixed(1), p99_ms: +pct(floor, 99).toFixed(1) },
    };
  } finally {
    await srv.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (n: string, d: number) => (process.argv.includes(`--${n}`) ? Number(process.argv[process.argv.indexOf(`--${n}`) + 1]) : d);
  const url = process.argv.includes("--url") ? process.argv[process.argv.indexOf("--url") + 1] : undefined;
  const r = await benchLoad({ concurrency: arg("concurrency", 50), seconds: arg("seconds", 30), warmup: arg("warmup", 5), postgres: process.argv.includes("--postgres"), url });
  console.log(JSON.stringify(r, null, 2));
  if ((r.errors as number) > 0) process.exitCode = 1;
}
