// Issue 7 item 4: the audit trail. (a) Each audited action records actor, time, object and outcome: sign-in,
// failed sign-in, case creation, upload, ROI save, prediction, export (report PDF, model report), model
// transitions (publish, retire, rollback) and settings changes (literature baselines, the only settings the
// portal edits). (b) No update/delete path on the audit table anywhere in server/ or app/ (source grep).
// (c) The database refuses UPDATE/DELETE/TRUNCATE on audit_log for the runtime role — PGlite always and the
// PostgreSQL server when TEST_DATABASE_URL is set (the role .ci/run creates: NOSUPERUSER, the app's runtime role),
// which also cannot disable/drop the append-only triggers there (server/db/audit-guard.sql event triggers).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { eq, sql } from "drizzle-orm";

const dataDir = mkdtempSync(join(tmpdir(), "axilla-rel-audit-"));
process.env.DATA_DIR = dataDir;

const { createCaller } = await import("../../server/api/root.ts");
const { createTestContext } = await import("../../server/api/context.ts");
const { createTestDb, testBackends, useAsProcessDb } = await import("../../server/db/testing.ts");
const { auditLog, baselines, radscores, users } = await import("../../server/db/schema.ts");
const { authorizeCredentials } = await import("../../server/auth/options.ts");
const { encodeMaskRle } = await import("../../server/api/routers/rois.ts");
const { insertVersion } = await import("../integration/helpers/model-admin-fixture.ts");
type SessionUser = import("../../server/auth/roles.ts").SessionUser;

const ROOT = join(import.meta.dirname, "..", "..");
const FACTORS = { age: 52, t_stage: "T2", location: "UOQ", er: "positive", pr: "negative", us_aln: "positive" } as const;

