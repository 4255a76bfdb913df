import { describe, expect, it } from "vitest";
import type { LevelSummary } from "@/lib/protocol/socket-events";
import { groupByWorld } from "./group-by-world";

function level(id: string, number: number, world: number, xp = 100): LevelSummary {
  return {
    id,
    number,
    title: id,
    world: { number: world, title: `World ${world}` },
    xp,
    difficulty: "beginner",
    concepts: [],
  };
}

describe("groupByWorld", () => {
  it("groups levels by world, both sorted by number", () => {
    const groups = groupByWorld([level("c", 31, 3), level("a", 2, 1), level("b", 30, 3, 250), level("z", 1, 1)]);
    expect(groups.map((g) => g.number)).toEqual([1, 3]);
    expect(groups[0]?.levels.map((l) => l.id)).toEqual(["z", "a"]);
    expect(groups[1]?.levels.map((l) => l.id)).toEqual(["b", "c"]);
    expect(groups[1]?.totalXp).toBe(350);
  });

  it("returns nothing for no levels", () => {
    expect(groupByWorld([])).toEqual([]);
  });
});
