"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { useAccount } from "@/components/account/use-account";
import { Spinner } from "@/components/ui/spinner";

/**
 * Shows the dashboard only to instructors. This is for the person's sake (a clear message
 * instead of a page of errors): the server refuses every dashboard request and event anyway.
 */
export function InstructorGate({ children }: { children: ReactNode }) {
  const { account } = useAccount();
  if (!account) {
    return (
      <p className="flex items-center gap-2 text-sm text-muted" role="status">
        <Spinner /> Checking your account…
      </p>
    );
  }
  if (account.role !== "instructor") {
    return (
      <section data-testid="not-instructor" aria-labelledby="not-instructor-heading" className="max-w-xl rounded-xl border border-line bg-surface p-6">
        <h1 id="not-instructor-heading" className="text-xl font-semibold text-white">
          This page is for instructors
        </h1>
        <p className="mt-2 text-sm leading-relaxed text-muted">
          The instructor dashboard shows a class&rsquo;s progress to the instructor who runs it.{" "}
          {account.username
            ? "Your account is a learner account. If your instructor gave you an invite link or code, open it to join their cohort."
            : "Sign in with an instructor account to use it."}
        </p>
        <p className="mt-4 flex flex-wrap gap-4 text-sm">
          {!account.username && (
            <Link href="/sign-in?next=/instructor" className="text-accent underline underline-offset-2 hover:text-white">
              Sign in
            </Link>
          )}
          <Link href="/profile" className="text-accent underline underline-offset-2 hover:text-white">
            Your profile and cohorts
          </Link>
          <Link href="/" className="text-accent underline underline-offset-2 hover:text-white">
            Back to the levels
          </Link>
        </p>
      </section>
    );
  }
  return <>{children}</>;
}
