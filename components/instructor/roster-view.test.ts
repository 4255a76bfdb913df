import { describe, expect, it } from "vitest";
import type { RosterRow } from "@/lib/protocol/instructor-api";
import { emptyFilters, filterRows, isFailingCheck, isStuck, nextSort, sortRows, timeInLevelMs, upsertRow } from "./roster-view";

const NOW = Date.parse("2026-03-01T12:00:00.000Z");
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();

function row(over: Partial<RosterRow> & { learnerId: string }): RosterRow {
  return {
    name: over.learnerId,
    username: over.learnerId,
    joinedAt: minutesAgo(60),
    levelId: null,
    state: "not-started",
    startedAt: null,
    passedAt: null,
    chaosPassedAt: null,
    lastActivityAt: null,
    attempts: 0,
    hintsOpened: 0,
    solutionRevealed: false,
    xp: 0,
    latestGrade: null,
    ...over,
  };
}

function grade(statuses: Record<string, "pass" | "fail" | "skipped">): RosterRow["latestGrade"] {
  return {
    gradeId: "g",
    at: minutesAgo(1),
    round: "main",
    passed: Object.values(statuses).every((s) => s === "pass"),
    checks: Object.entries(statuses).map(([id, status]) => ({ id, title: id, status })),
    gradedBy: null,
  };
}

const L = "headless-statefulset-dns";
const ada = row({ learnerId: "ada", name: "Ada", levelId: L, state: "in-progress", startedAt: minutesAgo(25), attempts: 3, hintsOpened: 1, xp: 0, lastActivityAt: minutesAgo(2), latestGrade: grade({ "service-headless": "pass", "per-pod-dns": "fail", "service-dns": "skipped" }) });
const bob = row({ learnerId: "bob", name: "bob", levelId: L, state: "in-progress", startedAt: minutesAgo(4), attempts: 1, lastActivityAt: minutesAgo(1) });
const cyd = row({ learnerId: "cyd", name: "Cyd", levelId: L, state: "passed", startedAt: minutesAgo(40), passedAt: minutesAgo(20), attempts: 2, xp: 250, lastActivityAt: minutesAgo(20), latestGrade: grade({ "service-headless": "pass", "per-pod-dns": "pass", "service-dns": "pass" }) });
const dee = row({ learnerId: "dee", name: "Dee" });
const all = [ada, bob, cyd, dee];

describe("timeInLevelMs", () => {
  it("counts until now while the learner works on the level", () => {
    expect(timeInLevelMs(ada, NOW)).toBe(25 * 60_000);
  });
  it("stops at the pass", () => {
    expect(timeInLevelMs(cyd, NOW)).toBe(20 * 60_000);
  });
  it("is null before a start", () => {
    expect(timeInLevelMs(dee, NOW)).toBeNull();
  });
});

describe("isStuck", () => {
  it("is an in-progress learner who started more than the threshold ago", () => {
    expect(isStuck(ada, NOW, 10)).toBe(true);
    expect(isStuck(bob, NOW, 10)).toBe(false);
    expect(isStuck(bob, NOW, 3)).toBe(true);
  });
  it("never a learner who passed or has not started", () => {
    expect(isStuck(cyd, NOW, 10)).toBe(false);
    expect(isStuck(dee, NOW, 0)).toBe(false);
  });
});

describe("isFailingCheck", () => {
  it("is a check that failed in the latest grade, not one that was skipped", () => {
    expect(isFailingCheck(ada, "per-pod-dns")).toBe(true);
    expect(isFailingCheck(ada, "service-dns")).toBe(false);
    expect(isFailingCheck(cyd, "per-pod-dns")).toBe(false);
    expect(isFailingCheck(dee, "per-pod-dns")).toBe(false);
  });
});

