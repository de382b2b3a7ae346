// Data layer on PGlite always, and on PostgreSQL when TEST_DATABASE_URL is set.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { createTestDb, testBackends } from "../../server/db/testing.ts";
import { auditLog, baselines, cases, modelVersions, users } from "../../server/db/schema.ts";
import { BASELINES, DEMO_USERS, seed } from "../../server/db/seed.ts";
import { verifyPassword } from "../../server/auth/password.ts";
import { audit, listAudit } from "../../server/audit.ts";

/** The database's own error message (drizzle wraps it as `cause`). */
const dbMessage = (e: unknown) => String((e as { cause?: Error }).cause?.message ?? (e as Error).message);

for (const backend of testBackends()) {
  describe(`database (${backend})`, () => {
    test("migrations create every table; seeding runs once", async () => {
      const t = await createTestDb({ backend });
      try {
        const r = await t.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`);
        const names = (r as unknown as { rows: Array<{ table_name: string }> }).rows.map((x) => x.table_name);
        for (const n of ["users", "cases", "images", "rois", "feature_vectors", "model_versions", "training_runs", "cohorts", "predictions", "jobs", "audit_log", "meetings", "meeting_cases", "baselines", "settings"]) {
          assert.ok(names.includes(n), `table ${n} missing (have ${names.join(",")})`);
        }
        assert.equal(await seed(t.db), true);
        assert.equal(await seed(t.db), false, "second seed must be a no-op");
        const us = await t.db.select().from(users);
        assert.deepEqual(us.map((u) => u.email).sort(), DEMO_USERS.map((u) => u.email).sort());
        const admin = us.find((u) => u.role === "admin")!;
        assert.equal(await verifyPassword("admin-demo", admin.passwordHash), true);
        assert.equal(await verifyPassword("wrong", admin.passwordHash), false);
        assert.equal((await t.db.select().from(baselines)).length, BASELINES.length);
        const auc = await t.db.select().from(baselines).where(eq(baselines.name, "MSKCC clinical nomogram (Klar et al., 3786 patients)"));
        assert.equal(auc[0]?.value, "0.754"); // baselines.md, ref [43]
      } finally {
        await t.close();
      }
    });

    test("audit_log is append-only in the database (UPDATE, DELETE, TRUNCATE raise)", async () => {
      const t = await createTestDb({ backend });
      try {
        await audit(t.db, { action: "test.event", outcome: "success", ip: "10.0.0.1", detail: { n: 1 } });
        const [row] = await listAudit(t.db, { action: "test.event" });
        assert.equal(row.outcome, "success");
        assert.ok(row.ipHash && row.ipHash !== "10.0.0.1", "address stored only as a hash");
        await assert.rejects(t.db.update(auditLog).set({ action: "tampered" }), (e) => /append-only/.test(dbMessage(e)));
        await assert.rejects(t.db.delete(auditLog), (e) => /append-only/.test(dbMessage(e)));
        await assert.rejects(t.db.execute(sql`truncate audit_log`), (e) => /append-only/.test(dbMessage(e)));
        assert.equal((await listAudit(t.db)).length, 1);
      } finally {
        await t.close();
      }
    });

    test("at most one active model version, and only a published one", async () => {
      const t = await createTestDb({ backend, seed: true });
      try {
        const base = { artefact: {}, contentHash: "h" };
        await t.db.insert(modelVersions).values({ ...base, label: "v1", status: "published", active: true });
        await assert.rejects(
          t.db.insert(modelVersions).values({ ...base, label: "v2", status: "published", active: true }),
          (e) => /model_versions_one_active|duplicate key/.test(dbMessage(e)),
        );
        await assert.rejects(
          t.db.insert(modelVersions).values({ ...base, label: "v3", status: "draft", active: true }),
          (e) => /model_versions_active_published|check constraint/.test(dbMessage(e)),
        );
        await t.db.insert(modelVersions).values({ ...base, label: "v4", status: "published", active: false });
      } finally {
        await t.close();
      }
    });

    test("case codes are unique per owner", async () => {
      const t = await createTestDb({ backend, seed: true });
      try {
        const [s] = await t.db.select().from(users).where(eq(users.role, "surgeon"));
        const [a] = await t.db.select().from(users).where(eq(users.role, "admin"));
        await t.db.insert(cases).values({ caseCode: "AX-0001", ownerId: s.id });
        await t.db.insert(cases).values({ caseCode: "AX-0001", ownerId: a.id });
        await assert.rejects(t.db.insert(cases).values({ caseCode: "AX-0001", ownerId: s.id }), (e) => /cases_owner_code_uq|duplicate/.test(dbMessage(e)));
      } finally {
        await t.close();
      }
    });
  });
}
