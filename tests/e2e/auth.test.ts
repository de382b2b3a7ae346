// Browser: sign-in per role, wrong password, redirect when signed out, sign-out.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { DEMO, launchBrowser, login, skipBrowser, startServer, submitLogin, type RunningServer } from "./harness.ts";

const skip = skipBrowser();
// Embedded PGlite always; a PostgreSQL server too when TEST_DATABASE_URL is set (CI).
const backends = process.env.TEST_DATABASE_URL ? (["pglite", "postgres"] as const) : (["pglite"] as const);

for (const backend of backends) describe(`portal sign-in (browser, ${backend})`, { skip }, () => {
  let srv: RunningServer;
  let browser: Browser;
  before(async () => {
    srv = await startServer({ postgres: backend === "postgres" });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  for (const role of ["surgeon", "board", "admin"] as const) {
    test(`${role} signs in and lands on ${DEMO[role].home}`, async () => {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await login(page, srv.url, role);
      assert.equal(new URL(page.url()).pathname, DEMO[role].home);
      await page.getByRole("heading", { level: 1 }).waitFor();
      const roleText = await page.getByTestId("user-role").textContent();
      assert.match(roleText ?? "", { surgeon: /Surgeon/, board: /Tumour board/, admin: /Administrator/ }[role]);
      assert.ok(await page.getByRole("button", { name: "Sign out" }).isVisible());
      await ctx.close();
    });
  }

  test("a wrong password shows an error and stays on /login", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await submitLogin(page, srv.url, DEMO.board.email, "not-the-password");
    const alert = page.locator("#login-error"); // (Next adds its own empty role=alert route announcer)
    await alert.waitFor({ timeout: 15_000 });
    assert.match((await alert.textContent()) ?? "", /wrong email or password/i);
    assert.equal(new URL(page.url()).pathname, "/login");
    await ctx.close();
  });

  test("/cases while signed out redirects to /login", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${srv.url}/cases`);
    assert.equal(new URL(page.url()).pathname, "/login");
    assert.ok(await page.getByRole("button", { name: "Sign in" }).isVisible());
    await ctx.close();
  });

  test("a surgeon opening an admin page is sent to their own home", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await login(page, srv.url, "surgeon");
    await page.goto(`${srv.url}/admin/models`);
    assert.equal(new URL(page.url()).pathname, "/cases");
    await ctx.close();
  });

  test("sign-out ends the session", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await login(page, srv.url, "admin");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${srv.url}/login`, { timeout: 15_000 });
    await page.goto(`${srv.url}/admin/models`);
    assert.equal(new URL(page.url()).pathname, "/login");
    await ctx.close();
  });

  test("security headers are set", async () => {
    const r = await fetch(`${srv.url}/login`);
    const csp = r.headers.get("content-security-policy") ?? "";
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'self'/);
    assert.equal(r.headers.get("referrer-policy"), "no-referrer");
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
  });

  test("cross-site tRPC mutation is refused (CSRF guard)", async () => {
    const r = await fetch(`${srv.url}/api/trpc/jobs.cancel`, {
      method: "POST",
      headers: { origin: "http://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ json: { id: "00000000-0000-4000-8000-000000000000" } }),
    });
    assert.equal(r.status, 403);
  });
});