describe("audit trail: every sensitive action is recorded with actor, time, object, outcome", () => {
  let t: Awaited<ReturnType<typeof createTestDb>>;
  const who: Record<string, SessionUser> = {};
  const caller = (u: SessionUser) => createCaller(createTestContext({ db: t.db, user: u, ip: "198.51.100.9" }));
  const t0 = new Date(Date.now() - 1000);
  before(async () => {
    t = await createTestDb({ seed: true });
    useAsProcessDb(t); // authorizeCredentials uses the process database
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
  });
  after(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The newest row for `action` (optionally `outcome`), checked for actor, time, object and outcome. */
  async function expectRow(action: string, want: { actorId: string | null; objectId?: string; outcome: "success" | "failure" | "denied" }) {
    const rows = (await t.db.select().from(auditLog).where(eq(auditLog.action, action))).filter((r) => r.outcome === want.outcome);
    assert.ok(rows.length > 0, `no ${want.outcome} audit row for ${action}`);
    const r = rows[rows.length - 1];
    assert.equal(r.actorId, want.actorId, `${action}: actor`);
    if (want.actorId && want.outcome === "success") assert.ok(r.actorRole, `${action}: actor role`); // a failed sign-in names the account, not a role
    assert.ok(r.at instanceof Date && r.at >= t0 && r.at.getTime() <= Date.now() + 1000, `${action}: time ${r.at}`);
    assert.ok(r.objectType, `${action}: object type`);
    if (want.objectId) assert.equal(r.objectId, want.objectId, `${action}: object id`);
    else assert.ok(r.objectId, `${action}: object id`);
    assert.ok(r.ipHash && !r.ipHash.includes("198.51.100.9"), `${action}: address stored hashed only`);
    return r;
  }

  test("sign-in and failed sign-in", async () => {
    await authorizeCredentials("surgeon@demo.axilla", "surgeon-demo", "198.51.100.9");
    await expectRow("auth.signin", { actorId: who.surgeon.id, objectId: who.surgeon.id, outcome: "success" });
    await assert.rejects(authorizeCredentials("surgeon@demo.axilla", "wrong-password", "198.51.100.9"), /Wrong email or password/);
    const r = await expectRow("auth.signin", { actorId: who.surgeon.id, objectId: who.surgeon.id, outcome: "failure" });
    assert.equal((r.detail as { reason: string }).reason, "bad_password");
    assert.ok(!JSON.stringify(r).includes("wrong-password"), "the tried password is never stored");
  });

  test("case creation, upload, ROI save, prediction, report export", async () => {
    const s = caller(who.surgeon);
    const c = await s.cases.create({ caseCode: "AUD-0001" });
    await expectRow("cases.create", { actorId: who.surgeon.id, objectId: c.id, outcome: "success" });

    const bytes = new Uint8Array(readFileSync(join(ROOT, "tests/fixtures/dicom/generated/identifying.dcm")));
    const { uploadId } = await s.images.uploadBegin({ caseId: c.id, size: bytes.byteLength });
    await s.images.uploadChunk({ uploadId, offset: 0, data: Buffer.from(bytes).toString("base64") });
    const ing = await s.images.ingest({ uploadId });
    assert.equal(ing.status, "stored");
    const imageId = ing.status === "stored" ? ing.image.id : "";
    await expectRow("images.upload", { actorId: who.surgeon.id, objectId: imageId, outcome: "success" });
    // a refused upload is audited as a failure on the case
    const bad = await s.images.uploadBegin({ caseId: c.id, size: 100 });
    await s.images.uploadChunk({ uploadId: bad.uploadId, offset: 0, data: Buffer.from(bytes.subarray(0, 100)).toString("base64") });
    await assert.rejects(s.images.ingest({ uploadId: bad.uploadId }));
    await expectRow("images.upload", { actorId: who.surgeon.id, objectId: c.id, outcome: "failure" });

    const mask = { rows: 64, cols: 64, data: new Uint8Array(64 * 64) };
    for (let r = 20; r < 40; r++) for (let q = 20; q < 40; q++) mask.data[r * 64 + q] = 1;
    const roi = await s.rois.save({ imageId, method: "freehand", rows: 64, cols: 64, rle: encodeMaskRle(mask) });
    await expectRow("rois.save", { actorId: who.surgeon.id, objectId: roi.id, outcome: "success" });

    const v = await insertVersion(t.db, "audit-v1", "published", true, 11);
    await t.db.insert(radscores).values({ caseId: c.id, modelVersionId: v.id, value: 0.5, detail: { outOfRange: [] }, createdBy: who.surgeon.id });
    const p = await s.predictions.save({ caseId: c.id, factors: FACTORS, expectedModelVersionId: v.id });
    await expectRow("predictions.save", { actorId: who.surgeon.id, objectId: p.id, outcome: "success" });

    await s.reports.pdf({ caseId: c.id, predictionId: p.id });
    await expectRow("reports.export", { actorId: who.surgeon.id, outcome: "success" });
  });

  test("model transitions and model report export", async () => {
    const a = caller(who.admin);
    const d1 = await insertVersion(t.db, "audit-v2", "draft", false, 12);
    await a.models.publish({ id: d1.id, comment: "validated on the local cohort" });
    const pub = await expectRow("models.publish", { actorId: who.admin.id, objectId: d1.id, outcome: "success" });
    assert.equal((pub.detail as { to: string }).to, "published");
    const [prev] = (await a.models.list()).filter((m: { label: string }) => m.label === "audit-v1") as { id: string }[];
    await a.models.rollback({ id: prev.id, comment: "back to v1 after review" });
    await expectRow("models.rollback", { actorId: who.admin.id, objectId: prev.id, outcome: "success" });
    await a.models.retire({ id: d1.id, comment: "superseded" });
    await expectRow("models.retire", { actorId: who.admin.id, objectId: d1.id, outcome: "success" });
    await a.models.exportReport({ id: d1.id, format: "json" });
    await expectRow("models.export", { actorId: who.admin.id, objectId: d1.id, outcome: "success" });
  });

  test("settings change (literature baseline edit)", async () => {
    const [b] = await t.db.select().from(baselines).limit(1);
    await caller(who.admin).baselines.update({ id: b.id, value: "0.800", citation: b.citation });
    await expectRow("baselines.update", { actorId: who.admin.id, objectId: b.id, outcome: "success" });
  });
});

test("no update or delete path on the audit table in the application source", () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx|mjs|js)$/.test(n)) files.push(p);
    }
  };
  walk(join(ROOT, "server"));
  walk(join(ROOT, "app"));
  walk(join(ROOT, "lib"));
  const forbidden = [
    /\.(update|delete)\(\s*(schema\.)?auditLog\b/, // drizzle
    /\b(UPDATE|DELETE\s+FROM|TRUNCATE(\s+TABLE)?)\s+"?audit_log"?/i, // raw SQL
    /ALTER\s+TABLE\s+"?audit_log"?\s+(DISABLE|DROP)/i,
    /DROP\s+TRIGGER\s+\S*audit_log/i,
  ];
  // the patterns do catch what they are meant to catch
  assert.ok(forbidden[0].test("await db.delete(auditLog).where(x)") && forbidden[1].test("delete from audit_log") && forbidden[1].test('TRUNCATE "audit_log"'));
  const hits: string[] = [];
  for (const f of files) {
    const src = readFileSync(f, "utf8");
    src.split("\n").forEach((line, i) => {
      if (forbidden.some((re) => re.test(line))) hits.push(`${f.slice(ROOT.length + 1)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.ok(files.length > 50, `scanned ${files.length} files`);
  assert.deepEqual(hits, []);
});

for (const backend of testBackends()) {
  test(`the runtime database role cannot UPDATE, DELETE or TRUNCATE audit_log (${backend})`, async () => {
    const t = await createTestDb({ backend });
    try {
      const { audit } = await import("../../server/audit.ts");
      await audit(t.db, { action: "reliability.probe", outcome: "success", objectType: "test", objectId: "1" });
      const who = (await t.db.execute(sql`select current_user as u, (select rolsuper from pg_roles where rolname = current_user) as su`)) as unknown as { rows: { u: string; su: boolean }[] };
      const msg = (e: unknown) => String((e as { cause?: Error }).cause?.message ?? (e as Error).message);
      for (const stmt of [sql`update audit_log set action = 'tampered'`, sql`delete from audit_log`, sql`truncate audit_log`, sql`update audit_log set outcome = 'denied' where action = 'reliability.probe'`]) {
        await assert.rejects(t.db.execute(stmt), (e) => /append-only|permission denied/.test(msg(e)), `${backend} as ${who.rows[0]?.u}: statement was allowed`);
      }
      const rows = await t.db.select().from(auditLog).where(eq(auditLog.action, "reliability.probe"));
      assert.equal(rows.length, 1);
      assert.equal(rows[0].outcome, "success");
      if (backend === "pg") {
        assert.equal(who.rows[0].su, false, "the test role must not be a superuser (as in .ci/run)");
        // the runtime role owns the tables it migrated; server/db/audit-guard.sql (installed by a superuser, as
        // .ci/run does in template1) stops it from switching the append-only triggers off or dropping them
        for (const ddl of ["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete", "DROP TRIGGER audit_log_no_truncate ON audit_log", "DROP TABLE audit_log", "DROP FUNCTION audit_log_append_only() CASCADE", "ALTER TABLE audit_log RENAME TO audit_old"]) {
          await assert.rejects(t.db.execute(sql.raw(ddl)), (e) => /append-only|permission denied|must be owner/.test(msg(e)), `${ddl}: allowed for the runtime role — install server/db/audit-guard.sql as a superuser (docs/security.md)`);
        }
        await t.db.execute(sql`delete from audit_log where action = 'reliability.probe'`).catch(() => {});
        assert.equal((await t.db.select().from(auditLog).where(eq(auditLog.action, "reliability.probe"))).length, 1, "the row survived every attempt");
      }
    } finally {
      await t.close();
    }
  });
}
