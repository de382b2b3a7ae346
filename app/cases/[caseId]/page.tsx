import { notFound } from "next/navigation";
import { api } from "@/server/api/caller";
import { requireUser } from "@/server/auth/session";
import { CaseWorkspace } from "./CaseWorkspace";
import "../cases.css";

export const metadata = { title: "Case · Axilla" };

// Server shell of the case page: access is checked here (same rule as the tRPC procedures); the viewer,
// ROI tools and upload are the client component.
export default async function CasePage({ params }: { params: Promise<{ caseId: string }> }) {
  const user = await requireUser("surgeon", "board");
  const { caseId } = await params;
  let c: { id: string; caseCode: string };
  try {
    c = await (await api()).cases.get({ id: caseId });
  } catch {
    notFound();
  }
  return (
    <section className="case-page">
      <nav aria-label="Case sections" className="case-tabs">
        <a href="/cases">← All cases</a>
        <a href={`/cases/${c.id}`} aria-current="page">
          Images and ROI
        </a>
        {user.role === "surgeon" && <a href={`/cases/${c.id}/predict`}>Prediction and nomogram</a>}
        <a href={`/cases/${c.id}/report`}>Report</a>
      </nav>
      <CaseWorkspace caseId={c.id} caseCode={c.caseCode} />
    </section>
  );
}
