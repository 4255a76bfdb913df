/**
 * "Grade the cohort" as a reducer: the POST's answer is the final table, while
 * `cohort:grade-progress` events fill rows in as each learner's grade finishes. Progress of a
 * run started elsewhere (another tab, the command line) shows too; a late event after the
 * final table never reopens it.
 */
import type { CohortGradeProgress, CohortGradeResult, CohortGradeRow, CohortGradeVerdict } from "@/lib/protocol/instructor-api";
import type { ActionableError } from "@/lib/protocol/socket-events";

export interface CohortGradeState {
  phase: "idle" | "running" | "finished" | "error";
  done: number;
  /** null until the first progress event says how many learners are graded. */
  total: number | null;
  rows: CohortGradeRow[];
  result: CohortGradeResult | null;
  error: ActionableError | null;
}

export type CohortGradeAction =
  | { type: "request" }
  | { type: "progress"; progress: CohortGradeProgress }
  | { type: "finished"; result: CohortGradeResult }
  | { type: "failed"; error: ActionableError };

export const initialCohortGrade: CohortGradeState = { phase: "idle", done: 0, total: null, rows: [], result: null, error: null };

function sameRow(a: CohortGradeRow, b: CohortGradeRow): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function cohortGradeReducer(state: CohortGradeState, action: CohortGradeAction): CohortGradeState {
  switch (action.type) {
    case "request":
      return { phase: "running", done: 0, total: null, rows: [], result: null, error: null };
    case "progress": {
      const { progress } = action;
      // A straggler of the run that just finished (events and the HTTP answer travel separately):
      // the final table already holds that very row. Anything else is a new run.
      if (state.phase === "finished" && state.rows.some((row) => sameRow(row, progress.row))) return state;
      const base = state.phase === "running" ? state : { ...initialCohortGrade, phase: "running" as const };
      const index = base.rows.findIndex((row) => row.learnerId === progress.row.learnerId);
      const rows = index === -1 ? [...base.rows, progress.row] : base.rows.map((row, i) => (i === index ? progress.row : row));
      return { ...base, done: Math.max(base.done, progress.done), total: progress.total, rows };
    }
    case "finished":
      return { phase: "finished", done: action.result.rows.length, total: action.result.rows.length, rows: action.result.rows, result: action.result, error: null };
    case "failed":
      if (state.phase === "finished") return state;
      return { ...state, phase: "error", error: action.error };
  }
}

export const verdictLabels: Record<CohortGradeVerdict, string> = {
  pass: "Pass",
  fail: "Fail",
  "no-environment": "No environment",
  error: "Error",
};

/** "2 passed, 1 failed, 1 without an environment": the one-line outcome. */
export function summarizeVerdicts(rows: readonly CohortGradeRow[]): string {
  const count = (verdict: CohortGradeVerdict) => rows.filter((row) => row.verdict === verdict).length;
  const parts = [`${count("pass")} passed`, `${count("fail")} failed`];
  if (count("no-environment") > 0) parts.push(`${count("no-environment")} without an environment`);
  if (count("error") > 0) parts.push(`${count("error")} could not be graded`);
  return parts.join(", ");
}
