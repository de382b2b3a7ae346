// Audit API (append-only). Record with `audit(db, { ... })`; read with `listAudit(db, …)`.
// There is deliberately no update or delete function; the database also refuses them (trigger).
// `detail` must never hold identifying data: ids, codes, counts and reasons only.
import { createHash } from "node:crypto";
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Db } from "./db/index.ts";
import { auditLog } from "./db/schema.ts";
import { logger } from "./log.ts";

export type AuditOutcome = "success" | "denied" | "failure";

export interface AuditEntry {
  actorId?: string | null;
  actorRole?: string | null;
  /** Dotted verb, e.g. "auth.signin", "cases.create", "trpc.denied". */
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  outcome: AuditOutcome;
  detail?: Record<string, unknown>;
  /** Raw client address; only its salted hash is stored. */
  ip?: string | null;
}

const log = logger("audit");

/** One-way hash of a client address (salted per installation by the auth secret when available). */
export function hashIp(ip: string | null | undefined, salt = process.env.AXILLA_IP_SALT ?? "axilla"): string | null {
  if (!ip) return null;
  return createHash("sha256").update(salt).update("\0").update(ip).digest("hex").slice(0, 32);
}

/** Append one audit row. Never throws into the caller's flow: a failed write is logged as an error. */
export async function audit(db: Db, e: AuditEntry): Promise<void> {
  try {
    await db.insert(auditLog).values({
      actorId: e.actorId ?? null,
      actorRole: e.actorRole ?? null,
      action: e.action,
      objectType: e.objectType ?? null,
      objectId: e.objectId ?? null,
      outcome: e.outcome,
      detail: e.detail ?? {},
      ipHash: hashIp(e.ip),
    });
  } catch (err) {
    log.error("audit write failed", { action: e.action, outcome: e.outcome, error: err });
  }
}

export async function listAudit(
  db: Db,
  q: { limit?: number; beforeId?: number; actorId?: string; action?: string; outcome?: AuditOutcome } = {},
) {
  const where: SQL[] = [];
  if (q.beforeId) where.push(lt(auditLog.id, q.beforeId));
  if (q.actorId) where.push(eq(auditLog.actorId, q.actorId));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.outcome) where.push(eq(auditLog.outcome, q.outcome));
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(Math.min(q.limit ?? 100, 1000));
}
