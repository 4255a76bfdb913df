import { describe, expect, it } from "vitest";
import { summarizeCohortGrade } from "./cohort-grade-summary";

describe("summarizeCohortGrade", () => {
  it("counts each verdict in a fixed order and leaves out the absent ones", () => {
    expect(summarizeCohortGrade([{ verdict: "fail" }, { verdict: "pass" }, { verdict: "no-environment" }, { verdict: "pass" }])).toBe(
      "4 graded: 2 passed, 1 failed, 1 without an environment",
    );
    expect(summarizeCohortGrade([{ verdict: "error" }])).toBe("1 graded: 1 could not be graded");
    expect(summarizeCohortGrade([])).toBe("no learners to grade");
  });
});
