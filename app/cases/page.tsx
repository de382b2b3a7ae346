import { requireUser } from "@/server/auth/session";
import { CasesClient } from "./CasesClient";
import "./cases.css";

export const metadata = { title: "Cases · Axilla" };

// Surgeon home: own cases (pseudonymous codes only), search, create.
export default async function CasesPage() {
  const user = await requireUser("surgeon");
  return (
    <section>
      <h1>Cases</h1>
      <p className="muted">
        Signed in as {user.name}. Cases carry a pseudonymous code only — never a patient&apos;s name or hospital number.
      </p>
      <CasesClient />
    </section>
  );
}
