// The stage verdicts and the summary on hand-written reports: the cases a fixture project cannot
// cheaply produce (a levels:verify level that never started, duplicate test names, a Playwright
// run cut short), and the exact shape of the closing line CI parses.
import { describe, expect, it } from "vitest";
import { plannedScenarios } from "../grading-run/planned-scenarios";
import { levelFile, parseLevelsVerifyReport, parsePlaywrightReport, parseVitestReport, scenarioKey, vitestKey, type ExpectedTest } from "./test-reports";
import { judgeStage, summarize } from "./test-summary";

const vitestTest = (file: string, name: string): ExpectedTest => ({ key: vitestKey(file, name), file, name });

describe("judgeStage", () => {
  it("settles duplicate test names one by one: the second twin missing is not run", () => {
    const report = parseVitestReport({ testResults: [{ name: "/repo/a.test.ts", status: "passed", assertionResults: [{ title: "same", ancestorTitles: [], status: "passed" }] }] }, "/repo");
    const v = judgeStage({ name: "unit", runsTests: true, exitCode: 0, report, expected: { tests: [vitestTest("a.test.ts", "same"), vitestTest("a.test.ts", "same")] } });
    expect(v.counts).toMatchObject({ passed: 1, notRun: 1 });
    expect(v.ok).toBe(false);
    expect(v.notRun).toEqual(["a.test.ts: 1 test not run: missing from the report"]);
  });

  it("counts a file that failed to load as a failure naming the file", () => {
    const report = parseVitestReport({ testResults: [{ name: "/repo/b.test.ts", status: "failed", message: "SyntaxError: Unexpected token\n at b.test.ts:3", assertionResults: [] }] }, "/repo");
    const v = judgeStage({ name: "unit", runsTests: true, exitCode: 1, report, expected: { tests: [] } });
    expect(v.counts.failed).toBe(1);
    expect(v.failures).toEqual(["b.test.ts: SyntaxError: Unexpected token"]);
  });

  it("keeps a test deliberately skipped in a healthy file as skipped, and a stage of only skipped tests red", () => {
    const report = parseVitestReport({ testResults: [{ name: "/repo/c.test.ts", status: "passed", assertionResults: [{ title: "later", ancestorTitles: ["x"], status: "skipped" }] }] }, "/repo");
    const v = judgeStage({ name: "unit", runsTests: true, exitCode: 0, report, expected: { tests: [vitestTest("c.test.ts", "x > later")] } });
    expect(v.counts).toMatchObject({ skipped: 1, notRun: 0 });
    expect(v.problems).toEqual(["ran no test"]);
  });

  it("treats a Playwright test with no result as not run, and the run's own errors as the reason", () => {
    const data = {
      config: { rootDir: "/repo/e2e" },
      errors: [{ message: "Error: Timed out waiting 120000ms from config.webServer." }],
      suites: [{ title: "a.spec.ts", file: "a.spec.ts", specs: [{ id: "s1", title: "plays", file: "a.spec.ts", tests: [{ projectName: "", status: "skipped", results: [] }] }] }],
    };
    const report = parsePlaywrightReport(data, "/repo", "/repo");
    const v = judgeStage({ name: "e2e", runsTests: true, exitCode: 1, report, expected: { tests: [{ key: "s1@", file: "e2e/a.spec.ts", name: "plays" }] } });
    expect(v.counts).toMatchObject({ notRun: 1, skipped: 0 });
    expect(v.notRun).toEqual(["e2e/a.spec.ts: 1 test not run: the run ended before it"]);
    expect(v.problems).toContain("run error: Error: Timed out waiting 120000ms from config.webServer.");
  });

  it("says where a failed Playwright assertion is and what it expected, not only that it failed", () => {
    const message = [
      "\u001b[31mError: expect(locator).toContainText(expected) failed\u001b[39m",
      "",
      "Locator: getByTestId('terminal').locator('.xterm-rows')",
      "Expected substring: \u001b[32m\"kubequest-wait-for-primary: waiting for\"\u001b[39m",
      "Received string: \"$ kubectl logs redis-1\"",
      "Timeout: 30000ms",
    ].join("\n");
    const data = {
      config: { rootDir: "/repo/e2e" },
      suites: [{ title: "h.spec.ts", file: "h.spec.ts", specs: [{ id: "s1", title: "runs", file: "h.spec.ts", tests: [{ projectName: "", status: "unexpected", results: [{ status: "failed", error: { message, location: { file: "/repo/e2e/h.spec.ts", line: 68, column: 60 } } }] }] }] }],
    };
    const v = judgeStage({ name: "e2e", runsTests: true, exitCode: 1, report: parsePlaywrightReport(data, "/repo", "/repo"), expected: { tests: [{ key: "s1@", file: "e2e/h.spec.ts", name: "runs" }] } });
    expect(v.failures).toEqual(['e2e/h.spec.ts › runs: Error: expect(locator).toContainText(expected) failed at e2e/h.spec.ts:68; Expected substring: "kubequest-wait-for-primary: waiting for"']);
  });

  it("shows the scenarios of a level that could not start as not run, with the level's error", () => {
    const scenarios = plannedScenarios({ wrongFixes: [{ id: "oops" }] } as never, new Set(["broken", "wrong-fix", "solution", "regrade"]));
    expect(scenarios).toEqual(["broken start", "wrong fix oops", "solution", "solution, graded again"]);
    const expected = scenarios.map((name) => ({ key: scenarioKey("lvl", name), file: levelFile("lvl"), name }));
    const report = parseLevelsVerifyReport({ levels: [{ id: "lvl", ok: false, error: "the level did not start: quota exceeded", scenarios: [] }] });
    const v = judgeStage({ name: "levels:verify", runsTests: true, exitCode: 1, report, expected: { tests: expected } });
    expect(v.counts.notRun).toBe(4);
    expect(v.notRun).toEqual(["level lvl: 4 tests not run: missing from the report (level lvl: the level did not start: quota exceeded)"]);
  });
});

