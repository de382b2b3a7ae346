import Link from "next/link";
import { requireUser } from "@/server/auth/session";
import { AdminNav } from "../../models/AdminNav";
import { RunProgress } from "../RunProgress";

export const metadata = { title: "Training run · Axilla" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser("admin");
  const { id } = await params;
  return (
    <section>
      <h1>Training run</h1>
      <AdminNav />
      <p>
        <Link href="/admin/runs">← All runs</Link>
      </p>
      <RunProgress runId={id} />
    </section>
  );
}
