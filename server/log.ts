// Minimal structured logger (one JSON line per event on stderr). Rules: never pass request bodies,
// DICOM headers, file names from uploads or anything identifying a patient — log ids, counts and
// codes only. `redact()` drops well-known sensitive keys as a safety net, not as a licence.
import { env } from "./env.ts";

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = Exclude<keyof typeof levels, "silent">;

const SENSITIVE = /pass(word)?|secret|token|cookie|authorization|body|patient|name|birth|email|header|dicom/i;

export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SENSITIVE.test(k)) out[k] = "[redacted]";
    else if (v instanceof Error) out[k] = { name: v.name, message: v.message };
    else out[k] = v;
  }
  return out;
}

function threshold(): number {
  try {
    return levels[env().LOG_LEVEL];
  } catch {
    return levels.info;
  }
}

function write(level: Level, scope: string, msg: string, fields?: Record<string, unknown>) {
  if (levels[level] < threshold()) return;
  const line = { t: new Date().toISOString(), level, scope, msg, ...(fields ? redact(fields) : {}) };
  process.stderr.write(JSON.stringify(line) + "\n");
}

export type Logger = Record<Level, (msg: string, fields?: Record<string, unknown>) => void>;

export function logger(scope: string): Logger {
  return {
    debug: (m, f) => write("debug", scope, m, f),
    info: (m, f) => write("info", scope, m, f),
    warn: (m, f) => write("warn", scope, m, f),
    error: (m, f) => write("error", scope, m, f),
  };
}
