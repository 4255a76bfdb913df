// The test summary of `npm test`, driven for real (the orchestrator, the runners' list modes and
// their JSON reports) against tiny fixture projects in scripts/test-runner-fixtures/: a failing
// global set-up, a stray `.only`, a stage that runs no test, a stage that writes no report, a
// file whose set-up fails, a flaky Playwright test, a failing Go test, a Go module that does not
// build, and a stage skipped because one it needs
// failed must each turn the summary red and name why; a passing project must keep the closing
// line exactly `tests: N passed, N failed, N skipped`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStages, type RunResult } from "./orchestrator";
import { goTestStage, playwrightStage, vitestStage } from "./stage-kinds";

const FIXTURES = path.join(__dirname, "..", "test-runner-fixtures");
const fixture = (name: string): string => path.join(FIXTURES, name);
// Each fixture spawns real runners (list, then run): seconds each on a busy 2-core machine.
const SLOW = 240_000;

let reports: string;
beforeAll(() => {
  reports = mkdtempSync(path.join(os.tmpdir(), "kq-orchestrator-"));
});
afterAll(() => rmSync(reports, { recursive: true, force: true }));

const vitestFixture = (name: string, extra: { needs?: string[] } = {}) =>
  vitestStage({ name, root: fixture(name), reportFile: path.join(reports, `${name}.json`), ...extra });

const verdict = (result: RunResult, stage: string) => {
  const found = result.verdicts.find((v) => v.name === stage);
  if (!found) throw new Error(`no verdict for stage ${stage}`);
  return found;
};

describe("a passing project", () => {
  it("is green and keeps the closing line exactly machine-readable", async () => {
    const result = await runStages([vitestFixture("passing")], { quiet: true });
    expect(result.exitCode).toBe(0);
    expect(result.closingLine).toBe("tests: 4 passed, 0 failed, 0 skipped");
    expect(verdict(result, "passing").ok).toBe(true);
  }, SLOW);
});

describe("red stages", () => {
  let result: RunResult;
  beforeAll(async () => {
    result = await runStages(
      [
        vitestFixture("global-setup-throws"),
        vitestFixture("stray-only"),
        vitestFixture("no-tests"),
        vitestFixture("setup-fails"),
        // Exits 0 and writes no report: "nothing failed" must not read as "everything passed".
        { ...vitestFixture("passing"), name: "silent", command: [process.execPath, "-e", ""], report: { file: path.join(reports, "silent.json"), kind: "vitest" } },
      ],
      { quiet: true },
    );
  }, SLOW);

  it("turns the whole run red", () => {
    expect(result.exitCode).not.toBe(0);
  });

  it("shows a failing global set-up as tests not run, with its error, never as 0/0", () => {
    const v = verdict(result, "global-setup-throws");
    expect(v.ok).toBe(false);
    expect(v.counts.notRun).toBe(4);
    expect(v.line).not.toContain("(0 passed, 0 failed, 0 skipped)");
    expect(result.lines.join("\n")).toMatch(/\[global-setup-throws\].*arithmetic\.case\.ts: 4 tests? not run.*the fixture cluster did not come up/);
  });

  it("fails a stray it.only and the failing test beside it is not hidden as skipped", () => {
    const v = verdict(result, "stray-only");
    expect(v.ok).toBe(false);
    expect(v.counts.failed).toBeGreaterThan(0);
    expect(v.counts.skipped).toBe(0);
    expect(result.lines.join("\n")).toMatch(/\[stray-only\].*Unexpected \.only modifier/);
  });

  it("fails a stage that runs no test, saying so", () => {
    const v = verdict(result, "no-tests");
    expect(v.ok).toBe(false);
    expect(v.problems.join("\n")).toMatch(/ran no test/);
  });

  it("counts the tests of a file whose set-up failed as not run, naming the file and the error", () => {
    const v = verdict(result, "setup-fails");
    expect(v.ok).toBe(false);
    expect(v.counts).toMatchObject({ passed: 4, notRun: 2, skipped: 0 });
    expect(result.lines.join("\n")).toMatch(/\[setup-fails\].*broken-setup\.case\.ts: 2 tests not run.*the fixture database is not there/);
  });

  it("fails a stage that exits 0 without a report, and its expected tests are not run", () => {
    const v = verdict(result, "silent");
    expect(v.ok).toBe(false);
    expect(v.problems.join("\n")).toMatch(/exited 0 but wrote no report/);
    expect(v.counts.notRun).toBe(4);
  });

  it("adds the not-run count to the closing line and lists what did not run", () => {
    // 4 passed in setup-fails; 1 failed (the refused .only); not run: 4 + 1 (beside the .only) + 2 + 4.
    expect(result.closingLine).toBe("tests: 4 passed, 1 failed, 0 skipped, 11 not run");
    expect(result.lines).toContain("not run:");
  });
});

