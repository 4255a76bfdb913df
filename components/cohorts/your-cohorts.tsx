"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { inviteCodeSchema, type Membership } from "@/lib/protocol/instructor-api";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { cohortMembershipApi, joinPath } from "@/lib/client/instructor-client";
import { buttonStyles } from "@/components/ui/button-styles";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** "Have a code?": goes to the join page of a typed invite code (which shows the cohort first). */
export function JoinCodeForm() {
  const id = useId();
  const router = useRouter();
  const [error, setError] = useState<ActionableError | null>(null);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = inviteCodeSchema.safeParse(String(new FormData(event.currentTarget).get("code") ?? ""));
    if (!parsed.success) {
      setError({ code: "invalid-code", message: parsed.error.issues[0]?.message ?? "That is not an invite code.", action: "Type the 8 characters your instructor gave you." });
      return;
    }
    setError(null);
    router.push(joinPath(parsed.data));
  }
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-2" data-testid="join-code-form">
      <label htmlFor={`${id}-code`} className="block text-sm font-medium text-fg">
        Have a code?
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <input
          id={`${id}-code`}
          name="code"
          autoComplete="off"
          spellCheck={false}
          maxLength={20}
          placeholder="K7Q2MZ9P"
          aria-invalid={error !== null}
          aria-describedby={`${id}-hint`}
          data-testid="join-code-input"
          className="h-9 w-40 rounded-md border border-line-strong bg-canvas px-3 font-mono text-sm tracking-widest text-fg uppercase placeholder:text-faint focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/40 aria-[invalid=true]:border-bad"
        />
        <button type="submit" className={buttonStyles.secondary} data-testid="join-code-submit">
          Continue
        </button>
      </div>
      <p id={`${id}-hint`} className="text-xs text-muted">
        The 8-character code from your instructor. You see the cohort before you join.
      </p>
      {error && <ErrorCallout error={error} />}
    </form>
  );
}

/** The learner's cohorts, each with a Leave button, and the join-by-code form. */
export function YourCohorts() {
  const [memberships, setMemberships] = useState<Membership[] | null>(null);
  const [error, setError] = useState<ActionableError | null>(null);
  const [leaving, setLeaving] = useState<Membership | null>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => {
    void cohortMembershipApi.memberships().then((r) => (r.ok ? (setMemberships(r.value.memberships), setError(null)) : setError(r.error)));
  }, []);
  useEffect(load, [load]);

  async function leave(membership: Membership) {
    setLeaving(null);
    setBusy(true);
    const result = await cohortMembershipApi.leave(membership.cohortId);
    setBusy(false);
    if (result.ok) setMemberships((list) => (list ?? []).filter((m) => m.cohortId !== membership.cohortId));
    else setError(result.error);
  }

  return (
    <div className="space-y-4">
      {error && <ErrorCallout error={error} onRetry={load} />}
      {memberships === null && !error ? (
        <p className="flex items-center gap-2 text-sm text-muted">
          <Spinner /> Loading your cohorts…
        </p>
      ) : memberships && memberships.length === 0 ? (
        <p className="text-sm text-muted">You are in no cohort. An instructor&rsquo;s invite link or code adds you to their class.</p>
      ) : (
        <ul className="space-y-2" data-testid="memberships">
          {memberships?.map((m) => (
            <li key={m.cohortId} data-testid="membership" data-cohort-name={m.name} className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded-lg border border-line bg-surface px-4 py-3 text-sm">
              <span className="font-medium text-white">{m.name}</span>
              <span className="text-muted">instructor {m.instructorName}</span>
              <span className="text-faint">
                joined <time dateTime={m.joinedAt}>{dateFormat.format(new Date(m.joinedAt))}</time>
              </span>
              <button type="button" disabled={busy} onClick={() => setLeaving(m)} className={`${buttonStyles.ghost} ml-auto`} data-testid="leave-cohort">
                Leave
              </button>
            </li>
          ))}
        </ul>
      )}
      {memberships && memberships.length > 0 && (
        <p className="text-xs text-muted">Your instructors see your progress and replay your recorded terminal sessions while you are in their cohort.</p>
      )}
      <JoinCodeForm />
      <ConfirmDialog
        open={leaving !== null}
        title={`Leave ${leaving?.name ?? "this cohort"}?`}
        confirmLabel="Leave cohort"
        onConfirm={() => leaving && void leave(leaving)}
        onCancel={() => setLeaving(null)}
      >
        {leaving?.instructorName ?? "Your instructor"} stops seeing your progress and your terminal. To come back you need a new invite.
      </ConfirmDialog>
    </div>
  );
}
