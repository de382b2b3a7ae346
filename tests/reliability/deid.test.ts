// Issue 7 item 3 (stored headers): every image stored by the upload path follows DICOM PS3.15 Annex E basic
// profile. The rule table below is PS3.15 Table E.1-1 (basic profile column) for the attributes mammography
// files carry: X = removed, Z = empty or dummy, D = dummy, U = replaced UID (here: all four must not keep the
// original value). Plus the profile's general rules: private attributes removed (E.3.10 without the "retain
// safe private" option), PatientIdentityRemoved = YES and DeidentificationMethod present (E.1.1). The original
// values come from the fixture itself (tests/fixtures/dicom/generated/identifying.dcm, made by the DICOM
// teammate with invented identities), and none of them may appear in the stored file, the stored header
// summary or the audit rows.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

const dataDir = mkdtempSync(join(tmpdir(), "axilla-rel-deid-"));
process.env.DATA_DIR = dataDir;

const { createCaller } = await import("../../server/api/root.ts");
const { createTestContext } = await import("../../server/api/context.ts");
const { createTestDb } = await import("../../server/db/testing.ts");
const { auditLog, images, users } = await import("../../server/db/schema.ts");
const { parseDicomBytes } = await import("../../lib/dicom/parse.ts");
const { BASIC_PROFILE, identifyingValues, text } = await import("./deid-profile.ts");

const FIX = join(import.meta.dirname, "..", "fixtures", "dicom");

let t: Awaited<ReturnType<typeof createTestDb>>;
let caller: ReturnType<typeof createCaller>;
let caseId: string;
const uploaded: { fixture: string; imageId: string }[] = [];

before(async () => {
  t = await createTestDb({ seed: true });
  const [s] = (await t.db.select().from(users)).filter((u) => u.role === "surgeon");
  caller = createCaller(createTestContext({ db: t.db, user: { id: s.id, email: s.email, name: s.name, role: "surgeon" } }));
  caseId = (await caller.cases.create({ caseCode: "DEID-0001" })).id;
  // one identifying fixture, one digital MG, one CR film (confirm + spacing path)
  for (const [fixture, answers] of [
    ["generated/identifying.dcm", {}],
    ["generated/mdb028_MG.dcm", {}],
    ["monochrome1_wg04_rg3/RG3_JPLY.dcm", { confirmNotMammogram: true, spacingMm: [0.1, 0.1] as [number, number], view: "CC" as const, laterality: "L" as const }],
  ] as const) {
    const bytes = new Uint8Array(readFileSync(join(FIX, fixture)));
    const { uploadId, chunkBytes } = await caller.images.uploadBegin({ caseId, size: bytes.byteLength });
    for (let off = 0; off < bytes.byteLength; off += chunkBytes)
      await caller.images.uploadChunk({ uploadId, offset: off, data: Buffer.from(bytes.subarray(off, off + chunkBytes)).toString("base64") });
    const r = await caller.images.ingest({ uploadId, ...answers });
    assert.equal(r.status, "stored", `${fixture}: ${JSON.stringify(r)}`);
    if (r.status === "stored") uploaded.push({ fixture, imageId: r.image.id });
  }
});
after(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test("every stored DICOM header follows the PS3.15 basic profile", async () => {
  const rows = await t.db.select().from(images);
  assert.equal(rows.length, uploaded.length, "one stored image per upload");
  const problems: string[] = [];
  for (const row of rows) {
    const u = uploaded.find((x) => x.imageId === row.id)!;
    const orig = parseDicomBytes(new Uint8Array(readFileSync(join(FIX, u.fixture)))).dataSet;
    const stored = parseDicomBytes(new Uint8Array(readFileSync(join(dataDir, row.filePath)))).dataSet;
    for (const [tg, [kw, action]] of Object.entries(BASIC_PROFILE)) {
      const before = text(orig, tg);
      const e = stored.elements[tg];
      if (!e) continue; // removed: satisfies X, Z, D (and U when the value is not needed)
      if (action === "X") problems.push(`${u.fixture}: ${kw} (${action}) kept`);
      else if (e.items?.length && action.startsWith("X")) problems.push(`${u.fixture}: sequence ${kw} (${action}) kept with items`);
      else if (before && text(stored, tg) === before) problems.push(`${u.fixture}: ${kw} (${action}) kept its original value`);
    }
    for (const tg of Object.keys(stored.elements)) if (parseInt(tg.slice(1, 5), 16) % 2 === 1) problems.push(`${u.fixture}: private attribute ${tg} kept`);
    if (text(stored, "x00120062") !== "YES") problems.push(`${u.fixture}: PatientIdentityRemoved is ${text(stored, "x00120062")}`);
    if (!text(stored, "x00120063")) problems.push(`${u.fixture}: DeidentificationMethod missing`);
    // the stored header summary (JSON in the DB) has no identifying key at all
    const keys = JSON.stringify(row.headerSummary).match(/"[A-Za-z]+":/g) ?? [];
    for (const k of keys) if (/patient(?!Orientation)|"name"|birth|institution|physician|operator|accession|address|phone|station|serial|comment|studyid|date/i.test(k)) problems.push(`${u.fixture}: header summary key ${k}`);
  }
  assert.deepEqual(problems, []);
});

test("no identifying value of the fixture survives in the stored file, header summary, image row or audit log", async () => {
  const orig = parseDicomBytes(new Uint8Array(readFileSync(join(FIX, "generated/identifying.dcm")))).dataSet;
  const secrets = [...identifyingValues(orig)].filter((s) => !/^DEID-0001$/.test(s));
  // the fixture is full of them: names, IDs, dates, institution, a sequence, private tags
  for (const must of ["DOE^JANE^QUINN", "PID-4711-XYZ", "19610214", "SEQ-HIDDEN-ID-31337", "PRIVATE-JANE-DOE-SECRET"]) assert.ok(secrets.includes(must), `fixture value ${must} not collected (${secrets.length} values)`);
  const id = uploaded.find((u) => u.fixture === "generated/identifying.dcm")!.imageId;
  const [row] = (await t.db.select().from(images)).filter((r) => r.id === id);
  const haystacks = {
    "stored DICOM": readFileSync(join(dataDir, row.filePath)).toString("latin1").toUpperCase(),
    "pixel cache": readFileSync(join(dataDir, row.pixelsPath!)).toString("latin1").toUpperCase(),
    "image row": JSON.stringify(row).toUpperCase(),
    "audit log": JSON.stringify(await t.db.select().from(auditLog)).toUpperCase(),
  };
  const leaks: string[] = [];
  for (const s of secrets) for (const [where, h] of Object.entries(haystacks)) if (h.includes(s.toUpperCase())) leaks.push(`${where} contains "${s}"`);
  assert.deepEqual(leaks, []);
});
