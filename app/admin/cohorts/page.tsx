import { requireUser } from "@/server/auth/session";
import { AdminNav } from "../models/AdminNav";
import { CohortImport } from "./CohortImport";

export const metadata = { title: "Cohorts · Axilla" };

export default async function CohortsPage() {
  await requireUser("admin");
  return (
    <section>
      <h1>Cohorts</h1>
      <AdminNav />
      <CohortImport />
    </section>
  );
}
