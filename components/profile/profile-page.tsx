"use client";

import Link from "next/link";
import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import type { ProfileView, SessionInfo } from "@/lib/protocol/account-api";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { apiGet, apiSend } from "@/lib/client/account-client";
import { getSocket } from "@/lib/client/socket";
import { buttonStyles } from "@/components/ui/button-styles";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";
import { XpBadge } from "@/components/ui/xp-badge";
import { YourCohorts } from "@/components/cohorts/your-cohorts";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function minutes(ms: number | null): string {
  if (ms === null) return "—";
  const m = Math.max(1, Math.round(ms / 60_000));
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function Settings({ profile, onSaved }: { profile: ProfileView; onSaved: () => void }) {
  const id = useId();
  const [error, setError] = useState<ActionableError | null>(null);
  const [saved, setSaved] = useState(false);
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setSaved(false);
    const result = await apiSend<SessionInfo>("PATCH", "/api/profile/settings", {
      displayName: String(data.get("displayName") ?? ""),
      publicOnLeaderboard: data.get("publicOnLeaderboard") === "on",
    });
    if (result.ok) {
      setError(null);
      setSaved(true);
      onSaved();
    } else setError(result.error);
  }
  return (
    <form onSubmit={(e) => void onSubmit(e)} className="space-y-3">
      {error && <ErrorCallout error={error} />}
      <div>
        <label htmlFor={`${id}-name`} className="block text-sm font-medium text-fg">
          Display name
        </label>
        <input
          id={`${id}-name`}
          name="displayName"
          defaultValue={profile.account.displayName ?? ""}
          required
          maxLength={40}
          className="mt-1 h-9 w-full max-w-sm rounded-md border border-line-strong bg-canvas px-3 text-sm text-fg focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/40"
        />
      </div>
      <label className="flex items-center gap-2 text-sm text-fg">
        <input type="checkbox" name="publicOnLeaderboard" defaultChecked={profile.account.publicOnLeaderboard} className="h-4 w-4 accent-accent" />
        Show my display name on the leaderboard (otherwise I appear as &ldquo;Anonymous learner&rdquo;)
      </label>
      <div className="flex items-center gap-3">
        <button type="submit" className={buttonStyles.secondary}>
          Save settings
        </button>
        {saved && (
          <span role="status" className="text-sm text-ok">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

function DeleteAccount({ username }: { username: string }) {
  const id = useId();
  const [error, setError] = useState<ActionableError | null>(null);
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const result = await apiSend<SessionInfo>("DELETE", "/api/profile", { confirmUsername: String(data.get("confirm") ?? "") });
    if (result.ok) window.location.assign("/");
    else setError(result.error);
  }
  return (
    <form onSubmit={(e) => void onSubmit(e)} className="space-y-3">
      <p className="text-sm text-muted">
        Deletes your account, XP, achievements, grades and history for good. Type <strong className="text-fg">{username}</strong> to confirm.
      </p>
      {error && <ErrorCallout error={error} />}
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor={`${id}-confirm`} className="block text-sm font-medium text-fg">
            Your username
          </label>
          <input
            id={`${id}-confirm`}
            name="confirm"
            required
            autoComplete="off"
            className="mt-1 h-9 rounded-md border border-line-strong bg-canvas px-3 text-sm text-fg focus:border-bad focus:outline-none"
          />
        </div>
        <button type="submit" className={buttonStyles.danger}>
          Delete my account
        </button>
      </div>
    </form>
  );
}

/** The learner's XP, passed levels, achievements (with dates), attempts, settings and data. */
export function ProfilePage() {
  const [profile, setProfile] = useState<ProfileView | null>(null);
  const [error, setError] = useState<ActionableError | null>(null);
  const load = useCallback(() => {
    void apiGet<ProfileView>("/api/profile").then((r) => (r.ok ? setProfile(r.value) : setError(r.error)));
  }, []);
  useEffect(() => {
    load();
    const socket = getSocket();
    socket.on("xp:awarded", load);
    return () => {
      socket.off("xp:awarded", load);
    };
  }, [load]);

  if (error) return <ErrorCallout error={error} onRetry={load} />;
  if (!profile) {
    return (
      <p className="flex items-center gap-2 text-sm text-muted">
        <Spinner /> Loading your profile…
      </p>
    );
  }
  const { account } = profile;
  return (
    <div className="space-y-10">
      <section>
        <h1 className="text-2xl font-semibold tracking-tight text-white" data-testid="profile-name">
          {account.displayName ?? "Anonymous learner"}
        </h1>
        {account.username ? (
          <p className="mt-1 text-sm text-muted">
            @{account.username}
            {account.role === "instructor" && " · instructor"}
          </p>
        ) : (
          <p className="mt-2 text-sm text-muted">
            You are playing anonymously.{" "}
            <Link href="/sign-up" className="text-accent underline underline-offset-2 hover:text-white">
              Create an account
            </Link>{" "}
            to keep this progress and appear on the leaderboard.
          </p>
        )}
        <dl className="mt-5 grid grid-cols-2 gap-3 sm:grid-cols-4">
          {[
            ["XP", <span key="xp" data-testid="profile-xp" data-xp={account.xp}>
              <XpBadge xp={account.xp} />
            </span>],
            ["Levels passed", <span key="lp" data-testid="profile-levels-passed">{profile.levelsPassed}</span>],
            ["Rank (all time)", <span key="ra" data-testid="profile-rank">{profile.place.allTime ? `#${profile.place.allTime}` : "—"}</span>],
            ["Rank (this week)", <span key="rw">{profile.place.week ? `#${profile.place.week}` : "—"}</span>],
          ].map(([label, value]) => (
            <div key={String(label)} className="rounded-lg border border-line bg-surface px-4 py-3">
              <dt className="text-xs tracking-wide text-muted uppercase">{label}</dt>
              <dd className="mt-1 text-lg font-semibold text-white">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="achievements-heading">
        <h2 id="achievements-heading" className="text-lg font-semibold text-white">
          Achievements
        </h2>
        {profile.achievements.length === 0 ? (
          <p className="mt-2 text-sm text-muted">None yet: pass a level to earn your first.</p>
        ) : (
          <ul className="mt-3 grid gap-3 sm:grid-cols-2" data-testid="achievements">
            {profile.achievements.map((a) => (
              <li key={a.id} data-testid={`achievement-${a.id}`} className="rounded-lg border border-xp/30 bg-xp/5 px-4 py-3">
                <p className="font-medium text-white">
                  <span aria-hidden="true" className="mr-1.5 text-xp">
                    ★
                  </span>
                  {a.title}
                </p>
                <p className="mt-0.5 text-sm text-muted">{a.description}</p>
                <p className="mt-1 text-xs text-faint">
                  Earned <time dateTime={a.earnedAt}>{dateFormat.format(new Date(a.earnedAt))}</time>
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="levels-heading">
        <h2 id="levels-heading" className="text-lg font-semibold text-white">
          Levels
        </h2>
        {profile.levels.length === 0 ? (
          <p className="mt-2 text-sm text-muted">
            No levels played yet. <Link href="/" className="text-accent underline underline-offset-2 hover:text-white">Pick one</Link>.
          </p>
        ) : (
          <table className="mt-3 w-full text-left text-sm" data-testid="profile-levels">
            <thead className="text-xs tracking-wide text-muted uppercase">
              <tr>
                <th scope="col" className="py-2 pr-3">Level</th>
                <th scope="col" className="py-2 pr-3">Status</th>
                <th scope="col" className="py-2 pr-3 text-right">Attempts</th>
                <th scope="col" className="py-2 pr-3 text-right">Hints</th>
                <th scope="col" className="py-2 pr-3 text-right">Time</th>
                <th scope="col" className="py-2 text-right">XP</th>
              </tr>
            </thead>
            <tbody>
              {profile.levels.map((l) => (
                <tr key={l.levelId} className="border-t border-line">
                  <td className="py-2 pr-3 text-fg">
                    <Link href={`/levels/${l.levelId}`} className="hover:underline">
                      {l.number !== null && <span className="mr-1.5 font-mono text-xs text-muted">{l.number}</span>}
                      {l.title}
                    </Link>
                  </td>
                  <td className="py-2 pr-3">
                    {l.passedAt ? (
                      <span className="text-ok">Passed{l.chaosPassedAt ? " + chaos" : ""}</span>
                    ) : (
                      <span className="text-muted">In progress</span>
                    )}
                    {l.solutionRevealed && <span className="ml-1 text-xs text-faint">(solution seen)</span>}
                  </td>
                  <td className="py-2 pr-3 text-right tabular-nums">{l.attempts}</td>
                  <td className="py-2 pr-3 text-right tabular-nums">{l.hintsOpened}</td>
                  <td className="py-2 pr-3 text-right tabular-nums">{minutes(l.timeSpentMs)}</td>
                  <td className="py-2 text-right tabular-nums">{l.xp}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading" className="text-lg font-semibold text-white">
          Attempt history
        </h2>
        {profile.attempts.length === 0 ? (
          <p className="mt-2 text-sm text-muted">No grades yet.</p>
        ) : (
          <ol className="mt-3 space-y-1 text-sm">
            {profile.attempts.map((a, i) => (
              <li key={`${a.createdAt}-${i}`} className="flex flex-wrap gap-x-3 text-muted">
                <time dateTime={a.createdAt} className="tabular-nums">
                  {dateTimeFormat.format(new Date(a.createdAt))}
                </time>
                <span className="text-fg">{a.levelId}</span>
                <span>{a.round === "chaos" ? "chaos round" : "main round"}</span>
                <span className={a.passed ? "text-ok" : "text-bad"}>
                  {a.passed ? "passed" : "failed"} ({a.checksPassed}/{a.checks} checks)
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>

      {account.username && (
        <>
          <section aria-labelledby="cohorts-heading">
            <h2 id="cohorts-heading" className="mb-3 text-lg font-semibold text-white">
              Your cohorts
            </h2>
            <YourCohorts />
          </section>
          <section aria-labelledby="settings-heading">
            <h2 id="settings-heading" className="mb-3 text-lg font-semibold text-white">
              Settings
            </h2>
            <Settings profile={profile} onSaved={load} />
          </section>
          <section aria-labelledby="data-heading">
            <h2 id="data-heading" className="mb-3 text-lg font-semibold text-white">
              Your data
            </h2>
            <a href="/api/profile/export" download className={buttonStyles.secondary} data-testid="export-data">
              Export my data (JSON)
            </a>
            <div className="mt-6 rounded-lg border border-bad/40 bg-bad-soft/30 p-4">
              <h3 className="mb-2 text-sm font-semibold text-bad">Delete account</h3>
              <DeleteAccount username={account.username} />
            </div>
          </section>
        </>
      )}
    </div>
  );
}
