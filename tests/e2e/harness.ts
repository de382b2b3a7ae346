// Browser-test harness.
//   const srv = await startServer();            // next start on a free port, fresh temp DATA_DIR
//   const browser = await launchBrowser();      // headless /usr/bin/chromium via playwright-core
//   const page = await browser.newPage();
//   await login(page, srv.url, "surgeon");      // lands on the role's home
//   ... await browser.close(); await srv.stop();
// Requires a production build (`npm test` builds first; `node scripts/test.mjs tests/e2e` too).
// When /usr/bin/chromium is missing, browser tests are skipped with a message (`skipBrowser`) —
// except under CI=true, where that is an error.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { chromium, type Browser, type Page } from "playwright-core";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const DEMO = {
  surgeon: { email: "surgeon@demo.axilla", password: "surgeon-demo", home: "/cases" },
  board: { email: "board@demo.axilla", password: "board-demo", home: "/board" },
  admin: { email: "admin@demo.axilla", password: "admin-demo", home: "/admin/models" },
} as const;
export type DemoRole = keyof typeof DEMO;

/** false, or a reason string for node:test's `skip` option. */
export function skipBrowser(): false | string {
  if (existsSync(CHROMIUM)) {
    if (!existsSync(join(ROOT, ".next", "BUILD_ID"))) {
      if (process.env.CI === "true") throw new Error("no production build (.next/BUILD_ID): run `next build` first");
      return "no production build (.next/BUILD_ID) — run the tests through scripts/test.mjs, which builds first";
    }
    return false;
  }
  if (process.env.CI === "true") throw new Error(`Chromium not found at ${CHROMIUM} (CI=true: browser tests must run)`);
  return `Chromium not found at ${CHROMIUM}: browser tests skipped (install chromium or set CHROMIUM_PATH)`;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  /** Everything the server printed so far (stdout + stderr). */
  logs(): string;
  /** The same output, also written to tests/artifacts/server-logs/ (grepped by tests/reliability/logs.test.ts). */
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Start `next start` from the existing build with a fresh temporary DATA_DIR (unless env.DATA_DIR
 * is given). Waits until GET /api/health answers (200 by default; `expectHealth: 503` for tests
 * with an unreachable database).
 */
export async function startServer(
  opts: {
    env?: Record<string, string>;
    expectHealth?: 200 | 503;
    timeoutMs?: number;
    /** Run on a fresh database on the TEST_DATABASE_URL server instead of embedded PGlite. */
    postgres?: boolean;
  } = {},
): Promise<RunningServer> {
  const port = await freePort();
  let dropDb = async () => {};
  const extraEnv: Record<string, string> = {};
  if (opts.postgres) {
    const base = process.env.TEST_DATABASE_URL;
    if (!base) throw new Error("startServer({ postgres: true }) needs TEST_DATABASE_URL");
    const name = `axilla_e2e_${Date.now().toString(36)}_${port}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    extraEnv.DATABASE_URL = u.toString();
    dropDb = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await c.end();
    };
  }
  const dataDir = opts.env?.DATA_DIR ?? mkdtempSync(join(tmpdir(), "axilla-e2e-"));
  const ownDataDir = !opts.env?.DATA_DIR;
  let out = "";
  const child: ChildProcess = spawn(join(ROOT, "node_modules", ".bin", "next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: "",
      ...extraEnv,
      ...opts.env,
      DATA_DIR: dataDir,
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logFile = join(ROOT, "tests", "artifacts", "server-logs", `${Date.now()}-${port}.log`);
  mkdirSync(join(ROOT, "tests", "artifacts", "server-logs"), { recursive: true });
  const capture = (b: Buffer) => {
    out += String(b);
    appendFileSync(logFile, b);
  };
  child.stdout?.on("data", capture);
  child.stderr?.on("data", capture);
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    }
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    await dropDb();
  };
  const want = opts.expectHealth ?? 200;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`next start exited with ${child.exitCode}:\n${out}`);
    }
    try {
      const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) });
      if (r.status === want) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server did not report health ${want} within the time limit:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, port, dataDir, logs: () => out, logFile, stop };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
}

/** Fill the login form and submit (no waiting for the result). */
export async function submitLogin(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  if (!page.url().endsWith("/login")) await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Sign in as a demo role and wait until its home page is shown. */
export async function login(page: Page, baseUrl: string, role: DemoRole): Promise<void> {
  const d = DEMO[role];
  await submitLogin(page, baseUrl, d.email, d.password);
  await page.waitForURL(`${baseUrl}${d.home}`, { timeout: 20_000 });
}

/** A tRPC call made from inside the page (with its session cookie and same-origin headers); the answer's data. */
export async function trpcInPage<T>(page: Page, path: string, input: unknown, kind: "query" | "mutation" = "mutation"): Promise<T> {
  const r = await page.evaluate(
    async ({ path, input, kind }) => {
      const res =
        kind === "query"
          ? await fetch(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`)
          : await fetch(`/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: input }) });
      return { status: res.status, body: await res.json() };
    },
    { path, input, kind },
  );
  if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
  return r.body.result.data.json as T;
}

/** Every visible form control, button and nomogram slider in <main>: its accessible name (as Playwright's role
 *  query sees it) equals its visible label. Returns how many were checked. */
export async function checkAccessibleNames(page: Page): Promise<number> {
  // a string, not a function: tsx's keepNames would wrap inner functions in __name(), unknown in the page
  const items = (await page.evaluate(`(() => {
    const out = [];
    let k = 0;
    const main = document.querySelector("main");
    const tag = (el) => { const id = "a11y-" + k++; el.setAttribute("data-a11y", id); return id; };
    for (const el of Array.from(main.querySelectorAll("input, select, textarea"))) {
      if (!el.checkVisibility()) continue;
      const lab = el.id ? main.querySelector('label[for="' + CSS.escape(el.id) + '"]') : el.closest("label");
      const type = el.type;
      const role = el.tagName === "SELECT" ? "combobox" : type === "range" ? "slider" : type === "number" ? "spinbutton" : type === "text" ? "textbox" : type === "checkbox" ? "checkbox" : "label:" + type;
      out.push({ role, label: lab && lab.textContent ? lab.textContent.trim() : "(no visible label)", id: tag(el) });
    }
    for (const el of Array.from(main.querySelectorAll("button"))) {
      if (!el.checkVisibility()) continue;
      out.push({ role: "button", label: (el.textContent || "").trim(), id: tag(el) });
    }
    const labels = Array.from(main.querySelectorAll("svg .axis-label")).map((t) => (t.textContent || "").trim());
    for (const el of Array.from(main.querySelectorAll('[role="slider"][data-marker]'))) {
      const name = el.getAttribute("aria-label") || "";
      out.push({ role: "slider", label: labels.includes(name) ? name : '(aria-label "' + name + '" is not a visible axis label)', id: tag(el) });
    }
    return out;
  })()`)) as { role: string; label: string; id: string }[];
  for (const it of items) {
    // inputs without an ARIA role of their own (type=date): located by their label (accessible-name match)
    const loc = it.role.startsWith("label:") ? page.getByLabel(it.label, { exact: true }) : page.getByRole(it.role as "button", { name: it.label, exact: true });
    const ids = await loc.evaluateAll((els) => els.map((e) => e.getAttribute("data-a11y")));
    assert.ok(ids.includes(it.id), `${it.role} labelled "${it.label}" does not have that accessible name`);
  }
  return items.length;
}
