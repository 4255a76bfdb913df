import { describe, expect, it } from "vitest";
import { achievementsHolding, type AchievementFacts } from "./achievements";

const worlds = new Map<number, string[]>([[3, ["a", "b"]]]);
const pass = (levelId: string, more: Partial<AchievementFacts["passed"][number]> = {}) => ({
  levelId,
  world: 3,
  hintsOpened: 0,
  solutionRevealed: false,
  chaosPassed: false,
  ...more,
});

describe("achievement rules", () => {
  it("earns nothing before a pass", () => {
    expect(achievementsHolding({ passed: [], worlds })).toEqual([]);
  });
  it("first pass without hints", () => {
    expect(achievementsHolding({ passed: [pass("a")], worlds })).toEqual(["first-pass", "no-hints"]);
  });
  it("a pass with hints or the solution is not unaided", () => {
    expect(achievementsHolding({ passed: [pass("a", { hintsOpened: 1 })], worlds })).toEqual(["first-pass"]);
    expect(achievementsHolding({ passed: [pass("a", { solutionRevealed: true })], worlds })).toEqual(["first-pass"]);
  });
  it("chaos round and a whole world", () => {
    const ids = achievementsHolding({ passed: [pass("a", { hintsOpened: 2, chaosPassed: true }), pass("b", { hintsOpened: 1 })], worlds });
    expect(ids).toEqual(["first-pass", "chaos-survivor", "world-3-complete"]);
  });
  it("a world with no levels is never complete", () => {
    expect(achievementsHolding({ passed: [pass("a")], worlds: new Map() })).not.toContain("world-1-complete");
  });
});
