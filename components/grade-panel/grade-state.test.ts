import { describe, expect, it } from "vitest";
import type { CheckResult, GradeFinished, GradeStarted } from "@/lib/protocol/socket-events";
import { countChecks, gradeReducer, initialGradeState, summarizeRun, type GradeAction, type GradeState } from "./grade-state";

const started: GradeStarted = {
  runId: "r1",
  levelId: "l",
  round: "main",
  checks: [
    { id: "headless", title: "Service is headless", explanation: "e1" },
    { id: "dns", title: "Per-pod DNS", explanation: "e2" },
  ],
};

function result(id: string, status: CheckResult["status"], extra: Partial<CheckResult> = {}): CheckResult {
  return { id, title: id, explanation: "", status, evidence: [], ...extra };
}

function finished(passed: boolean, extra: Partial<GradeFinished> = {}): GradeFinished {
  return {
    runId: "r1",
    levelId: "l",
    round: "main",
    passed,
    outcome: passed ? "pass" : "fail",
    results: [result("headless", passed ? "pass" : "fail"), result("dns", passed ? "pass" : "skipped")],
    durationMs: 1200,
    ...extra,
  };
}

function run(actions: GradeAction[], from: GradeState = initialGradeState) {
  return actions.reduce(gradeReducer, from);
}

describe("gradeReducer", () => {
  it("lists every check as pending when a run starts", () => {
    const s = run([{ type: "request", round: "main" }, { type: "started", started }]);
    expect(s.phase).toBe("running");
    expect(s.checks.map((c) => c.status)).toEqual(["pending", "pending"]);
  });

  it("shows the run's place in line while it waits for the grader, and drops it once the run starts", () => {
    const waiting = run([
      { type: "request", round: "main" },
      { type: "queued", round: "main", place: 3 },
      { type: "queued", round: "main", place: 1 },
    ]);
    expect(waiting.queuePlace).toBe(1);
    expect(summarizeRun(waiting)).toBe("Check: next in line for the grader.");
    expect(summarizeRun(run([{ type: "request", round: "chaos" }, { type: "queued", round: "chaos", place: 3 }]))).toBe("Chaos round: third in line for the grader.");
    expect(run([{ type: "started", started }], waiting).queuePlace).toBeNull();
    // Another round's line, or a place told while nothing was asked for, changes nothing.
    expect(run([{ type: "queued", round: "chaos", place: 2 }], waiting).queuePlace).toBe(1);
    expect(run([{ type: "queued", round: "main", place: 2 }]).queuePlace).toBeNull();
  });

  it("updates checks live and ignores other runs", () => {
    const s = run([
      { type: "request", round: "main" },
      { type: "started", started },
      { type: "check", runId: "r1", result: result("headless", "running", { progress: "1/3 pods ready" }) },
      { type: "check", runId: "old", result: result("dns", "fail") },
    ]);
    expect(s.checks[0]).toMatchObject({ status: "running", progress: "1/3 pods ready" });
    expect(s.checks[1]?.status).toBe("pending");
    expect(summarizeRun(s)).toBe("Check: 0 of 2 checks done.");
  });

  it("finishes, remembers a passed main round and keeps the debrief", () => {
    const s = run([
      { type: "request", round: "main" },
      { type: "started", started },
      { type: "finished", finished: finished(true, { debrief: "# Well done" }) },
    ]);
    expect(s).toMatchObject({ phase: "finished", mainPassed: true, debrief: "# Well done" });
    expect(summarizeRun(s)).toBe("All 2 checks passed.");
    const again = run([{ type: "request", round: "chaos" }], s);
    expect(again).toMatchObject({ mainPassed: true, debrief: "# Well done", checks: [] });
  });

  it("summarises failures", () => {
    const s = run([{ type: "request", round: "main" }, { type: "finished", finished: finished(false) }]);
    expect(s.mainPassed).toBe(false);
    expect(summarizeRun(s)).toBe("1 of 2 checks failed, 1 skipped.");
    expect(countChecks(s.checks).byStatus).toMatchObject({ fail: 1, skipped: 1 });
  });

  it("does not let a late timeout hide a finished run", () => {
    const s = run([
      { type: "request", round: "main" },
      { type: "finished", finished: finished(true) },
      { type: "failed", error: { code: "timeout", message: "slow" } },
    ]);
    expect(s.phase).toBe("finished");
  });

  it("applies the ack and the event for the same run once", () => {
    const s = run([
      { type: "request", round: "main" },
      { type: "finished", finished: finished(true, { debrief: "d" }) },
      { type: "finished", finished: finished(true) },
    ]);
    expect(s.debrief).toBe("d");
  });

  it("restores what an earlier visit unlocked", () => {
    const s = run([{ type: "restore", mainPassed: true, debrief: "saved" }]);
    expect(s).toMatchObject({ mainPassed: true, chaosPassed: false, debrief: "saved", phase: "idle" });
  });

  it("restores a chaos round passed on an earlier visit, so it is not offered as new (issue 16, item 4)", () => {
    const s = run([{ type: "restore", mainPassed: true, chaosPassed: true, debrief: null }]);
    expect(s).toMatchObject({ mainPassed: true, chaosPassed: true });
    // A later restore without it never takes it back.
    expect(run([{ type: "restore", mainPassed: true, debrief: null }], s).chaosPassed).toBe(true);
  });

  it("forgets the last run's results on a reset, keeping what was earned (issue 16, item 7)", () => {
    const failed = run([
      { type: "restore", mainPassed: true, chaosPassed: true, debrief: "d" },
      { type: "request", round: "main" },
      { type: "finished", finished: finished(false) },
    ]);
    const s = gradeReducer(failed, { type: "reset" });
    expect(s).toMatchObject({ phase: "idle", checks: [], finished: null, error: null, runId: null });
    expect(s).toMatchObject({ mainPassed: true, chaosPassed: true, debrief: "d" });
  });

  it("keeps a run that is still going when a reset is announced (its own answer closes it)", () => {
    const running = run([{ type: "request", round: "main" }, { type: "started", started }]);
    expect(gradeReducer(running, { type: "reset" })).toBe(running);
  });
});

describe("a run KubeQuest could not check", () => {
  const errored = finished(false, {
    outcome: "error",
    results: [
      result("headless", "pass"),
      result("dns", "error", { hint: "KubeQuest could not check this — nothing is wrong with your fix; try again." }),
      result("data", "skipped"),
    ],
  });

  it("says it is not the learner's failure, and counts no check as failed", () => {
    let state = gradeReducer(initialGradeState, { type: "request", round: "main" });
    state = gradeReducer(state, { type: "finished", finished: errored });
    expect(state.phase).toBe("finished");
    expect(summarizeRun(state)).toBe("KubeQuest could not check this — nothing is wrong with your fix; try again.");
    expect(countChecks(state.checks).byStatus).toMatchObject({ pass: 1, error: 1, skipped: 1, fail: 0 });
    expect(state.mainPassed).toBe(false);
  });

  it("asks to start the level again, not to grade again, when the environment was taken away mid-run", () => {
    let state = gradeReducer(initialGradeState, { type: "request", round: "main" });
    state = gradeReducer(state, { type: "finished", finished: { ...errored, environmentGone: true } });
    expect(summarizeRun(state)).toBe(
      "KubeQuest could not check this — your environment was reset or removed while it was checked. Start the level again.",
    );
    expect(summarizeRun(state)).not.toMatch(/try again/);
  });
});
