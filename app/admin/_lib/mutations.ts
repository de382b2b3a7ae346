"use client";
// Shared helpers of the admin pages: one in-flight submission per control (a double click never sends twice) and
// readable tRPC errors (a zod validation error shows its messages, never the raw issue JSON).
import { useCallback, useRef, useState } from "react";

/**
 * Guard a submission against double clicks: `run(fn)` ignores calls while one is in flight (checked on a ref,
 * so a second click in the same frame — before React re-renders the disabled button — is dropped too).
 * `pending` is true from the first click until `fn` settles. Errors are returned, not thrown.
 */
export function useSubmitGuard() {
  const busy = useRef(false);
  const [pending, setPending] = useState(false);
  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | null> => {
    if (busy.current) return null;
    busy.current = true;
    setPending(true);
    try {
      return { ok: true, value: await fn() };
    } catch (error) {
      return { ok: false, error };
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, []);
  return { run, pending };
}

type ZodIssueLike = { path?: (string | number)[]; message?: string };

function issuesFromJson(message: string): ZodIssueLike[] | null {
  const s = message.trim();
  if (!s.startsWith("[")) return null;
  try {
    const j = JSON.parse(s) as unknown;
    if (Array.isArray(j) && j.length > 0 && j.every((x) => x && typeof x === "object" && typeof (x as ZodIssueLike).message === "string")) return j as ZodIssueLike[];
  } catch {
    // not JSON
  }
  return null;
}

/**
 * The text to show for an error of a tRPC call: the messages of a zod validation error (from error.data.zodError,
 * which the server's errorFormatter fills, or parsed from a raw issue list), otherwise the error's message.
 */
export function errorText(e: unknown): string {
  if (!e) return "";
  const data = (e as { data?: { zodError?: ZodIssueLike[] | null } }).data;
  const fromData = data?.zodError && data.zodError.length > 0 ? data.zodError : null;
  const msg = e instanceof Error ? e.message : typeof e === "string" ? e : String(e);
  const issues = fromData ?? issuesFromJson(msg);
  if (issues) return Array.from(new Set(issues.map((i) => i.message ?? "").filter(Boolean))).join(" ");
  return msg;
}
