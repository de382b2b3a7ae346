import { requireUser } from "@/server/auth/session";
import { AdminNav } from "../models/AdminNav";
import { BaselinesEditor } from "./BaselinesEditor";

export const metadata = { title: "Literature baselines · Axilla" };

// Admin: edit the literature figures of the comparison panel (each keeps its citation; every edit audited).
export default async function BaselinesPage() {
  await requireUser("admin");
  return (
    <section>
      <h1>Literature baselines</h1>
      <AdminNav />
      <p>These figures appear next to the model in every prediction&apos;s comparison panel and report. Each edit is recorded in the audit log.</p>
      <BaselinesEditor />
    </section>
  );
}
