import { describe, expect, it } from "vitest";
import type { CohortAnalytics, RosterRow } from "../../lib/protocol/instructor-api";
import { checksCsv, csvCell, learnersCsv, toCsv } from "./analytics-csv";

describe("csvCell", () => {
  it("quotes commas, quotes and line breaks, doubling inner quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(true)).toBe("yes");
  });

  it("defuses cells a spreadsheet would run as a formula, but not numbers", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell("\rcmd")).toBe("\"'\rcmd\"");
    // White space before a formula, and the full-width signs some spreadsheets normalise.
    expect(csvCell(" =1+1")).toBe("' =1+1");
    expect(csvCell("\u00A0=1+1")).toBe("'\u00A0=1+1");
    expect(csvCell("\u3000=1+1")).toBe("'\u3000=1+1");
    expect(csvCell("＝SUM(A1)")).toBe("'＝SUM(A1)");
    expect(csvCell("＋1")).toBe("'＋1");
    expect(csvCell("－1")).toBe("'－1");
    expect(csvCell("＠x")).toBe("'＠x");
    expect(csvCell("Ada = 1")).toBe("Ada = 1");
    expect(csvCell(-2)).toBe("-2");
  });

  it("ends every line with CRLF", () => {
    expect(toCsv(["a", "b"], [[1, "x"]])).toBe("a,b\r\n1,x\r\n");
  });
});

describe("exports", () => {
  it("writes one row per check with its rate", () => {
    const analytics: CohortAnalytics = {
      cohortId: "c",
      generatedAt: "t",
      learners: 2,
      levels: [
        {
          levelId: "lvl",
          number: 30,
          title: "Headless, DNS",
          learnersStarted: 2,
          learnersPassed: 1,
          gradeRuns: 3,
          checks: [
            { id: "a", title: "A", runs: 3, passed: 2, rate: 2 / 3 },
            { id: "b", title: "B", runs: 0, passed: 0, rate: null },
          ],
          timeToSolveMs: [],
          learnersByHintsOpened: [],
          hintsOpenedTotal: 0,
          solutionsRevealed: 0,
        },
      ],
    };
    expect(checksCsv(analytics).split("\r\n")).toEqual([
      "level_number,level_id,level_title,check_id,check_title,runs,passed,pass_rate",
      '30,lvl,"Headless, DNS",a,A,3,2,0.667',
      '30,lvl,"Headless, DNS",b,B,0,0,',
      "",
    ]);
  });

  it("writes one row per learner, defusing a hostile display name", () => {
    const row: RosterRow = {
      learnerId: "l1",
      name: "=cmd|' /C calc'!A0",
      username: "mallory",
      joinedAt: "2026-01-01T09:00:00.000Z",
      levelId: "lvl",
      state: "passed",
      startedAt: "2026-01-01T10:00:00.000Z",
      passedAt: "2026-01-01T10:10:00.000Z",
      chaosPassedAt: null,
      lastActivityAt: "2026-01-01T10:10:00.000Z",
      attempts: 2,
      hintsOpened: 1,
      solutionRevealed: false,
      xp: 225,
      latestGrade: { gradeId: "g", at: "t", round: "main", passed: false, checks: [{ id: "a", title: "A", status: "fail" }], gradedBy: null },
    };
    const [, line] = learnersCsv([row]).split("\r\n");
    expect(line).toBe("'=cmd|' /C calc'!A0,mallory,2026-01-01T09:00:00.000Z,lvl,passed,2026-01-01T10:00:00.000Z,2026-01-01T10:10:00.000Z,600,2,1,no,225,2026-01-01T10:10:00.000Z,no,a");
  });
});
