import { redirect } from "next/navigation";
import { getSessionUser } from "@/server/auth/session";
import { ROLE_HOME } from "@/server/auth/roles";
import { LoginForm } from "./LoginForm";

export const metadata = { title: "Sign in · Axilla" };

export default async function LoginPage() {
  const user = await getSessionUser();
  if (user) redirect(ROLE_HOME[user.role]);
  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      <LoginForm />
    </section>
  );
}
