// Surgeon part 1, server side: case codes, upload validation (bad uploads leave the case unchanged), the
// confirm-and-spacing path for a film mammogram, de-identification on ingest (nothing identifying stored or
// logged), access (a surgeon cannot reach another surgeon's case), audit rows.
// Expected values come from the DICOM fixtures' own headers (tests/fixtures/dicom/dicom_manifest.csv and the
// fixture script scripts/fixtures/make-mg-dicom.ts), not from our earlier output.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";

const dataDir = mkdtempSync(join(tmpdir(), "axilla-int-images-"));
process.env.DATA_DIR = dataDir;
process.env.UPLOAD_MAX_MB = "50";

const { createCaller } = await import("../../server/api/root.ts");
const { createTestContext } = await import("../../server/api/context.ts");
const { createTestDb } = await import("../../server/db/testing.ts");
const { auditLog, cases, images, users } = await import("../../server/db/schema.ts");
const { hashPassword } = await import("../../server/auth/password.ts");
const { decodePixelCache } = await import("../../server/services/ingest.ts");
type SessionUser = import("../../server/auth/roles.ts").SessionUser;

const FIX = join(import.meta.dirname, "..", "fixtures", "dicom");
const read = (p: string) => new Uint8Array(readFileSync(join(FIX, p)));

type Caller = ReturnType<typeof createCaller>;

/** Upload bytes in chunks the way the browser does, then ask to ingest. */
async function upload(caller: Caller, caseId: string, bytes: Uint8Array, decisions: Record<string, unknown> = {}) {
  const { uploadId, chunkBytes } = await caller.images.uploadBegin({ caseId, size: bytes.byteLength });
  for (let off = 0; off < bytes.byteLength; off += chunkBytes) {
    await caller.images.uploadChunk({ uploadId, offset: off, data: Buffer.from(bytes.subarray(off, off + chunkBytes)).toString("base64") });
  }
  return { uploadId, result: await caller.images.ingest({ uploadId, ...decisions }) };
}

function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...allFiles(p));
    else out.push(p);
  }
  return out;
}

