"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { inviteCodeSchema, type CohortInvitePreview, type Membership } from "@/lib/protocol/instructor-api";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { cohortMembershipApi, joinPath } from "@/lib/client/instructor-client";
import { useAccount } from "@/components/account/use-account";
import { buttonStyles } from "@/components/ui/button-styles";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";

/**
 * `/join/<code>`: who invites the learner and to what, then Join. Anonymous visitors are sent to
 * sign up or sign in and come back here; after joining, the learner is told what the instructor
 * sees (progress and terminal output) before they go to the levels.
 */
export function JoinCohortPage({ code: rawCode }: { code: string }) {
  const { account } = useAccount();
  const parsed = inviteCodeSchema.safeParse(rawCode);
  const code = parsed.success ? parsed.data : null;
  const [preview, setPreview] = useState<CohortInvitePreview | null>(null);
  const [error, setError] = useState<ActionableError | null>(
    parsed.success ? null : { code: "invalid-code", message: parsed.error.issues[0]?.message ?? "This is not an invite code.", action: "Check the link your instructor sent, or type the code on your profile page." },
  );
  const [joining, setJoining] = useState(false);
  const [membership, setMembership] = useState<Membership | null>(null);

  useEffect(() => {
    if (!code) return;
    void cohortMembershipApi.invitePreview(code).then((r) => (r.ok ? setPreview(r.value) : setError(r.error)));
  }, [code]);

  async function join() {
    if (!code) return;
    setJoining(true);
    setError(null);
    const result = await cohortMembershipApi.join({ code });
    setJoining(false);
    if (result.ok) setMembership(result.value.membership);
    else setError(result.error);
  }

  const back = code ? joinPath(code) : "/";
  const signedIn = Boolean(account?.username);

  if (membership) {
    return (
      <section data-testid="join-done" aria-labelledby="join-done-heading" className="space-y-4">
        <h1 id="join-done-heading" className="text-2xl font-semibold tracking-tight text-white">
          You joined {membership.name}
        </h1>
        <div role="status" className="space-y-2 rounded-xl border border-ok/30 bg-ok-soft/40 p-4 text-sm leading-relaxed text-fg">
          <p>
            {membership.instructorName} can now see your progress on each level: your grades with their evidence, time spent, attempts,
            hints and XP.
          </p>
          <p>
            <strong className="text-white">Your terminal is recorded</strong> for {membership.instructorName}: what it shows while you play a
            level is kept for a limited time, so they can replay it to help you. Your instructor can also grade and reset your level
            environment.
          </p>
          <p className="text-muted">
            You can leave the cohort at any time from{" "}
            <Link href="/profile" className="text-accent underline underline-offset-2 hover:text-white">
              your profile
            </Link>
            .
          </p>
        </div>
        <Link href="/" className={buttonStyles.primary} data-testid="join-go-to-levels">
          Go to the levels
        </Link>
      </section>
    );
  }

  return (
    <section aria-labelledby="join-heading" className="space-y-5" data-testid="join-page">
      <h1 id="join-heading" className="text-2xl font-semibold tracking-tight text-white">
        Join a cohort
      </h1>
      {error && <ErrorCallout error={error} testId="join-error" />}
      {code && !preview && !error && (
        <p className="flex items-center gap-2 text-sm text-muted" role="status">
          <Spinner /> Looking up the invitation…
        </p>
      )}
      {preview && (
        <div className="space-y-5">
          <div className="rounded-xl border border-line bg-surface p-5" data-testid="join-preview">
            <p className="text-xs font-semibold tracking-wide text-muted uppercase">You are invited to</p>
            <p className="mt-1 text-xl font-semibold text-white" data-testid="join-cohort-name">
              {preview.name}
            </p>
            <p className="mt-1 text-sm text-muted">
              run by <span className="text-fg" data-testid="join-instructor-name">{preview.instructorName}</span>
            </p>
          </div>
          <p className="text-sm leading-relaxed text-muted">
            Joining shows {preview.instructorName} your progress on each level and <strong className="text-fg">records your terminal</strong>{" "}
            while you play, so they can replay it. They can also grade and reset your level environment.
          </p>
          {account === null ? (
            <Spinner />
          ) : signedIn ? (
            <button type="button" onClick={() => void join()} disabled={joining} className={buttonStyles.primary} data-testid="join-cohort">
              {joining && <Spinner />}
              Join {preview.name}
            </button>
          ) : (
            <div className="rounded-xl border border-line bg-surface p-4 text-sm" data-testid="join-needs-account">
              <p className="text-fg">A cohort needs an account, so your instructor knows who you are.</p>
              <p className="mt-1 text-muted">Levels you already played in this browser come with you. You come back here afterwards.</p>
              <div className="mt-3 flex flex-wrap gap-2">
                <Link href={`/sign-up?next=${encodeURIComponent(back)}`} className={buttonStyles.primary} data-testid="join-sign-up">
                  Create an account
                </Link>
                <Link href={`/sign-in?next=${encodeURIComponent(back)}`} className={buttonStyles.secondary} data-testid="join-sign-in">
                  Sign in
                </Link>
              </div>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
