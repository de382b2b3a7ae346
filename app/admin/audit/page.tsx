import { requireUser } from "@/server/auth/session";
import { AdminNav } from "../models/AdminNav";
import { AuditTable } from "./AuditTable";

export const metadata = { title: "Audit log · Axilla" };

export default async function AuditPage() {
  await requireUser("admin");
  return (
    <section>
      <h1>Audit log</h1>
      <AdminNav />
      <AuditTable />
    </section>
  );
}
