// /api/health against a running server: 200 with the embedded DB, 503 when the DB is unreachable.
import assert from "node:assert/strict";
import { test } from "node:test";
import { skipBrowser, startServer } from "./harness.ts";

// Needs only the production build (not Chromium), but shares the harness's build check.
const skip = skipBrowser();

test("GET /api/health -> 200 {db:'ok', model} on a fresh install", { skip }, async () => {
  const srv = await startServer();
  try {
    const r = await fetch(`${srv.url}/api/health`);
    assert.equal(r.status, 200);
    const body = (await r.json()) as { db: string; model: unknown };
    assert.equal(body.db, "ok");
    // null, or the label of the demo model imported at first start (exact label: integration test)
    assert.ok(body.model === null || (typeof body.model === "string" && body.model.length > 0), JSON.stringify(body));
    assert.deepEqual(Object.keys(body).sort(), ["db", "model"]);
  } finally {
    await srv.stop();
  }
});

test("GET /api/health -> 503 {db:'error'} when the database server is down", { skip }, async () => {
  // Port 9 (discard) on loopback: nothing listens, connections are refused at once.
  const srv = await startServer({ env: { DATABASE_URL: "postgres://axilla:x@127.0.0.1:9/axilla" }, expectHealth: 503 });
  try {
    const r = await fetch(`${srv.url}/api/health`);
    assert.equal(r.status, 503);
    assert.deepEqual(await r.json(), { db: "error" });
  } finally {
    await srv.stop();
  }
});
