import { describe, expect, it } from "vitest";
import { hintViews } from "./hint-progress";

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
