import { redirect } from "next/navigation";
import { getSessionUser } from "@/server/auth/session";
import { ROLE_HOME } from "@/server/auth/roles";

/** "/" sends each role to its home, or to /login. */
export default async function Home() {
  const user = await getSessionUser();
  redirect(user ? ROLE_HOME[user.role] : "/login");
}
