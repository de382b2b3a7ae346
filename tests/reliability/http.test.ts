// Issue 7 items 3 and 7 against the production build (`next start` via tests/e2e/harness.ts, no browser needed):
// security headers, CSRF refusal of cross-site tRPC POSTs, the configurable upload limit (tRPC and raw body),
// stored-file paths that cannot escape the data folder, session expiry (an expired JWT is refused; the session
// lifetime follows SESSION_MAX_AGE_H), and the server log after uploading identifying.dcm holds none of the
// fixture's identifying values (also every server log the browser tests left in tests/artifacts/server-logs/).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { decode, encode } from "next-auth/jwt";
import { DEMO, ROOT, startServer, type RunningServer } from "../e2e/harness.ts";
import { signIn, trpcMutation, trpcQuery, type Session } from "./http-client.ts";
import { identifyingValues } from "./deid-profile.ts";
import { parseDicomBytes } from "../../lib/dicom/parse.ts";
import { createStorage, StorageError } from "../../server/storage/index.ts";

const SECRET = "reliability-test-secret-0123456789abcdef";
function needBuild(): false | string {
  if (existsSync(join(ROOT, ".next", "BUILD_ID"))) return false;
  if (process.env.CI === "true") throw new Error("no production build (.next/BUILD_ID): `npm test` builds before the tests");
  return "no production build (.next/BUILD_ID): run through `npm test`, or `next build` first";
}
const skip = needBuild();
const FIX = join(ROOT, "tests", "fixtures", "dicom");

