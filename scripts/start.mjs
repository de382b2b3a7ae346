#!/usr/bin/env node
// `npm start`: build the production bundle when it is missing or older than the sources, then run
// `next start` on PORT (default 3000). The server migrates and seeds the database at start-up
// (instrumentation.ts -> server/init.ts). Environment: see README "Configuration".
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
process.chdir(root);
const next = join(root, "node_modules", ".bin", "next");
const port = process.env.PORT || "3000";
if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
  console.error(`Invalid PORT ${JSON.stringify(port)}: expected a number between 1 and 65535.`);
  process.exit(2);
}

/** Newest modification time among the files the build depends on. */
function newestSource() {
  let newest = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== "node_modules" && !name.startsWith(".")) walk(join(p, name));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ["app", "server", "lib", "instrumentation.ts", "next.config.mjs", "package-lock.json", "tsconfig.json"]) walk(p);
  return newest;
}

const buildId = join(root, ".next", "BUILD_ID");
const stale = !existsSync(buildId) || statSync(buildId).mtimeMs < newestSource() || process.env.AXILLA_FORCE_BUILD === "1";
if (stale) {
  console.log("Building Axilla (next build)…");
  const t0 = Date.now();
  const r = spawnSync(next, ["build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(`Build finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const child = spawn(next, ["start", "-p", port], {
  stdio: ["inherit", "pipe", "inherit"],
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PORT: port },
});
let announced = false;
child.stdout.on("data", (buf) => {
  process.stdout.write(buf);
  if (!announced && /Ready|started server|Local:/i.test(String(buf))) {
    announced = true;
    console.log(
      [
        "",
        `Axilla is running at http://localhost:${port}`,
        "Demo accounts (DEMO ONLY — change or remove before any real use):",
        "  surgeon@demo.axilla / surgeon-demo   (surgeon -> /cases)",
        "  board@demo.axilla   / board-demo     (tumour board -> /board)",
        "  admin@demo.axilla   / admin-demo     (admin -> /admin/models)",
        `Data folder: ${process.env.DATABASE_URL ? "PostgreSQL at DATABASE_URL" : resolve(process.env.DATA_DIR || "./data")}`,
        "",
      ].join("\n"),
    );
  }
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
