// Every tRPC procedure declares its access; the middleware enforces it and audits denials.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { appRouter, createCaller } from "../../server/api/root.ts";
import { createTestContext } from "../../server/api/context.ts";
import { createCallerFactory, createTRPCRouter, describeAccess, publicProcedure, undeclaredProcedures, type Access } from "../../server/api/trpc.ts";
import { createTestDb, type TestDb } from "../../server/db/testing.ts";
import { users } from "../../server/db/schema.ts";
import { listAudit } from "../../server/audit.ts";
import type { SessionUser } from "../../server/auth/roles.ts";

type ProcDef = { _def: { meta?: { access?: Access }; type: string } };

describe("tRPC access", () => {
  let t: TestDb;
  const who: Record<string, SessionUser> = {};
  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
  });
  after(async () => t.close());

  test("every procedure of appRouter declares an access level", () => {
    const all = Object.keys(appRouter._def.procedures);
    assert.ok(all.length >= 6, `expected the example procedures, found ${all.length}`);
    assert.deepEqual(undeclaredProcedures(appRouter), [], "procedures without declared access");
    for (const [path, p] of Object.entries(appRouter._def.procedures as unknown as Record<string, ProcDef>)) {
      assert.notEqual(describeAccess(p._def.meta?.access), "UNDECLARED", path);
    }
  });

  test("the walker catches, and the middleware refuses, a procedure whose access was removed", async () => {
    const bad = createTRPCRouter({
      ok: publicProcedure.query(() => 1),
      sneaky: publicProcedure.meta({ access: undefined }).query(() => 2),
    });
    assert.deepEqual(undeclaredProcedures(bad), ["sneaky"]);
    const caller = createCallerFactory(bad)(createTestContext({ db: t.db, user: who.admin }));
    assert.equal(await caller.ok(), 1);
    await assert.rejects(caller.sneaky(), (e) => e instanceof TRPCError && e.code === "INTERNAL_SERVER_ERROR");
  });

  test("forbidden call -> FORBIDDEN and an audit row with outcome 'denied'", async () => {
    const caller = createCaller(createTestContext({ db: t.db, user: who.surgeon, ip: "192.0.2.7" }));
    await assert.rejects(caller.audit.list({ limit: 5 }), (e) => e instanceof TRPCError && e.code === "FORBIDDEN");
    const rows = await listAudit(t.db, { action: "trpc.denied" });
    const row = rows.find((r) => r.objectId === "audit.list" && r.actorId === who.surgeon.id);
    assert.ok(row, "denied call must be audited");
    assert.equal(row.outcome, "denied");
    assert.equal(row.actorRole, "surgeon");
    assert.equal((row.detail as { reason: string }).reason, "role");
  });

  test("signed-out call to a signed-in procedure -> UNAUTHORIZED, audited as anonymous", async () => {
    const caller = createCaller(createTestContext({ db: t.db, user: null }));
    await assert.rejects(caller.jobs.list({ limit: 5 }), (e) => e instanceof TRPCError && e.code === "UNAUTHORIZED");
    const rows = await listAudit(t.db, { action: "trpc.denied" });
    assert.ok(rows.some((r) => r.objectId === "jobs.list" && r.actorId === null));
  });

  test("allowed calls pass: auth.me for anyone, audit.list for admin", async () => {
    assert.equal(await createCaller(createTestContext({ db: t.db })).auth.me(), null);
    const me = await createCaller(createTestContext({ db: t.db, user: who.board })).auth.me();
    assert.equal(me?.role, "board");
    const list = await createCaller(createTestContext({ db: t.db, user: who.admin })).audit.list({ limit: 10 });
    assert.ok(list.length >= 2);
    const [dbUser] = await t.db.select().from(users).where(eq(users.id, who.admin.id));
    assert.equal(dbUser.role, "admin");
  });
});
