import { requireUser } from "@/server/auth/session";
import { ReportView } from "./ReportView";
import "../predict/predict.css";
import "./report.css";

export const metadata = { title: "Report · Axilla" };

// Case report (print CSS) with the PDF download (issue 6). Surgeons (own cases) and board members (cases on a meeting).
export default async function ReportPage({ params, searchParams }: { params: Promise<{ caseId: string }>; searchParams: Promise<{ prediction?: string }> }) {
  await requireUser("surgeon", "board");
  const { caseId } = await params;
  const { prediction } = await searchParams;
  return <ReportView caseId={caseId} predictionId={prediction} />;
}
