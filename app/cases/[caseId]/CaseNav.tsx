"use client";
// Section links of a case. The prediction link says so when the latest Rad-score is out of date (an ROI was saved
// after it): it reads the same cases.get query as the workspace, so it changes as soon as an ROI is saved.
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_trpc/client";

export function CaseNav({ caseId, back, showPredict, initialStale }: { caseId: string; back: { href: string; label: string }; showPredict: boolean; initialStale: boolean }) {
  const trpc = useTRPC();
  const caseQ = useQuery(trpc.cases.get.queryOptions({ id: caseId }));
  const stale = caseQ.data ? (caseQ.data.radscore?.stale ?? false) : initialStale;
  return (
    <nav aria-label="Case sections" className="case-tabs">
      <a href={back.href}>{back.label}</a>
      <a href={`/cases/${caseId}`} aria-current="page">
        Images and ROI
      </a>
      {showPredict && <a href={`/cases/${caseId}/predict`}>{stale ? "Prediction and nomogram (Rad-score out of date)" : "Prediction and nomogram"}</a>}
      <a href={`/cases/${caseId}/report`}>Report</a>
    </nav>
  );
}
