"use client";
// Components never import `@/server/*`: they get plain props and talk to the server through the socket.

import type { GradeOutcome, GradeRound, LiveChecks } from "@/lib/protocol/socket-events";
import { buttonStyles } from "@/components/ui/button-styles";
import { ErrorCallout } from "@/components/ui/error-callout";
import { BoltIcon, BookIcon } from "@/components/ui/icons";
import { Kbd } from "@/components/ui/kbd";
import { Spinner } from "@/components/ui/spinner";
import { formatSeconds } from "@/components/level-page/environment-view";
import type { NextHelp } from "@/components/level-page/hint-progress";
import { CheckRow } from "./check-row";
import { isRunning, linePlace, summarizeRun, type GradeState } from "./grade-state";
import { checkRows } from "./live-checks";

/** The verdict's colours: an error of ours is amber, never the red of a failed fix. */
const summaryStyle: Record<GradeOutcome, { box: string; text: string }> = {
  pass: { box: "border-ok/40 bg-ok-soft", text: "text-ok" },
  fail: { box: "border-bad/40 bg-bad-soft/60", text: "text-bad" },
  error: { box: "border-warn/40 bg-warn-soft", text: "text-warn" },
};

/**
 * "Check my work": runs the grader and shows each check live, then the verdict, the chaos
 * round once the main round passed, and the way to the debrief. While the level runs, the
 * checks that read only objects also carry the server's live verdict ("Live"), so a fix shows
 * before the button is pressed; the grader's verdict and its evidence stay as they were.
 */
