"use client";

import { useId, useState } from "react";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { instructorApi } from "@/lib/client/instructor-client";
import { buttonStyles } from "@/components/ui/button-styles";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";
import { CopyButton } from "./copy-button";

/**
 * "Invite an instructor": makes a single-use sign-up link whose account becomes an instructor.
 * Each click makes a new link; a link works once.
 */
export function InstructorInvite() {
  const id = useId();
  const [link, setLink] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ActionableError | null>(null);

  async function invite() {
    setBusy(true);
    setError(null);
    const result = await instructorApi.inviteInstructor();
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setLink(`${window.location.origin}/sign-up?invite=${encodeURIComponent(result.value.invite)}`);
  }

  return (
    <section aria-labelledby={`${id}-heading`} className="rounded-xl border border-line bg-surface p-5" data-testid="instructor-invite">
      <h2 id={`${id}-heading`} className="text-lg font-semibold text-white">
        Invite an instructor
      </h2>
      <p className="mt-1 max-w-2xl text-sm text-muted">
        A colleague who signs up through this link gets an instructor account with cohorts of their own. The link works once; make one per
        person.
      </p>
      {error && <ErrorCallout error={error} className="mt-3" />}
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <button type="button" onClick={() => void invite()} disabled={busy} className={buttonStyles.secondary} data-testid="make-instructor-invite">
          {busy && <Spinner />}
          {link ? "Make another link" : "Make an invitation link"}
        </button>
        {link && (
          <>
            <label htmlFor={`${id}-link`} className="sr-only">
              Instructor invitation link
            </label>
            <input
              id={`${id}-link`}
              readOnly
              value={link}
              data-testid="instructor-invite-link"
              className="h-9 min-w-72 flex-1 rounded-md border border-line-strong bg-canvas px-3 font-mono text-xs text-fg focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/40"
            />
            <CopyButton text={link} label="Copy the instructor invitation link" fallbackInputId={`${id}-link`} testId="copy-instructor-invite" />
          </>
        )}
      </div>
    </section>
  );
}
