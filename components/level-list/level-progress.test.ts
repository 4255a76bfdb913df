// Why: the level list's figures must agree with the learner's record (issue 16, item 8).
import { describe, expect, it } from "vitest";
import type { ProfileLevelView } from "@/lib/protocol/account-api";
import { listProgress } from "./level-progress";

const levels = [
  { id: "headless-statefulset-dns", xp: 250 },
  { id: "other", xp: 100 },
];
const record = (over: Partial<ProfileLevelView>): ProfileLevelView => ({
  levelId: "headless-statefulset-dns",
  title: "Headless",
  number: 30,
  attempts: 1,
  hintsOpened: 1,
  solutionRevealed: false,
  passedAt: null,
  chaosPassedAt: null,
  xp: 0,
  timeSpentMs: null,
  ...over,
});

describe("listProgress", () => {
  it("offers the levels' XP to a learner with no record yet", () => {
    expect(listProgress(levels, null).headline).toBe("2 levels · 350 XP to earn");
    expect(listProgress(levels.slice(0, 1), []).headline).toBe("1 level · 250 XP to earn");
    expect(listProgress(levels, [record({})]).headline).toBe("2 levels · 350 XP to earn");
  });

  it("says what was passed and earned, from the record", () => {
    const p = listProgress(levels, [record({ passedAt: "2026-01-01T00:00:00Z", xp: 225 })]);
    expect(p.headline).toBe("1 of 2 levels passed · 225 XP earned");
    expect(p.marks.get("headless-statefulset-dns")).toEqual({ passed: true, chaosPassed: false, xp: 225 });
    expect(p.marks.get("other")).toBeUndefined();
  });

  it("counts the chaos bonus in what was earned", () => {
    const p = listProgress(levels.slice(0, 1), [record({ passedAt: "a", chaosPassedAt: "b", xp: 325 })]);
    expect(p.headline).toBe("1 of 1 level passed · 325 XP earned");
    expect(p.marks.get("headless-statefulset-dns")?.chaosPassed).toBe(true);
  });

  it("ignores records of levels no longer offered", () => {
    expect(listProgress(levels, [record({ levelId: "gone", passedAt: "a", xp: 50 })]).headline).toBe("2 levels · 350 XP to earn");
  });
});
