// next-auth 4 configuration: credentials (email + bcrypt password), JWT sessions that expire after
// SESSION_MAX_AGE_H hours, the role and user id carried in the token. Sign-in successes and
// failures are audited; failures feed the login rate limit.
import { eq } from "drizzle-orm";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { audit } from "../audit.ts";
import { getDb } from "../db/index.ts";
import { users } from "../db/schema.ts";
import { authSecret, env } from "../env.ts";
import { verifyPassword } from "./password.ts";
import { loginBlocked, RATE_LIMIT_MESSAGE } from "./rate-limit.ts";
import { isRole, type Role } from "./roles.ts";

// next-auth v4 derives its URL from the request host when NEXTAUTH_URL is unset and this is on.
process.env.AUTH_TRUST_HOST ??= "true";

/** Client address from proxy headers (best effort; used for the rate limit and a hashed audit field). */
export function clientIp(headers: Record<string, string | string[] | undefined> | Headers | undefined): string {
  const get = (k: string): string | undefined => {
    if (!headers) return undefined;
    if (headers instanceof Headers) return headers.get(k) ?? undefined;
    const v = headers[k];
    return Array.isArray(v) ? v[0] : v;
  };
  return (get("x-forwarded-for")?.split(",")[0] ?? get("x-real-ip") ?? "unknown").trim();
}

export async function authorizeCredentials(
  email: string,
  password: string,
  ip: string,
): Promise<{ id: string; email: string; name: string; role: Role }> {
  const { db } = await getDb();
  const [u] = await db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1);
  if (await loginBlocked(db, { userId: u?.id ?? null, ip })) {
    await audit(db, { action: "auth.signin", outcome: "denied", objectType: "user", detail: { reason: "rate_limited" }, ip });
    throw new Error(RATE_LIMIT_MESSAGE);
  }
  const ok = u ? await verifyPassword(password, u.passwordHash) : false;
  if (!u || !ok || !isRole(u.role)) {
    // this audit row is also what the rate limit counts
    await audit(db, {
      actorId: u?.id ?? null,
      action: "auth.signin",
      outcome: "failure",
      objectType: "user",
      objectId: u?.id ?? null,
      detail: { reason: u ? "bad_password" : "unknown_account" },
      ip,
    });
    throw new Error("Wrong email or password.");
  }
  await audit(db, { actorId: u.id, actorRole: u.role, action: "auth.signin", outcome: "success", objectType: "user", objectId: u.id, ip });
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const maxAge = Math.round(env().SESSION_MAX_AGE_H * 3600);
  cached = {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge },
    jwt: { maxAge },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const email = String(credentials?.email ?? "").trim();
          const password = String(credentials?.password ?? "");
          if (!email || !password) throw new Error("Enter your email and password.");
          return authorizeCredentials(email, password, clientIp(req?.headers as Record<string, string> | undefined));
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          const u = user as { id: string; role: Role };
          token.uid = u.id;
          token.role = u.role;
        }
        return token;
      },
      async session({ session, token }) {
        if (session.user) {
          session.user.id = String(token.uid ?? "");
          session.user.role = isRole(token.role) ? token.role : undefined;
        }
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        const { db } = await getDb();
        await audit(db, { actorId: (token?.uid as string) ?? null, actorRole: (token?.role as string) ?? null, action: "auth.signout", outcome: "success" });
      },
    },
  };
  return cached;
}