describe("a stage skipped because a stage it needs failed", () => {
  it("counts the skipped stage's expected tests as not run and names the failed stage", async () => {
    const result = await runStages(
      [{ name: "cluster", command: [process.execPath, "-e", "process.exit(3)"] }, vitestFixture("passing", { needs: ["cluster"] })],
      { quiet: true },
    );
    expect(result.exitCode).not.toBe(0);
    expect(verdict(result, "cluster").problems.join("\n")).toMatch(/exit code 3/);
    expect(verdict(result, "passing").counts.notRun).toBe(4);
    expect(result.closingLine).toBe("tests: 0 passed, 0 failed, 0 skipped, 4 not run");
    expect(result.lines.join("\n")).toMatch(/\[passing\] 4 tests not run: needs cluster, which failed/);
  }, SLOW);
});

describe("the stage list", () => {
  it("refuses a stage that needs a stage that does not come before it", async () => {
    await expect(runStages([{ name: "e2e", command: [process.execPath, "-e", ""], needs: ["clutser"] }], { quiet: true })).rejects.toThrow(
      /stage "e2e" needs "clutser", which is not an earlier stage/,
    );
  });
});

describe("Playwright stages", () => {
  const playwrightFixture = (name: string) =>
    // Artifacts in this run's own directory: Playwright empties its output directory at start.
    playwrightStage({ name, config: path.join(fixture(name), "playwright.config.ts"), reportFile: path.join(reports, `${name}.json`), outputDir: path.join(reports, `${name}-artifacts`) });

  it("counts a flaky test as flaky, names it, and never as passed", async () => {
    const result = await runStages([playwrightFixture("playwright-flaky")], { quiet: true });
    expect(result.closingLine).toBe("tests: 1 passed, 0 failed, 1 skipped, 1 flaky");
    expect(result.lines.join("\n")).toMatch(/flaky tests[^\n]*:\n.*passes only when retried/);
  }, SLOW);

  it("shows a failing global set-up as tests not run, with its error", async () => {
    const result = await runStages([playwrightFixture("playwright-setup-throws")], { quiet: true });
    expect(result.exitCode).not.toBe(0);
    expect(result.closingLine).toBe("tests: 0 passed, 0 failed, 0 skipped, 2 not run");
    expect(result.lines.join("\n")).toMatch(/some\.case\.ts: 2 tests not run.*the fixture cluster did not come up/);
  }, SLOW);
});

describe("Go stages", () => {
  const goStage = (name: string, modules: string[]) => goTestStage({ name, modules, reportFile: path.join(reports, `${name}.json`) });

  it("counts top-level tests (subtests belong to theirs) and names a failure by its own message", async () => {
    const result = await runStages([goStage("go", [path.relative(process.cwd(), fixture("go-module"))])], { quiet: true });
    expect(result.exitCode).not.toBe(0);
    expect(result.closingLine).toBe("tests: 1 passed, 1 failed, 1 skipped");
    expect(result.lines.join("\n")).toMatch(/TestFails.*fixture_test\.go:\d+: the answer was 41, want 42/);
  }, SLOW);

  it("shows a module that does not build as red, with go's words", async () => {
    const broken = mkdtempSync(path.join(os.tmpdir(), "kq-go-broken-"));
    try {
      writeFileSync(path.join(broken, "go.mod"), "module kubequest.local/broken\n\ngo 1.22\n");
      writeFileSync(path.join(broken, "broken_test.go"), "package broken\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) { undefinedThing() }\n");
      const result = await runStages([goStage("go-broken", [broken])], { quiet: true });
      expect(result.exitCode).not.toBe(0);
      expect(result.lines.join("\n")).toMatch(/undefined: undefinedThing/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  }, SLOW);
});
