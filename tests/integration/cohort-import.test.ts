// Cohort import (issue 5, acceptance 3): a cohort CSV with a missing column, a non-numeric age, an unknown T
// stage and an image name with no file in the archive gives one clear line per problem and imports nothing;
// "skip bad rows" imports the rest and lists what it skipped; the demo cohort loads; only admins may import.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { zipSync } from "fflate";

const dataDir = mkdtempSync(join(tmpdir(), "axilla-cohort-"));
process.env.DATA_DIR = dataDir;
const { createCaller } = await import("../../server/api/root.ts");
const { createTestContext } = await import("../../server/api/context.ts");
const { createTestDb } = await import("../../server/db/testing.ts");
const { auditLog, cohorts, users } = await import("../../server/db/schema.ts");
type SessionUser = import("../../server/auth/roles.ts").SessionUser;

const DEMO = join(import.meta.dirname, "..", "..", "demo");
const png = (p: string) => new Uint8Array(readFileSync(join(DEMO, p)));
const HEADER = "case_code,aln,age,t_stage,location,er,us_aln,image_mlo,mask_mlo,spacing_mm"; // no "pr" column
const ROWS = [
  "AX-1,1,55,T2,UOQ,positive,positive,images/DEMO-001.png,masks/DEMO-001.png,0.2",
  "AX-2,0,abc,T1,LOQ,negative,negative,images/DEMO-002.png,masks/DEMO-002.png,0.2", // non-numeric age
  "AX-3,1,61,T9,UIQ,positive,positive,images/DEMO-003.png,masks/DEMO-003.png,0.2", // unknown T stage
  "AX-4,0,47,T1,LIQ,negative,negative,images/NOPE.png,masks/DEMO-004.png,0.2", // image not in the archive
  "AX-5,0,50,T2,central,positive,negative,images/DEMO-005.png,masks/DEMO-005.png,0.2",
];
const archive = zipSync(
  Object.fromEntries(
    ["001", "002", "003", "004", "005"].flatMap((k) => [
      [`images/DEMO-${k}.png`, png(`images/DEMO-${k}.png`)],
      [`masks/DEMO-${k}.png`, png(`masks/DEMO-${k}.png`)],
    ]),
  ),
);
const b64 = Buffer.from(archive).toString("base64");

describe("cohort import", () => {
  let t: Awaited<ReturnType<typeof createTestDb>>;
  const who: Record<string, SessionUser> = {};
  const caller = (u: SessionUser) => createCaller(createTestContext({ db: t.db, user: u }));
  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
  });
  after(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("acceptance 3: four problems -> four clear lines, nothing imported", async () => {
    const csv = [HEADER, ...ROWS].join("\n");
    const r = await caller(who.admin).cohorts.import({ name: "bad", cohortCsv: csv, archiveBase64: b64 });
    assert.equal(r.imported, false);
    assert.equal(r.cohortId, null);
    assert.deepEqual(r.report.lines, [
      'cohort.csv, column "pr": required column is missing',
      'cohort.csv row 3, column "age": "abc" is not a number',
      'cohort.csv row 4, column "t_stage": unknown T stage "T9" (expected T1, T2, T3, T4)',
      'cohort.csv row 5, column "image_mlo": file "images/NOPE.png" is not in the archive',
    ]);
    assert.equal((await t.db.select().from(cohorts)).length, 0, "nothing imported");
    const failures = (await t.db.select().from(auditLog)).filter((a) => a.action === "cohorts.import");
    assert.equal(failures.length, 1);
    assert.equal(failures[0].outcome, "failure");
    // the check-only procedure reports the same lines and stores nothing
    const v = await caller(who.admin).cohorts.validate({ cohortCsv: csv, archiveBase64: b64 });
    assert.equal(v.ok, false);
    assert.equal(v.lines.length, 4);
  });

  test("a missing column cannot be skipped; row problems can (skip bad rows)", async () => {
    const withPr = (line: string, i: number) => (i === 0 ? line.replace("er,us_aln", "er,pr,us_aln") : line.replace(/,(positive|negative),(positive|negative),images/, ",$1,negative,$2,images"));
    const csvMissingCol = [HEADER, ...ROWS].join("\n");
    const r1 = await caller(who.admin).cohorts.import({ name: "x", cohortCsv: csvMissingCol, archiveBase64: b64, skipBadRows: true });
    assert.equal(r1.imported, false, "a file-level problem blocks the import even when skipping rows");
    const more = ["AX-6,1,66,T3,UOQ,positive,positive,images/DEMO-001.png,masks/DEMO-001.png,0.2", "AX-7,0,42,T1,LOQ,negative,negative,images/DEMO-005.png,masks/DEMO-005.png,0.2"];
    const csv = [HEADER, ...ROWS, ...more].map(withPr).join("\n");
    const r2 = await caller(who.admin).cohorts.import({ name: "partial", cohortCsv: csv, archiveBase64: b64 });
    assert.equal(r2.imported, false);
    assert.equal(r2.report.lines.length, 3);
    const r3 = await caller(who.admin).cohorts.import({ name: "partial", cohortCsv: csv, archiveBase64: b64, skipBadRows: true });
    assert.equal(r3.imported, true);
    const got = await caller(who.admin).cohorts.get({ id: r3.cohortId! });
    assert.equal(got.meta.n, 4);
    assert.deepEqual(got.meta.skipped.map((s) => s.caseCode), ["AX-2", "AX-3", "AX-4"]);
    assert.equal(got.meta.images, 4, "two image + mask pairs stored");
  });

  test("features CSV: a case without a feature row is one line; the demo cohort loads (147 patients, 83 events)", async () => {
    const cohortCsv = readFileSync(join(DEMO, "cohort.csv"), "utf8");
    const feats = readFileSync(join(DEMO, "features.csv"), "utf8").split("\n");
    const withoutOne = [feats[0], ...feats.slice(2)].join("\n"); // DEMO-001's feature row removed
    const v = await caller(who.admin).cohorts.validate({ cohortCsv, featuresCsv: withoutOne });
    assert.deepEqual(v.lines, ['cohort.csv row 2, column "case_code": no row for case "DEMO-001" in the features CSV']);
    const d = await caller(who.admin).cohorts.importDemo();
    assert.equal(d.imported, true);
    const c = await caller(who.admin).cohorts.get({ id: d.cohortId! });
    assert.equal(c.meta.n, 147);
    assert.equal(c.meta.events, 83);
    assert.equal(c.meta.demo, true);
    assert.deepEqual(c.meta.splits, { primary: 110, validation: 37 });
    assert.equal(c.meta.featureCount, 299);
  });

  test("only admins import", async () => {
    await assert.rejects(caller(who.surgeon).cohorts.importDemo(), /FORBIDDEN|role/i);
    await assert.rejects(caller(who.board).cohorts.list(), /FORBIDDEN|role/i);
  });
});
