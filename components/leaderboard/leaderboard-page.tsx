"use client";

import { useCallback, useEffect, useState } from "react";
import type { LeaderboardRowView, LeaderboardView } from "@/lib/protocol/account-api";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { apiGet } from "@/lib/client/account-client";
import { getSocket } from "@/lib/client/socket";
import { buttonStyles } from "@/components/ui/button-styles";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";
import { XpBadge } from "@/components/ui/xp-badge";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function Row({ row }: { row: LeaderboardRowView }) {
  return (
    <tr data-testid={row.you ? "leaderboard-you" : "leaderboard-row"} className={row.you ? "bg-accent-soft/60" : "odd:bg-surface/40"}>
      <td className="px-3 py-2 font-mono text-sm tabular-nums text-muted" data-testid="leaderboard-rank">
        {row.rank}
      </td>
      <td className="px-3 py-2 text-sm text-fg">
        {row.displayName ?? <span className="text-muted italic">Anonymous learner</span>}
        {row.you && <span className="ml-2 text-xs font-semibold text-accent">(you)</span>}
      </td>
      <td className="px-3 py-2 text-right">
        <XpBadge xp={row.xp} />
      </td>
      <td className="hidden px-3 py-2 text-right text-xs text-muted sm:table-cell">
        <time dateTime={row.reachedAt}>{dateFormat.format(new Date(row.reachedAt))}</time>
      </td>
    </tr>
  );
}

/**
 * All-time or this week's standings, globally or per cohort, a page at a time; refetched live
 * when anyone scores (`leaderboard:changed`).
 */
export function LeaderboardPage() {
  const [period, setPeriod] = useState<"all" | "week">("all");
  const [cohort, setCohort] = useState("");
  const [page, setPage] = useState(1);
  const [view, setView] = useState<LeaderboardView | null>(null);
  const [error, setError] = useState<ActionableError | null>(null);

  const load = useCallback(() => {
    const params = new URLSearchParams({ period, page: String(page) });
    if (cohort) params.set("cohort", cohort);
    void apiGet<LeaderboardView>(`/api/leaderboard?${params}`).then((r) => {
      if (r.ok) {
        setView(r.value);
        setError(null);
      } else setError(r.error);
    });
  }, [period, cohort, page]);

  useEffect(() => {
    load();
    const socket = getSocket();
    socket.on("leaderboard:changed", load);
    return () => {
      socket.off("leaderboard:changed", load);
    };
  }, [load]);

  const pages = view ? Math.max(1, Math.ceil(view.total / view.pageSize)) : 1;
  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight text-white">Leaderboard</h1>
      <p className="mt-2 text-sm text-muted">
        Ranked by XP; on equal XP, whoever got there first ranks higher. Updates live when anyone scores.
      </p>

      <div className="mt-6 flex flex-wrap items-center gap-3">
        <div role="group" aria-label="Period" className="inline-flex rounded-md border border-line-strong p-0.5">
          {(["all", "week"] as const).map((p) => (
            <button
              key={p}
              type="button"
              aria-pressed={period === p}
              data-testid={`period-${p}`}
              onClick={() => {
                setPeriod(p);
                setPage(1);
              }}
              className={`rounded px-3 py-1 text-sm ${period === p ? "bg-overlay text-white" : "text-muted hover:text-fg"}`}
            >
              {p === "all" ? "All time" : "This week"}
            </button>
          ))}
        </div>
        {view && view.cohorts.length > 0 && (
          <label className="flex items-center gap-2 text-sm text-muted">
            Cohort
            <select
              value={cohort}
              onChange={(e) => {
                setCohort(e.target.value);
                setPage(1);
              }}
              className="h-8 rounded-md border border-line-strong bg-canvas px-2 text-sm text-fg"
            >
              <option value="">Everyone</option>
              {view.cohorts.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>

      {error && <ErrorCallout error={error} onRetry={load} className="mt-4" />}
      {!view && !error && (
        <p className="mt-6 flex items-center gap-2 text-sm text-muted">
          <Spinner /> Loading…
        </p>
      )}
      {view && (
        <>
          {view.you ? (
            <p className="mt-5 text-sm text-fg" data-testid="your-place">
              Your place: <strong className="text-white">#{view.you.rank}</strong> of {view.total} with {view.you.xp} XP.
            </p>
          ) : (
            <p className="mt-5 text-sm text-muted">Pass a level with an account to appear here.</p>
          )}
          {view.rows.length === 0 ? (
            <p className="mt-6 text-sm text-muted">Nobody has scored in this period yet.</p>
          ) : (
            <table className="mt-4 w-full border-collapse overflow-hidden rounded-lg border border-line" data-testid="leaderboard">
              <caption className="sr-only">
                {period === "all" ? "All-time" : "This week's"} leaderboard, page {view.page} of {pages}
              </caption>
              <thead className="bg-surface text-left text-xs tracking-wide text-muted uppercase">
                <tr>
                  <th scope="col" className="px-3 py-2">
                    Rank
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Learner
                  </th>
                  <th scope="col" className="px-3 py-2 text-right">
                    XP
                  </th>
                  <th scope="col" className="hidden px-3 py-2 text-right sm:table-cell">
                    Reached
                  </th>
                </tr>
              </thead>
              <tbody>
                {view.rows.map((row) => (
                  <Row key={`${row.rank}`} row={row} />
                ))}
              </tbody>
            </table>
          )}
          {pages > 1 && (
            <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm text-muted">
              <button type="button" className={buttonStyles.secondary} disabled={page <= 1} onClick={() => setPage(page - 1)}>
                Previous
              </button>
              <span>
                Page {view.page} of {pages}
              </span>
              <button type="button" className={buttonStyles.secondary} disabled={page >= pages} onClick={() => setPage(page + 1)}>
                Next
              </button>
            </nav>
          )}
        </>
      )}
    </div>
  );
}