describe("filterRows", () => {
  const ids = (rows: RosterRow[]) => rows.map((r) => r.learnerId);
  it("keeps everyone without filters", () => {
    expect(ids(filterRows(all, emptyFilters, NOW))).toEqual(["ada", "bob", "cyd", "dee"]);
  });
  it("matches free text against the name, case-insensitively", () => {
    expect(ids(filterRows(all, { ...emptyFilters, text: "  CY " }, NOW))).toEqual(["cyd"]);
  });
  it("filters by state", () => {
    expect(ids(filterRows(all, { ...emptyFilters, state: "in-progress" }, NOW))).toEqual(["ada", "bob"]);
  });
  it("filters stuck learners with the chosen threshold", () => {
    expect(ids(filterRows(all, { ...emptyFilters, stuckOnly: true }, NOW))).toEqual(["ada"]);
    expect(ids(filterRows(all, { ...emptyFilters, stuckOnly: true, stuckMinutes: 3 }, NOW))).toEqual(["ada", "bob"]);
  });
  it("falls back to 10 minutes for an unusable threshold", () => {
    expect(ids(filterRows(all, { ...emptyFilters, stuckOnly: true, stuckMinutes: Number.NaN }, NOW))).toEqual(["ada"]);
  });
  it("filters learners failing a check, combined with other filters", () => {
    expect(ids(filterRows(all, { ...emptyFilters, failingCheck: "per-pod-dns" }, NOW))).toEqual(["ada"]);
    expect(ids(filterRows(all, { ...emptyFilters, failingCheck: "per-pod-dns", text: "bob" }, NOW))).toEqual([]);
  });
});

describe("sortRows", () => {
  const ids = (rows: RosterRow[]) => rows.map((r) => r.learnerId);
  it("sorts names alphabetically, ignoring case", () => {
    expect(ids(sortRows(all, { key: "name", direction: "ascending" }, NOW))).toEqual(["ada", "bob", "cyd", "dee"]);
    expect(ids(sortRows(all, { key: "name", direction: "descending" }, NOW))).toEqual(["dee", "cyd", "bob", "ada"]);
  });
  it("sorts state by progress", () => {
    expect(ids(sortRows(all, { key: "state", direction: "descending" }, NOW))).toEqual(["cyd", "ada", "bob", "dee"]);
  });
  it("puts learners without a value last in both directions", () => {
    expect(ids(sortRows(all, { key: "time", direction: "descending" }, NOW))).toEqual(["ada", "cyd", "bob", "dee"]);
    expect(ids(sortRows(all, { key: "time", direction: "ascending" }, NOW))).toEqual(["bob", "cyd", "ada", "dee"]);
    expect(ids(sortRows(all, { key: "activity", direction: "ascending" }, NOW))).toEqual(["cyd", "ada", "bob", "dee"]);
  });
  it("sorts checks by passed count, never-graded lowest", () => {
    expect(ids(sortRows(all, { key: "checks", direction: "descending" }, NOW))).toEqual(["cyd", "ada", "bob", "dee"]);
  });
  it("breaks ties by name", () => {
    expect(ids(sortRows([dee, bob], { key: "xp", direction: "descending" }, NOW))).toEqual(["bob", "dee"]);
  });
  it("does not change the input", () => {
    const input = [dee, ada];
    sortRows(input, { key: "name", direction: "ascending" }, NOW);
    expect(ids(input)).toEqual(["dee", "ada"]);
  });
});

describe("nextSort", () => {
  it("flips the direction of the same column", () => {
    expect(nextSort({ key: "xp", direction: "descending" }, "xp")).toEqual({ key: "xp", direction: "ascending" });
  });
  it("starts names A→Z and numbers biggest first", () => {
    expect(nextSort({ key: "xp", direction: "descending" }, "name")).toEqual({ key: "name", direction: "ascending" });
    expect(nextSort({ key: "name", direction: "ascending" }, "attempts")).toEqual({ key: "attempts", direction: "descending" });
  });
});

describe("upsertRow", () => {
  it("replaces the learner's row in place", () => {
    const updated = { ...bob, attempts: 9 };
    const rows = upsertRow(all, updated);
    expect(rows.map((r) => r.learnerId)).toEqual(["ada", "bob", "cyd", "dee"]);
    expect(rows[1]!.attempts).toBe(9);
  });
  it("adds a learner who just joined", () => {
    expect(upsertRow([ada], bob).map((r) => r.learnerId)).toEqual(["ada", "bob"]);
  });
});
