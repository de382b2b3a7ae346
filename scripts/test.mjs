#!/usr/bin/env node
// The README's test command: lint, typecheck, production build (for browser tests), then every
// test file (unit, integration, e2e) in one run of Node's test runner.
//   npm test                      -> everything
//   npm test -- tests/unit/x.test.ts [more files or folders]  -> just those files, no lint/build
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";

const root = resolve(new URL("..", import.meta.url).pathname);
process.chdir(root);

function collect(dir, out = []) {
  if (!existsSync(dir)) return out;
  const st = statSync(dir);
  if (st.isFile()) {
    if (/\.test\.(ts|tsx|mjs)$/.test(dir)) out.push(dir);
    return out;
  }
  for (const name of readdirSync(dir).sort()) {
    if (name === "fixtures" || name === "artifacts" || name === "node_modules") continue;
    collect(join(dir, name), out);
  }
  return out;
}

function run(label, cmd, args, env = {}) {
  const t0 = Date.now();
  console.log(`\n== ${label}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  console.log(`== ${label} finished in ${((Date.now() - t0) / 1000).toFixed(1)} s (exit ${r.status})`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const bin = (name) => join(root, "node_modules", ".bin", name);
const args = process.argv.slice(2);
const selected = args.length > 0;
const files = (selected ? args : ["tests/unit", "tests/integration", "tests/e2e", "tests/reliability"]).flatMap((a) => collect(a));

if (!selected) {
  run("lint", bin("eslint"), ["--max-warnings=0", "."]);
  run("typecheck", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]);
}
if (files.some((f) => f.includes("tests/e2e")) && existsSync("app") && process.env.AXILLA_SKIP_BUILD !== "1") {
  run("build", bin("next"), ["build"], { NEXT_TELEMETRY_DISABLED: "1" });
}
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
run("tests", process.execPath, [
  "--import", "tsx",
  "--test",
  "--test-reporter=spec",
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
  ...files,
], {
  NODE_ENV: "test",
  NEXT_TELEMETRY_DISABLED: "1",
  // tests never write into the checkout's ./data (a developer's portal data): anything that falls back to
  // DATA_DIR gets a throwaway folder
  DATA_DIR: process.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), "axilla-test-data-")),
});
