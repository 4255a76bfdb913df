"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { CohortAnalytics, LevelAnalytics } from "@/lib/protocol/instructor-api";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { analyticsCsvUrl, instructorApi } from "@/lib/client/instructor-client";
import { buttonStyles } from "@/components/ui/button-styles";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";
import { bucketDurations, formatRate, hintBars } from "./analytics-charts";
import { BarChart, ColumnChart } from "./charts";
import { formatElapsed } from "./format-time";
import { createLatestGate } from "./latest-response";

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function LevelCharts({ level }: { level: LevelAnalytics }) {
  const times = [...level.timeToSolveMs].sort((a, b) => a - b);
  const buckets = bucketDurations(times);
  const med = median(times);
  const hints = hintBars(level.learnersStarted, level.learnersByHintsOpened);
  const learners = (n: number) => `${n} ${n === 1 ? "learner" : "learners"}`;
  const hardest = level.checks.filter((c) => c.rate !== null).sort((a, b) => (a.rate ?? 0) - (b.rate ?? 0))[0];

  return (
    <section aria-labelledby={`analytics-${level.levelId}`} data-testid={`analytics-level-${level.levelId}`} className="space-y-4">
      <div>
        <h3 id={`analytics-${level.levelId}`} className="text-base font-semibold text-white">
          <span className="mr-2 font-mono text-sm text-accent">Level {level.number}</span>
          {level.title}
        </h3>
        <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm text-muted">
          <div>
            <dt className="inline">Started: </dt>
            <dd className="inline text-fg tabular-nums">{level.learnersStarted}</dd>
          </div>
          <div>
            <dt className="inline">Passed: </dt>
            <dd className="inline text-fg tabular-nums">{level.learnersPassed}</dd>
          </div>
          <div>
            <dt className="inline">Grade runs: </dt>
            <dd className="inline text-fg tabular-nums">{level.gradeRuns}</dd>
          </div>
          <div>
            <dt className="inline">Hints opened: </dt>
            <dd className="inline text-fg tabular-nums">{level.hintsOpenedTotal}</dd>
          </div>
          <div>
            <dt className="inline">Solutions revealed: </dt>
            <dd className="inline text-fg tabular-nums">{level.solutionsRevealed}</dd>
          </div>
        </dl>
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        <div className="xl:col-span-2">
          <BarChart
            testId="chart-check-pass-rate"
            title="Pass rate of each check across grade runs"
            summary={
              level.gradeRuns === 0
                ? "No grade runs yet."
                : `${level.checks.length} checks over ${level.gradeRuns} grade runs.${hardest ? ` Lowest: ${hardest.title} at ${formatRate(hardest.rate)}.` : ""}`
            }
            valueHeader="Passed / runs"
            max={1}
            data={level.checks.map((c) => ({
              label: c.title,
              value: c.rate ?? 0,
              display: c.rate === null ? "no runs" : `${formatRate(c.rate)} (${c.passed}/${c.runs})`,
              tone: c.rate === null ? "idle" : c.rate >= 0.8 ? "ok" : c.rate >= 0.5 ? "warn" : "bad",
            }))}
          />
        </div>
        {buckets.length === 0 ? (
          <p className="rounded-xl border border-dashed border-line-strong p-6 text-sm text-muted" data-testid="chart-time-to-solve-empty">
            Time to solve appears once a learner passes this level.
          </p>
        ) : (
          <ColumnChart
            testId="chart-time-to-solve"
            title="Time to solve (first start to pass)"
            summary={`${learners(times.length)} passed; median ${med === null ? "—" : formatElapsed(med)}, fastest ${formatElapsed(times[0]!)}, slowest ${formatElapsed(times.at(-1)!)}.`}
            valueHeader="Learners"
            data={buckets.map((b) => ({ label: b.label, value: b.count, display: learners(b.count) }))}
          />
        )}
        <BarChart
          testId="chart-hint-use"
          title="Hint use"
          summary={`${level.hintsOpenedTotal} hints opened by ${learners(level.learnersByHintsOpened[0] ?? 0)} of ${level.learnersStarted} who started; ${level.solutionsRevealed} revealed the solution.`}
          valueHeader="Learners"
          data={[
            ...hints.map((h) => ({ label: h.label, value: h.learners, display: learners(h.learners), tone: "xp" as const })),
            { label: "Revealed the solution", value: level.solutionsRevealed, display: learners(level.solutionsRevealed), tone: "warn" as const },
          ]}
        />
      </div>
    </section>
  );
}

/**
 * Cohort analytics per level: pass rate of each check across grade runs, the distribution of
 * time to solve, hint use; each chart with its data table, and CSV downloads of the raw tables.
 */
export function AnalyticsPanel({ cohortId, active }: { cohortId: string; active: boolean }) {
  const [analytics, setAnalytics] = useState<CohortAnalytics | null>(null);
  const [error, setError] = useState<ActionableError | null>(null);
  const [loading, setLoading] = useState(false);

  // Refresh pressed again, or the tab shown again, while a load is on its way: the newest wins.
  const gate = useRef(createLatestGate());
  const load = useCallback(() => {
    const isLatest = gate.current.begin();
    setLoading(true);
    void instructorApi.analytics(cohortId).then((r) => {
      if (!isLatest()) return;
      setLoading(false);
      if (r.ok) {
        setAnalytics(r.value);
        setError(null);
      } else setError(r.error);
    });
  }, [cohortId]);

  // Loaded when the tab is first shown, and again each time it is shown (numbers move while a class runs).
  useEffect(() => {
    if (active) load();
  }, [active, load]);
  useEffect(() => {
    const current = gate.current;
    return () => current.invalidate();
  }, []);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <a href={analyticsCsvUrl(cohortId, "checks")} download className={buttonStyles.secondary} data-testid="download-checks-csv">
          Download CSV: checks
        </a>
        <a href={analyticsCsvUrl(cohortId, "learners")} download className={buttonStyles.secondary} data-testid="download-learners-csv">
          Download CSV: learners
        </a>
        {/* Not `disabled` while loading: the focused button would lose focus to the page's top. */}
        <button
          type="button"
          onClick={() => {
            if (!loading) load();
          }}
          aria-disabled={loading}
          className={`${buttonStyles.ghost} aria-disabled:cursor-wait aria-disabled:opacity-60`}
          data-testid="refresh-analytics"
        >
          {loading && <Spinner />}
          Refresh
        </button>
        {/* Always in the page, so a refresh is announced when it lands. */}
        <span role="status" className="text-xs text-faint" data-testid="analytics-as-of">
          {loading && analytics ? (
            "Refreshing…"
          ) : analytics ? (
            <>
              As of <time dateTime={analytics.generatedAt}>{new Date(analytics.generatedAt).toLocaleTimeString()}</time> · {analytics.learners}{" "}
              {analytics.learners === 1 ? "learner" : "learners"}
            </>
          ) : null}
        </span>
      </div>
      {error && <ErrorCallout error={error} onRetry={load} testId="analytics-error" />}
      {!analytics && !error && (
        <p className="flex items-center gap-2 text-sm text-muted" role="status">
          <Spinner /> Loading analytics…
        </p>
      )}
      {analytics &&
        (analytics.levels.length === 0 ? (
          <p className="text-sm text-muted">No level has been started in this cohort yet.</p>
        ) : (
          analytics.levels.map((level) => <LevelCharts key={level.levelId} level={level} />)
        ))}
    </div>
  );
}
