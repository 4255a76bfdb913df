/**
 * The part of `npm test` that runs stages and sums up their tests, apart from the list of real
 * stages (scripts/run-tests.ts), so that it can be driven against tiny fixture projects.
 *
 * Before any stage runs, every test stage declares the tests it must report (its runner's list
 * mode, see expected-tests.ts). Then the stages run in order; a stage whose needed stage failed
 * is not run and its declared tests count as NOT RUN. The summary (test-summary.ts) accounts
 * for every declared test, so a crash, a skipped stage or a failing set-up cannot make tests
 * disappear from the count.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { OutputTail, type ExpectedTests } from "./expected-tests";
import { parseGoTestReport, parseLevelsVerifyReport, parsePlaywrightReport, parseVitestReport, type ParsedReport } from "./test-reports";
import { judgeStage, summarize, type StageVerdict } from "./test-summary";

export interface Stage {
  name: string;
  command: string[];
  /** Extra environment for this stage's command. */
  env?: Record<string, string>;
  /** JSON report to count tests from; `configDir` resolves a Playwright report's file names. */
  report?: { file: string; kind: "vitest" | "playwright" | "levels-verify" | "go"; configDir?: string };
  /** The tests the stage must report, from its runner's list mode; asked before any stage runs. */
  expects?: () => Promise<ExpectedTests>;
  /** Skip this stage when an earlier one it needs failed. */
  needs?: string[];
  /** Runs after the stage, whatever its outcome (e.g. to say where its report is). */
  after?: () => void;
  /** Environment for this and every later stage once this stage has passed. */
  passes?: Record<string, string>;
}

export interface RunResult {
  exitCode: number;
  verdicts: StageVerdict[];
  /** The summary as printed, line by line. */
  lines: string[];
  closingLine: string;
}

export interface RunOptions {
  /** Print nothing (the stages' output, the listing, the summary): for tests. */
  quiet?: boolean;
  cwd?: string;
}

/** Runs a command, its output shown (unless quiet) and its end kept to name the last error. */
function run(cmd: string[], env: Record<string, string>, opts: RunOptions): Promise<{ code: number; lastError: string }> {
  return new Promise((resolve) => {
    const tail = new OutputTail();
    const child = spawn(cmd[0]!, cmd.slice(1), {
      cwd: opts.cwd,
      stdio: ["inherit", "pipe", "pipe"],
      // Output is piped (to find the last error), so keep the colours a terminal would get.
      env: { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}), NEXT_TELEMETRY_DISABLED: "1", PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1", ...env },
    });
    child.stdout.on("data", (chunk: Buffer) => {
      tail.add(chunk);
      if (!opts.quiet) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      tail.add(chunk);
      if (!opts.quiet) process.stderr.write(chunk);
    });
    child.on("close", (code) => resolve({ code: code ?? 1, lastError: tail.lastError() }));
    child.on("error", (err) => resolve({ code: 127, lastError: err.message }));
  });
}

function readReport(report: NonNullable<Stage["report"]>, cwd: string): { report?: ParsedReport; problem?: string } {
  if (!existsSync(report.file)) return { problem: `${report.file} is missing` };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(report.file, "utf8"));
  } catch (err) {
    return { problem: `${report.file} is not JSON: ${(err as Error).message}` };
  }
  if (report.kind === "vitest") return { report: parseVitestReport(data, cwd) };
  if (report.kind === "playwright") return { report: parsePlaywrightReport(data, report.configDir ?? cwd, cwd) };
  if (report.kind === "go") return { report: parseGoTestReport(data) };
  return { report: parseLevelsVerifyReport(data) };
}

/** Every stage's declared tests, asked of all runners at once before anything runs. */
async function declareTests(stages: Stage[], opts: RunOptions): Promise<Map<string, ExpectedTests>> {
  const withTests = stages.filter((s) => s.expects);
  if (withTests.length === 0) return new Map();
  if (!opts.quiet) console.log("\n━━ listing the tests each stage must run ━━");
  const t0 = Date.now();
  const lists = await Promise.all(
    withTests.map(async (s): Promise<[string, ExpectedTests]> => {
      try {
        return [s.name, await s.expects!()];
      } catch (err) {
        return [s.name, { tests: [], problem: (err as Error).message.split("\n")[0] ?? String(err) }];
      }
    }),
  );
  if (!opts.quiet) {
    for (const [name, list] of lists) console.log(`${name}: ${list.tests.length} tests${list.problem ? ` (${list.problem})` : ""}`);
    console.log(`listed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
  return new Map(lists);
}

/** A `needs` that names no earlier stage would never hold the stage back: refuse it up front. */
function checkNeeds(stages: Stage[]): void {
  stages.forEach((stage, i) => {
    const earlier = new Set(stages.slice(0, i).map((s) => s.name));
    const unknown = (stage.needs ?? []).filter((n) => !earlier.has(n));
    if (unknown.length > 0) throw new Error(`stage "${stage.name}" needs ${unknown.map((n) => `"${n}"`).join(", ")}, which is not an earlier stage: fix the stage list in scripts/run-tests.ts`);
  });
}

export async function runStages(stages: Stage[], opts: RunOptions = {}): Promise<RunResult> {
  checkNeeds(stages);
  const started = Date.now();
  const cwd = opts.cwd ?? process.cwd();
  const declared = await declareTests(stages, opts);
  /** What earlier stages established for later ones (e.g. that the cluster is up). */
  const sharedEnv: Record<string, string> = {};
  const verdicts: StageVerdict[] = [];
  const failed = (name: string): boolean => verdicts.some((v) => v.name === name && !v.ok);
  for (const stage of stages) {
    const base = { name: stage.name, runsTests: Boolean(stage.report), expected: declared.get(stage.name) };
    const missing = stage.needs?.filter(failed) ?? [];
    if (missing.length > 0) {
      verdicts.push(judgeStage({ ...base, skippedFor: missing }));
      continue;
    }
    if (!opts.quiet) console.log(`\n━━ ${stage.name} ━━`);
    // A report left by an earlier run must never stand in for this one's.
    if (stage.report) rmSync(stage.report.file, { force: true });
    const t0 = Date.now();
    const { code, lastError } = await run(stage.command, { ...sharedEnv, ...stage.env }, { ...opts, cwd });
    stage.after?.();
    const read = stage.report ? readReport(stage.report, cwd) : {};
    const verdict = judgeStage({ ...base, exitCode: code, seconds: (Date.now() - t0) / 1000, report: read.report, reportProblem: read.problem, lastError });
    verdicts.push(verdict);
    if (verdict.ok) Object.assign(sharedEnv, stage.passes);
  }
  const summary = summarize(verdicts, (Date.now() - started) / 60000);
  if (!opts.quiet) console.log(`\n${summary.lines.join("\n")}`);
  return { exitCode: summary.exitCode, verdicts, lines: summary.lines, closingLine: summary.closingLine };
}
