import type { Metadata } from "next";
import { PageShell } from "@/components/account/page-shell";
import { InstructorGate } from "@/components/instructor/instructor-gate";
import { LearnerDetailPage } from "@/components/instructor/learner-detail";

export const metadata: Metadata = { title: "Learner" };

export default async function Page({ params }: { params: Promise<{ cohortId: string; learnerId: string }> }) {
  const { cohortId, learnerId } = await params;
  return (
    <PageShell width="max-w-7xl">
      <InstructorGate>
        <LearnerDetailPage cohortId={cohortId} learnerId={learnerId} />
      </InstructorGate>
    </PageShell>
  );
}
