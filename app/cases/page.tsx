import { requireUser } from "@/server/auth/session";

export const metadata = { title: "Cases · Axilla" };

// Surgeon home (placeholder — the surgeon UI fills this in).
export default async function CasesPage() {
  const user = await requireUser("surgeon");
  return (
    <section>
      <h1>Cases</h1>
      <p>Signed in as {user.name}. Your pseudonymous cases will be listed here.</p>
    </section>
  );
}
