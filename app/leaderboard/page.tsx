import type { Metadata } from "next";
import { PageShell } from "@/components/account/page-shell";
import { LeaderboardPage } from "@/components/leaderboard/leaderboard-page";

export const metadata: Metadata = { title: "Leaderboard" };

export default function Page() {
  return (
    <PageShell width="max-w-3xl">
      <LeaderboardPage />
    </PageShell>
  );
}
