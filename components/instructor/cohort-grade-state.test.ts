import { describe, expect, it } from "vitest";
import type { AuditEntry, CohortGradeRow } from "@/lib/protocol/instructor-api";
import { cohortGradeReducer, describeFinishedRun, initialCohortGrade, summarizeVerdicts } from "./cohort-grade-state";

function row(learnerId: string, verdict: CohortGradeRow["verdict"]): CohortGradeRow {
  return { learnerId, name: learnerId, levelId: "l", verdict, failedCheck: verdict === "fail" ? "per-pod-dns" : null, checks: [], message: null, durationMs: 10 };
}
const progress = (done: number, total: number, r: CohortGradeRow, at = 1000) => ({ type: "progress" as const, progress: { cohortId: "c", done, total, row: r }, at });
const request = (at = 1000) => ({ type: "request" as const, at });
const result = (rows: CohortGradeRow[]) => ({ cohortId: "c", startedAt: "t", durationMs: 5, rows });
function audit(action: AuditEntry["action"], detail = ""): { type: "audit"; entry: AuditEntry } {
  return { type: "audit", entry: { id: "e", at: "t", action, actorId: "i", actorName: "I", cohortId: "c", learnerId: null, learnerName: null, levelId: null, detail } };
}

describe("cohortGradeReducer", () => {
  it("fills rows in as progress arrives, then takes the final table", () => {
    let state = cohortGradeReducer(initialCohortGrade, request(500));
    expect(state).toMatchObject({ phase: "running", origin: "here", startedAt: 500, done: 0, total: null });
    state = cohortGradeReducer(state, progress(1, 2, row("a", "pass")));
    expect(state).toMatchObject({ phase: "running", done: 1, total: 2 });
    state = cohortGradeReducer(state, progress(2, 2, row("b", "fail")));
    expect(state.rows.map((r) => r.learnerId)).toEqual(["a", "b"]);
    const final = result([row("b", "fail"), row("a", "pass")]);
    state = cohortGradeReducer(state, { type: "finished", result: final });
    expect(state).toMatchObject({ phase: "finished", done: 2, total: 2, result: final });
    expect(state.rows.map((r) => r.learnerId)).toEqual(["b", "a"]);
  });
  it("replaces a learner's row rather than duplicating it", () => {
    let state = cohortGradeReducer(initialCohortGrade, request());
    state = cohortGradeReducer(state, progress(1, 2, row("a", "error")));
    state = cohortGradeReducer(state, progress(1, 2, row("a", "pass")));
    expect(state.rows).toEqual([row("a", "pass")]);
  });
  it("shows a run started elsewhere, timed from when this page first heard of it", () => {
    const state = cohortGradeReducer(initialCohortGrade, progress(1, 3, row("a", "pass"), 4242));
    expect(state).toMatchObject({ phase: "running", origin: "elsewhere", startedAt: 4242, done: 1, total: 3 });
  });
  it("finishes a run from elsewhere on its last row (done = total), without an HTTP answer", () => {
    let state = cohortGradeReducer(initialCohortGrade, progress(1, 2, row("a", "pass")));
    state = cohortGradeReducer(state, progress(2, 2, row("b", "fail")));
    expect(state).toMatchObject({ phase: "finished", origin: "elsewhere", done: 2, total: 2, result: null });
    expect(state.rows.map((r) => r.learnerId)).toEqual(["a", "b"]);
    // Its audit entry, arriving after, changes nothing.
    expect(cohortGradeReducer(state, audit("cohort.grade"))).toBe(state);
  });
  it("finishes a run from elsewhere on its cohort.grade audit entry when the last row was missed", () => {
    // The page opened mid-run, or was offline for the end of it: only one of three rows was seen.
    let state = cohortGradeReducer(initialCohortGrade, progress(1, 3, row("a", "pass")));
    state = cohortGradeReducer(state, audit("learner.reset"));
    expect(state.phase).toBe("running");
    state = cohortGradeReducer(state, audit("cohort.grade", "3 graded: 3 passed"));
    expect(state).toMatchObject({ phase: "finished", origin: "elsewhere", done: 1, total: 3, result: null, auditDetail: "3 graded: 3 passed", error: null });
  });
  it("does not let an audit entry end this page's own run: its HTTP answer does", () => {
    const running = cohortGradeReducer(initialCohortGrade, request());
    expect(cohortGradeReducer(running, audit("cohort.grade"))).toBe(running);
    expect(cohortGradeReducer(initialCohortGrade, audit("cohort.grade"))).toBe(initialCohortGrade);
  });
  it("finishes its own run on the last row too, then takes the HTTP answer's table and duration", () => {
    let state = cohortGradeReducer(initialCohortGrade, request());
    state = cohortGradeReducer(state, progress(1, 1, row("a", "pass")));
    expect(state).toMatchObject({ phase: "finished", origin: "here", result: null });
    const final = result([row("a", "pass")]);
    state = cohortGradeReducer(state, { type: "finished", result: final });
    expect(state).toMatchObject({ phase: "finished", result: final });
  });
  it("ignores a straggler of a finished run", () => {
    let state = cohortGradeReducer(initialCohortGrade, request());
    state = cohortGradeReducer(state, progress(1, 2, row("a", "pass")));
    state = cohortGradeReducer(state, { type: "finished", result: result([row("a", "pass"), row("b", "pass")]) });
    expect(cohortGradeReducer(state, progress(1, 2, row("a", "pass")))).toBe(state);
  });
  it("starts over when a new run's first row arrives after a finished table", () => {
    let state = cohortGradeReducer(initialCohortGrade, { type: "finished", result: result([row("a", "pass"), row("b", "pass")]) });
    state = cohortGradeReducer(state, progress(1, 2, { ...row("a", "fail"), durationMs: 99 }, 7000));
    expect(state).toMatchObject({ phase: "running", origin: "elsewhere", startedAt: 7000, done: 1, total: 2, result: null });
    expect(state.rows).toHaveLength(1);
  });
  it("keeps the table when a failure arrives after it", () => {
    const finished = cohortGradeReducer(initialCohortGrade, { type: "finished", result: result([]) });
    expect(cohortGradeReducer(finished, { type: "failed", error: { code: "timeout", message: "m" } })).toBe(finished);
    const failed = cohortGradeReducer(cohortGradeReducer(initialCohortGrade, request()), { type: "failed", error: { code: "x", message: "m" } });
    expect(failed).toMatchObject({ phase: "error", error: { code: "x" } });
  });
  it("follows the run under way when its own request is refused because one is", () => {
    const busy = { code: "cohort-grading-in-progress", message: "This cohort is being graded already." };
    let state = cohortGradeReducer(initialCohortGrade, request());
    state = cohortGradeReducer(state, { type: "failed", error: busy });
    expect(state).toMatchObject({ phase: "running", origin: "elsewhere", error: busy });
    state = cohortGradeReducer(state, progress(2, 3, row("b", "pass")));
    expect(state).toMatchObject({ phase: "running", done: 2, total: 3 });
    state = cohortGradeReducer(state, audit("cohort.grade"));
    expect(state).toMatchObject({ phase: "finished", error: null });
  });
  it("lets a newer run from elsewhere win over this page's late answer", () => {
    let state = cohortGradeReducer(initialCohortGrade, progress(1, 2, row("a", "pass")));
    const before = state;
    state = cohortGradeReducer(state, { type: "finished", result: result([row("z", "fail")]) });
    expect(state).toBe(before);
    expect(cohortGradeReducer(state, { type: "failed", error: { code: "x", message: "m" } })).toBe(before);
  });
});

