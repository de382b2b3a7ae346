// Health check with the DB up and stopped; credential sign-in with audit and the rate limit.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { checkHealth } from "../../server/health.ts";
import { createTestDb, testBackends, useAsProcessDb, type TestDb } from "../../server/db/testing.ts";
import { openPostgres } from "../../server/db/index.ts";
import { modelVersions } from "../../server/db/schema.ts";
import { authorizeCredentials } from "../../server/auth/options.ts";
import { loginLimiter, RateLimiter, RATE_LIMIT_MESSAGE } from "../../server/auth/rate-limit.ts";
import { listAudit } from "../../server/audit.ts";

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
    loginLimiter().reset("acct:admin@demo.axilla");
    loginLimiter().reset("ip:203.0.113.9");
    for (let i = 0; i < 5; i++) await assert.rejects(authorizeCredentials("admin@demo.axilla", `bad${i}`, "203.0.113.9"), /Wrong email or password/);
    await assert.rejects(authorizeCredentials("admin@demo.axilla", "admin-demo", "203.0.113.9"), (e) => (e as Error).message === RATE_LIMIT_MESSAGE);
    // per address too: another account from the same address is refused
    await assert.rejects(authorizeCredentials("board@demo.axilla", "board-demo", "203.0.113.9"), (e) => (e as Error).message === RATE_LIMIT_MESSAGE);
    const denied = await listAudit(t.db, { action: "auth.signin", outcome: "denied" });
    assert.equal(denied.length, 2);
  });

  test("limiter window: failures older than a minute no longer count", () => {
    let now = 0;
    const l = new RateLimiter(5, 60_000, () => now);
    for (let i = 0; i < 5; i++) l.recordFailure("acct:a");
    assert.equal(l.isBlocked("acct:a"), true);
    now = 59_999;
    assert.equal(l.isBlocked("acct:a"), true);
    now = 60_001;
    assert.equal(l.isBlocked("acct:a"), false);
    for (let i = 0; i < 4; i++) l.recordFailure("acct:a");
    assert.equal(l.isBlocked("acct:a"), false, "4 failures are allowed");
  });
});
