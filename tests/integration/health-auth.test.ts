// Health check with the DB up and stopped; credential sign-in with audit and the rate limit.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { checkHealth } from "../../server/health.ts";
import { createTestDb, testBackends, useAsProcessDb, type TestDb } from "../../server/db/testing.ts";
import { openPostgres } from "../../server/db/index.ts";
import { modelVersions } from "../../server/db/schema.ts";
import { authorizeCredentials } from "../../server/auth/options.ts";
import { loginBlocked, RATE_LIMIT_MESSAGE } from "../../server/auth/rate-limit.ts";
import { hashIp, listAudit } from "../../server/audit.ts";
import { auditLog, users } from "../../server/db/schema.ts";

for (const backend of testBackends()) {
  test(`health (${backend}): ok with the active model label, 503 once the database is stopped`, async () => {
    const t = await createTestDb({ backend });
    let closed = false;
    try {
      assert.deepEqual(await checkHealth(async () => t), { status: 200, body: { db: "ok", model: null } });
      await t.db.insert(modelVersions).values({ label: "demo-2019.1", status: "published", active: true, artefact: {}, contentHash: "x" });
      assert.deepEqual(await checkHealth(async () => t), { status: 200, body: { db: "ok", model: "demo-2019.1" } });
      await t.close();
      closed = true;
      assert.deepEqual(await checkHealth(async () => t), { status: 503, body: { db: "error" } });
    } finally {
      if (!closed) await t.close();
    }
  });
}

test("health: 503 when the database cannot be opened at all", async () => {
  assert.deepEqual(await checkHealth(() => openPostgres("postgres://x:y@127.0.0.1:9/none")), { status: 503, body: { db: "error" } });
});

describe("credential sign-in", () => {
  let t: TestDb;
  before(async () => {
    t = await createTestDb({ seed: true });
    useAsProcessDb(t);
  });
  after(async () => t.close());

  test("right password signs in and is audited; wrong password is refused and audited", async () => {
    const u = await authorizeCredentials("Surgeon@Demo.Axilla", "surgeon-demo", "198.51.100.1");
    assert.equal(u.role, "surgeon");
    await assert.rejects(authorizeCredentials("surgeon@demo.axilla", "nope", "198.51.100.1"), /Wrong email or password/);
    await assert.rejects(authorizeCredentials("nobody@demo.axilla", "nope", "198.51.100.1"), /Wrong email or password/);
    const rows = await listAudit(t.db, { action: "auth.signin" });
    assert.deepEqual(rows.map((r) => r.outcome), ["failure", "failure", "success"]);
    assert.deepEqual(rows.map((r) => (r.detail as { reason?: string }).reason), ["unknown_account", "bad_password", undefined]);
  });

  test("the 6th attempt within a minute after 5 failures is refused, even with the right password", async () => {
    for (let i = 0; i < 5; i++) await assert.rejects(authorizeCredentials("admin@demo.axilla", `bad${i}`, "203.0.113.9"), /Wrong email or password/);
    await assert.rejects(authorizeCredentials("admin@demo.axilla", "admin-demo", "203.0.113.9"), (e) => (e as Error).message === RATE_LIMIT_MESSAGE);
    // per address too: another account from the same address is refused
    await assert.rejects(authorizeCredentials("board@demo.axilla", "board-demo", "203.0.113.9"), (e) => (e as Error).message === RATE_LIMIT_MESSAGE);
    const denied = await listAudit(t.db, { action: "auth.signin", outcome: "denied" });
    assert.equal(denied.length, 2);
  });

  test("the limit is per account too: failures from five addresses block the account", async () => {
    for (let i = 0; i < 5; i++) await assert.rejects(authorizeCredentials("board@demo.axilla", `bad${i}`, `192.0.2.${i + 1}`), /Wrong email or password/);
    await assert.rejects(authorizeCredentials("board@demo.axilla", "board-demo", "192.0.2.77"), (e) => (e as Error).message === RATE_LIMIT_MESSAGE);
    await assert.rejects(authorizeCredentials("nobody@demo.axilla", "x", "192.0.2.77"), /Wrong email or password/, "a fresh address is not blocked for other accounts");
  });
});

// The counters live in the audit log (database clock), so every server process on one database sees the same
// failures: the window and the reset-on-success rule checked on rows inserted with explicit times.
for (const backend of testBackends()) {
  test(`login limit window (${backend}): failures older than a minute no longer count; a success clears the account's count`, async () => {
    const t = await createTestDb({ backend, seed: true });
    try {
      const [u] = await t.db.select().from(users).limit(1);
      const ago = (s: number) => new Date(Date.now() - s * 1000);
      const fail = (at: Date, ip: string, userId: string | null = u.id) =>
        t.db.insert(auditLog).values({ action: "auth.signin", outcome: "failure", objectType: "user", objectId: userId, actorId: userId, ipHash: hashIp(ip), at });
      for (let i = 0; i < 5; i++) await fail(ago(90), `198.18.0.${i}`);
      assert.equal(await loginBlocked(t.db, { userId: u.id, ip: "198.18.1.1" }), false, "5 failures 90 s ago");
      for (let i = 0; i < 4; i++) await fail(ago(10), `198.18.0.${i}`);
      assert.equal(await loginBlocked(t.db, { userId: u.id, ip: "198.18.1.1" }), false, "4 failures are allowed");
      await fail(ago(5), "198.18.0.9");
      assert.equal(await loginBlocked(t.db, { userId: u.id, ip: "198.18.1.1" }), true, "5 failures within the minute block the account");
      assert.equal(await loginBlocked(t.db, { userId: null, ip: "198.18.1.1" }), false, "...not another account from a clean address");
      await t.db.insert(auditLog).values({ action: "auth.signin", outcome: "success", objectType: "user", objectId: u.id, actorId: u.id, at: ago(1) });
      assert.equal(await loginBlocked(t.db, { userId: u.id, ip: "198.18.1.1" }), false, "a successful sign-in after them clears the account's count");
      for (let i = 0; i < 5; i++) await fail(ago(3), "198.18.2.2", null);
      assert.equal(await loginBlocked(t.db, { userId: null, ip: "198.18.2.2" }), true, "5 failures (unknown accounts) from one address block the address");
      assert.equal(await loginBlocked(t.db, { userId: u.id, ip: "198.18.2.2" }), true, "...for every account");
    } finally {
      await t.close();
    }
  });
}
