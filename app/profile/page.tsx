import type { Metadata } from "next";
import { PageShell } from "@/components/account/page-shell";
import { ProfilePage } from "@/components/profile/profile-page";

export const metadata: Metadata = { title: "Your profile" };

export default function Page() {
  return (
    <PageShell width="max-w-4xl">
      <ProfilePage />
    </PageShell>
  );
}
