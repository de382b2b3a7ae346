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

const FIX = join(import.meta.dirname, "..", "fixtures", "dicom");

// PS3.15 Table E.1-1, basic profile action, for attributes found in mammography headers.
const BASIC_PROFILE: Record<string, [string, string]> = {
  x00080012: ["InstanceCreationDate", "X/D"],
  x00080013: ["InstanceCreationTime", "X/Z/D"],
  x00080014: ["InstanceCreatorUID", "U"],
  x00080018: ["SOPInstanceUID", "U"],
  x00080020: ["StudyDate", "Z"],
  x00080021: ["SeriesDate", "X/D"],
  x00080022: ["AcquisitionDate", "X/Z"],
  x00080023: ["ContentDate", "Z/D"],
  x0008002a: ["AcquisitionDateTime", "X/D"],
  x00080030: ["StudyTime", "Z"],
  x00080031: ["SeriesTime", "X/D"],
  x00080032: ["AcquisitionTime", "X/Z"],
  x00080033: ["ContentTime", "Z/D"],
  x00080050: ["AccessionNumber", "Z"],
  x00080080: ["InstitutionName", "X/Z/D"],
  x00080081: ["InstitutionAddress", "X"],
  x00080082: ["InstitutionCodeSequence", "X/Z/D"],
  x00080090: ["ReferringPhysicianName", "Z"],
  x00080092: ["ReferringPhysicianAddress", "X"],
  x00080094: ["ReferringPhysicianTelephoneNumbers", "X"],
  x00080096: ["ReferringPhysicianIdentificationSequence", "X"],
  x00081010: ["StationName", "X/Z/D"],
  x00081030: ["StudyDescription", "X"],
  x0008103e: ["SeriesDescription", "X"],
  x00081040: ["InstitutionalDepartmentName", "X"],
  x00081048: ["PhysiciansOfRecord", "X"],
  x00081050: ["PerformingPhysicianName", "X"],
  x00081060: ["NameOfPhysiciansReadingStudy", "X"],
  x00081070: ["OperatorsName", "X/Z/D"],
  x00081080: ["AdmittingDiagnosesDescription", "X"],
  x00081110: ["ReferencedStudySequence", "X/Z"],
  x00081111: ["ReferencedPerformedProcedureStepSequence", "X/Z/D"],
  x00081120: ["ReferencedPatientSequence", "X"],
  x00081140: ["ReferencedImageSequence", "X/Z/U"],
  x00100010: ["PatientName", "Z"],
  x00100020: ["PatientID", "Z"],
  x00100021: ["IssuerOfPatientID", "X"],
  x00100030: ["PatientBirthDate", "Z"],
  x00100032: ["PatientBirthTime", "X"],
  x00100040: ["PatientSex", "Z"],
  x00101000: ["OtherPatientIDs", "X"],
  x00101001: ["OtherPatientNames", "X"],
  x00101002: ["OtherPatientIDsSequence", "X"],
  x00101010: ["PatientAge", "X"],
  x00101020: ["PatientSize", "X"],
  x00101030: ["PatientWeight", "X"],
  x00101040: ["PatientAddress", "X"],
  x00101060: ["PatientMotherBirthName", "X"],
  x00102154: ["PatientTelephoneNumbers", "X"],
  x00102160: ["EthnicGroup", "X"],
  x001021b0: ["AdditionalPatientHistory", "X"],
  x00104000: ["PatientComments", "X"],
  x00181000: ["DeviceSerialNumber", "X/Z/D"],
  x00181002: ["DeviceUID", "U"],
  x00181030: ["ProtocolName", "X/D"],
  x0020000d: ["StudyInstanceUID", "U"],
  x0020000e: ["SeriesInstanceUID", "U"],
  x00200010: ["StudyID", "Z"],
  x00200052: ["FrameOfReferenceUID", "U"],
  x00204000: ["ImageComments", "X"],
  x00321032: ["RequestingPhysician", "X"],
  x00321060: ["RequestedProcedureDescription", "X/Z"],
  x00400244: ["PerformedProcedureStepStartDate", "X"],
  x00400253: ["PerformedProcedureStepID", "X"],
  x00400254: ["PerformedProcedureStepDescription", "X"],
  x00400275: ["RequestAttributesSequence", "X"],
  x0040a124: ["UID", "U"],
  x0040a730: ["ContentSequence", "X"],
  x04000561: ["OriginalAttributesSequence", "X"],
};

type Ds = ReturnType<typeof parseDicomBytes>["dataSet"];
const text = (ds: Ds, t: string): string | null => {
  const e = ds.elements[t];
  if (!e || e.length === 0) return null;
  return Buffer.from(ds.byteArray.subarray(e.dataOffset, e.dataOffset + e.length)).toString("latin1").replace(/[\0 ]+$/, "");
};

/** Every string value (length >= 4) anywhere in the original's identifying attributes, sequences included. */
function identifyingValues(ds: Ds, out = new Set<string>()): Set<string> {
  for (const [t, e] of Object.entries(ds.elements)) {
    const group = parseInt(t.slice(1, 5), 16);
    const identifying = t in BASIC_PROFILE || group % 2 === 1;
    if (e.items) {
      for (const it of e.items) if (it.dataSet && identifying) {
        for (const t2 of Object.keys(it.dataSet.elements)) {
          const v = text(it.dataSet, t2);
          if (v && v.length >= 4) out.add(v);
        }
      }
      continue;
    }
    if (!identifying) continue;
    const v = text(ds, t);
    if (v && v.length >= 4) for (const part of [v, ...v.split(/[\\^]/)]) if (part.trim().length >= 4) out.add(part.trim());
  }
  return out;
}

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
