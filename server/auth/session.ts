// Session helpers for server components, layouts and route handlers.
//   const user = await requireUser("surgeon");   // redirects to /login, or to the user's own home
//   const maybe = await getSessionUser();          // null when signed out
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
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