export function GradePanel({
  state,
  onRun,
  canRun,
  blockedReason,
  modKey,
  onReadDebrief,
  nextHelp,
  onShowHints,
  chaosBonusXp,
  live = null,
  liveAnnouncement = "",
}: {
  state: GradeState;
  onRun: (round: GradeRound) => void;
  canRun: boolean;
  /** Why the button is disabled, shown under it. */
  blockedReason: string | null;
  modKey: string;
  onReadDebrief: () => void;
  /** Where a failed check points for more help (null while the help state loads). */
  nextHelp: NextHelp | null;
  onShowHints: () => void;
  /** What passing the chaos round adds now (0 once the solution was revealed). */
  chaosBonusXp: number;
  /** The server's live verdicts of the object-only checks (null: none, e.g. before the level starts). */
  live?: LiveChecks | null;
  /** The last live change worth telling a screen reader about. */
  liveAnnouncement?: string;
}) {
  const running = isRunning(state);
  const summary = summarizeRun(state);
  const finished = state.phase === "finished" ? state.finished : null;
  const firstFailure = state.checks.find((check) => check.status === "fail" || check.status === "error")?.id;
  const rows = checkRows(state.checks, live);
  const anyLive = rows.some((row) => row.live?.live);

  return (
    <section aria-labelledby="grade-heading" className="flex min-h-0 flex-col">
      <div className="flex items-center justify-between gap-3">
        <h2 id="grade-heading" className="text-xs font-semibold tracking-wider text-muted uppercase">
          Grader
        </h2>
        {state.phase !== "idle" && (
          <span className="text-[11px] font-medium text-faint">{state.round === "chaos" ? "Chaos round" : "Main round"}</span>
        )}
      </div>
      <button
        type="button"
        data-testid="grade-run"
        onClick={() => onRun("main")}
        disabled={!canRun || running}
        aria-keyshortcuts="Control+Enter Meta+Enter"
        className={`${buttonStyles.primary} mt-2 h-10 w-full`}
      >
        {running && state.round === "main" ? <Spinner /> : <span aria-hidden="true">✓</span>}
        {running && state.round === "main" ? (state.queuePlace !== null ? "In line…" : "Checking…") : "Check my work"}
        <span className="ml-1 hidden items-center gap-0.5 opacity-80 sm:inline-flex">
          <Kbd>{modKey}</Kbd>
          <Kbd>↵</Kbd>
        </span>
      </button>
      {blockedReason && !running && <p className="mt-1.5 text-xs text-faint">{blockedReason}</p>}
      {state.phase === "requesting" && state.queuePlace !== null && (
        <p className="mt-1.5 text-xs text-muted" data-testid="grade-queue-place">
          Waiting for the grader: {linePlace(state.queuePlace)} in line. A class is checking its work at the same time; yours runs as soon as a slot is free.
        </p>
      )}

      <div className="sr-only" role="status" aria-live="polite">
        {summary}
      </div>
      {/* Only when a live check turned green or red, never on every update. */}
      <div className="sr-only" role="status" aria-live="polite" data-testid="live-checks-announcer">
        {liveAnnouncement}
      </div>

      {state.error && <ErrorCallout error={state.error} className="mt-3" testId="grade-error" />}

      {state.phase === "requesting" && state.checks.length === 0 && (
        <p className="mt-3 flex items-center gap-2 text-sm text-muted">
          <Spinner /> Starting the grader…
        </p>
      )}

      {finished && (
        // The verdict first, then (once passed) what comes next, then the checks: the next step
        // stays in view instead of below eight checks.
        <div
          data-testid="grade-summary"
          data-passed={finished.passed}
          data-outcome={finished.outcome}
          data-round={finished.round}
          className={`mt-3 rounded-lg border px-3.5 py-3 ${summaryStyle[finished.outcome].box}`}
        >
          <p className={`text-sm font-semibold ${summaryStyle[finished.outcome].text}`}>{summary}</p>
          <p className="mt-0.5 text-xs text-muted">
            {finished.outcome === "error"
              ? "This run is not counted: no attempt was recorded and nothing changed in your progress."
              : finished.passed
                ? finished.round === "main"
                  ? "Your namespace does what the level asked for."
                  : "Kubernetes replaced the pod and replication came back on its own."
                : "Open a failed check to see what the grader saw and where to look next."}{" "}
            <span className="font-mono text-faint">{formatSeconds(finished.durationMs)}</span>
          </p>
        </div>
      )}

      {state.mainPassed && (
        <div className="mt-3 space-y-3">
          {state.debrief !== null && (
            <button type="button" data-testid="read-debrief" onClick={onReadDebrief} className={`${buttonStyles.success} w-full`}>
              <BookIcon /> Read the debrief
            </button>
          )}
          <div data-testid="chaos-card" data-passed={state.chaosPassed} className="rounded-lg border border-xp/30 bg-xp/5 px-3.5 py-3">
            <p className="flex items-baseline justify-between gap-2 text-sm font-semibold text-white">
              <span>Chaos round</span>
              {state.chaosPassed ? (
                <span className="text-xs font-medium text-ok">
                  <span aria-hidden="true">✓ </span>Passed
                </span>
              ) : (
                chaosBonusXp > 0 && <span className="text-xs font-medium text-xp">+{chaosBonusXp} XP bonus</span>
              )}
            </p>
            <p className="mt-1 text-xs leading-relaxed text-muted">
              {state.chaosPassed
                ? "Your fix survived losing the primary. You can run the round again; it earns no more XP."
                : "The platform deletes a pod (the primary, so its IP changes), waits for the StatefulSet to bring it back, and checks again: a real fix survives it."}
            </p>
            <button
              type="button"
              data-testid="chaos-run"
              onClick={() => onRun("chaos")}
              disabled={!canRun || running}
              className={`${buttonStyles.secondary} mt-2.5 w-full`}
            >
              {running && state.round === "chaos" ? <Spinner /> : <BoltIcon className="h-4 w-4 text-xp" />}
              {running && state.round === "chaos" ? "Chaos round running…" : state.chaosPassed ? "Run the chaos round again" : "Run the chaos round"}
            </button>
          </div>
        </div>
      )}

      {anyLive && (
        <p data-testid="live-checks-note" className="mt-3 text-xs leading-relaxed text-muted">
          Checks marked <span className="font-semibold tracking-wide text-fg uppercase">Live</span> follow your namespace as
          it changes. The others run when you press Check my work, and only Check my work passes the level.
        </p>
      )}

      {rows.length > 0 && (
        <ol aria-label="Checks" className="mt-3 space-y-1.5">
          {rows.map(({ check, graded, live: liveCheck }) => (
            <CheckRow
              key={`${state.runId ?? "run"}-${check.id}`}
              check={check}
              graded={graded}
              live={liveCheck}
              defaultOpen={check.id === firstFailure}
              nextHelp={check.id === firstFailure ? nextHelp : null}
              onShowHints={onShowHints}
            />
          ))}
        </ol>
      )}
    </section>
  );
}
