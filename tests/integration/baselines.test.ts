// Literature baselines: seeded from shared/spec/baselines.md (the seed paper's figures with citations), readable by
// every signed-in role, editable by admins only, every edit audited with the values before and after.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { createCaller } from "../../server/api/root.ts";
import { createTestContext } from "../../server/api/context.ts";
import { createTestDb, type TestDb } from "../../server/db/testing.ts";
import { auditLog, users } from "../../server/db/schema.ts";
import type { SessionUser } from "../../server/auth/roles.ts";

describe("baselines", () => {
  let t: TestDb;
  const who: Record<string, SessionUser> = {};
  const as = (u: SessionUser | null) => createCaller(createTestContext({ db: t.db, user: u }));
  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
  });
  after(async () => t.close());

  test("the seed paper's comparators are listed with their figures and citations (baselines.md)", async () => {
    const rows = await as(who.surgeon).baselines.list();
    const find = (name: RegExp, metric: string) => rows.find((r) => name.test(r.name) && r.metric === metric);
    // values as printed in shared/spec/baselines.md
    assert.equal(find(/^Ultrasound alone/, "Accuracy")?.value, "71.9%");
    assert.equal(find(/^Mammography alone/, "Accuracy")?.value, "78.4%");
    assert.equal(find(/^Ultrasound-guided needle biopsy/, "Sensitivity")?.value, "79.6%");
    assert.equal(find(/^SLNB/, "Sensitivity")?.value, "77.1%");
    for (const r of rows) assert.ok(r.citation.length > 5, `${r.name} has a citation`);
    assert.equal((await as(who.board).baselines.list()).length, rows.length);
  });

  test("only admins edit; the edit is audited with before and after", async () => {
    const [row] = (await as(who.admin).baselines.list()).filter((r) => /^Ultrasound alone/.test(r.name));
    for (const u of [who.surgeon, who.board]) {
      await assert.rejects(as(u).baselines.update({ id: row.id, value: "99%", citation: "x" }), (e) => e instanceof TRPCError && e.code === "FORBIDDEN");
    }
    await assert.rejects(as(null).baselines.update({ id: row.id, value: "99%", citation: "x" }), (e) => e instanceof TRPCError && e.code === "UNAUTHORIZED");
    assert.equal((await as(who.admin).baselines.list()).find((r) => r.id === row.id)?.value, "71.9%", "unchanged after refused edits");
    const upd = await as(who.admin).baselines.update({ id: row.id, value: "72.0%", citation: `${row.citation} (corrected)` });
    assert.equal(upd.value, "72.0%");
    assert.equal((await as(who.surgeon).baselines.list()).find((r) => r.id === row.id)?.value, "72.0%");
    const [a] = await t.db.select().from(auditLog).where(eq(auditLog.action, "baselines.update"));
    assert.equal(a.actorId, who.admin.id);
    assert.equal(a.objectId, row.id);
    const d = a.detail as { from: { value: string }; to: { value: string } };
    assert.deepEqual([d.from.value, d.to.value], ["71.9%", "72.0%"]);
    await assert.rejects(as(who.admin).baselines.update({ id: row.id, value: "", citation: "x" }), (e) => e instanceof TRPCError && e.code === "BAD_REQUEST");
  });
});
