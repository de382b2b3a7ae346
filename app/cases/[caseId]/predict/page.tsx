import { notFound } from "next/navigation";
import { z } from "zod";
import { requireUser } from "@/server/auth/session";
import { PredictWorkspace } from "./PredictWorkspace";
import "./predict.css";

export const metadata = { title: "Prediction · Axilla" };

// Surgeon, part 2: clinical factors, live nomogram, charts and baselines for one case (issue 6).
// A malformed case id is the normal "not found" page (the tRPC input check would show its raw validation JSON).
export default async function PredictPage({ params }: { params: Promise<{ caseId: string }> }) {
  await requireUser("surgeon");
  const { caseId } = await params;
  if (!z.uuid().safeParse(caseId).success) notFound();
  return <PredictWorkspace caseId={caseId} />;
}