describe("HTTP hardening (production build)", { skip }, () => {
  let srv: RunningServer;
  let surgeon: Session;
  before(async () => {
    srv = await startServer({ env: { AUTH_SECRET: SECRET, UPLOAD_MAX_MB: "1", SESSION_MAX_AGE_H: "2", LOG_LEVEL: "debug" } });
    surgeon = await signIn(srv.url, DEMO.surgeon.email, DEMO.surgeon.password);
  });
  after(async () => srv?.stop());

  test("security headers on pages, API routes and tRPC: CSP with frame-ancestors, referrer policy, nosniff", async () => {
    for (const path of ["/login", "/api/health", "/api/trpc/health.status", "/cases"]) {
      const r = await fetch(`${srv.url}${path}`, { redirect: "manual" });
      const csp = r.headers.get("content-security-policy") ?? "";
      assert.match(csp, /frame-ancestors 'none'/, `${path} CSP: ${csp}`);
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /object-src 'none'/, path);
      assert.equal(r.headers.get("x-frame-options"), "DENY", path);
      assert.equal(r.headers.get("referrer-policy"), "no-referrer", path);
      assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(r.headers.get("x-powered-by"), null, path);
    }
  });

  test("CSRF: cross-site tRPC POSTs are refused (Origin, Sec-Fetch-Site, non-JSON content type); same-origin works", async () => {
    const attempts: Record<string, Record<string, string>> = {
      "foreign Origin": { "content-type": "application/json", origin: "https://evil.example" },
      "Sec-Fetch-Site cross-site": { "content-type": "application/json", "sec-fetch-site": "cross-site" },
      "Sec-Fetch-Site same-site": { "content-type": "application/json", "sec-fetch-site": "same-site", origin: "http://sub.127.0.0.1" },
      "form post (text/plain)": { "content-type": "text/plain", origin: srv.url },
      "form post (urlencoded)": { "content-type": "application/x-www-form-urlencoded" },
    };
    for (const [name, headers] of Object.entries(attempts)) {
      const r = await trpcMutation(surgeon, "cases.create", { caseCode: "CSRF-001" }, headers);
      assert.equal(r.status, 403, `${name}: ${JSON.stringify(r)}`);
    }
    const list = await trpcQuery<{ caseCode: string }[]>(surgeon, "cases.list", {});
    assert.ok(!list.data!.some((c) => c.caseCode === "CSRF-001"), "a refused POST created the case");
    const ok = await trpcMutation(surgeon, "cases.create", { caseCode: "CSRF-002" }, { "content-type": "application/json", origin: srv.url, "sec-fetch-site": "same-origin" });
    assert.equal(ok.status, 200, JSON.stringify(ok));
  });

  test("upload limit is configurable: UPLOAD_MAX_MB=1 refuses a 2 MB upload and a 3 MB request body", async () => {
    const c = await trpcMutation<{ id: string }>(surgeon, "cases.create", { caseCode: "SIZE-001" });
    const begin = await trpcMutation(surgeon, "images.uploadBegin", { caseId: c.data!.id, size: 2 * 1024 * 1024 });
    assert.equal(begin.error?.code, "PAYLOAD_TOO_LARGE", JSON.stringify(begin));
    assert.match(begin.error!.message, /limit is 1 MB/);
    const big = JSON.stringify({ json: { caseCode: "x".repeat(3 * 1024 * 1024) } });
    const r = await fetch(`${srv.url}/api/trpc/cases.create`, { method: "POST", headers: { "content-type": "application/json", origin: srv.url, cookie: surgeon.cookie }, body: big });
    assert.equal(r.status, 413);
    assert.equal(r.headers.get("connection"), "close", "a refusal sent before reading the body closes the connection (its unread rest must not become the next request)");
    // without a Content-Length (chunked): the body is read up to the limit only
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < 48; i++) ctl.enqueue(new Uint8Array(64 * 1024).fill(0x20));
        ctl.close();
      },
    });
    const r2 = await fetch(`${srv.url}/api/trpc/cases.create`, { method: "POST", headers: { "content-type": "application/json", origin: srv.url, cookie: surgeon.cookie }, body: stream, duplex: "half" } as RequestInit);
    assert.equal(r2.status, 413);
  });

  test("stored-file paths cannot escape the data folder (storage API and the pixels route)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "axilla-rel-storage-"));
    try {
      const st = createStorage(dir, 1024);
      const f = await st.putFile(new Uint8Array([1, 2, 3]), { ext: "bin" });
      assert.deepEqual([...(await st.readStoredFile(f.path))], [1, 2, 3]);
      for (const bad of ["../secret", "files/../../secret", "files/../secret", "/etc/passwd", "files/ab/../../../etc/passwd", "files\0/x", "", "C:\\x", "files/..", "secret", "files/./../pg/PG_VERSION"]) {
        await assert.rejects(st.readStoredFile(bad), (e) => e instanceof StorageError, `read ${JSON.stringify(bad)}`);
        assert.throws(() => st.resolveStoredPath(bad), StorageError, `resolve ${JSON.stringify(bad)}`);
      }
      await assert.rejects(st.putFile(new Uint8Array(2048)), (e) => e instanceof StorageError && /too large/.test(e.message));
      await assert.rejects(st.putFile(new Uint8Array(1), { ext: "../x" }), StorageError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const path of ["/cases/..%2F..%2F..%2Fetc%2Fpasswd/pixels/x", "/cases/x/pixels/..%2F..%2Fsecret", "/cases/%2e%2e/pixels/%2e%2e%2fsecret", "/cases/x/pixels/..%5c..%5csecret"]) {
      const r = await fetch(`${srv.url}${path}`, { headers: { cookie: surgeon.cookie }, redirect: "manual" });
      const body = await r.text();
      assert.notEqual(r.status, 200, path);
      assert.ok(!body.includes("root:") && !body.includes(SECRET), `${path} leaked a file`);
    }
  });

  test("invalid input is answered with the schema's own messages, not a JSON dump of the issues", async () => {
    const r = await trpcQuery(surgeon, "cases.get", { id: "not-a-uuid" });
    assert.equal(r.error?.code, "BAD_REQUEST");
    assert.equal(r.error?.message, "id: Invalid UUID");
  });

  test("session expiry: an expired JWT is refused; a sign-in session lasts SESSION_MAX_AGE_H", async () => {
    const tokenCookie = surgeon.cookie.split("; ").find((c) => c.startsWith("next-auth.session-token="))!.split("=")[1];
    const payload = await decode({ token: tokenCookie, secret: SECRET });
    assert.ok(payload?.exp && payload.iat, "session token has iat/exp");
    assert.equal(Number(payload.exp) - Number(payload.iat), 2 * 3600, "lifetime = SESSION_MAX_AGE_H");
    const claims = { sub: payload.sub, uid: payload.uid, role: payload.role, email: payload.email, name: payload.name };
    const valid = await encode({ token: claims, secret: SECRET, maxAge: 600 });
    const expired = await encode({ token: claims, secret: SECRET, maxAge: -60 });
    const me = (cookie: string) => trpcQuery<{ role: string } | null>({ base: srv.url, cookie: `next-auth.session-token=${cookie}` }, "auth.me");
    assert.equal((await me(valid)).data?.role, "surgeon", "control: a fresh token minted the same way is accepted");
    assert.equal((await me(expired)).data, null, "expired token must not sign anyone in");
    const list = await trpcQuery({ base: srv.url, cookie: `next-auth.session-token=${expired}` }, "cases.list", {});
    assert.equal(list.error?.code, "UNAUTHORIZED");
    const forged = await encode({ token: { ...claims, role: "admin" }, secret: "another-secret-0123456789abcdefghijkl", maxAge: 600 });
    assert.equal((await me(forged)).data, null, "a token signed with another secret is refused");
    const page = await fetch(`${srv.url}/cases`, { headers: { cookie: `next-auth.session-token=${expired}` }, redirect: "manual" });
    assert.ok([302, 303, 307, 308].includes(page.status) && /\/login/.test(page.headers.get("location") ?? ""), `expired session on /cases: ${page.status} ${page.headers.get("location")}`);
  });

  test("de-identification in logs: uploading identifying.dcm leaves none of its identifying values in any server log", async () => {
    const bytes = new Uint8Array(readFileSync(join(FIX, "generated", "identifying.dcm")));
    const c = await trpcMutation<{ id: string }>(surgeon, "cases.create", { caseCode: "LOG-0001" });
    const begin = await trpcMutation<{ uploadId: string; chunkBytes: number }>(surgeon, "images.uploadBegin", { caseId: c.data!.id, size: bytes.byteLength });
    assert.ok(begin.data, JSON.stringify(begin));
    const { uploadId, chunkBytes } = begin.data;
    for (let off = 0; off < bytes.byteLength; off += chunkBytes) {
      const r = await trpcMutation(surgeon, "images.uploadChunk", { uploadId, offset: off, data: Buffer.from(bytes.subarray(off, off + chunkBytes)).toString("base64") });
      assert.equal(r.status, 200, JSON.stringify(r));
    }
    const ing = await trpcMutation<{ status: string }>(surgeon, "images.ingest", { uploadId });
    assert.equal(ing.data?.status, "stored", JSON.stringify(ing));
    // a refused upload (truncated) logs too
    const b2 = await trpcMutation<{ uploadId: string }>(surgeon, "images.uploadBegin", { caseId: c.data!.id, size: 3000 });
    await trpcMutation(surgeon, "images.uploadChunk", { uploadId: b2.data!.uploadId, offset: 0, data: Buffer.from(bytes.subarray(0, 3000)).toString("base64") });
    const bad = await trpcMutation(surgeon, "images.ingest", { uploadId: b2.data!.uploadId });
    assert.equal(bad.error?.code, "BAD_REQUEST");
    await new Promise((r) => setTimeout(r, 300));
    const secrets = [...identifyingValues(parseDicomBytes(bytes).dataSet)];
    assert.ok(secrets.length >= 20, `identifying values collected: ${secrets.length}`);
    const logDir = join(ROOT, "tests", "artifacts", "server-logs");
    const logs: Record<string, string> = { "this server (stdout+stderr)": srv.logs() };
    for (const f of existsSync(logDir) ? readdirSync(logDir) : []) logs[f] = readFileSync(join(logDir, f), "latin1");
    assert.ok(readFileSync(srv.logFile, "utf8").length > 0, "the harness wrote this server's log file");
    assert.match(srv.logs(), /image stored|upload refused/, "the log does record the uploads (so the grep is meaningful)");
    const leaks: string[] = [];
    for (const [name, txt] of Object.entries(logs)) {
      const up = txt.toUpperCase();
      for (const s of secrets) if (up.includes(s.toUpperCase())) leaks.push(`${name}: "${s}"`);
    }
    assert.deepEqual(leaks, [], `${Object.keys(logs).length} logs grepped`);
  });
});
