import type { Metadata } from "next";
import { PageShell } from "@/components/account/page-shell";
import { CohortsHome } from "@/components/instructor/cohorts-home";
import { InstructorGate } from "@/components/instructor/instructor-gate";

export const metadata: Metadata = { title: "Instructor dashboard" };

export default function Page() {
  return (
    <PageShell width="max-w-5xl">
      <InstructorGate>
        <CohortsHome />
      </InstructorGate>
    </PageShell>
  );
}
