import { describe, expect, it } from "vitest";
import { rankStandings, startOfWeekUtc } from "./leaderboard-order";

describe("leaderboard order", () => {
  it("orders by XP, then by who got there first, then by id", () => {
    const ranked = rankStandings([
      { learnerId: "c", xp: 100, reachedAt: "2026-11-20T10:00:00.000Z" },
      { learnerId: "a", xp: 250, reachedAt: "2026-11-21T10:00:00.000Z" },
      { learnerId: "b", xp: 100, reachedAt: "2026-11-19T10:00:00.000Z" },
      { learnerId: "d", xp: 100, reachedAt: "2026-11-19T10:00:00.000Z" },
    ]);
    expect(ranked.map((r) => [r.learnerId, r.rank])).toEqual([
      ["a", 1],
      ["b", 2],
      ["d", 3],
      ["c", 4],
    ]);
  });
  it("weeks start on Monday 00:00 UTC", () => {
    expect(startOfWeekUtc(new Date("2026-11-23T06:00:00Z")).toISOString()).toBe("2026-11-23T00:00:00.000Z"); // Monday
    expect(startOfWeekUtc(new Date("2026-11-22T23:59:00Z")).toISOString()).toBe("2026-11-16T00:00:00.000Z"); // Sunday
  });
});
