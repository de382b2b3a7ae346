// The one place that reads process.env for the server. Every variable is validated with zod; a bad
// value stops the process with a message naming the variable. Import `env()` (lazy, cached).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";

const schema = z.object({
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  UPLOAD_MAX_MB: z.coerce.number().positive().max(4096).default(200),
  SESSION_MAX_AGE_H: z.coerce.number().positive().max(24 * 30).default(8),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  // "inprocess" (default with PGlite) or "pgboss" (default when DATABASE_URL is set).
  JOBS_BACKEND: z.enum(["inprocess", "pgboss"]).optional(),
});

export type Env = z.infer<typeof schema> & { dataDir: string; jobsBackend: "inprocess" | "pgboss" };

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parse an environment object (defaults to process.env). Throws EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings count as "not set" (handy for `FOO= npm start`).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const r = schema.safeParse(cleaned);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message} (got ${JSON.stringify(source[String(i.path[0])])})`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  const e = r.data;
  return {
    ...e,
    dataDir: resolve(/* turbopackIgnore: true */ e.DATA_DIR),
    jobsBackend: e.JOBS_BACKEND ?? (e.DATABASE_URL ? "pgboss" : "inprocess"),
  };
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** The auth secret: AUTH_SECRET, else DATA_DIR/secret (generated on first start, mode 0600, never committed). */
export function authSecret(e: Env = env()): string {
  if (e.AUTH_SECRET) return e.AUTH_SECRET;
  const file = join(/* turbopackIgnore: true */ e.dataDir, "secret");
  const dataDir = e.dataDir;
  if (!existsSync(/* turbopackIgnore: true */ file)) {
    mkdirSync(/* turbopackIgnore: true */ dataDir, { recursive: true });
    writeFileSync(/* turbopackIgnore: true */ file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  }
  return readFileSync(/* turbopackIgnore: true */ file, "utf8").trim();
}
