import { notFound } from "next/navigation";
import { z } from "zod";
import { requireUser } from "@/server/auth/session";
import { MeetingView } from "./MeetingView";
import "../board.css";
import "../../cases/[caseId]/predict/predict.css";

export const metadata = { title: "Meeting · Axilla" };

// A malformed meeting id is the normal "not found" page (the tRPC input check would show its raw validation JSON).
export default async function MeetingPage({ params }: { params: Promise<{ meetingId: string }> }) {
  await requireUser("board", "surgeon");
  const { meetingId } = await params;
  if (!z.uuid().safeParse(meetingId).success) notFound();
  return <MeetingView meetingId={meetingId} />;
}
