import { describe, expect, it } from "vitest";
import { currentLevelOf, firstFailedCheck, learnerNameOf, levelStateOf, rosterChecksOf } from "./roster-state";

describe("levelStateOf", () => {
  it("orders not started < in progress < passed < chaos survived", () => {
    expect(levelStateOf(undefined)).toBe("not-started");
    expect(levelStateOf({ startedAt: null, passedAt: null, chaosPassedAt: null })).toBe("not-started");
    expect(levelStateOf({ startedAt: "t", passedAt: null, chaosPassedAt: null })).toBe("in-progress");
    expect(levelStateOf({ startedAt: "t", passedAt: "t", chaosPassedAt: null })).toBe("passed");
    expect(levelStateOf({ startedAt: "t", passedAt: "t", chaosPassedAt: "t" })).toBe("chaos-survived");
  });
});

describe("currentLevelOf", () => {
  const row = (levelId: string, lastActivityAt: string | null, startedAt: string | null = null) => ({ levelId, lastActivityAt, startedAt });
  it("picks the latest activity, falling back to the start time", () => {
    expect(currentLevelOf([])).toBeNull();
    expect(currentLevelOf([row("a", "2026-01-02T00:00:00.000Z"), row("b", "2026-01-03T00:00:00.000Z")])?.levelId).toBe("b");
    expect(currentLevelOf([row("a", null, "2026-01-05T00:00:00.000Z"), row("b", "2026-01-03T00:00:00.000Z")])?.levelId).toBe("a");
  });
  it("breaks ties by level id whatever the order", () => {
    const t = "2026-01-02T00:00:00.000Z";
    expect(currentLevelOf([row("b", t), row("a", t)])?.levelId).toBe("a");
    expect(currentLevelOf([row("a", t), row("b", t)])?.levelId).toBe("a");
  });
});

describe("grade rows", () => {
  const results = [
    { id: "one", title: "One", explanation: "", status: "pass" as const, evidence: ["x"] },
    { id: "two", title: "Two", explanation: "", status: "fail" as const, evidence: [] },
    { id: "three", title: "Three", explanation: "", status: "skipped" as const, evidence: [] },
  ];
  it("keeps id, title and status of each check, and names the first failure", () => {
    expect(rosterChecksOf(results)).toEqual([
      { id: "one", title: "One", status: "pass" },
      { id: "two", title: "Two", status: "fail" },
      { id: "three", title: "Three", status: "skipped" },
    ]);
    expect(firstFailedCheck(results)).toBe("two");
    expect(firstFailedCheck(results.slice(0, 1))).toBeNull();
  });
  it("names a learner by display name, username, or as anonymous", () => {
    expect(learnerNameOf({ displayName: "Ada", username: "ada" })).toBe("Ada");
    expect(learnerNameOf({ displayName: null, username: "ada" })).toBe("ada");
    expect(learnerNameOf({ displayName: null, username: null })).toBe("Anonymous learner");
  });
});