describe("cases and mammogram upload", () => {
  let t: Awaited<ReturnType<typeof createTestDb>>;
  const who: Record<string, SessionUser> = {};
  let surgeon: Caller;
  let other: Caller;
  let caseId: string;
  const logs: string[] = [];
  const origWrite = process.stderr.write.bind(process.stderr);

  before(async () => {
    // capture everything the server logs during the tests (stderr JSON lines)
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logs.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return (origWrite as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    t = await createTestDb({ seed: true });
    await t.db.insert(users).values({ email: "other@demo.axilla", name: "Other Surgeon", role: "surgeon", passwordHash: await hashPassword("x-other-pass") });
    for (const u of await t.db.select().from(users)) who[u.email === "other@demo.axilla" ? "other" : u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
    surgeon = createCaller(createTestContext({ db: t.db, user: who.surgeon }));
    other = createCaller(createTestContext({ db: t.db, user: who.other }));
  });
  after(async () => {
    process.stderr.write = origWrite;
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("case codes: pseudonyms only, unique per owner, listed with search", async () => {
    for (const bad of ["   ", "Jane Doe", "DOE^JANE", "x"]) {
      await assert.rejects(surgeon.cases.create({ caseCode: bad }), (e) => e instanceof TRPCError && e.code === "BAD_REQUEST", bad);
    }
    const c = await surgeon.cases.create({ caseCode: "AX-0001" });
    caseId = c.id;
    await assert.rejects(surgeon.cases.create({ caseCode: "ax-0001" }), (e) => e instanceof TRPCError && e.code === "CONFLICT" && /already have a case/.test(e.message));
    await other.cases.create({ caseCode: "AX-0001" }); // another surgeon may use the same code
    await surgeon.cases.create({ caseCode: "BX-0002" });
    const found = await surgeon.cases.list({ search: "ax-" });
    assert.deepEqual(found.map((r) => r.caseCode), ["AX-0001"]);
    assert.equal((await surgeon.cases.list({})).length, 2);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, "cases.create"));
    assert.ok(audits.some((a) => a.objectId === caseId && a.outcome === "success" && a.actorId === who.surgeon.id));
  });

  test("a PNG renamed .dcm, a truncated DICOM and a CT image are refused with a clear message; the case is unchanged", async () => {
    const before = await t.db.select().from(images).where(eq(images.caseId, caseId));
    const png = read("generated/mdb028.png");
    await assert.rejects(upload(surgeon, caseId, png), (e) => e instanceof TRPCError && e.code === "BAD_REQUEST" && /not a DICOM file/.test(e.message));
    const mg = read("generated/mdb028_MG.dcm");
    const truncated = mg.subarray(0, Math.floor(mg.byteLength / 2));
    await assert.rejects(upload(surgeon, caseId, truncated), (e) => e instanceof TRPCError && e.code === "BAD_REQUEST" && /incomplete or damaged/.test(e.message));
    const ct = read("misc_real/CT_small.dcm");
    await assert.rejects(upload(surgeon, caseId, ct), (e) => e instanceof TRPCError && e.code === "BAD_REQUEST" && /CT image .*not a mammogram/.test(e.message));
    const mr = read("pydicom_mr_small/MR_small.dcm");
    await assert.rejects(upload(surgeon, caseId, mr), (e) => e instanceof TRPCError && /MR image/.test(e.message));
    const afterRows = await t.db.select().from(images).where(eq(images.caseId, caseId));
    assert.equal(afterRows.length, before.length, "no image row added");
    const storedFiles = allFiles(dataDir).filter((f) => f.includes(`${join(dataDir, "files")}`));
    assert.equal(storedFiles.length, 0, "nothing written to storage");
    const fails = await t.db.select().from(auditLog).where(eq(auditLog.action, "images.upload"));
    assert.ok(fails.filter((a) => a.outcome === "failure").length >= 4, "refusals are audited");
  });

  test("a digital mammogram (MG) is stored with spacing, view and laterality from its header", async () => {
    const { result } = await upload(surgeon, caseId, read("generated/mdb028_MG.dcm"));
    assert.equal(result.status, "stored");
    if (result.status !== "stored") return;
    // fixture header: PixelSpacing 0.2\0.2, ViewPosition MLO, ImageLaterality L, 1024 x 1024
    assert.deepEqual([result.image.spacingRowMm, result.image.spacingColMm, result.image.spacingSource], [0.2, 0.2, "PixelSpacing"]);
    assert.equal(result.image.view, "MLO");
    assert.equal(result.image.laterality, "L");
    assert.deepEqual([result.image.rows, result.image.cols], [1024, 1024]);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.objectId, result.image.id));
    assert.ok(audits.some((a) => a.action === "images.upload" && a.outcome === "success"));
  });

  test("WG04 MG1 (Modality RG, secondary capture, no pixel spacing) needs confirmation and a spacing, prefilled from Spatial Resolution", async () => {
    const bytes = read("mammography_wg04_mg1/MG1_JPLY.dcm");
    const first = await upload(surgeon, caseId, bytes);
    assert.equal(first.result.status, "needs-input");
    if (first.result.status !== "needs-input") return;
    const q = first.result.questions;
    assert.equal(q.confirmNotMammogram?.modality, "RG");
    assert.deepEqual(q.spacing?.suggestion, [0.05, 0.05]); // SpatialResolution (0018,1050) = 0.05 in MG1
    assert.equal(q.spacing?.suggestionSource, "SpatialResolution");
    // confirming without a spacing still asks for the spacing: never guessed silently
    const again = await surgeon.images.ingest({ uploadId: first.uploadId, confirmNotMammogram: true });
    assert.equal(again.status, "needs-input");
    const done = await surgeon.images.ingest({ uploadId: first.uploadId, confirmNotMammogram: true, spacingMm: [0.05, 0.05] });
    assert.equal(done.status, "stored");
    if (done.status !== "stored") return;
    assert.equal(done.image.spacingSource, "user (confirmed SpatialResolution)");
    assert.deepEqual([done.image.rows, done.image.cols], [4664, 3064]); // manifest: 4664 rows x 3064 columns
    const info = await surgeon.images.get({ imageId: done.image.id });
    assert.equal(info.confirmedNotMammogram, true);
    assert.equal(info.modality, "RG");
    // first-paint preview: 5 x 5 box means (ceil(4664 / 1024) = 5), 933 x 613
    const [row] = await t.db.select().from(images).where(eq(images.id, done.image.id));
    const previewPath = (row.headerSummary as { axilla: { previewPath: string } }).axilla.previewPath;
    const pvBytes = new Uint8Array(readFileSync(join(dataDir, previewPath)));
    assert.equal(pvBytes[6], 5);
    const pv = decodePixelCache(pvBytes);
    const full = decodePixelCache(new Uint8Array(readFileSync(join(dataDir, row.pixelsPath!))));
    assert.deepEqual([pv.rows, pv.cols, full.rows, full.cols], [933, 613, 4664, 3064]);
    for (const [pr, pc] of [[0, 0], [400, 300], [932, 612]]) {
      let sum = 0;
      let n = 0;
      for (let r = pr * 5; r < Math.min(full.rows, pr * 5 + 5); r++)
        for (let c = pc * 5; c < Math.min(full.cols, pc * 5 + 5); c++) {
          sum += full.data[r * full.cols + c];
          n++;
        }
      assert.equal(pv.data[pr * pv.cols + pc], Math.round(sum / n), `preview pixel ${pr},${pc}`);
    }
  });

  test("de-identification: name, IDs, birth date, dates, institution and private tags are neither stored nor logged", async () => {
    const logStart = logs.length;
    const { result } = await upload(surgeon, caseId, read("generated/identifying.dcm"));
    assert.equal(result.status, "stored");
    if (result.status !== "stored") return;
    const secrets = [
      "DOE", "JANE", "PID-4711-XYZ", "ST ELSEWHERE", "OTHER-ID-777", "19610214", "20260315", "Acacia", "5550-1234", "ACC-20260101-99",
      "St Elsewhere", "Springfield", "HOUSE^GREGORY", "RADTECH", "SN-998877", "STUDY-555", "SEQ-HIDDEN-ID-31337", "ACME_PRIVATE_1",
      "PRIVATE-JANE-DOE-SECRET", "SIEMENS CSA", "CSA-PRIVATE-BLOB", "1.2.826.0.1.3680043.99.4711", "MAMMO-ROOM-7",
    ];
    const [row] = await t.db.select().from(images).where(eq(images.id, result.image.id));
    const dbText = JSON.stringify(row).toUpperCase();
    const auditText = JSON.stringify(await t.db.select().from(auditLog)).toUpperCase();
    // this upload's files (the de-identified DICOM and its pixel cache); other uploads' compressed pixel data
    // would match short strings by chance
    const files = [join(dataDir, row.filePath), join(dataDir, row.pixelsPath!)];
    const fileText = files.map((f) => readFileSync(f).toString("latin1").toUpperCase());
    const logText = logs.slice(logStart).join("").toUpperCase();
    for (const s of secrets) {
      const S = s.toUpperCase();
      assert.ok(!dbText.includes(S), `DB image row contains ${s}`);
      assert.ok(!auditText.includes(S), `audit contains ${s}`);
      assert.ok(!logText.includes(S), `logs contain ${s}`);
      fileText.forEach((txt, i) => assert.ok(!txt.includes(S), `stored file ${files[i]} contains ${s}`));
    }
    // the stored DICOM is the de-identified one: PatientIdentityRemoved YES and the case code as pseudonym
    const stored = readFileSync(join(dataDir, row.filePath)).toString("latin1");
    assert.match(stored, /DICM/);
    assert.match(stored, /YES/);
    assert.match(stored, /AX-0001/);
    // laterality R without Patient Orientation -> mirrored to chest wall left
    const info = await surgeon.images.get({ imageId: row.id });
    assert.equal((info.orientation as { flipHorizontal: boolean }).flipHorizontal, true);
  });

  test("a surgeon cannot read or change another surgeon's case; admins and board members see no cases", async () => {
    const c = await surgeon.cases.get({ id: caseId });
    assert.ok(c.images.length >= 3);
    const imageId = c.images[0].id;
    const nf = (e: unknown) => e instanceof TRPCError && e.code === "NOT_FOUND";
    await assert.rejects(other.cases.get({ id: caseId }), nf);
    await assert.rejects(other.images.get({ imageId }), nf);
    await assert.rejects(other.rois.get({ imageId }), nf);
    await assert.rejects(other.radscore.latest({ caseId }), nf);
    await assert.rejects(other.images.uploadBegin({ caseId, size: 10 }), nf);
    // another surgeon cannot cancel (or feed, or ingest) your upload even with its id
    const mine = await surgeon.images.uploadBegin({ caseId, size: 4 });
    await other.images.uploadCancel({ uploadId: mine.uploadId });
    await assert.rejects(other.images.uploadChunk({ uploadId: mine.uploadId, offset: 0, data: "AAAAAA==" }), (e) => e instanceof TRPCError && /expired or does not exist/.test(e.message));
    assert.deepEqual(await surgeon.images.uploadChunk({ uploadId: mine.uploadId, offset: 0, data: "AAAAAA==" }), { received: 4, size: 4 }, "still there after the other user's cancel");
    await surgeon.images.uploadCancel({ uploadId: mine.uploadId });
    await assert.rejects(surgeon.images.ingest({ uploadId: mine.uploadId }), (e) => e instanceof TRPCError && /expired or does not exist/.test(e.message));
    await assert.rejects(other.rois.save({ imageId, method: "freehand", rows: 1024, cols: 1024, rle: "0,1,1048575" }), nf);
    assert.ok(!(await other.cases.list({})).some((r) => r.id === caseId));
    const admin = createCaller(createTestContext({ db: t.db, user: who.admin }));
    await assert.rejects(admin.cases.list({}), (e) => e instanceof TRPCError && e.code === "FORBIDDEN");
    const board = createCaller(createTestContext({ db: t.db, user: who.board }));
    await assert.rejects(board.cases.get({ id: caseId }), nf);
    await assert.rejects(board.cases.create({ caseCode: "B-1" }), (e) => e instanceof TRPCError && e.code === "FORBIDDEN");
    const [owned] = await t.db.select().from(cases).where(eq(cases.id, caseId));
    assert.equal(owned.ownerId, who.surgeon.id);
  });
});
