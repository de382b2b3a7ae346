// Browser-test harness.
//   const srv = await startServer();            // next start on a free port, fresh temp DATA_DIR
//   const browser = await launchBrowser();      // headless /usr/bin/chromium via playwright-core
//   const page = await browser.newPage();
//   await login(page, srv.url, "surgeon");      // lands on the role's home
//   ... await browser.close(); await srv.stop();
// Requires a production build (`npm test` builds first; `node scripts/test.mjs tests/e2e` too).
// When /usr/bin/chromium is missing, browser tests are skipped with a message (`skipBrowser`) —
// except under CI=true, where that is an error.
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
