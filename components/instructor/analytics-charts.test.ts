import { describe, expect, it } from "vitest";
import { bucketDurations, formatRate, hintBars, niceMax } from "./analytics-charts";

const min = (m: number) => m * 60_000;

describe("bucketDurations", () => {
  it("is empty without values", () => {
    expect(bucketDurations([])).toEqual([]);
  });
  it("picks a round width that keeps the bars under the limit", () => {
    const buckets = bucketDurations([min(3), min(12), min(14), min(38)]);
    expect(buckets.map((b) => b.label)).toEqual(["0–5 min", "5–10 min", "10–15 min", "15–20 min", "20–25 min", "25–30 min", "30–35 min", "35–40 min"]);
    expect(buckets.map((b) => b.count)).toEqual([1, 0, 2, 0, 0, 0, 0, 1]);
  });
  it("counts every value exactly once, the upper bound going to the next bucket", () => {
    const values = [0, min(2) - 1, min(2), min(9.99), min(10)];
    const buckets = bucketDurations(values);
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(values.length);
    expect(buckets[0]).toMatchObject({ fromMs: 0, toMs: min(2), count: 2 });
    expect(buckets[1]).toMatchObject({ fromMs: min(2), toMs: min(4), count: 1 });
    expect(buckets.at(-1)).toMatchObject({ fromMs: min(10), toMs: min(12), count: 1 });
  });
  it("uses hours for slow cohorts", () => {
    const buckets = bucketDurations([min(30), min(170)]);
    expect(buckets).toHaveLength(6);
    expect(buckets[1]!.label).toBe("30 min–1 h");
    expect(buckets[5]!.label).toBe("2 h 30 min–3 h");
  });
  it("puts one fast learner in a single 1-minute bucket", () => {
    expect(bucketDurations([45_000])).toEqual([{ fromMs: 0, toMs: min(1), label: "0–1 min", count: 1 }]);
  });
  it("ignores negative and non-finite values", () => {
    expect(bucketDurations([-1, Number.NaN, Number.POSITIVE_INFINITY])).toEqual([]);
  });
});

describe("formatRate", () => {
  it("rounds to whole percent", () => {
    expect(formatRate(5 / 6)).toBe("83%");
    expect(formatRate(0)).toBe("0%");
  });
  it("says when a check never ran", () => {
    expect(formatRate(null)).toBe("no runs");
  });
});

describe("hintBars", () => {
  it("starts with learners who opened no hints", () => {
    expect(hintBars(5, [3, 1])).toEqual([
      { label: "No hints", learners: 2 },
      { label: "≥ 1 hint", learners: 3 },
      { label: "≥ 2 hints", learners: 1 },
    ]);
  });
  it("never shows a negative count", () => {
    expect(hintBars(0, [1])[0]!.learners).toBe(0);
  });
});

describe("niceMax", () => {
  it("rounds up to 1, 2 or 5 times a power of ten", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(12)).toBe(20);
    expect(niceMax(50)).toBe(50);
  });
});
