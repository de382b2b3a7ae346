// Browser: the 6th wrong password within a minute is refused (own server: the limit is per address too).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { DEMO, launchBrowser, skipBrowser, startServer, submitLogin, type RunningServer } from "./harness.ts";

describe("login rate limit (browser)", { skip: skipBrowser() }, () => {
  let srv: RunningServer;
  let browser: Browser;
  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test("5 failures are reported as wrong password; the 6th attempt is refused, even with the right password", async () => {
    const page = await browser.newPage();
    await page.goto(`${srv.url}/login`);
    const alert = page.locator("#login-error");
    const attempt = async (password: string) => {
      const answered = page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
      await submitLogin(page, srv.url, DEMO.surgeon.email, password);
      await answered;
      await page.waitForFunction(() => document.querySelector("#login-error") !== null && !document.querySelector("button[type=submit]")?.hasAttribute("disabled"));
      return (await alert.textContent()) ?? "";
    };
    for (let i = 1; i <= 5; i++) assert.match(await attempt(`wrong-${i}`), /wrong email or password/i, `attempt ${i}`);
    assert.match(await attempt("wrong-6"), /too many failed sign-in attempts/i);
    assert.match(await attempt(DEMO.surgeon.password), /too many failed sign-in attempts/i);
    assert.equal(new URL(page.url()).pathname, "/login");
  });
});
