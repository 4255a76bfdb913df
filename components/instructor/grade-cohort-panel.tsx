"use client";

import Link from "next/link";
import { useEffect, useReducer, useRef, useState } from "react";
import type { RosterView } from "@/lib/protocol/instructor-api";
import { instructorApi } from "@/lib/client/instructor-client";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useSocketEvent } from "@/lib/client/use-socket";
import { formatSeconds } from "@/components/level-page/environment-view";
import { useNow } from "@/components/level-page/use-ticker";
import { buttonStyles } from "@/components/ui/button-styles";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";
import { CheckDots } from "./check-dots";
import { cohortGradeReducer, describeFinishedRun, initialCohortGrade, verdictLabels } from "./cohort-grade-state";
import { formatElapsed } from "./format-time";
import { learnerHref } from "./roster-table";
import { useFocusAfterRender } from "./use-focus-after-render";

const verdictClass = {
  pass: "text-ok",
  fail: "text-bad",
  "no-environment": "text-muted",
  error: "text-warn",
} as const;

/**
 * "Grade the cohort": grades every learner's current environment on the server, filling the
 * table in live as each grade finishes (`cohort:grade-progress`), then shows the final table.
 */
export function GradeCohortPanel({ socket, roster }: { socket: KubeQuestSocket | null; roster: RosterView }) {
  const cohortId = roster.cohort.id;
  const [state, dispatch] = useReducer(cohortGradeReducer, initialCohortGrade);
  const [confirm, setConfirm] = useState(false);
  const [origin, setOrigin] = useState("");
  /** The run's status area: focus moves there when a run starts (the button it came from is disabled while it runs). */
  const statusRef = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();
  /** "" grades each learner's current level. */
  const [levelId, setLevelId] = useState("");
  useEffect(() => setOrigin(window.location.origin), []);
  const running = state.phase === "running";
  const now = useNow(running);

  useSocketEvent(socket, "cohort:grade-progress", (progress) => {
    if (progress.cohortId === cohortId) dispatch({ type: "progress", progress, at: Date.now() });
  });
  // The end of a run started elsewhere, when this page missed its last row (see the reducer).
  useSocketEvent(socket, "cohort:audit", ({ cohortId: id, entry }) => {
    if (id === cohortId) dispatch({ type: "audit", entry });
  });

  async function run() {
    setConfirm(false);
    // The "Grade every learner" button is disabled while the run goes (the confirm dialog's
    // "focus back to the opener" then finds it disabled and leaves this focus alone).
    focusAfterRender(statusRef);
    dispatch({ type: "request", at: Date.now() });
    const result = await instructorApi.gradeCohort(cohortId, levelId ? { levelId } : {});
    if (result.ok) dispatch({ type: "finished", result: result.value });
    else dispatch({ type: "failed", error: result.error });
  }

  const total = state.total ?? roster.rows.length;
  const percent = total > 0 ? Math.round((state.done / total) * 100) : 0;
  const names = new Map(roster.rows.map((r) => [r.learnerId, r.name]));
  const summary = describeFinishedRun(state);
  const announcement = state.phase === "running" ? (state.total === null ? "Grading the cohort…" : `${state.done} of ${state.total} learners graded`) : state.phase === "finished" ? summary : "";

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="max-w-2xl text-sm text-muted">
          <p>
            Runs the grader on every learner&rsquo;s current environment now, exactly as their own &ldquo;Check my work&rdquo; does, and shows
            one table of verdicts. Learners&rsquo; environments are not changed; the run is written to the audit log.
          </p>
          <p className="mt-1.5">
            Scripts can do the same from the command line, signed in with <code className="font-mono text-fg">KUBEQUEST_USERNAME</code> and{" "}
            <code className="font-mono text-fg">KUBEQUEST_PASSWORD</code> in the environment:
          </p>
          {/* Scrolls sideways when the window is narrow: focusable so the keyboard can scroll it (axe: scrollable-region-focusable). */}
          <pre
            tabIndex={0}
            role="region"
            aria-label="Command to grade this cohort from a terminal, scrollable"
            className="mt-1.5 overflow-x-auto rounded-md border border-line bg-canvas px-3 py-2 font-mono text-xs text-fg outline-none focus-visible:ring-2 focus-visible:ring-accent"
            data-testid="grade-cohort-cli"
          >
            npm run cohort:grade -- --url {origin || "http://localhost:3000"} --cohort {cohortId} [--level &lt;id&gt;] [--json]
          </pre>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="grade-cohort-level" className="block text-xs font-medium text-muted">
              Level
            </label>
            <select
              id="grade-cohort-level"
              value={levelId}
              onChange={(e) => setLevelId(e.target.value)}
              disabled={running}
              data-testid="grade-cohort-level"
              className="mt-1 h-9 rounded-md border border-line-strong bg-canvas px-2.5 text-sm text-fg focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/40"
            >
              <option value="">Each learner&rsquo;s current level</option>
              {roster.levels.map((level) => (
                <option key={level.id} value={level.id}>
                  Level {level.number}: {level.title}
                </option>
              ))}
            </select>
          </div>
          <button type="button" onClick={() => setConfirm(true)} disabled={running || roster.rows.length === 0} className={buttonStyles.primary} data-testid="grade-cohort">
            {running && <Spinner />}
            {running ? "Grading…" : "Grade every learner"}
          </button>
        </div>
      </div>

      {/* One region for the run's outcome: focus lands here when a run starts, so it stays
          put as progress turns into the summary (and the table) below. */}
      <div
        ref={statusRef}
        tabIndex={-1}
        // A landmark only once there is something in it.
        role={state.phase === "idle" ? undefined : "region"}
        aria-label={state.phase === "idle" ? undefined : "Cohort grading results"}
        className="space-y-5 rounded-md"
        data-testid="grade-cohort-status"
      >
        {/* Always in the page, so screen readers hear each change: each learner graded, then the outcome. */}
        <p role="status" className="sr-only" data-testid="grade-cohort-announcement">
          {announcement}
        </p>

        {/* No "Try again" while following a run under way: the button is back once it ends. */}
        {state.error && <ErrorCallout error={state.error} onRetry={running ? undefined : () => setConfirm(true)} testId="grade-cohort-error" />}

        {running && (
          <div data-testid="grade-cohort-progress" data-origin={state.origin ?? ""}>
            <div className="flex items-baseline justify-between gap-3 text-sm">
              <span className="font-medium text-fg" data-testid="grade-cohort-count">
                {state.total === null ? "Starting…" : `${state.done} of ${state.total} graded`}
                {state.origin === "elsewhere" && <span className="font-normal text-muted"> · started in another tab or from the command line</span>}
              </span>
              {state.startedAt !== null && <span className="font-mono text-xs text-faint tabular-nums">{formatElapsed(now - state.startedAt)}</span>}
            </div>
            <div
              role="progressbar"
              aria-label="Grading the cohort"
              aria-valuemin={0}
              aria-valuemax={total}
              aria-valuenow={state.done}
              aria-valuetext={`${state.done} of ${total} learners graded`}
              className="mt-1.5 h-2 overflow-hidden rounded-full bg-overlay"
            >
              <div className={`h-full rounded-full bg-accent transition-[width] duration-500 ${state.done === 0 ? "animate-pulse" : ""}`} style={{ width: `${Math.max(percent, 3)}%` }} />
            </div>
          </div>
        )}

        {state.phase === "finished" && (
          <p className="text-sm font-medium text-fg" data-testid="grade-cohort-summary" data-origin={state.origin ?? ""}>
            {summary}
            {state.result && <span className="font-normal text-muted"> · {formatSeconds(state.result.durationMs)}</span>}
            {!state.result && state.origin === "elsewhere" && <span className="font-normal text-muted"> · run started in another tab or from the command line</span>}
          </p>
        )}

        {state.rows.length > 0 && (
          <div className="overflow-x-auto rounded-xl border border-line">
            <table className="w-full text-left text-sm" data-testid="grade-cohort-table">
              <caption className="sr-only">Verdict of each learner&rsquo;s environment</caption>
              <thead className="bg-surface text-xs text-muted">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">Learner</th>
                  <th scope="col" className="px-3 py-2 font-medium">Level</th>
                  <th scope="col" className="px-3 py-2 font-medium">Verdict</th>
                  <th scope="col" className="px-3 py-2 font-medium">Checks</th>
                  <th scope="col" className="px-3 py-2 font-medium">First failing check / why</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Took</th>
                </tr>
              </thead>
              <tbody>
                {state.rows.map((row) => (
                  <tr key={row.learnerId} data-testid="grade-cohort-row" data-learner-name={row.name} data-verdict={row.verdict} className="border-t border-line">
                    <td className="px-3 py-2">
                      <Link href={learnerHref(cohortId, row.learnerId)} className="font-medium text-fg hover:underline">
                        {row.name || names.get(row.learnerId) || row.learnerId}
                      </Link>
                    </td>
                    <td className="px-3 py-2 text-muted">{row.levelId ?? "—"}</td>
                    <td className={`px-3 py-2 font-medium ${verdictClass[row.verdict]}`}>{verdictLabels[row.verdict]}</td>
                    <td className="px-3 py-2">
                      <CheckDots checks={row.checks} />
                    </td>
                    <td className="px-3 py-2 text-muted">
                      {row.verdict === "fail" && row.failedCheck ? (
                        <span className="text-fg">{row.checks.find((c) => c.id === row.failedCheck)?.title ?? row.failedCheck}</span>
                      ) : (
                        (row.message ?? "—")
                      )}
                    </td>
                    <td className="px-3 py-2 text-right font-mono text-xs text-faint tabular-nums">{formatSeconds(row.durationMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      <ConfirmDialog
        open={confirm}
        title={`Grade all ${roster.rows.length} learners now?`}
        confirmLabel="Grade every learner"
        destructive={false}
        onConfirm={() => void run()}
        onCancel={() => setConfirm(false)}
      >
        The grader checks each learner&rsquo;s current environment (it changes nothing in it). With several learners this takes a minute or
        two; the table fills in as each grade finishes.
      </ConfirmDialog>
    </div>
  );
}
