import { describe, expect, it } from "vitest";
import { levelAnalyticsOf, type AnalyticsLevelInfo } from "./cohort-analytics";

const LEVEL: AnalyticsLevelInfo = {
  levelId: "lvl",
  number: 30,
  title: "Level",
  checks: [
    { id: "a", title: "A" },
    { id: "b", title: "B" },
  ],
  hintCount: 3,
};

describe("levelAnalyticsOf", () => {
  it("counts pass rates over runs where the check ran (skipped runs left out)", () => {
    const out = levelAnalyticsOf(LEVEL, [], [
      { learnerId: "1", levelId: "lvl", checks: [{ id: "a", status: "fail" }, { id: "b", status: "skipped" }] },
      { learnerId: "1", levelId: "lvl", checks: [{ id: "a", status: "pass" }, { id: "b", status: "fail" }] },
      { learnerId: "2", levelId: "lvl", checks: [{ id: "a", status: "pass" }, { id: "b", status: "pass" }] },
      { learnerId: "2", levelId: "other", checks: [{ id: "a", status: "fail" }] },
    ]);
    expect(out.gradeRuns).toBe(3);
    expect(out.checks).toEqual([
      { id: "a", title: "A", runs: 3, passed: 2, rate: 2 / 3 },
      { id: "b", title: "B", runs: 2, passed: 1, rate: 0.5 },
    ]);
  });

  it("leaves out runs in which KubeQuest could not check something (an error is no verdict)", () => {
    const out = levelAnalyticsOf(LEVEL, [], [
      { learnerId: "1", levelId: "lvl", checks: [{ id: "a", status: "pass" }, { id: "b", status: "error" }] },
      { learnerId: "1", levelId: "lvl", checks: [{ id: "a", status: "error" }, { id: "b", status: "skipped" }] },
      { learnerId: "2", levelId: "lvl", checks: [{ id: "a", status: "pass" }, { id: "b", status: "pass" }] },
    ]);
    expect(out.gradeRuns).toBe(1);
    expect(out.checks).toEqual([
      { id: "a", title: "A", runs: 1, passed: 1, rate: 1 },
      { id: "b", title: "B", runs: 1, passed: 1, rate: 1 },
    ]);
  });

  it("gives a null rate to a check that never ran", () => {
    expect(levelAnalyticsOf(LEVEL, [], []).checks[0]).toEqual({ id: "a", title: "A", runs: 0, passed: 0, rate: null });
  });

  it("sorts times to solve and counts learners by hints opened", () => {
    const p = (learnerId: string, startedAt: string | null, passedAt: string | null, hintsOpened: number, solutionRevealed = false) => ({
      learnerId,
      levelId: "lvl",
      startedAt,
      passedAt,
      hintsOpened,
      solutionRevealed,
    });
    const out = levelAnalyticsOf(
      LEVEL,
      [
        p("1", "2026-01-01T10:00:00.000Z", "2026-01-01T10:20:00.000Z", 0),
        p("2", "2026-01-01T10:00:00.000Z", "2026-01-01T10:05:00.000Z", 2),
        p("3", "2026-01-01T10:00:00.000Z", null, 3, true),
        p("4", null, null, 1),
      ],
      [],
    );
    expect(out.timeToSolveMs).toEqual([300_000, 1_200_000]);
    expect(out.learnersStarted).toBe(3);
    expect(out.learnersPassed).toBe(2);
    expect(out.learnersByHintsOpened).toEqual([3, 2, 1]);
    expect(out.hintsOpenedTotal).toBe(6);
    expect(out.solutionsRevealed).toBe(1);
  });
});
