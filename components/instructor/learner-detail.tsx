"use client";

import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { AuditEntry, LearnerDetail, RosterRow } from "@/lib/protocol/instructor-api";
import type { ActionableError } from "@/lib/protocol/socket-events";
import { instructorApi } from "@/lib/client/instructor-client";
import { useConnection, useSocket, useSocketEvent } from "@/lib/client/use-socket";
import { CheckRow } from "@/components/grade-panel/check-row";
import { isRunning, summarizeRun } from "@/components/grade-panel/grade-state";
import { ConnectionIndicator } from "@/components/level-page/connection-indicator";
import { EnvironmentProgress } from "@/components/level-page/environment-progress";
import { phaseLabels } from "@/components/level-page/environment-view";
import { useDelayedFlag, useNow } from "@/components/level-page/use-ticker";
import { LiveView } from "@/components/live-view/live-view";
import { buttonStyles } from "@/components/ui/button-styles";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ErrorCallout } from "@/components/ui/error-callout";
import { Spinner } from "@/components/ui/spinner";
import { AuditList, mergeAuditEntries } from "./audit-log";
import { CheckDots } from "./check-dots";
import { formatAgo, formatElapsed, msSince } from "./format-time";
import { GradeHistory } from "./grade-history";
import { createLatestGate, debounce } from "./latest-response";
import { RecordingsPanel } from "./recordings-panel";
import { timeInLevelMs } from "./roster-view";
import { StateBadge } from "./state-badge";
import { useCohortWatch } from "./use-cohort-watch";
import { useFocusAfterRender } from "./use-focus-after-render";
import { useLearnerWatch } from "./use-learner-watch";

/**
 * A learner acting sends a roster row each time (a hint, a grade, a terminal command…). The
 * page's full reload (grade history with evidence, recordings) waits for a quiet moment, but at
 * most this long while they keep going.
 */
const RELOAD_QUIET_MS = 750;
const RELOAD_MAX_WAIT_MS = 3_000;

const pillClass = {
  neutral: "border-line-strong bg-raised text-muted",
  busy: "border-accent/40 bg-accent-soft text-accent",
  ok: "border-ok/40 bg-ok-soft text-ok",
  bad: "border-bad/40 bg-bad-soft text-bad",
} as const;

