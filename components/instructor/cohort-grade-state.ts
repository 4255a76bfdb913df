/**
 * "Grade the cohort" as a reducer: the POST's answer is the final table, while
 * `cohort:grade-progress` events fill rows in as each learner's grade finishes. A run started
 * elsewhere (another tab, the command line) shows too; this page never gets its HTTP answer, so
 * it is finished by its last progress event (done === total) or by its `cohort.grade` audit
 * entry, whichever comes first. A late event after the final table never reopens it.
 */
import type { AuditEntry, CohortGradeProgress, CohortGradeResult, CohortGradeRow, CohortGradeVerdict } from "@/lib/protocol/instructor-api";
import type { ActionableError } from "@/lib/protocol/socket-events";

export interface CohortGradeState {
  phase: "idle" | "running" | "finished" | "error";
  /** "here": this page asked for the run (its HTTP answer is the final table); "elsewhere": another tab or the command line did. */
  origin: "here" | "elsewhere" | null;
  /** When this page learned of the run (browser clock, ms), for the elapsed time; null when idle. */
  startedAt: number | null;
  done: number;
  /** null until the first progress event says how many learners are graded. */
  total: number | null;
  rows: CohortGradeRow[];
  result: CohortGradeResult | null;
  /** The server's one-line outcome from the run's audit entry, when that is what ended it. */
  auditDetail: string | null;
  error: ActionableError | null;
}

export type CohortGradeAction =
  | { type: "request"; at: number }
  | { type: "progress"; progress: CohortGradeProgress; at: number }
  /** An audit entry of the cohort arrived (only `cohort.grade` matters here). */
  | { type: "audit"; entry: AuditEntry }
  | { type: "finished"; result: CohortGradeResult }
  | { type: "failed"; error: ActionableError };

export const initialCohortGrade: CohortGradeState = { phase: "idle", origin: null, startedAt: null, done: 0, total: null, rows: [], result: null, auditDetail: null, error: null };

/** The server's answer when the cohort is being graded already. */
const GRADING_IN_PROGRESS = "cohort-grading-in-progress";

function sameRow(a: CohortGradeRow, b: CohortGradeRow): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A run ended as the events tell it (no HTTP answer, or not yet): its table is what the events brought. */
function finishedByEvents(state: CohortGradeState): CohortGradeState {
  return { ...state, phase: "finished", result: null, error: null };
}

export function cohortGradeReducer(state: CohortGradeState, action: CohortGradeAction): CohortGradeState {
  switch (action.type) {
    case "request":
      return { ...initialCohortGrade, phase: "running", origin: "here", startedAt: action.at };
    case "progress": {
      const { progress } = action;
      // A straggler of the run that just finished (events and the HTTP answer travel separately):
      // the final table already holds that very row. Anything else is a new run.
      if (state.phase === "finished" && state.rows.some((row) => sameRow(row, progress.row))) return state;
      const base: CohortGradeState = state.phase === "running" ? state : { ...initialCohortGrade, phase: "running", origin: "elsewhere", startedAt: action.at };
      const index = base.rows.findIndex((row) => row.learnerId === progress.row.learnerId);
      const rows = index === -1 ? [...base.rows, progress.row] : base.rows.map((row, i) => (i === index ? progress.row : row));
      const next = { ...base, done: Math.max(base.done, progress.done), total: progress.total, rows };
      // The last learner of the run is graded: every row is in (the server sends them in order).
      // This page's own run still takes the HTTP answer when it comes (with the run's duration).
      return next.done >= progress.total ? finishedByEvents(next) : next;
    }
    case "audit":
      // The server writes the run's audit entry after its last row, so the run is over even if
      // this page missed some progress (it opened mid-run, or was briefly offline). Only a run
      // from elsewhere: this page's own run ends with its HTTP answer, and an entry of an
      // earlier run arriving just after this page asked must not end the new one.
      if (action.entry.action !== "cohort.grade" || state.phase !== "running" || state.origin !== "elsewhere") return state;
      return { ...finishedByEvents(state), auditDetail: action.entry.detail || null };
    case "finished":
      // This page's answer landing while a newer run from elsewhere is already under way: the
      // newer run is what the table must show.
      if (state.phase === "running" && state.origin === "elsewhere") return state;
      return {
        ...state,
        phase: "finished",
        done: action.result.rows.length,
        total: action.result.rows.length,
        rows: action.result.rows,
        result: action.result,
        error: null,
      };
    case "failed":
      if (state.phase === "finished" || (state.phase === "running" && state.origin === "elsewhere")) return state;
      // Refused because a run started elsewhere is under way: follow that run (its rows stream
      // in, its end is seen as for any run from elsewhere) and say why this one did not start.
      if (action.error.code === GRADING_IN_PROGRESS) return { ...state, phase: "running", origin: "elsewhere", error: action.error };
      return { ...state, phase: "error", error: action.error };
  }
}

export const verdictLabels: Record<CohortGradeVerdict, string> = {
  pass: "Pass",
  fail: "Fail",
  "no-environment": "No environment",
  error: "Error",
};

/**
 * The sentence under a finished run: "Graded 3 learners: 2 passed, 1 failed". When this page
 * saw only part of a run from elsewhere (it opened mid-run), it says so, with the server's own
 * count from the audit entry when that is known.
 */
export function describeFinishedRun(state: Pick<CohortGradeState, "rows" | "total" | "result" | "auditDetail">): string {
  const seen = state.rows.length;
  const graded = Math.max(state.total ?? 0, seen);
  if (state.result && seen === 0) return "No learners to grade: nobody has joined the cohort yet.";
  if (state.result || (seen > 0 && seen >= graded)) return `Graded ${graded} ${graded === 1 ? "learner" : "learners"}: ${summarizeVerdicts(state.rows)}`;
  const outcome = state.auditDetail ?? (graded > 0 ? `${graded} graded` : "finished");
  if (seen === 0) return `Run finished: ${outcome}. This page opened during the run, so its rows are not shown here; grade again for a table.`;
  return `Run finished: ${outcome}. This page opened during the run and shows the ${seen} graded since: ${summarizeVerdicts(state.rows)}.`;
}

/** "2 passed, 1 failed, 1 without an environment": the one-line outcome. */
export function summarizeVerdicts(rows: readonly CohortGradeRow[]): string {
  const count = (verdict: CohortGradeVerdict) => rows.filter((row) => row.verdict === verdict).length;
  const parts = [`${count("pass")} passed`, `${count("fail")} failed`];
  if (count("no-environment") > 0) parts.push(`${count("no-environment")} without an environment`);
  if (count("error") > 0) parts.push(`${count("error")} could not be graded`);
  return parts.join(", ");
}
