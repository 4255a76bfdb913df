import { describe, expect, it } from "vitest";
import { hintViews, nextHelp } from "./hint-progress";

const hints = [
  { title: "Look at the Service", xpCost: 10 },
  { title: "Immutable", xpCost: 20 },
  { title: "Recreate", xpCost: 40 },
];
const level = { xp: 100, solutionXpCost: 100 };
const noHelp = { hintXpCost: 0, solutionRevealed: false };

describe("hint progress", () => {
  it("opens hints in order, as the server says", () => {
    expect(hintViews(hints, [], level, noHelp).map((h) => h.state)).toEqual(["next", "locked", "locked"]);
    expect(hintViews(hints, ["a"], level, noHelp).map((h) => h.state)).toEqual(["open", "next", "locked"]);
    expect(hintViews(hints, ["a", "b", "c"], level, noHelp).map((h) => h.state)).toEqual(["open", "open", "open"]);
  });

  it("shows bodies only of opened hints", () => {
    expect(hintViews(hints, ["a"], level, noHelp).map((h) => h.body)).toEqual(["a", null, null]);
  });

  it("numbers hints from 1", () => {
    expect(hintViews(hints, [], level, noHelp).map((h) => h.number)).toEqual([1, 2, 3]);
  });

  it("carries each hint's cost and the worth after opening it", () => {
    const views = hintViews(hints, ["a"], level, { hintXpCost: 10, solutionRevealed: false });
    expect(views.map((h) => h.xpCost)).toEqual([10, 20, 40]);
    expect(views[1]?.worthAfter).toBe(70);
    expect(hintViews(hints, [], level, { hintXpCost: 0, solutionRevealed: true })[0]?.worthAfter).toBe(0);
  });
});

describe("the help a failed check points to", () => {
  const help = { openedHints: [] as string[], xpAwarded: null, solutionRevealed: false };

  it("is the next hint, with its cost", () => {
    expect(nextHelp(hints, help)).toEqual({ kind: "hint", number: 1, xpCost: 10 });
    expect(nextHelp(hints, { ...help, openedHints: ["a", "b"] })).toEqual({ kind: "hint", number: 3, xpCost: 40 });
  });

  it("costs nothing once XP was awarded", () => {
    expect(nextHelp(hints, { ...help, xpAwarded: 100 })).toEqual({ kind: "hint", number: 1, xpCost: 0 });
  });

  it("is the solution once every hint is open, and nothing once it is revealed", () => {
    expect(nextHelp(hints, { ...help, openedHints: ["a", "b", "c"] })).toEqual({ kind: "solution" });
    expect(nextHelp(hints, { ...help, openedHints: ["a", "b", "c"], solutionRevealed: true })).toBeNull();
  });
});
