"use client";

import Link from "next/link";
import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { cohortNameSchema, type CohortSummary } from "@/lib/protocol/instructor-api";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { instructorApi, joinPath } from "@/lib/client/instructor-client";
import { buttonStyles } from "@/components/ui/button-styles";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";
import { CopyButton } from "./copy-button";
import { InstructorInvite } from "./instructor-invite";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const inputClass =
  "h-9 rounded-md border border-line-strong bg-canvas px-3 text-sm text-fg placeholder:text-faint focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/40 aria-[invalid=true]:border-bad";

function CreateCohortForm({ onCreated }: { onCreated: (cohort: CohortSummary) => void }) {
  const id = useId();
  const [error, setError] = useState<ActionableError | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const raw = String(new FormData(form).get("name") ?? "");
    // The same rule the server applies, checked first so the message appears at once.
    const parsed = cohortNameSchema.safeParse(raw);
    if (!parsed.success) {
      setError({ code: "invalid-name", message: parsed.error.issues[0]?.message ?? "Check the cohort name.", action: "Type a name of 1 to 100 characters." });
      return;
    }
    setBusy(true);
    setError(null);
    const result = await instructorApi.createCohort({ name: parsed.data });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    form.reset();
    onCreated(result.value);
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-3" data-testid="create-cohort-form" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="text-lg font-semibold text-white">
        New cohort
      </h2>
      {error && <ErrorCallout error={error} testId="create-cohort-error" />}
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <label htmlFor={`${id}-name`} className="block text-sm font-medium text-fg">
            Cohort name
          </label>
          <input
            id={`${id}-name`}
            name="name"
            maxLength={100}
            aria-invalid={error?.code === "invalid-name"}
            aria-describedby={`${id}-hint`}
            placeholder="e.g. Platform team, March"
            data-testid="cohort-name"
            className={`${inputClass} mt-1 w-full`}
          />
          <p id={`${id}-hint`} className="mt-1 text-xs text-muted">
            Learners see this name when they open your invite link.
          </p>
        </div>
        <button type="submit" disabled={busy} className={`${buttonStyles.primary} mb-5`} data-testid="create-cohort">
          {busy && <Spinner />}
          Create cohort
        </button>
      </div>
    </form>
  );
}

