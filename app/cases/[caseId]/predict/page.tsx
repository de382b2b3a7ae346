import { requireUser } from "@/server/auth/session";
import { PredictWorkspace } from "./PredictWorkspace";
import "./predict.css";

export const metadata = { title: "Prediction · Axilla" };

// Surgeon, part 2: clinical factors, live nomogram, charts and baselines for one case (issue 6).
export default async function PredictPage({ params }: { params: Promise<{ caseId: string }> }) {
  await requireUser("surgeon");
  const { caseId } = await params;
  return <PredictWorkspace caseId={caseId} />;
}
