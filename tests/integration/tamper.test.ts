// Acceptance 4 (issue 5): changing one coefficient of a stored artefact in the database makes the portal refuse
// to serve that version, and say why — to the admin (reason with the hashes) and to surgeons ("model
// unavailable" with the integrity reason); publishing/rolling back to it is refused too; the refusal is audited.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { createCaller } from "../../server/api/root.ts";
import { createTestContext } from "../../server/api/context.ts";
import { createTestDb, type TestDb } from "../../server/db/testing.ts";
import { auditLog, cases, users } from "../../server/db/schema.ts";
import type { SessionUser } from "../../server/auth/roles.ts";
import { insertVersion } from "./helpers/model-admin-fixture.ts";

describe("tampered artefact", () => {
  let t: TestDb;
  const who: Record<string, SessionUser> = {};
  const caller = (u: SessionUser) => createCaller(createTestContext({ db: t.db, user: u }));
  let active = "";
  let draft = "";
  let caseId = "";
  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
    active = (await insertVersion(t.db, "v1", "published", true, 11)).id;
    draft = (await insertVersion(t.db, "v2", "draft", false, 12)).id;
    caseId = (await t.db.insert(cases).values({ caseCode: "AX-4040", ownerId: who.surgeon.id }).returning())[0].id;
  });
  after(async () => t.close());

  test("before tampering both versions verify and serve", async () => {
    const list = await caller(who.admin).models.list();
    assert.ok(list.every((v) => v.integrity.ok));
    const ctx = await caller(who.surgeon).predictions.context({ caseId });
    assert.ok(ctx.model, ctx.modelError ?? "");
  });

  test("one coefficient changed in the DB -> refused everywhere, with the reason", async () => {
    await t.db.execute(sql`UPDATE model_versions SET artefact = jsonb_set(artefact, '{nomogram,coefficients,radscore}', '2.5') WHERE id = ${active}`);
    await t.db.execute(sql`UPDATE model_versions SET artefact = jsonb_set(artefact, '{lasso,coefficients,0}', '0.5') WHERE id = ${draft}`);
    // admin: list shows the reason; report/compare refuse with it
    const list = await caller(who.admin).models.list();
    for (const v of list) {
      assert.equal(v.integrity.ok, false, v.label);
      assert.match(v.integrity.reason!, /no longer matches its published content hash/);
      assert.notEqual(v.integrity.computedHash, v.integrity.storedHash);
    }
    await assert.rejects(caller(who.admin).models.report({ id: active }), (e: Error & { code?: string }) => {
      assert.equal(e.code, "PRECONDITION_FAILED");
      assert.match(e.message, /v1 no longer matches its published content hash .* will not be served/);
      return true;
    });
    await assert.rejects(caller(who.admin).models.publish({ id: draft, comment: "publish it anyway" }), /no longer matches/);
    await assert.rejects(caller(who.admin).models.exportReport({ id: active, format: "pdf" }), /no longer matches/);
    // surgeons: the model is unavailable, with the integrity reason, and nothing is predicted
    const ctx = await caller(who.surgeon).predictions.context({ caseId });
    assert.equal(ctx.model, null);
    assert.match(ctx.modelError!, /integrity check/);
    const am = await caller(who.surgeon).radscore.activeModel();
    assert.equal(am.ok, false);
    await assert.rejects(
      caller(who.surgeon).predictions.predict({ caseId, factors: { age: 50, t_stage: "T2", location: "UOQ", er: "positive", pr: "negative", us_aln: "positive" } }),
      /integrity check/,
    );
    const refusals = (await t.db.select().from(auditLog)).filter((a) => a.action === "models.integrity");
    assert.ok(refusals.length >= 3);
    assert.ok(refusals.every((r) => r.outcome === "failure"));
  });
});
