import { requireUser } from "@/server/auth/session";
import { AdminNav } from "../models/AdminNav";
import { Runs } from "./Runs";

export const metadata = { title: "Training runs · Axilla" };

export default async function RunsPage({ searchParams }: { searchParams: Promise<{ cohort?: string }> }) {
  await requireUser("admin");
  const { cohort } = await searchParams;
  return (
    <section>
      <h1>Training runs</h1>
      <AdminNav />
      <Runs cohortId={cohort && /^[0-9a-f-]{36}$/i.test(cohort) ? cohort : null} />
    </section>
  );
}
