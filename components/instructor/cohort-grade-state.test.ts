import { describe, expect, it } from "vitest";
import type { CohortGradeRow } from "@/lib/protocol/instructor-api";
import { cohortGradeReducer, initialCohortGrade, summarizeVerdicts } from "./cohort-grade-state";

function row(learnerId: string, verdict: CohortGradeRow["verdict"]): CohortGradeRow {
  return { learnerId, name: learnerId, levelId: "l", verdict, failedCheck: verdict === "fail" ? "per-pod-dns" : null, checks: [], message: null, durationMs: 10 };
}
const progress = (done: number, total: number, r: CohortGradeRow) => ({ type: "progress" as const, progress: { cohortId: "c", done, total, row: r } });

describe("cohortGradeReducer", () => {
  it("fills rows in as progress arrives, then takes the final table", () => {
    let state = cohortGradeReducer(initialCohortGrade, { type: "request" });
    expect(state).toMatchObject({ phase: "running", done: 0, total: null });
    state = cohortGradeReducer(state, progress(1, 2, row("a", "pass")));
    expect(state).toMatchObject({ phase: "running", done: 1, total: 2 });
    state = cohortGradeReducer(state, progress(2, 2, row("b", "fail")));
    expect(state.rows.map((r) => r.learnerId)).toEqual(["a", "b"]);
    const result = { cohortId: "c", startedAt: "t", durationMs: 5, rows: [row("b", "fail"), row("a", "pass")] };
    state = cohortGradeReducer(state, { type: "finished", result });
    expect(state).toMatchObject({ phase: "finished", done: 2, total: 2, result });
    expect(state.rows.map((r) => r.learnerId)).toEqual(["b", "a"]);
  });
  it("replaces a learner's row rather than duplicating it", () => {
    let state = cohortGradeReducer(initialCohortGrade, { type: "request" });
    state = cohortGradeReducer(state, progress(1, 1, row("a", "error")));
    state = cohortGradeReducer(state, progress(1, 1, row("a", "pass")));
    expect(state.rows).toEqual([row("a", "pass")]);
  });
  it("shows a run started elsewhere", () => {
    const state = cohortGradeReducer(initialCohortGrade, progress(1, 3, row("a", "pass")));
    expect(state).toMatchObject({ phase: "running", done: 1, total: 3 });
  });
  it("ignores a straggler of a finished run", () => {
    let state = cohortGradeReducer(initialCohortGrade, { type: "request" });
    state = cohortGradeReducer(state, progress(1, 1, row("a", "pass")));
    state = cohortGradeReducer(state, { type: "finished", result: { cohortId: "c", startedAt: "t", durationMs: 5, rows: [row("a", "pass")] } });
    expect(cohortGradeReducer(state, progress(1, 1, row("a", "pass")))).toBe(state);
  });
  it("starts over when a new run's first row arrives after a finished table", () => {
    let state = cohortGradeReducer(initialCohortGrade, { type: "finished", result: { cohortId: "c", startedAt: "t", durationMs: 5, rows: [row("a", "pass"), row("b", "pass")] } });
    state = cohortGradeReducer(state, progress(1, 2, { ...row("a", "fail"), durationMs: 99 }));
    expect(state).toMatchObject({ phase: "running", done: 1, total: 2, result: null });
    expect(state.rows).toHaveLength(1);
  });
  it("keeps the table when a failure arrives after it", () => {
    const finished = cohortGradeReducer(initialCohortGrade, { type: "finished", result: { cohortId: "c", startedAt: "t", durationMs: 5, rows: [] } });
    expect(cohortGradeReducer(finished, { type: "failed", error: { code: "timeout", message: "m" } })).toBe(finished);
    const failed = cohortGradeReducer(cohortGradeReducer(initialCohortGrade, { type: "request" }), { type: "failed", error: { code: "x", message: "m" } });
    expect(failed).toMatchObject({ phase: "error", error: { code: "x" } });
  });
});

describe("summarizeVerdicts", () => {
  it("counts passes and failures, and the others only when there are any", () => {
    expect(summarizeVerdicts([row("a", "pass"), row("b", "fail"), row("c", "fail")])).toBe("1 passed, 2 failed");
    expect(summarizeVerdicts([row("a", "no-environment"), row("b", "error")])).toBe("0 passed, 0 failed, 1 without an environment, 1 could not be graded");
  });
});
