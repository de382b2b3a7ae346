// server/env.ts: defaults, clear messages for bad values, generated secret.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { authSecret, EnvError, parseEnv } from "../../server/env.ts";

test("defaults", () => {
  const e = parseEnv({});
  assert.equal(e.PORT, 3000);
  assert.equal(e.DATA_DIR, "./data");
  assert.equal(e.UPLOAD_MAX_MB, 200);
  assert.equal(e.SESSION_MAX_AGE_H, 8);
  assert.equal(e.jobsBackend, "inprocess");
  assert.equal(parseEnv({ DATABASE_URL: "postgres://u:p@h/db" }).jobsBackend, "pgboss");
  assert.equal(parseEnv({ PORT: "" }).PORT, 3000, "empty counts as unset");
});

test("bad values give a message naming the variable", () => {
  assert.throws(() => parseEnv({ PORT: "eighty" }), (e) => e instanceof EnvError && /PORT/.test(e.message) && /"eighty"/.test(e.message));
  assert.throws(() => parseEnv({ DATABASE_URL: "mysql://x" }), (e) => e instanceof EnvError && /DATABASE_URL: must start with postgres/.test(e.message));
  assert.throws(() => parseEnv({ LOG_LEVEL: "loud" }), (e) => e instanceof EnvError && /LOG_LEVEL/.test(e.message));
  assert.throws(() => parseEnv({ AUTH_SECRET: "short" }), (e) => e instanceof EnvError && /AUTH_SECRET: must be at least 32/.test(e.message));
  assert.throws(() => parseEnv({ UPLOAD_MAX_MB: "-1" }), /UPLOAD_MAX_MB/);
});

test("the auth secret is generated once into DATA_DIR/secret (mode 600) and reused", () => {
  const dir = mkdtempSync(join(tmpdir(), "axilla-env-"));
  try {
    const e = parseEnv({ DATA_DIR: join(dir, "data") });
    const s1 = authSecret(e);
    assert.ok(s1.length >= 32);
    assert.equal(statSync(join(dir, "data", "secret")).mode & 0o777, 0o600);
    assert.equal(authSecret(e), s1);
    assert.equal(readFileSync(join(dir, "data", "secret"), "utf8"), s1);
    assert.equal(authSecret(parseEnv({ DATA_DIR: dir, AUTH_SECRET: "x".repeat(32) })), "x".repeat(32));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
