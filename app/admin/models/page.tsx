import { requireUser } from "@/server/auth/session";
import { AdminNav } from "./AdminNav";
import { VersionsTable } from "./VersionsTable";

export const metadata = { title: "Models · Axilla" };

// Admin home: model versions (publish / roll back / retire from each version's page), links to cohorts and runs.
export default async function ModelsPage() {
  await requireUser("admin");
  return (
    <section>
      <h1>Model versions</h1>
      <AdminNav />
      <VersionsTable />
    </section>
  );
}
