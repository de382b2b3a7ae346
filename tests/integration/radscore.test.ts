// Acceptance 2 of the surgeon workflow: the Rad-score the portal computes (upload -> de-identify -> store ->
// ROI saved in the normalised frame -> server extraction -> model) equals what `axilla extract` gives for the
// original file and the same mask, put through the model's linear predictor written out here by hand:
//   Rad-score = intercept + sum_j beta_j (x_j - min_j) / (max_j - min_j).
// Also: ROI save/restore (area in mm² from the header spacing), the model store (demo seeding, hash check).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { PNG } from "pngjs";

const dataDir = mkdtempSync(join(tmpdir(), "axilla-int-radscore-"));
process.env.DATA_DIR = dataDir;

const { createCaller } = await import("../../server/api/root.ts");
const { createTestContext } = await import("../../server/api/context.ts");
const { createTestDb } = await import("../../server/db/testing.ts");
const { auditLog, featureVectors, modelVersions, users } = await import("../../server/db/schema.ts");
const { seedDemoModel, getActiveModel, ModelStoreError } = await import("../../server/services/model-store.ts");
const { encodeMaskRle } = await import("../../server/api/routers/rois.ts");
const { loadImageFile } = await import("../../lib/image/load.ts");
const { extract } = await import("../../lib/radiomics/extract.ts");
const { SEED_299_NAMES } = await import("../../lib/radiomics/sets.ts");
const { regionGrow, polygonToMask, largestComponent } = await import("../../lib/radiomics/roi.ts");
const { runPipeline } = await import("../../lib/stats/pipeline.ts");
const { withHash } = await import("../../lib/model/hash.ts");
const { createRng } = await import("../../lib/random.ts");
type SessionUser = import("../../server/auth/roles.ts").SessionUser;
type Mask2D = import("../../lib/image/types.ts").Mask2D;
type CohortRecord = import("../../lib/stats/pipeline-input.ts").CohortRecord;

const MG = join(import.meta.dirname, "..", "fixtures", "dicom", "generated", "mdb028_MG.dcm");
type Caller = ReturnType<typeof createCaller>;

async function upload(caller: Caller, caseId: string, bytes: Uint8Array) {
  const { uploadId, chunkBytes } = await caller.images.uploadBegin({ caseId, size: bytes.byteLength });
  for (let off = 0; off < bytes.byteLength; off += chunkBytes)
    await caller.images.uploadChunk({ uploadId, offset: off, data: Buffer.from(bytes.subarray(off, off + chunkBytes)).toString("base64") });
  return caller.images.ingest({ uploadId });
}

/** The tumour ROI of mdb028: mini-MIAS Info.txt gives CIRC at x 338, y 314 (origin bottom-left), radius 56. */
function tumourMask(image: { rows: number; cols: number; data: Float64Array }): Mask2D {
  const row = image.rows - 314;
  const col = 338;
  const v = image.data[row * image.cols + col];
  const grown = regionGrow(image, { row, col }, v - 12, Infinity);
  const poly = Array.from({ length: 64 }, (_, k) => ({ x: col + 0.5 + 56 * Math.cos((2 * Math.PI * k) / 64), y: row + 0.5 + 56 * Math.sin((2 * Math.PI * k) / 64) }));
  const circle = polygonToMask(image.rows, image.cols, poly);
  const both = new Uint8Array(grown.data.length);
  for (let i = 0; i < both.length; i++) both[i] = grown.data[i] & circle.data[i];
  return largestComponent({ rows: image.rows, cols: image.cols, data: both });
}

/** A seeded training cohort whose features scatter around `x0` and whose outcome depends on two of them. */
function syntheticCohort(x0: Record<string, number>, n = 120) {
  const rng = createRng(20261127);
  const gauss = () => rng.normal();
  const names = [...SEED_299_NAMES];
  const byCase = new Map<string, Float64Array>();
  const cohort: CohortRecord[] = [];
  const a = names.indexOf("original_firstorder_Mean");
  const b = names.indexOf("original_shape2D_Elongation");
  for (let i = 0; i < n; i++) {
    const code = `SYN-${String(i + 1).padStart(3, "0")}`;
    const z = Float64Array.from(names, () => gauss());
    const x = Float64Array.from(names, (nm, j) => (x0[nm] === 0 ? 0.1 * z[j] : x0[nm] * (1 + 0.25 * z[j])));
    byCase.set(code, x);
    const lp = 1.8 * z[a] - 1.5 * z[b];
    const aln = rng.uniform() < 1 / (1 + Math.exp(-lp)) ? 1 : 0;
    cohort.push({
      caseCode: code,
      aln,
      age: 35 + Math.floor(rng.uniform() * 40),
      t_stage: (["T1", "T2", "T3", "T4"] as const)[Math.floor(rng.uniform() * 4)],
      location: (["UIQ", "UOQ", "LIQ", "LOQ", "central"] as const)[Math.floor(rng.uniform() * 5)],
      er: rng.uniform() < 0.6 ? "positive" : "negative",
      pr: rng.uniform() < 0.5 ? "positive" : "negative",
      us_aln: rng.uniform() < 0.4 + 0.3 * aln ? "positive" : "negative",
      split: null,
      site: null,
      extra: {},
    });
  }
  return { cohort, features: { names, byCase } };
}

