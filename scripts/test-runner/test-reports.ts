/**
 * What the runners' JSON reports say about each test, in one shape (vitest, Playwright,
 * levels:verify and go test), so that the summary can compare them with the tests each stage declared
 * beforehand. Pure: no files, no processes, so every odd report can be unit-tested.
 */
import path from "node:path";

/** A test a stage must report, as its runner's list mode names it (see expected-tests.ts). */
export interface ExpectedTest {
  /** Equal for the same test in the runner's list and in its report. */
  key: string;
  /** Where the test lives, relative to the repository (the "not run" list groups by it). */
  file: string;
  /** Its title path, for people. */
  name: string;
}

export type TestOutcome = "passed" | "failed" | "skipped" | "flaky" | "not run";

export interface ReportedTest extends ExpectedTest {
  outcome: TestOutcome;
  /** The first line of its error (failed), or why it did not run (not run). */
  reason?: string;
}

export interface ParsedReport {
  tests: ReportedTest[];
  /** Files that failed without a failed or unrun test to show for it (an import error). */
  fileFailures: { file: string; reason: string }[];
  /** Errors of the run as a whole (Playwright's global set-up, a level that could not start). */
  runErrors: string[];
}

/** Reporter text without its terminal colour codes. */
function withoutColours(text: string): string {
  // eslint-disable-next-line no-control-regex -- strips terminal colour codes from reporter text
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

/** The first non-empty line of an error message, without colour codes, shortened. */
export function firstLine(message: unknown): string {
  const line = String(message ?? "").split("\n").find((l) => l.trim() !== "") ?? "";
  const plain = withoutColours(line).trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
}

export function relativeFile(file: string, cwd: string): string {
  return path.isAbsolute(file) ? path.relative(cwd, file) : file;
}

/** The key of a vitest test, the same from `vitest list --json` and from the JSON reporter. */
export function vitestKey(file: string, titlePath: string): string {
  return `${file} › ${titlePath}`;
}

interface VitestFile {
  name: string;
  message?: string;
  status?: string;
  assertionResults?: { title: string; ancestorTitles?: string[]; status: string; failureMessages?: string[] }[];
}

/**
 * Vitest's JSON report. A test reported "skipped" in a file that failed did not run because the
 * file's set-up failed (vitest marks the tests of a failed beforeAll, or those beside a refused
 * `.only`, as skipped): it counts as not run, with the file's error as the reason.
 */
export function parseVitestReport(data: unknown, cwd: string): ParsedReport {
  const files = ((data as { testResults?: VitestFile[] }).testResults ?? []) as VitestFile[];
  const tests: ReportedTest[] = [];
  const fileFailures: ParsedReport["fileFailures"] = [];
  for (const f of files) {
    const file = relativeFile(f.name, cwd);
    const fileFailed = f.status === "failed";
    const fileReason = firstLine(f.message);
    let accounted = false;
    for (const a of f.assertionResults ?? []) {
      const name = [...(a.ancestorTitles ?? []), a.title].join(" > ");
      const base = { key: vitestKey(file, name), file, name };
      if (a.status === "passed") tests.push({ ...base, outcome: "passed" });
      else if (a.status === "failed") {
        tests.push({ ...base, outcome: "failed", reason: firstLine(a.failureMessages?.[0]) });
        accounted = true;
      } else if (fileFailed) {
        tests.push({ ...base, outcome: "not run", reason: fileReason || "its file failed before it ran" });
        accounted = true;
      } else tests.push({ ...base, outcome: "skipped" });
    }
    if (fileFailed && !accounted) fileFailures.push({ file, reason: fileReason || "the file failed" });
  }
  return { tests, fileFailures, runErrors: [] };
}

interface PlaywrightError {
  message?: string;
  location?: { file?: string; line?: number };
}

interface PlaywrightResult {
  status?: string;
  error?: PlaywrightError;
}

/**
 * Why a Playwright test failed, in one line a CI log's tail can carry: the error's first line,
 * where the failing assertion is, and what it expected ("Expected substring: …"). A first line
 * alone ("toContainText(expected) failed") does not say which of a test's assertions broke.
 */
export function playwrightReason(error: PlaywrightError | undefined, cwd: string): string {
  const first = firstLine(error?.message);
  const { file, line } = error?.location ?? {};
  const where = file && line ? ` at ${relativeFile(file, cwd)}:${line}` : "";
  const expectedLine = String(error?.message ?? "")
    .split("\n")
    .find((l) => /^\s*Expected\b/.test(withoutColours(l)));
  const expected = expectedLine ? `; ${firstLine(expectedLine)}` : "";
  return `${first}${where}${expected}`;
}

export interface PlaywrightSuite {
  title: string;
  file?: string;
  specs?: { id: string; title: string; file?: string; tests: { projectName?: string; status: string; results: PlaywrightResult[] }[] }[];
  suites?: PlaywrightSuite[];
}

/** A Playwright test as a report (of a run or of `--list`) gives it. */
export interface PlaywrightEntry extends ExpectedTest {
  status: string;
  results: PlaywrightResult[];
}

/** The key of a Playwright test: its spec id (stable between --list and a run) and its project. */
export function playwrightKey(specId: string, projectName: string | undefined): string {
  return `${specId}@${projectName ?? ""}`;
}

/** Every test of a Playwright JSON report; `rootDir` is what its file names are relative to. */
export function playwrightTests(suites: PlaywrightSuite[], rootDir: string, cwd: string, prefix: string[] = []): PlaywrightEntry[] {
  return suites.flatMap((suite) => {
    // A file's own suite is titled with the file name: the title path starts below it.
    const titles = suite.title && suite.title !== suite.file ? [...prefix, suite.title] : prefix;
    const own = (suite.specs ?? []).flatMap((spec) =>
      spec.tests.map((t): PlaywrightEntry => {
        const file = relativeFile(path.resolve(rootDir, spec.file ?? suite.file ?? ""), cwd);
        return { key: playwrightKey(spec.id, t.projectName), file, name: [...titles, spec.title].join(" › "), status: t.status, results: t.results };
      }),
    );
    return [...own, ...playwrightTests(suite.suites ?? [], rootDir, cwd, titles)];
  });
}

/** The directory a Playwright report's file names are relative to. */
export function playwrightRootDir(data: unknown, fallback: string): string {
  return (data as { config?: { rootDir?: string } }).config?.rootDir ?? fallback;
}

/**
 * Playwright's JSON report. "flaky" (failed, then passed on a retry) stays flaky; a test with no
 * result at all never ran (the run stopped, or its worker died).
 */
export function parsePlaywrightReport(data: unknown, configDir: string, cwd: string): ParsedReport {
  const report = data as { suites?: PlaywrightSuite[]; errors?: { message?: string }[] };
  const tests = playwrightTests(report.suites ?? [], playwrightRootDir(data, configDir), cwd).map((t): ReportedTest => {
    const base = { key: t.key, file: t.file, name: t.name };
    if (t.status === "expected") return { ...base, outcome: "passed" };
    if (t.status === "flaky") return { ...base, outcome: "flaky", reason: playwrightReason(t.results.find((r) => r.error)?.error, cwd) };
    if (t.status === "unexpected") return { ...base, outcome: "failed", reason: playwrightReason(t.results.at(-1)?.error, cwd) };
    if (t.results.length === 0) return { ...base, outcome: "not run", reason: "the run ended before it" };
    return { ...base, outcome: "skipped" };
  });
  return { tests, fileFailures: [], runErrors: (report.errors ?? []).map((e) => firstLine(e.message)).filter((m) => m !== "") };
}

/** The key of a levels:verify scenario. */
export function scenarioKey(levelId: string, scenario: string): string {
  return `${levelId} › ${scenario}`;
}

/** The file a level's scenarios are grouped under in the summary. */
export function levelFile(levelId: string): string {
  return `level ${levelId}`;
}

/**
 * levels:verify's report (test-results/levels-verify.json). A level that could not even start
 * is a run error; its scenarios, declared beforehand, then show as not run.
 */
export function parseLevelsVerifyReport(data: unknown): ParsedReport {
  interface Scenario {
    ok: boolean;
    name: string;
    expected?: string;
    passed?: boolean;
    check?: string;
    problem?: string;
  }
  const levels = ((data as { levels?: unknown[] }).levels ?? []) as { id: string; error?: string; scenarios?: Scenario[] }[];
  const tests = levels.flatMap((level) =>
    (level.scenarios ?? []).map((s): ReportedTest => {
      const base = { key: scenarioKey(level.id, s.name), file: levelFile(level.id), name: s.name };
      if (s.ok) return { ...base, outcome: "passed" };
      const verdict = s.problem ?? `expected ${s.expected ?? "?"}, got ${s.passed ? "pass" : `fail at ${s.check ?? "?"}`}`;
      return { ...base, outcome: "failed", reason: firstLine(verdict) };
    }),
  );
  return { tests, fileFailures: [], runErrors: levels.filter((l) => l.error).map((l) => `level ${l.id}: ${firstLine(l.error)}`) };
}

// ---------------------------------------------------------------------------------------------
// go test (scripts/test-runner/go-test.ts): the events of `go test -json`, module by module.

/** How the Go stage and its list run `go`: the host's own Go, as the cluster kit builds with. */
export const GO_ENV = { GOTOOLCHAIN: "local", GOFLAGS: "-buildvcs=false", CGO_ENABLED: "0" };

/** One line of `go test -json` (cmd/test2json). */
export interface GoTestEvent {
  Action: string;
  Package?: string;
  Test?: string;
  Elapsed?: number;
  Output?: string;
}

export interface GoTestReport {
  runs: { module: string; exitCode: number; stderr: string; events: GoTestEvent[]; seconds: number }[];
}

/** The key of a Go test: its module's directory and the test's name (the same from `go test -list`). */
export function goKey(module: string, test: string): string {
  return `${module} › ${test}`;
}

/**
 * Every top-level test of every module (subtests belong to their test). A module that failed
 * with no failed test to show for it did not build: a file failure, with go's first error line.
 */
export function parseGoTestReport(data: unknown): ParsedReport {
  const runs = ((data as Partial<GoTestReport>).runs ?? []) as GoTestReport["runs"];
  const tests: ReportedTest[] = [];
  const fileFailures: ParsedReport["fileFailures"] = [];
  for (const run of runs) {
    const output = new Map<string, string[]>();
    let failedTests = 0;
    for (const e of run.events ?? []) {
      if (!e.Test || e.Test.includes("/")) continue;
      if (e.Action === "output" && e.Output) output.set(e.Test, [...(output.get(e.Test) ?? []), e.Output]);
      if (e.Action !== "pass" && e.Action !== "fail" && e.Action !== "skip") continue;
      const base = { key: goKey(run.module, e.Test), file: run.module, name: e.Test };
      if (e.Action === "pass") tests.push({ ...base, outcome: "passed" });
      else if (e.Action === "skip") tests.push({ ...base, outcome: "skipped" });
      else {
        failedTests += 1;
        // The test's own message (file:line: …), not go's "=== RUN" / "--- FAIL" bookkeeping.
        const said = (output.get(e.Test) ?? []).find((l) => /^\s+\S+\.go:\d+:/.test(l)) ?? "";
        tests.push({ ...base, outcome: "failed", reason: firstLine(said) || "failed" });
      }
    }
    if (run.exitCode !== 0 && failedTests === 0) {
      // Go 1.24+ reports compile errors as "build-output" events; older Go printed them on stderr.
      const said = [...(run.events ?? []).filter((e) => (e.Action === "output" || e.Action === "build-output") && !e.Test).map((e) => e.Output ?? ""), run.stderr]
        .join("\n")
        .split("\n")
        .find((l) => /\.go:\d+:\d+:|cannot|no Go files|go: /.test(l));
      fileFailures.push({ file: run.module, reason: firstLine(said) || `go test exited with ${run.exitCode}` });
    }
  }
  return { tests, fileFailures, runErrors: [] };
}
