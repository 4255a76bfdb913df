/**
 * The verdict on each stage of `npm test` and the summary that ends the run, from what the
 * stage declared beforehand (its runner's list of tests), what its report shows and how it
 * exited. Every declared test is accounted for: passed, failed, skipped, flaky, or NOT RUN
 * (the stage crashed, was skipped because a stage it needs failed, or a file's set-up failed).
 * A stage is red when any test failed or did not run, when it ran no test, when it wrote no
 * report, when its list was doubtful, or when it exited non-zero. Pure, for unit tests.
 */
import type { ExpectedTests } from "./expected-tests";
import type { ExpectedTest, ParsedReport, ReportedTest } from "./test-reports";

export interface StageRun {
  name: string;
  /** Whether the stage runs tests (declares a report); other stages only have an exit code. */
  runsTests: boolean;
  /** The stages it needs that failed, when it was therefore not run. */
  skippedFor?: string[];
  expected?: ExpectedTests;
  exitCode?: number;
  seconds?: number;
  report?: ParsedReport;
  /** Why there is no report (missing, unreadable), when there is none. */
  reportProblem?: string;
  /** The last error line the stage printed, to say why tests did not run. */
  lastError?: string;
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  flaky: number;
  notRun: number;
}

export interface StageVerdict {
  name: string;
  ok: boolean;
  /** The stage's line in the summary. */
  line: string;
  counts: Counts;
  /** "file › test: first line of the error", one per failed test or failed file. */
  failures: string[];
  flaky: string[];
  /** "file: N tests not run: why", grouped. */
  notRun: string[];
  /** Why the stage is red besides its tests' outcomes (exit code, no report, no test...). */
  problems: string[];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function countsLine(c: Counts): string {
  return `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.notRun > 0 ? `, ${c.notRun} not run` : ""}${c.flaky > 0 ? `, ${c.flaky} flaky` : ""}`;
}

/** Groups unrun tests by file and reason: "file: 3 tests not run: reason". */
function groupNotRun(tests: { file: string; reason: string }[]): string[] {
  const groups = new Map<string, number>();
  for (const t of tests) {
    const key = `${t.file}\u0000${t.reason}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([key, n]) => {
    const [file, reason] = key.split("\u0000") as [string, string];
    return `${file}: ${plural(n, "test")} not run: ${reason}`;
  });
}

/** Declared tests that no report shows as run (each reported test settles one declared twin). */
function missingFrom(expected: ExpectedTest[], reported: ReportedTest[]): ExpectedTest[] {
  const seen = new Map<string, number>();
  for (const t of reported) seen.set(t.key, (seen.get(t.key) ?? 0) + 1);
  return expected.filter((t) => {
    const left = seen.get(t.key) ?? 0;
    if (left === 0) return true;
    seen.set(t.key, left - 1);
    return false;
  });
}

export function judgeStage(run: StageRun): StageVerdict {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0, flaky: 0, notRun: 0 };
  const verdict = (ok: boolean, line: string, rest: Partial<StageVerdict> = {}): StageVerdict => ({
    name: run.name,
    ok,
    line,
    counts,
    failures: [],
    flaky: [],
    notRun: [],
    problems: [],
    ...rest,
  });
  const expected = run.expected?.tests ?? [];
  const time = run.seconds !== undefined ? ` in ${run.seconds.toFixed(1)}s` : "";

  if (run.skippedFor) {
    const why = `needs ${run.skippedFor.join(", ")}, which failed`;
    counts.notRun = expected.length;
    const files = [...new Set(expected.map((t) => t.file))];
    const notRun = expected.length > 0 ? [`${plural(expected.length, "test")} not run: ${why} (${files.join(", ")})`] : [];
    return verdict(false, `✗ ${run.name}: not run (${why})${expected.length > 0 ? `, ${plural(expected.length, "test")} not run` : ""}`, { notRun, problems: [`not run: ${why}`] });
  }

  const problems: string[] = [];
  const exitProblem = run.exitCode !== 0 ? `exit code ${run.exitCode}${run.lastError ? `: ${run.lastError}` : ""}` : undefined;

  if (!run.runsTests) {
    if (exitProblem) problems.push(exitProblem);
    return verdict(problems.length === 0, problems.length === 0 ? `✓ ${run.name}${time}` : `✗ ${run.name}${time}: ${problems.join("; ")}`, { problems });
  }

  if (run.expected?.problem) problems.push(`its tests could not be listed beforehand: ${run.expected.problem}`);
  const report = run.report;
  if (!report) problems.push(run.exitCode === 0 ? `exited 0 but wrote no report${run.reportProblem ? ` (${run.reportProblem})` : ""}` : `wrote no report${run.reportProblem ? ` (${run.reportProblem})` : ""}`);
  const reported = report?.tests ?? [];

  // Why a declared test shows in no report: the best reason the run left behind.
  const fileReason = new Map((report?.fileFailures ?? []).map((f) => [f.file, f.reason]));
  const generalReason = report?.runErrors[0] ?? run.lastError ?? "";
  const missingReason = (file: string): string =>
    fileReason.get(file) ?? (report ? (generalReason ? `missing from the report (${generalReason})` : "missing from the report") : `the stage wrote no report${generalReason ? ` (${generalReason})` : ""}`);
  const unrun = [
    ...reported.filter((t) => t.outcome === "not run").map((t) => ({ file: t.file, reason: t.reason ?? "it did not run" })),
    ...missingFrom(expected, reported).map((t) => ({ file: t.file, reason: missingReason(t.file) })),
  ];
  // A file that failed while no test of it shows as failed or unrun (it could not even load).
  const unaccounted = (report?.fileFailures ?? []).filter((f) => !unrun.some((u) => u.file === f.file));

  counts.passed = reported.filter((t) => t.outcome === "passed").length;
  counts.failed = reported.filter((t) => t.outcome === "failed").length + unaccounted.length;
  counts.skipped = reported.filter((t) => t.outcome === "skipped").length;
  counts.flaky = reported.filter((t) => t.outcome === "flaky").length;
  counts.notRun = unrun.length;

  const failures = [
    ...reported.filter((t) => t.outcome === "failed").map((t) => `${t.file} › ${t.name}: ${t.reason ?? ""}`),
    ...unaccounted.map((f) => `${f.file}: ${f.reason}`),
  ];
  const flaky = reported.filter((t) => t.outcome === "flaky").map((t) => `${t.file} › ${t.name}${t.reason ? ` (first try: ${t.reason})` : ""}`);
  if (report && counts.passed + counts.failed + counts.flaky === 0 && unrun.length === 0) problems.push("ran no test");
  if (exitProblem) problems.push(exitProblem);
  for (const e of report?.runErrors ?? []) if (!unrun.some((u) => u.reason.includes(e))) problems.push(`run error: ${e}`);

  const ok = problems.length === 0 && counts.failed === 0 && counts.notRun === 0;
  const line = `${ok ? "✓" : "✗"} ${run.name}${time} (${countsLine(counts)})${problems.length > 0 ? `: ${problems.join("; ")}` : ""}`;
  return verdict(ok, line, { failures, flaky, notRun: groupNotRun(unrun), problems });
}

export interface Summary {
  lines: string[];
  /** `tests: N passed, N failed, N skipped`, then `, N not run` / `, N flaky` only when there are any. */
  closingLine: string;
  exitCode: number;
}

export function summarize(verdicts: StageVerdict[], minutes: number): Summary {
  const total: Counts = { passed: 0, failed: 0, skipped: 0, flaky: 0, notRun: 0 };
  for (const v of verdicts) for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += v.counts[k];
  const lines = [`━━ summary (${minutes.toFixed(1)} min) ━━`, ...verdicts.map((v) => v.line)];
  const section = (title: string, mark: string, items: string[]): void => {
    if (items.length === 0) return;
    lines.push("", title, ...items.map((i) => `  ${mark} ${i}`));
  };
  // The tail of a CI log says what broke without scrolling: failures, flaky, unrun, red stages.
  section("failed tests:", "✗", verdicts.flatMap((v) => v.failures.map((f) => `[${v.name}] ${f}`)));
  section("flaky tests (failed, then passed on a retry):", "~", verdicts.flatMap((v) => v.flaky.map((f) => `[${v.name}] ${f}`)));
  section("not run:", "-", verdicts.flatMap((v) => v.notRun.map((n) => `[${v.name}] ${n}`)));
  section("failed stages:", "✗", verdicts.filter((v) => v.problems.length > 0).map((v) => `${v.name}: ${v.problems.join("; ")}`));
  const closingLine = `tests: ${countsLine(total)}`;
  lines.push("", closingLine);
  return { lines, closingLine, exitCode: verdicts.every((v) => v.ok) ? 0 : 1 };
}
