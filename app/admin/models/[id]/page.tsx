import Link from "next/link";
import { requireUser } from "@/server/auth/session";
import { ReportView } from "../ReportView";
import { VersionHeader } from "../VersionActions";
import { AdminNav } from "../AdminNav";

export const metadata = { title: "Model version · Axilla" };

export default async function VersionPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser("admin");
  const { id } = await params;
  return (
    <section>
      <AdminNav />
      <p className="no-print">
        <Link href="/admin/models">← All versions</Link>
      </p>
      <VersionHeader versionId={id} />
      <ReportView versionId={id} />
    </section>
  );
}
