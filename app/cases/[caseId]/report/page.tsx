import { notFound } from "next/navigation";
import { z } from "zod";
import { requireUser } from "@/server/auth/session";
import { ReportView } from "./ReportView";
import "../predict/predict.css";
import "./report.css";

export const metadata = { title: "Report · Axilla" };

const isUuid = (s: unknown): s is string => typeof s === "string" && z.uuid().safeParse(s).success;

// Case report (print CSS) with the PDF download (issue 6). Surgeons (own cases) and board members (cases on a meeting).
// A malformed case or prediction id is the normal "not found" page (the tRPC input check would show its raw
// validation JSON). `?meeting=<id>` (set by the meeting page) makes the back link return to that meeting.
export default async function ReportPage({
  params,
  searchParams,
}: {
  params: Promise<{ caseId: string }>;
  searchParams: Promise<{ prediction?: string | string[]; meeting?: string | string[] }>;
}) {
  const user = await requireUser("surgeon", "board");
  const { caseId } = await params;
  const { prediction, meeting } = await searchParams;
  if (!isUuid(caseId)) notFound();
  if (prediction !== undefined && !isUuid(prediction)) notFound();
  return <ReportView caseId={caseId} predictionId={prediction} role={user.role === "board" ? "board" : "surgeon"} meetingId={isUuid(meeting) ? meeting : undefined} />;
}
