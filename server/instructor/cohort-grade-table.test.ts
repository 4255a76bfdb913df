import { describe, expect, it } from "vitest";
import { cohortGradeTable } from "./cohort-grade-table";

describe("cohortGradeTable", () => {
  it("pads columns, names the failed check or the reason, and ends with the counts", () => {
    const row = { checks: [], durationMs: 1, message: null, failedCheck: null };
    const text = cohortGradeTable({
      rows: [
        { ...row, learnerId: "1", name: "Ada", levelId: "headless-statefulset-dns", verdict: "pass" },
        { ...row, learnerId: "2", name: "Bartholomew", levelId: "headless-statefulset-dns", verdict: "fail", failedCheck: "service-headless" },
        { ...row, learnerId: "3", name: "Cy", levelId: null, verdict: "no-environment", message: "Has not started a level yet." },
      ],
    });
    expect(text.split("\n")).toEqual([
      "NAME         LEVEL                     VERDICT         FAILED CHECK",
      "Ada          headless-statefulset-dns  pass            -",
      "Bartholomew  headless-statefulset-dns  fail            service-headless",
      "Cy           -                         no-environment  (Has not started a level yet.)",
      "",
      "3 graded: 1 passed, 1 failed, 1 without an environment",
      "",
    ]);
  });
});
