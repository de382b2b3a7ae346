import { notFound } from "next/navigation";
import { api } from "@/server/api/caller";
import { requireUser } from "@/server/auth/session";
import { CaseWorkspace } from "./CaseWorkspace";
import "../cases.css";

export const metadata = { title: "Case · Axilla" };

// Server shell of the case page: access is checked here (same rule as the tRPC procedures); the viewer,
// ROI tools and upload are the client component.
export default async function CasePage({ params }: { params: Promise<{ caseId: string }> }) {
  await requireUser("surgeon", "board");
  const { caseId } = await params;
  let c: { id: string; caseCode: string };
  try {
    c = await (await api()).cases.get({ id: caseId });
  } catch {
    notFound();
  }
  return (
    <section className="case-page">
      <p>
        <a href="/cases">← All cases</a>
      </p>
      <CaseWorkspace caseId={c.id} caseCode={c.caseCode} />
    </section>
  );
}
