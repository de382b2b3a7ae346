// Route handlers read the session from the request's cookie (server/auth/session.ts sessionUserFromRequest)
// instead of running getServerSession: tokens made by next-auth's own `encode` (the library, not our code) must
// give the same user, and expired, tampered, foreign-secret and role-less tokens must give none.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
process.env.AUTH_SECRET = "session-test-secret-0123456789abcdef";
const { encode } = await import("next-auth/jwt");
const { sessionTokenFromCookieHeader, sessionUserFromRequest, sessionUserFromToken } = await import("../../server/auth/session.ts");

const SECRET = process.env.AUTH_SECRET;
const claims = { uid: "3f0c8f8e-4d1c-4c55-9a43-0e3c7f1d2a10", role: "surgeon" as const, name: "Demo Surgeon", email: "surgeon@demo.axilla", sub: "x" };
const req = (cookie: string) => new Request("http://localhost/api/trpc/auth.me", { headers: { cookie } });

describe("session from the request cookie", () => {
  test("a token next-auth encoded gives its user, as the session callback maps it", async () => {
    const token = await encode({ token: claims, secret: SECRET, maxAge: 3600 });
    const u = await sessionUserFromRequest(req(`theme=dark; next-auth.session-token=${token}; other=1`));
    assert.deepEqual(u, { id: claims.uid, role: "surgeon", name: "Demo Surgeon", email: "surgeon@demo.axilla" });
    // the __Secure- cookie of an https deployment, and a token chunked over name.0, name.1
    assert.equal((await sessionUserFromRequest(req(`__Secure-next-auth.session-token=${token}`)))?.id, claims.uid);
    const cut = Math.floor(token.length / 2);
    assert.equal((await sessionUserFromRequest(req(`next-auth.session-token.0=${token.slice(0, cut)}; next-auth.session-token.1=${token.slice(cut)}`)))?.id, claims.uid);
  });

  test("no cookie, an expired, tampered or foreign-secret token, or a token without a valid role: signed out", async () => {
    assert.equal(await sessionUserFromRequest(req("")), null);
    assert.equal(sessionTokenFromCookieHeader("a=1; b=2"), null);
    const expired = await encode({ token: claims, secret: SECRET, maxAge: -60 }); // past jose's 15 s clock tolerance
    assert.equal(await sessionUserFromToken(expired), null);
    const good = await encode({ token: claims, secret: SECRET, maxAge: 3600 });
    const k = good.length - 5;
    const tampered = good.slice(0, k) + (good[k] === "A" ? "B" : "A") + good.slice(k + 1);
    assert.equal(await sessionUserFromToken(tampered), null);
    assert.equal(await sessionUserFromToken(await encode({ token: claims, secret: "another-secret", maxAge: 3600 })), null);
    assert.equal(await sessionUserFromToken(await encode({ token: { ...claims, role: "root" } as unknown as typeof claims, secret: SECRET, maxAge: 3600 })), null);
    assert.equal(await sessionUserFromToken(await encode({ token: { ...claims, uid: undefined }, secret: SECRET, maxAge: 3600 })), null);
  });

  test("a remembered token still expires: after its exp (+15 s tolerance) it gives no user", async () => {
    const token = await encode({ token: claims, secret: SECRET, maxAge: 120 });
    const now = Date.now();
    assert.equal((await sessionUserFromToken(token, now))?.id, claims.uid); // decoded and remembered
    assert.equal((await sessionUserFromToken(token, now + 60_000))?.id, claims.uid); // remembered, not yet expired
    assert.equal(await sessionUserFromToken(token, now + 140_000), null); // exp + 15 s passed
  });
});
