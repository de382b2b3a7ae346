import { requireUser } from "@/server/auth/session";
import { MeetingView } from "./MeetingView";
import "../board.css";
import "../../cases/[caseId]/predict/predict.css";

export const metadata = { title: "Meeting · Axilla" };

export default async function MeetingPage({ params }: { params: Promise<{ meetingId: string }> }) {
  await requireUser("board", "surgeon");
  const { meetingId } = await params;
  return <MeetingView meetingId={meetingId} />;
}
