// Model versions (issue 5): draft -> published (required comment) -> retired, exactly one active version,
// rollback, comparison, report + exports, and an audit row for every transition (who, when, from, to, why).
// Predictions keep the version they used: publishing or retiring never changes them.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { createCaller } from "../../server/api/root.ts";
import { createTestContext } from "../../server/api/context.ts";
import { createTestDb, type TestDb } from "../../server/db/testing.ts";
import { auditLog, cases, modelVersions, predictions, users } from "../../server/db/schema.ts";
import type { SessionUser } from "../../server/auth/roles.ts";
import { insertVersion } from "./helpers/model-admin-fixture.ts";

describe("model versions", () => {
  let t: TestDb;
  const who: Record<string, SessionUser> = {};
  const caller = (u: SessionUser) => createCaller(createTestContext({ db: t.db, user: u }));
  let v1 = "";
  let v2 = "";
  let v3 = "";
  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
    v1 = (await insertVersion(t.db, "v1", "published", true, 1)).id;
    v2 = (await insertVersion(t.db, "v2", "draft", false, 2)).id;
    v3 = (await insertVersion(t.db, "v3", "draft", false, 3)).id;
  });
  after(async () => t.close());

  const active = async () => (await t.db.select().from(modelVersions).where(eq(modelVersions.active, true))).map((r) => r.label);

  test("publish needs a comment; publishing makes the draft the one active version; audit has who/from/to/why", async () => {
    await assert.rejects(caller(who.admin).models.publish({ id: v2, comment: "" }), /comment/i);
    await assert.rejects(caller(who.surgeon).models.publish({ id: v2, comment: "ok ok" }), /role/i);
    const [c] = await t.db.insert(cases).values({ caseCode: "AX-9001", ownerId: who.surgeon.id }).returning();
    const [old] = await t.db.insert(predictions).values({ caseId: c.id, modelVersionId: v1, inputs: { age: 50 }, outputs: { probability: 0.4 } }).returning();
    const before = JSON.stringify(old);
    await caller(who.admin).models.publish({ id: v2, comment: "better calibration on the new cohort" });
    assert.deepEqual(await active(), ["v2"]);
    const list = await caller(who.admin).models.list();
    assert.equal(list.find((v) => v.id === v1)!.status, "published");
    assert.equal(list.find((v) => v.id === v1)!.predictions, 1);
    const rows = (await t.db.select().from(auditLog)).filter((a) => a.action === "models.publish");
    assert.equal(rows.length, 1);
    assert.equal(rows[0].actorId, who.admin.id);
    assert.equal(rows[0].objectId, v2);
    assert.ok(rows[0].at instanceof Date);
    assert.deepEqual(
      { from: (rows[0].detail as Record<string, unknown>).from, to: (rows[0].detail as Record<string, unknown>).to, why: (rows[0].detail as Record<string, unknown>).why, prev: (rows[0].detail as Record<string, unknown>).previousActive },
      { from: "draft", to: "published", why: "better calibration on the new cohort", prev: v1 },
    );
    // the old prediction is untouched and still names v1
    const [still] = await t.db.select().from(predictions).where(eq(predictions.id, old.id));
    assert.equal(JSON.stringify(still), before);
    await assert.rejects(caller(who.admin).models.publish({ id: v2, comment: "again" }), /only a draft/);
  });

  test("the active version cannot be retired; rollback re-activates an earlier one; retire then audits", async () => {
    await assert.rejects(caller(who.admin).models.retire({ id: v2, comment: "nope" }), /active version/);
    await caller(who.admin).models.rollback({ id: v1, comment: "v2 miscalibrated at site B" });
    assert.deepEqual(await active(), ["v1"]);
    await caller(who.admin).models.retire({ id: v2, comment: "superseded; miscalibrated" });
    const v = (await caller(who.admin).models.list()).find((x) => x.id === v2)!;
    assert.equal(v.status, "retired");
    assert.equal(v.active, false);
    // a retired version may be rolled back to (re-published), still exactly one active
    await caller(who.admin).models.rollback({ id: v2, comment: "site B issue was a data error" });
    assert.deepEqual(await active(), ["v2"]);
    const actions = (await t.db.select().from(auditLog)).filter((a) => a.action.startsWith("models.")).map((a) => `${a.action}:${(a.detail as { from: string }).from}->${(a.detail as { to: string }).to}`);
    assert.deepEqual(actions, ["models.publish:draft->published", "models.rollback:published->published", "models.retire:published->retired", "models.rollback:retired->published"]);
  });

  test("comparison, report sections and JSON/PDF exports", async () => {
    const cmp = await caller(who.admin).models.compare({ a: v1, b: v3 });
    assert.equal(cmp.a.label, "v1");
    assert.ok(cmp.features.length > 0 && cmp.nomogram.some((x) => x.term === "radscore"));
    assert.ok(cmp.metrics.find((m) => m.name === "Nomogram AUC, validation")!.a !== null);
    const r = await caller(who.admin).models.report({ id: v1 });
    for (const k of ["table1", "lasso", "radscore", "roc", "table2", "nomogram", "calibration", "decisionCurve", "clinical", "warnings", "tripod"] as const) assert.ok(r[k], k);
    assert.equal(r.demo, true);
    assert.equal(r.demoLabel, "Demo model — not for clinical use");
    assert.ok(r.tripod.some((x) => x.status === "todo") && r.tripod.some((x) => x.status === "filled"));
    assert.ok(r.table2.some((m) => m.model === "SVM signature") && r.table2.some((m) => m.model === "Nomogram"));
    const pdf = await caller(who.admin).models.exportReport({ id: v1, format: "pdf" });
    const bytes = Buffer.from(pdf.base64, "base64");
    assert.equal(bytes.subarray(0, 5).toString(), "%PDF-");
    assert.ok(bytes.length > 5000);
    const json = await caller(who.admin).models.exportReport({ id: v1, format: "json" });
    assert.equal(JSON.parse(Buffer.from(json.base64, "base64").toString()).version.label, "v1");
    assert.equal((await t.db.select().from(auditLog)).filter((a) => a.action === "models.export").length, 2);
  });
});