describe("summarizeVerdicts", () => {
  it("counts passes and failures, and the others only when there are any", () => {
    expect(summarizeVerdicts([row("a", "pass"), row("b", "fail"), row("c", "fail")])).toBe("1 passed, 2 failed");
    expect(summarizeVerdicts([row("a", "no-environment"), row("b", "error")])).toBe("0 passed, 0 failed, 1 without an environment, 1 could not be graded");
  });
});

describe("describeFinishedRun", () => {
  const none = { total: null, result: null, auditDetail: null };
  it("sums up a run whose every row this page saw", () => {
    expect(describeFinishedRun({ ...none, rows: [row("a", "pass"), row("b", "fail")], total: 2 })).toBe("Graded 2 learners: 1 passed, 1 failed");
    expect(describeFinishedRun({ ...none, rows: [row("a", "pass")], total: 1, result: result([row("a", "pass")]) })).toBe("Graded 1 learner: 1 passed, 0 failed");
  });
  it("says when nobody was there to grade", () => {
    expect(describeFinishedRun({ ...none, rows: [], total: 0, result: result([]) })).toMatch(/^No learners to grade/);
  });
  it("says when this page saw only part of a run from elsewhere, with the server's count", () => {
    expect(describeFinishedRun({ ...none, rows: [row("c", "fail")], total: 3, auditDetail: "3 graded: 2 passed, 1 failed" })).toBe(
      "Run finished: 3 graded: 2 passed, 1 failed. This page opened during the run and shows the 1 graded since: 0 passed, 1 failed.",
    );
    expect(describeFinishedRun({ ...none, rows: [], auditDetail: "2 graded: 2 passed" })).toMatch(/^Run finished: 2 graded: 2 passed\. .*not shown here/);
    expect(describeFinishedRun({ ...none, rows: [row("c", "pass")], total: 4 })).toMatch(/^Run finished: 4 graded\. /);
  });
});