function CohortCard({ cohort, onRotated }: { cohort: CohortSummary; onRotated: (cohort: CohortSummary) => void }) {
  const id = useId();
  const [origin, setOrigin] = useState("");
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ActionableError | null>(null);
  useEffect(() => setOrigin(window.location.origin), []);
  const link = `${origin}${joinPath(cohort.inviteCode)}`;

  async function rotate() {
    setConfirm(false);
    setBusy(true);
    setError(null);
    const result = await instructorApi.rotateInvite(cohort.id);
    setBusy(false);
    if (result.ok) onRotated(result.value);
    else setError(result.error);
  }

  return (
    <li data-testid="cohort-card" data-cohort-id={cohort.id} data-cohort-name={cohort.name} className="rounded-xl border border-line bg-surface p-5">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h3 className="text-base font-semibold text-white">
          <Link href={`/instructor/cohorts/${encodeURIComponent(cohort.id)}`} className="hover:underline" data-testid="open-cohort">
            {cohort.name}
          </Link>
        </h3>
        <p className="text-sm text-muted">
          <span data-testid="cohort-members" data-members={cohort.members}>
            {cohort.members} {cohort.members === 1 ? "learner" : "learners"}
          </span>
          <span aria-hidden="true"> · </span>
          created <time dateTime={cohort.createdAt}>{dateFormat.format(new Date(cohort.createdAt))}</time>
        </p>
      </div>
      {error && <ErrorCallout error={error} className="mt-3" />}
      <div className="mt-4 grid gap-3 md:grid-cols-[1fr_auto]">
        <div>
          <label htmlFor={`${id}-link`} className="block text-xs font-semibold tracking-wide text-muted uppercase">
            Invite link
          </label>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <input id={`${id}-link`} readOnly value={link} data-testid="invite-link" className={`${inputClass} min-w-72 flex-1 font-mono text-xs`} />
            <CopyButton text={link} label={`Copy the invite link of ${cohort.name}`} fallbackInputId={`${id}-link`} testId="copy-invite-link" />
          </div>
        </div>
        <div>
          <label htmlFor={`${id}-code`} className="block text-xs font-semibold tracking-wide text-muted uppercase">
            Code
          </label>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <input id={`${id}-code`} readOnly value={cohort.inviteCode} data-testid="invite-code" className={`${inputClass} w-32 font-mono tracking-widest`} />
            <CopyButton text={cohort.inviteCode} label={`Copy the invite code of ${cohort.name}`} fallbackInputId={`${id}-code`} testId="copy-invite-code" />
            <button type="button" onClick={() => setConfirm(true)} disabled={busy} className={`${buttonStyles.ghost}`} data-testid="rotate-invite">
              {busy && <Spinner />}
              New code
            </button>
          </div>
        </div>
      </div>
      <div className="mt-4">
        <Link href={`/instructor/cohorts/${encodeURIComponent(cohort.id)}`} className={buttonStyles.secondary}>
          Open dashboard
        </Link>
      </div>
      <ConfirmDialog
        open={confirm}
        title={`New invite code for ${cohort.name}?`}
        confirmLabel="Make a new code"
        onConfirm={() => void rotate()}
        onCancel={() => setConfirm(false)}
      >
        The current link and code (<span className="font-mono text-fg">{cohort.inviteCode}</span>) stop working at once. Learners who already
        joined stay in the cohort; anyone still to join needs the new link.
      </ConfirmDialog>
    </li>
  );
}

/** `/instructor`: the instructor's cohorts with their invite links, and a form to make one. */
export function CohortsHome() {
  const [cohorts, setCohorts] = useState<CohortSummary[] | null>(null);
  const [error, setError] = useState<ActionableError | null>(null);
  const load = useCallback(() => {
    setError(null);
    void instructorApi.listCohorts().then((r) => (r.ok ? setCohorts(r.value.cohorts) : setError(r.error)));
  }, []);
  useEffect(load, [load]);

  const replace = (cohort: CohortSummary) => setCohorts((list) => (list ?? []).map((c) => (c.id === cohort.id ? cohort : c)));

  return (
    <div className="space-y-10">
      <div>
        <p className="font-mono text-xs font-semibold tracking-widest text-accent uppercase">Instructor</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight text-white">Your cohorts</h1>
        <p className="mt-2 max-w-2xl text-sm text-muted">
          Share a cohort&rsquo;s invite link with your learners. Once they join you see their progress live, replay their terminals, grade
          and reset their environments.
        </p>
      </div>

      <CreateCohortForm onCreated={(cohort) => setCohorts((list) => [cohort, ...(list ?? [])])} />

      <section aria-labelledby="cohort-list-heading">
        <h2 id="cohort-list-heading" className="sr-only">
          Cohorts
        </h2>
        {error ? (
          <ErrorCallout error={error} onRetry={load} testId="cohorts-error" />
        ) : cohorts === null ? (
          <p className="flex items-center gap-2 text-sm text-muted" role="status">
            <Spinner /> Loading your cohorts…
          </p>
        ) : cohorts.length === 0 ? (
          <p className="rounded-xl border border-dashed border-line-strong p-8 text-center text-sm text-muted" data-testid="no-cohorts">
            No cohorts yet. Create one above, then share its invite link.
          </p>
        ) : (
          <ul className="space-y-4" data-testid="cohort-list">
            {cohorts.map((cohort) => (
              <CohortCard key={cohort.id} cohort={cohort} onRotated={replace} />
            ))}
          </ul>
        )}
      </section>

      <InstructorInvite />
    </div>
  );
}
