import type { Metadata } from "next";
import { AuthForm } from "@/components/account/auth-form";
import { PageShell } from "@/components/account/page-shell";

export const metadata: Metadata = { title: "Create your account" };

export default async function Page({ searchParams }: { searchParams: Promise<{ next?: string; invite?: string }> }) {
  const { next, invite } = await searchParams;
  return (
    <PageShell width="max-w-md">
      <h1 className="text-2xl font-semibold tracking-tight text-white">Create your account</h1>
      <p className="mt-2 mb-6 text-sm text-muted">
        Keep your XP, achievements and place on the leaderboard. Anything you already played in this browser comes with you.
      </p>
      <AuthForm mode="sign-up" next={typeof next === "string" ? next : "/"} invite={typeof invite === "string" && invite !== "" ? invite : undefined} />
    </PageShell>
  );
}
