import type { Metadata } from "next";
import { PageShell } from "@/components/account/page-shell";
import { JoinCohortPage } from "@/components/cohorts/join-cohort-page";

export const metadata: Metadata = { title: "Join a cohort" };

export default async function Page({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return (
    <PageShell width="max-w-xl">
      <JoinCohortPage code={code} />
    </PageShell>
  );
}
