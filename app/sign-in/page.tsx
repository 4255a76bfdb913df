import type { Metadata } from "next";
import { AuthForm } from "@/components/account/auth-form";
import { PageShell } from "@/components/account/page-shell";

export const metadata: Metadata = { title: "Sign in" };

export default async function Page({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <PageShell width="max-w-md">
      <h1 className="text-2xl font-semibold tracking-tight text-white">Sign in</h1>
      <p className="mt-2 mb-6 text-sm text-muted">
        Welcome back. Your XP and levels are waiting.
      </p>
      <AuthForm mode="sign-in" next={typeof next === "string" ? next : "/"} />
    </PageShell>
  );
}
