import { notFound } from "next/navigation";
import { api } from "@/server/api/caller";
import { requireUser } from "@/server/auth/session";
import { CaseNav } from "./CaseNav";
import { CaseWorkspace } from "./CaseWorkspace";
import "../cases.css";

export const metadata = { title: "Case · Axilla" };

// Server shell of the case page: access is checked here (same rule as the tRPC procedures); the viewer,
// ROI tools and upload are the client component (read-only unless cases.get says canEdit).
export default async function CasePage({ params }: { params: Promise<{ caseId: string }> }) {
  const user = await requireUser("surgeon", "board");
  const { caseId } = await params;
  const c = await (await api()).cases.get({ id: caseId }).catch(() => null);
  if (!c) notFound();
  // board members have no case list: back to their meetings
  const back = user.role === "board" ? { href: "/board", label: "← Meetings" } : { href: "/cases", label: "← All cases" };
  return (
    <section className="case-page">
      <CaseNav caseId={c.id} back={back} showPredict={user.role === "surgeon"} initialStale={c.radscore?.stale ?? false} />
      <CaseWorkspace caseId={c.id} caseCode={c.caseCode} />
    </section>
  );
}