describe("Rad-score: portal equals axilla extract + the model's linear predictor", () => {
  let t: Awaited<ReturnType<typeof createTestDb>>;
  const who: Record<string, SessionUser> = {};
  let surgeon: Caller;
  let caseId: string;
  let imageId: string;
  let mask: Mask2D;
  let reference: Record<string, number>;
  let artefactFile: string;

  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
    surgeon = createCaller(createTestContext({ db: t.db, user: who.surgeon }));
    // the reference side: the CLI's loader on the ORIGINAL file + extract (what `axilla extract` runs)
    const loaded = await loadImageFile(MG);
    mask = tumourMask(loaded.image);
    reference = extract(loaded.image, mask, { spacing: loaded.spacing!.mm, set: "seed-299", ng: 32 }).features;
    const { cohort, features } = syntheticCohort(reference);
    const { artefact } = await runPipeline(
      cohort,
      features,
      { demo: true, lasso: { bootstrapB: 0, nfolds: 5 }, svm: { cost: [1], gamma: [0.5], nfolds: 3 }, validation: { B: 0, metricsB: 0 } },
      11,
    );
    artefactFile = join(dataDir, "model.json");
    writeFileSync(artefactFile, JSON.stringify(withHash(artefact)));
  });
  after(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("no active model -> a clear refusal; seedDemoModel imports the demo artefact once, audited", async () => {
    await assert.rejects(getActiveModel(t.db), (e) => e instanceof ModelStoreError && e.code === "NO_ACTIVE_MODEL");
    assert.equal(await seedDemoModel(t.db, join(dataDir, "does-not-exist.json")), null);
    const id = await seedDemoModel(t.db, artefactFile);
    assert.ok(id);
    assert.equal(await seedDemoModel(t.db, artefactFile), null, "second start does not import again");
    const [row] = await t.db.select().from(modelVersions);
    assert.equal(row.status, "published");
    assert.equal(row.active, true);
    assert.equal(row.comment, "demo model");
    // a version label, not the demo notice (the notice is the artefact's label, shown beside the version)
    assert.equal(row.label, `demo-${(row.artefact as { software: { version: string } }).software.version}-${row.contentHash.slice(0, 8)}`);
    const a = await t.db.select().from(auditLog).where(eq(auditLog.action, "models.seed-demo"));
    assert.equal(a.length, 1);
  });

  test("ROI save stores the mask with its area in mm² and restores it", async () => {
    caseId = (await surgeon.cases.create({ caseCode: "RS-0001" })).id;
    const r = await upload(surgeon, caseId, new Uint8Array(readFileSync(MG)));
    assert.equal(r.status, "stored");
    if (r.status !== "stored") return;
    imageId = r.image.id;
    const rle = encodeMaskRle(mask);
    const saved = await surgeon.rois.save({ imageId, method: "threshold", rows: mask.rows, cols: mask.cols, rle, thresholdParams: { seed: { row: 710, col: 338 } } });
    let count = 0;
    for (const v of mask.data) count += v;
    assert.equal(saved.pixels, count);
    assert.ok(Math.abs(saved.areaMm2! - count * 0.2 * 0.2) < 1e-9); // PixelSpacing 0.2 x 0.2 mm
    const back = await surgeon.rois.get({ imageId });
    assert.equal(back?.rle, rle);
    assert.equal(back?.flipped, false);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, "rois.save"));
    assert.ok(audits.some((a) => a.objectId === saved.id && a.outcome === "success"));
  });

  test("Compute Rad-score equals axilla extract + the linear predictor", async (tc) => {
    const out = await surgeon.radscore.compute({ caseId });
    const [{ artefact }] = await t.db.select().from(modelVersions);
    const art = artefact as { lasso: { intercept: number; features: string[]; coefficients: number[] }; scaler: { features: string[]; min: number[]; max: number[] } };
    // when `axilla extract` exists, take the reference features from the CLI itself (mask as a PNG)
    let ref = reference;
    let source = "lib (loadImageFile + extract, the calls `axilla extract` makes)";
    try {
      const cli = await import("../../lib/cli/commands/extract.ts" as string);
      const png = new PNG({ width: mask.cols, height: mask.rows, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
      png.data = Buffer.from(mask.data.map((v) => v * 255));
      const maskFile = join(dataDir, "mask.png");
      writeFileSync(maskFile, PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false }));
      ref = ((await cli.run(["--image", MG, "--mask", maskFile])) as { features: Record<string, number> }).features;
      source = "axilla extract (lib/cli/commands/extract.ts run())";
    } catch (e) {
      if (!/Cannot find module|ERR_MODULE_NOT_FOUND/.test(String((e as Error).message) + String((e as { code?: string }).code))) throw e;
    }
    let expected = art.lasso.intercept;
    art.lasso.features.forEach((f, k) => {
      const j = art.scaler.features.indexOf(f);
      expected += art.lasso.coefficients[k] * ((ref[f] - art.scaler.min[j]) / (art.scaler.max[j] - art.scaler.min[j]));
    });
    assert.ok(art.lasso.features.length >= 1, "the synthetic model selects features");
    tc.diagnostic(`reference: ${source}; selected ${art.lasso.features.length} features; Rad-score ${out.value} vs ${expected}`);
    assert.ok(Math.abs(out.value - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `portal ${out.value} vs reference ${expected}`);
    assert.equal(out.model.demo, true);
    assert.equal(out.model.displayLabel, "Demo model — not for clinical use");
    assert.equal(out.views.length, 1);
    assert.equal(out.views[0].view, "MLO");
    // the stored feature vector is the reference vector
    const [fv] = await t.db.select().from(featureVectors).where(eq(featureVectors.id, out.views[0].featureVectorId));
    for (const f of art.lasso.features) assert.equal((fv.features as Record<string, number>)[f], ref[f], f);
    const latest = await surgeon.radscore.latest({ caseId });
    assert.equal(latest?.value, out.value);
  });

  test("saving the ROI again makes the Rad-score stale everywhere (case, list, prediction) until it is computed again", async () => {
    const before = await surgeon.predictions.context({ caseId });
    assert.equal(typeof before.radscore.radscore, "number", "fresh Rad-score is served");
    assert.equal((await surgeon.radscore.latest({ caseId }))?.stale, false);
    await new Promise((r) => setTimeout(r, 5));
    await surgeon.rois.save({ imageId, method: "freehand", rows: mask.rows, cols: mask.cols, rle: encodeMaskRle(mask) });
    assert.equal((await surgeon.radscore.latest({ caseId }))?.stale, true);
    assert.equal((await surgeon.cases.get({ id: caseId })).radscore?.stale, true);
    assert.equal((await surgeon.cases.list({})).find((c) => c.id === caseId)?.radscoreStale, true);
    const ctx = await surgeon.predictions.context({ caseId });
    assert.equal(ctx.radscore.radscore, null);
    assert.match(ctx.radscore.reason ?? "", /outline was changed after the Rad-score was computed/);
    const f = { age: 52, t_stage: "T2", location: "UOQ", er: "positive", pr: "negative", us_aln: "positive" } as const;
    await assert.rejects(surgeon.predictions.predict({ caseId, factors: f }), (e) => e instanceof TRPCError && e.code === "PRECONDITION_FAILED" && /outline was changed/.test(e.message));
    await surgeon.radscore.compute({ caseId });
    assert.equal((await surgeon.radscore.latest({ caseId }))?.stale, false);
    assert.equal((await surgeon.cases.get({ id: caseId })).radscore?.stale, false);
    assert.equal((await surgeon.cases.list({})).find((c) => c.id === caseId)?.radscoreStale, false);
    assert.equal(typeof (await surgeon.predictions.context({ caseId })).radscore.radscore, "number");
  });

  test("a tampered artefact fails the hash check and no Rad-score is served", async () => {
    const [row] = await t.db.select().from(modelVersions);
    const tampered = structuredClone(row.artefact) as { lasso: { intercept: number } };
    tampered.lasso.intercept += 1;
    await t.db.update(modelVersions).set({ artefact: tampered }).where(eq(modelVersions.id, row.id));
    await assert.rejects(surgeon.radscore.compute({ caseId }), (e) => e instanceof TRPCError && e.code === "PRECONDITION_FAILED" && /integrity check/.test(e.message));
    await t.db.update(modelVersions).set({ artefact: row.artefact }).where(eq(modelVersions.id, row.id));
  });
});
