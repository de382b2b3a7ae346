// Login rate limit: at most 5 failed sign-ins per minute per account (since its last successful sign-in) and per
// client address; the next attempt inside the window is refused before the password is even checked.
// The failures are counted from the audit log, which records every failed sign-in anyway (account id, hashed
// address, database time): so the limit holds across every server process sharing the database and across
// restarts, without a second store of attempts.
import { and, eq, gt, sql } from "drizzle-orm";
import { hashIp } from "../audit.ts";
import type { Db } from "../db/index.ts";
import { auditLog } from "../db/schema.ts";

export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 60_000;

export const RATE_LIMIT_MESSAGE = "Too many failed sign-in attempts. Please wait a minute and try again.";

/**
 * True when, inside the window (database clock), the address has `max` failed sign-ins, or the account has `max`
 * failed sign-ins after its last successful one. Unknown accounts are limited by address only (there is no account
 * to protect). Attempts refused by the limit itself are audited as "denied" and do not extend it.
 */
export async function loginBlocked(
  db: Db,
  who: { userId: string | null; ip: string | null },
  opts: { max?: number; windowMs?: number } = {},
): Promise<boolean> {
  const max = opts.max ?? LOGIN_MAX_FAILURES;
  const windowS = (opts.windowMs ?? LOGIN_WINDOW_MS) / 1000;
  const ipHash = hashIp(who.ip);
  if (!ipHash && !who.userId) return false;
  const lastSuccess = sql`(select max(s.at) from ${auditLog} s where s.action = 'auth.signin' and s.outcome = 'success' and s.object_id = ${who.userId})`;
  const [r] = await db
    .select({
      byAddress: sql<number>`count(*) filter (where ${auditLog.ipHash} = ${ipHash})`.mapWith(Number),
      byAccount: sql<number>`count(*) filter (where ${auditLog.objectId} = ${who.userId} and ${auditLog.at} > coalesce(${lastSuccess}, '-infinity'::timestamptz))`.mapWith(Number),
    })
    .from(auditLog)
    .where(and(eq(auditLog.action, "auth.signin"), eq(auditLog.outcome, "failure"), gt(auditLog.at, sql`now() - make_interval(secs => ${windowS})`)));
  return (r?.byAddress ?? 0) >= max || (r?.byAccount ?? 0) >= max;
}
