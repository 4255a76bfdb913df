"use client";

import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import type { SessionInfo } from "@/lib/protocol/account-api";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { apiSend } from "@/lib/client/account-client";
import { buttonStyles } from "@/components/ui/button-styles";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";

const inputClass =
  "mt-1 block h-10 w-full rounded-md border border-line-strong bg-canvas px-3 text-sm text-fg placeholder:text-faint focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/40 aria-[invalid=true]:border-bad";

function Field({
  label,
  name,
  type = "text",
  autoComplete,
  hint,
  invalid,
  minLength,
  maxLength,
}: {
  label: string;
  name: string;
  type?: string;
  autoComplete: string;
  hint?: string;
  invalid: boolean;
  minLength?: number;
  maxLength?: number;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-fg">
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        required
        autoComplete={autoComplete}
        minLength={minLength}
        maxLength={maxLength}
        aria-invalid={invalid}
        aria-describedby={hint ? `${id}-hint` : undefined}
        data-testid={`field-${name}`}
        className={inputClass}
      />
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-muted">
          {hint}
        </p>
      )}
    </div>
  );
}

/** The other form keeps where the person was going (e.g. back to a cohort's join page). */
function withNext(path: string, next: string): string {
  return next === "/" ? path : `${path}?next=${encodeURIComponent(next)}`;
}

/**
 * Sign-up and sign-in forms. On success the browser navigates (a full load), so the socket
 * reconnects with the new session cookie.
 */
export function AuthForm({ mode, next = "/", invite }: { mode: "sign-up" | "sign-in"; next?: string; invite?: string | undefined }) {
  const [error, setError] = useState<(ActionableError & { field?: string }) | null>(null);
  const [busy, setBusy] = useState(false);
  const signUp = mode === "sign-up";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (k: string) => String(data.get(k) ?? "");
    setBusy(true);
    setError(null);
    const body = signUp
      ? { username: text("username"), password: text("password"), displayName: text("displayName"), ...(invite ? { invite } : {}) }
      : { username: text("username"), password: text("password") };
    const result = await apiSend<SessionInfo>("POST", signUp ? "/api/auth/sign-up" : "/api/auth/sign-in", body);
    if (result.ok) {
      // Only same-site paths: `next` comes from the address bar. A new instructor starts on
      // their dashboard.
      const home = result.value.account.role === "instructor" ? "/instructor" : "/";
      window.location.assign(next.startsWith("/") && !next.startsWith("//") && next !== "/" ? next : home);
      return;
    }
    setBusy(false);
    setError(result.error);
  }

  const field = error?.field;
  return (
    <form onSubmit={(e) => void onSubmit(e)} className="space-y-4" noValidate={false} data-testid={`${mode}-form`}>
      {signUp && invite && (
        <p className="rounded-md border border-accent/40 bg-accent/10 px-3 py-2 text-sm text-fg" data-testid="instructor-invite-notice">
          You were invited as an <strong>instructor</strong>: this account will be able to create cohorts and follow their learners.
        </p>
      )}
      {error && <ErrorCallout error={error} testId="auth-error" />}
      <Field
        label="Username"
        name="username"
        autoComplete="username"
        invalid={field === "username" || error?.code === "username-taken"}
        {...(signUp ? { hint: "3–32 letters, digits, '-' or '_'. You sign in with it.", minLength: 3, maxLength: 32 } : {})}
      />
      {signUp && (
        <Field
          label="Display name"
          name="displayName"
          autoComplete="nickname"
          hint="Shown on the leaderboard. You can appear there anonymously instead: change it on your profile later."
          invalid={field === "displayName"}
          maxLength={40}
        />
      )}
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete={signUp ? "new-password" : "current-password"}
        invalid={field === "password" || error?.code === "bad-credentials"}
        {...(signUp ? { hint: "At least 10 characters.", minLength: 10 } : {})}
      />
      <button type="submit" disabled={busy} className={`${buttonStyles.primary} w-full`} data-testid={`${mode}-submit`}>
        {busy && <Spinner />}
        {signUp ? "Create account" : "Sign in"}
      </button>
      <p className="text-center text-sm text-muted">
        {signUp ? (
          <>
            Already have an account?{" "}
            <Link href={withNext("/sign-in", next)} className="text-accent underline underline-offset-2 hover:text-white">
              Sign in
            </Link>
          </>
        ) : (
          <>
            New here?{" "}
            <Link href={withNext("/sign-up", next)} className="text-accent underline underline-offset-2 hover:text-white">
              Create an account
            </Link>{" "}
            (levels you played keep their progress)
          </>
        )}
      </p>
    </form>
  );
}