function Stat({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="rounded-lg border border-line bg-surface px-3 py-2">
      <dt className="text-[11px] tracking-wide text-muted uppercase">{label}</dt>
      <dd className="mt-0.5 text-sm font-medium text-fg" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function LearnerHeader({ row, now }: { row: RosterRow; now: number }) {
  const time = timeInLevelMs(row, now);
  const activity = msSince(row.lastActivityAt, now);
  return (
    <div data-testid="learner-header" data-state={row.state} className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-white" data-testid="learner-name">
          {row.name}
        </h1>
        {row.username && row.username !== row.name && <span className="text-sm text-faint">@{row.username}</span>}
        <StateBadge state={row.state} />
      </div>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-7">
        <Stat label="Level">{row.levelId ?? "—"}</Stat>
        <Stat label="Time in level" testId="learner-time">
          {time === null ? "—" : formatElapsed(time)}
        </Stat>
        <Stat label="Attempts">{row.attempts}</Stat>
        <Stat label="Hints">
          {row.hintsOpened}
          {row.solutionRevealed ? " + solution" : ""}
        </Stat>
        <Stat label="XP">{row.xp}</Stat>
        <Stat label="Last activity">{activity === null ? "—" : formatAgo(activity)}</Stat>
        <Stat label="Latest grade">
          <CheckDots checks={row.latestGrade?.checks ?? []} testId="learner-latest-checks" />
        </Stat>
      </dl>
    </div>
  );
}

/**
 * One learner in depth: their roster row (live), their environment's live picture, grading and
 * resetting it, their grade history with evidence, their recorded terminal sessions and the
 * audit entries about them.
 */
export function LearnerDetailPage({ cohortId, learnerId }: { cohortId: string; learnerId: string }) {
  const socket = useSocket();
  const connection = useConnection(socket);
  const connected = connection.state === "connected";
  const cohort = useCohortWatch(socket, cohortId);
  const [detail, setDetail] = useState<LearnerDetail | null>(null);
  const [detailError, setDetailError] = useState<ActionableError | null>(null);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [confirmReset, setConfirmReset] = useState(false);
  const [resetting, setResetting] = useState(false);
  const [resetStartedAt, setResetStartedAt] = useState<number | null>(null);
  const [actionError, setActionError] = useState<ActionableError | null>(null);
  /** Where focus goes when an action disables its own button: the status that reports on it. */
  const envStatusRef = useRef<HTMLSpanElement>(null);
  const gradeSummaryRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();

  // Latest response wins: a slow answer to an older reload must never replace a newer one.
  const gate = useRef(createLatestGate());
  const load = useCallback(() => {
    const isLatest = gate.current.begin();
    void instructorApi.learner(cohortId, learnerId).then((r) => {
      if (!isLatest()) return;
      if (r.ok) {
        setDetail(r.value);
        setAudit((current) => mergeAuditEntries(current, r.value.audit));
        setDetailError(null);
      } else setDetailError(r.error);
    });
  }, [cohortId, learnerId]);
  useEffect(() => {
    const current = gate.current;
    load();
    // Another learner, or leaving the page: answers still on their way are for nobody.
    return () => current.invalidate();
  }, [load]);
  const reloadSoon = useMemo(() => debounce(load, { waitMs: RELOAD_QUIET_MS, maxWaitMs: RELOAD_MAX_WAIT_MS }), [load]);
  useEffect(() => () => reloadSoon.cancel(), [reloadSoon]);
  /** After this page's own action: at once, and instead of any reload already waiting. */
  const reloadNow = useCallback(() => {
    reloadSoon.cancel();
    load();
  }, [reloadSoon, load]);

  // The learner acted (graded, started, reset…): grade history and recordings moved too.
  useSocketEvent(socket, "cohort:roster-row", (changed) => {
    if (changed.cohortId === cohortId && changed.row.learnerId === learnerId) reloadSoon();
  });
  useSocketEvent(socket, "cohort:audit", (appended) => {
    if (appended.cohortId === cohortId && appended.entry.learnerId === learnerId) setAudit((current) => mergeAuditEntries(current, [appended.entry]));
  });

  const row = cohort.roster?.rows.find((r) => r.learnerId === learnerId) ?? detail?.row ?? null;
  const levelId = row?.levelId ?? detail?.levels[0]?.levelId ?? null;
  const watch = useLearnerWatch(socket, cohortId, learnerId, levelId);
  const phase = watch.status?.phase;
  const grading = isRunning(watch.grade);
  const busyEnv = resetting || phase === "resetting" || phase === "provisioning";
  const showProgress = useDelayedFlag(busyEnv, 1000);
  const now = useNow(true) + cohort.clockOffset;

  async function gradeNow() {
    if (!levelId) return;
    setActionError(null);
    focusAfterRender(gradeSummaryRef);
    watch.dispatchGrade({ type: "request", round: "main" });
    const result = await instructorApi.gradeLearner(cohortId, learnerId, { levelId });
    if (result.ok) watch.dispatchGrade({ type: "finished", finished: result.value });
    else watch.dispatchGrade({ type: "failed", error: result.error });
    reloadNow();
  }

  async function reset() {
    if (!levelId) return;
    setConfirmReset(false);
    setActionError(null);
    focusAfterRender(envStatusRef);
    setResetting(true);
    setResetStartedAt(Date.now());
    const result = await instructorApi.resetLearner(cohortId, learnerId, { levelId, confirmed: true });
    setResetting(false);
    if (result.ok) watch.setStatus(result.value);
    else setActionError(result.error);
    reloadNow();
  }

  const error = detailError ?? cohort.error;
  const name = row?.name ?? "this learner";
  const envReady = phase === "ready";

  let pill: { text: string; tone: keyof typeof pillClass; spin: boolean };
  if (busyEnv) pill = { text: resetting || phase === "resetting" ? phaseLabels.resetting : phaseLabels.provisioning, tone: "busy", spin: true };
  else if (!watch.status) pill = { text: levelId ? "Checking…" : "No level started", tone: "neutral", spin: Boolean(levelId) };
  else if (phase === "ready") pill = { text: watch.status.passed ? "Ready · passed" : "Ready", tone: "ok", spin: false };
  else if (phase === "failed") pill = { text: phaseLabels.failed, tone: "bad", spin: false };
  else pill = { text: "No environment", tone: "neutral", spin: false };

  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Breadcrumb" className="text-sm text-muted">
          <Link href="/instructor" className="text-accent underline underline-offset-2 hover:text-white">
            Your cohorts
          </Link>
          <span aria-hidden="true"> / </span>
          <Link href={`/instructor/cohorts/${encodeURIComponent(cohortId)}`} className="text-accent underline underline-offset-2 hover:text-white" data-testid="back-to-cohort">
            {detail?.cohort.name ?? cohort.roster?.cohort.name ?? "Cohort"}
          </Link>
          <span aria-hidden="true"> / </span>
          <span aria-current="page">{row?.name ?? "Learner"}</span>
        </nav>
        <ConnectionIndicator connection={connection} onRetry={() => socket?.connect()} />
      </div>

      {error && <ErrorCallout error={error} onRetry={reloadNow} testId="learner-error" />}
      {!row && !error && (
        <p className="flex items-center gap-2 text-sm text-muted" role="status">
          <Spinner /> Loading the learner…
        </p>
      )}

      {row && (
        <>
          <LearnerHeader row={row} now={now} />

          <section aria-labelledby="environment-heading" className="space-y-3">
            <div className="flex flex-wrap items-center gap-3">
              <h2 id="environment-heading" className="text-lg font-semibold text-white">
                Environment
              </h2>
              <span
                ref={envStatusRef}
                tabIndex={-1}
                role="status"
                data-testid="learner-env-status"
                data-phase={resetting ? "resetting" : (phase ?? "unknown")}
                className={`inline-flex items-center gap-1.5 rounded-full border px-2.5 py-0.5 text-xs font-medium ${pillClass[pill.tone]}`}
              >
                {pill.spin && <Spinner className="h-3 w-3" />}
                <span className="sr-only">Environment: </span>
                {pill.text}
              </span>
              {watch.status?.namespace && <span className="font-mono text-xs text-faint">ns/{watch.status.namespace}</span>}
              <div className="ml-auto flex flex-wrap gap-2">
                <button
                  type="button"
                  onClick={() => void gradeNow()}
                  disabled={!connected || !envReady || grading || busyEnv}
                  className={buttonStyles.primary}
                  data-testid="learner-grade-now"
                >
                  {grading ? <Spinner /> : <span aria-hidden="true">✓</span>}
                  {grading ? "Grading…" : "Grade now"}
                </button>
                <button
                  type="button"
                  onClick={() => setConfirmReset(true)}
                  disabled={!connected || !levelId || busyEnv || grading || phase === "absent" || !watch.status}
                  className={buttonStyles.danger}
                  data-testid="learner-reset"
                >
                  {busyEnv && resetting && <Spinner />}
                  Reset environment
                </button>
              </div>
            </div>
            {!envReady && watch.status && !busyEnv && (
              <p className="text-sm text-muted">
                {phase === "absent"
                  ? `${name} has no running environment for this level: nothing to grade or reset until they start it.`
                  : watch.status.message ?? ""}
              </p>
            )}
            {showProgress && (
              <EnvironmentProgress
                progress={watch.progress}
                elapsedMs={resetStartedAt !== null ? now - cohort.clockOffset - resetStartedAt : 0}
                label={`Resetting ${name}'s environment`}
              />
            )}
            {watch.error && <ErrorCallout error={watch.error} onRetry={watch.rewatch} testId="learner-watch-error" />}
            {actionError && <ErrorCallout error={actionError} testId="learner-action-error" />}

            <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
              <div className={`${watch.snapshot || envReady || busyEnv ? "h-[600px]" : "h-64"} overflow-hidden rounded-xl border border-line`}>
                {watch.snapshot || envReady || busyEnv ? (
                  <LiveView snapshot={watch.snapshot} environmentReady={envReady} stale={busyEnv || !connected} />
                ) : (
                  // The live view's own empty state speaks to the learner ("your namespace"): say it for the instructor.
                  <div data-testid="live-view-none" className="flex h-full flex-col items-center justify-center gap-2 bg-canvas px-6 text-center">
                    <p className="text-sm font-medium text-fg">No live picture</p>
                    <p className="max-w-sm text-xs leading-relaxed text-muted">
                      {levelId
                        ? `${name}'s namespace for this level appears here, updated live, while their environment runs.`
                        : `${name} has not started a level yet.`}
                    </p>
                  </div>
                )}
              </div>
              <div className="min-w-0 space-y-3" data-testid="learner-grade-panel">
                <h3 className="text-xs font-semibold tracking-wider text-muted uppercase">Grader</h3>
                <p ref={gradeSummaryRef} tabIndex={-1} className="text-sm text-muted" role="status" aria-live="polite" data-testid="learner-grade-summary" data-phase={watch.grade.phase} data-passed={watch.grade.finished?.passed ?? ""}>
                  {summarizeRun(watch.grade) || "Grade now runs the same checks as the learner's own “Check my work”, on their live environment."}
                </p>
                {watch.grade.error && <ErrorCallout error={watch.grade.error} testId="learner-grade-error" />}
                {watch.grade.checks.length > 0 && (
                  <ol aria-label="Checks" className="space-y-1.5">
                    {watch.grade.checks.map((check) => (
                      <CheckRow key={check.id} check={check} defaultOpen={check.status === "fail"} />
                    ))}
                  </ol>
                )}
              </div>
            </div>
          </section>

          {detail && detail.levels.length > 0 && (
            <section aria-labelledby="levels-heading" className="space-y-3">
              <h2 id="levels-heading" className="text-lg font-semibold text-white">
                Levels
              </h2>
              <div className="overflow-x-auto rounded-xl border border-line">
                <table className="w-full text-left text-sm" data-testid="learner-levels">
                  <caption className="sr-only">{name}&rsquo;s levels: state, time to pass, attempts and hints</caption>
                  <thead className="bg-surface text-xs text-muted">
                    <tr>
                      <th scope="col" className="px-3 py-2 font-medium">Level</th>
                      <th scope="col" className="px-3 py-2 font-medium">State</th>
                      <th scope="col" className="px-3 py-2 font-medium">Started</th>
                      <th scope="col" className="px-3 py-2 font-medium">Time to pass</th>
                      <th scope="col" className="px-3 py-2 text-right font-medium">Attempts</th>
                      <th scope="col" className="px-3 py-2 text-right font-medium">Hints</th>
                    </tr>
                  </thead>
                  <tbody>
                    {detail.levels.map((level) => {
                      const started = level.startedAt ? Date.parse(level.startedAt) : Number.NaN;
                      const passed = level.passedAt ? Date.parse(level.passedAt) : Number.NaN;
                      return (
                        <tr key={level.levelId} className="border-t border-line">
                          <td className="px-3 py-2 font-mono text-xs text-fg">{level.levelId}</td>
                          <td className="px-3 py-2">
                            <StateBadge state={level.state} />
                          </td>
                          <td className="px-3 py-2 text-xs text-muted">
                            {level.startedAt ? <time dateTime={level.startedAt}>{new Date(level.startedAt).toLocaleString()}</time> : "—"}
                          </td>
                          <td className="px-3 py-2 text-xs text-muted">{Number.isNaN(started) || Number.isNaN(passed) ? "—" : formatElapsed(passed - started)}</td>
                          <td className="px-3 py-2 text-right tabular-nums">{level.attempts}</td>
                          <td className="px-3 py-2 text-right tabular-nums">
                            {level.hintsOpened}
                            {level.solutionRevealed ? " + solution" : ""}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </section>
          )}

          <section aria-labelledby="history-heading" className="space-y-3">
            <h2 id="history-heading" className="text-lg font-semibold text-white">
              Grade history
            </h2>
            {detail ? <GradeHistory grades={detail.grades} /> : <Spinner />}
          </section>

          <section aria-labelledby="recordings-heading" className="space-y-3">
            <h2 id="recordings-heading" className="text-lg font-semibold text-white">
              Terminal sessions
            </h2>
            <p className="text-sm text-muted">{name}&rsquo;s terminal output is recorded (learners are told so when their terminal opens).</p>
            {detail ? <RecordingsPanel cohortId={cohortId} learnerId={learnerId} recordings={detail.recordings} /> : <Spinner />}
          </section>

          <section aria-labelledby="learner-audit-heading" className="space-y-3">
            <h2 id="learner-audit-heading" className="text-lg font-semibold text-white">
              Audit log
            </h2>
            <AuditList entries={audit} showLearner={false} />
          </section>
        </>
      )}

      <ConfirmDialog open={confirmReset} title={`Reset ${name}'s environment?`} confirmLabel="Reset environment" onConfirm={() => void reset()} onCancel={() => setConfirmReset(false)}>
        Everything {name} built in namespace <span className="font-mono text-fg">{watch.status?.namespace ?? "—"}</span> is deleted and the
        level&rsquo;s broken starting state comes back. Their terminal session restarts; their grades, hints and XP are kept. The reset is
        written to the cohort&rsquo;s audit log.
      </ConfirmDialog>
    </div>
  );
}
