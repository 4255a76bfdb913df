import { describe, expect, it } from "vitest";
import { formatDuration, formatSeconds, progressPercent } from "./environment-view";

describe("progressPercent", () => {
  it("counts the steps before the current one", () => {
    expect(progressPercent({ index: 1, total: 4, done: false })).toBe(0);
    expect(progressPercent({ index: 3, total: 4, done: false })).toBe(50);
    expect(progressPercent({ index: 4, total: 4, done: true })).toBe(100);
  });
  it("copes with missing or odd progress", () => {
    expect(progressPercent(null)).toBe(0);
    expect(progressPercent({ index: 2, total: 0, done: false })).toBe(0);
    expect(progressPercent({ index: 9, total: 4, done: false })).toBe(100);
  });
});

describe("durations", () => {
  it("formats seconds and minutes", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(42_900)).toBe("42 s");
    expect(formatDuration(65_000)).toBe("1 min 05 s");
    expect(formatDuration(-5)).toBe("0 s");
  });
  it("keeps a decimal for short runs", () => {
    expect(formatSeconds(1234)).toBe("1.2 s");
    expect(formatSeconds(75_000)).toBe("1 min 15 s");
  });
});
