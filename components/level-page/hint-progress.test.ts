import { describe, expect, it } from "vitest";
import { hintViews, parseOpenedCount } from "./hint-progress";

const hints = [
  { title: "Look at the Service", body: "a", xpCost: 10 },
  { title: "Immutable", body: "b", xpCost: 20 },
  { title: "Recreate", body: "c", xpCost: 40 },
];

describe("hint progress", () => {
  it("opens hints in order", () => {
    expect(hintViews(hints, 0).map((h) => h.state)).toEqual(["next", "locked", "locked"]);
    expect(hintViews(hints, 1).map((h) => h.state)).toEqual(["open", "next", "locked"]);
    expect(hintViews(hints, 3).map((h) => h.state)).toEqual(["open", "open", "open"]);
    expect(hintViews(hints, 7).map((h) => h.state)).toEqual(["open", "open", "open"]);
  });

  it("numbers hints from 1", () => {
    expect(hintViews(hints, 0).map((h) => h.number)).toEqual([1, 2, 3]);
  });

  it("carries each hint's cost", () => {
    expect(hintViews(hints, 0).map((h) => h.xpCost)).toEqual([10, 20, 40]);
  });

  it("parses the stored count", () => {
    expect(parseOpenedCount(null, 3)).toBe(0);
    expect(parseOpenedCount("2", 3)).toBe(2);
    expect(parseOpenedCount("9", 3)).toBe(3);
    expect(parseOpenedCount("x", 3)).toBe(0);
  });
});
