import type { Metadata } from "next";
import { PageShell } from "@/components/account/page-shell";
import { CohortDashboard } from "@/components/instructor/cohort-dashboard";
import { InstructorGate } from "@/components/instructor/instructor-gate";

export const metadata: Metadata = { title: "Cohort dashboard" };

export default async function Page({ params }: { params: Promise<{ cohortId: string }> }) {
  const { cohortId } = await params;
  return (
    <PageShell width="max-w-7xl">
      <InstructorGate>
        <CohortDashboard cohortId={cohortId} />
      </InstructorGate>
    </PageShell>
  );
}