describe("summarize", () => {
  const green = judgeStage({ name: "unit", runsTests: true, exitCode: 0, report: parseVitestReport({ testResults: [{ name: "/r/a.test.ts", status: "passed", assertionResults: [{ title: "t", status: "passed" }] }] }, "/r"), expected: { tests: [vitestTest("a.test.ts", "t")] } });

  it("ends with exactly `tests: N passed, N failed, N skipped` when nothing is unrun or flaky", () => {
    const s = summarize([green, judgeStage({ name: "lint", runsTests: false, exitCode: 0 })], 1);
    expect(s.closingLine).toBe("tests: 1 passed, 0 failed, 0 skipped");
    expect(s.lines.at(-1)).toBe(s.closingLine);
    expect(s.exitCode).toBe(0);
  });

  it("names a failed stage without tests and exits non-zero, without counting it as a test", () => {
    const s = summarize([green, judgeStage({ name: "lint", runsTests: false, exitCode: 1, lastError: "✗ 2 problems" })], 1);
    expect(s.exitCode).toBe(1);
    expect(s.closingLine).toBe("tests: 1 passed, 0 failed, 0 skipped");
    expect(s.lines).toContain("  ✗ lint: exit code 1: ✗ 2 problems");
  });
});

describe("OutputTail", () => {
  it("finds the last error a stage printed, without colours, and ignores ordinary lines", async () => {
    const { OutputTail } = await import("./expected-tests");
    const tail = new OutputTail(200);
    tail.add("RUN v4\n\u001b[31mError: first\u001b[39m\n");
    tail.add("some progress\nTypeError: the fixture cluster did not come up\n    at setup (global-setup.ts:4:9)\n");
    expect(tail.lastError()).toBe("TypeError: the fixture cluster did not come up");
    const quiet = new OutputTail();
    quiet.add("all good\n");
    expect(quiet.lastError()).toBe("");
  });
});
