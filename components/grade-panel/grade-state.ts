/**
 * Grading as a reducer over the server's events: `grade:started` lists the checks (all
 * pending), `grade:check` updates one, `grade:finished` (or the request's answer) closes the
 * run. Events of other runs are ignored, so a late event of an old run never mixes in.
 */
import type {
  ActionableError,
  CheckResult,
  CheckStatus,
  GradeFinished,
  GradeRound,
  GradeStarted,
} from "@/lib/protocol/socket-events";

export type RunPhase = "idle" | "requesting" | "running" | "finished" | "error";

export interface GradeState {
  phase: RunPhase;
  round: GradeRound;
  runId: string | null;
  checks: CheckResult[];
  finished: GradeFinished | null;
  error: ActionableError | null;
  /** The main round passed at least once (here or as the server told us on open). */
  mainPassed: boolean;
  chaosPassed: boolean;
  /** Markdown debrief, once unlocked. */
  debrief: string | null;
  /** While the asked-for run waits in line for the grader: its place (1 is next). */
  queuePlace: number | null;
}

export type GradeAction =
  | { type: "request"; round: GradeRound }
  /** The server's `grade:queued`: the run waits in line (a class grading at once). */
  | { type: "queued"; round: GradeRound; place: number }
  | { type: "started"; started: GradeStarted }
  | { type: "check"; runId: string; result: CheckResult }
  | { type: "finished"; finished: GradeFinished }
  | { type: "failed"; error: ActionableError }
  /** What the server (or this browser) remembers from earlier visits; never takes anything back. */
  | { type: "restore"; mainPassed: boolean; chaosPassed?: boolean; debrief: string | null }
  /** The environment was reset: the last run's results describe a namespace that is gone. */
  | { type: "reset" };

export const initialGradeState: GradeState = {
  phase: "idle",
  round: "main",
  runId: null,
  checks: [],
  finished: null,
  error: null,
  mainPassed: false,
  chaosPassed: false,
  debrief: null,
  queuePlace: null,
};

export function isRunning(state: GradeState): boolean {
  return state.phase === "requesting" || state.phase === "running";
}

export function gradeReducer(state: GradeState, action: GradeAction): GradeState {
  switch (action.type) {
    case "request":
      return { ...state, phase: "requesting", round: action.round, runId: null, checks: [], finished: null, error: null, queuePlace: null };

    case "queued":
      if (state.phase !== "requesting" || state.round !== action.round) return state;
      return { ...state, queuePlace: action.place };

    case "started": {
      // Accept a run we asked for, or one started elsewhere (another tab) while we are idle.
      if (state.phase === "running" && state.runId !== action.started.runId) return state;
      return {
        ...state,
        phase: "running",
        round: action.started.round,
        runId: action.started.runId,
        finished: null,
        error: null,
        queuePlace: null,
        checks: action.started.checks.map((check) => ({ ...check, status: "pending", evidence: [] })),
      };
    }

    case "check": {
      if (state.runId !== action.runId || state.phase !== "running") return state;
      const index = state.checks.findIndex((check) => check.id === action.result.id);
      const checks =
        index === -1
          ? [...state.checks, action.result]
          : state.checks.map((check, i) => (i === index ? action.result : check));
      return { ...state, checks };
    }

    case "finished": {
      const { finished } = action;
      const ours = state.runId === finished.runId || (state.phase === "requesting" && state.round === finished.round);
      if (!ours && isRunning(state)) return state;
      if (state.finished?.runId === finished.runId) return state;
      return {
        ...state,
        phase: "finished",
        round: finished.round,
        runId: finished.runId,
        checks: finished.results,
        finished,
        error: null,
        queuePlace: null,
        mainPassed: state.mainPassed || (finished.round === "main" && finished.passed),
        chaosPassed: state.chaosPassed || (finished.round === "chaos" && finished.passed),
        debrief: finished.debrief ?? state.debrief,
      };
    }

    case "failed":
      // The answer may time out although the run finished through events meanwhile.
      if (state.phase === "finished") return state;
      return { ...state, phase: "error", error: action.error, queuePlace: null };

    case "restore":
      return {
        ...state,
        mainPassed: state.mainPassed || action.mainPassed,
        chaosPassed: state.chaosPassed || (action.chaosPassed ?? false),
        debrief: state.debrief ?? action.debrief,
      };

    case "reset":
      // A run in flight finishes against the new namespace; its own answer replaces it.
      if (isRunning(state)) return state;
      return { ...state, phase: "idle", runId: null, checks: [], finished: null, error: null };
  }
}

export interface GradeCounts {
  total: number;
  byStatus: Record<CheckStatus, number>;
}

export function countChecks(checks: readonly CheckResult[]): GradeCounts {
  const byStatus: Record<CheckStatus, number> = { pending: 0, running: 0, pass: 0, fail: 0, skipped: 0, error: 0 };
  for (const check of checks) byStatus[check.status] += 1;
  return { total: checks.length, byStatus };
}

const ORDINALS = ["next", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];

/** "next", "second", …, then "number 11". */
export function linePlace(place: number): string {
  return ORDINALS[place - 1] ?? `number ${place}`;
}

/** One sentence for the summary and for screen readers. */
export function summarizeRun(state: GradeState): string {
  const { total, byStatus } = countChecks(state.checks);
  const round = state.round === "chaos" ? "Chaos round" : "Check";
  switch (state.phase) {
    case "idle":
      return "";
    case "requesting":
      return state.queuePlace === null ? `${round}: starting…` : `${round}: ${linePlace(state.queuePlace)} in line for the grader.`;
    case "running":
      return `${round}: ${byStatus.pass + byStatus.fail + byStatus.skipped + byStatus.error} of ${total} checks done.`;
    case "error":
      return `${round} could not run.`;
    case "finished": {
      if (state.finished?.outcome === "error") {
        // Grading again cannot help an environment that was taken away: it would find it empty.
        return state.finished.environmentGone
          ? "KubeQuest could not check this — your environment was reset or removed while it was checked. Start the level again."
          : "KubeQuest could not check this — nothing is wrong with your fix; try again.";
      }
      if (state.finished?.passed) {
        return state.round === "chaos"
          ? `Chaos round passed: your fix survived losing a replica (${total} checks).`
          : `All ${total} checks passed.`;
      }
      const skipped = byStatus.skipped > 0 ? `, ${byStatus.skipped} skipped` : "";
      return `${byStatus.fail} of ${total} ${total === 1 ? "check" : "checks"} failed${skipped}.`;
    }
  }
}
