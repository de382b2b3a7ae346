// Session helpers for server components, layouts and route handlers.
//   const user = await requireUser("surgeon");          // redirects to /login, or to the user's own home
//   const maybe = await getSessionUser();                 // null when signed out (server components)
//   const u = await sessionUserFromRequest(req);          // route handlers: the same answer from the request's cookie
import { getServerSession } from "next-auth";
import { decode, type JWT } from "next-auth/jwt";
import { redirect } from "next/navigation";
import { authSecret } from "../env.ts";
import { authOptions } from "./options.ts";
import { isRole, ROLE_HOME, type Role, type SessionUser } from "./roles.ts";

export async function getSessionUser(): Promise<SessionUser | null> {
  const s = await getServerSession(authOptions());
  const u = s?.user;
  if (!u?.id || !isRole(u.role)) return null;
  return { id: u.id, email: u.email ?? "", name: u.name ?? "", role: u.role };
}

/** Signed-in user with one of `roles` (any role when none given); otherwise redirect. */
export async function requireUser(...roles: Role[]): Promise<SessionUser> {
  const u = await getSessionUser();
  if (!u) redirect("/login");
  if (roles.length > 0 && !roles.includes(u.role)) redirect(ROLE_HOME[u.role]);
  return u;
}

// ------------------------------------------------------------------------------------------- route handlers
// The tRPC and pixel routes read the session straight from the request's cookie: decrypt the next-auth JWT
// (the same `decode` getServerSession uses, same secret, same expiry check) and map it exactly as the session
// callback does. getServerSession runs next-auth's whole request handler for this (cookie jar, callbacks, a
// re-encoded token it cannot set from a route handler): ~10% of a prediction request's CPU under load.

/** next-auth v4's session cookie (the __Secure- name when NEXTAUTH_URL is https); large tokens are chunked as name.0, name.1, … */
const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** The session JWT carried by a Cookie header, chunks joined; null when there is none. */
export function sessionTokenFromCookieHeader(header: string | null): string | null {
  if (!header) return null;
  const jar = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  for (const name of SESSION_COOKIES) {
    const whole = jar.get(name);
    if (whole) return decodeURIComponent(whole);
    const chunks: string[] = [];
    for (let i = 0; jar.has(`${name}.${i}`); i++) chunks.push(jar.get(`${name}.${i}`)!);
    if (chunks.length) return decodeURIComponent(chunks.join(""));
  }
  return null;
}

/** The session callback's mapping (server/auth/options.ts): uid and role from the token, name and email as next-auth copies them. */
function userOfToken(t: JWT): SessionUser | null {
  const id = typeof t.uid === "string" ? t.uid : "";
  if (!id || !isRole(t.role)) return null;
  return { id, email: typeof t.email === "string" ? t.email : "", name: typeof t.name === "string" ? t.name : "", role: t.role };
}

/** Decrypted tokens by their exact text (a token is immutable; its expiry is re-checked on every use). Bounded:
 *  the oldest entry goes first. Only tokens that decrypted and mapped to a user are kept. */
const decoded = new Map<string, { user: SessionUser; expMs: number }>();
const DECODED_MAX = 2000;
let secret: string | undefined; // authSecret() may read DATA_DIR/secret: once per process, as authOptions() does

export async function sessionUserFromToken(token: string | null, nowMs = Date.now()): Promise<SessionUser | null> {
  if (!token) return null;
  const hit = decoded.get(token);
  if (hit) {
    if (hit.expMs > nowMs) return hit.user;
    decoded.delete(token);
    return null;
  }
  let payload: JWT | null;
  try {
    payload = await decode({ token, secret: (secret ??= authSecret()) }); // A256GCM, key = HKDF(secret), the secret authOptions() uses; rejects expired tokens
  } catch {
    return null; // tampered, foreign-key or expired token: signed out (as getServerSession answers)
  }
  const user = payload ? userOfToken(payload) : null;
  if (!user || typeof payload?.exp !== "number") return null;
  if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value!);
  decoded.set(token, { user, expMs: (payload.exp + 15) * 1000 }); // jose's clockTolerance of 15 s, as decode applied it
  return user;
}

/** The signed-in user of a route handler's request (null when signed out or the token is invalid or expired). */
export function sessionUserFromRequest(req: Request): Promise<SessionUser | null> {
  return sessionUserFromToken(sessionTokenFromCookieHeader(req.headers.get("cookie")));
}
