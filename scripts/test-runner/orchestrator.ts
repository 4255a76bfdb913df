/**
 * The part of `npm test` that runs stages and sums up their tests, apart from the list of real
 * stages (scripts/run-tests.ts), so that it can be driven against tiny fixture projects.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export interface Stage {
  name: string;
  command: string[];
  /** JSON report to count tests from. */
  report?: { file: string; kind: "vitest" | "playwright" | "levels-verify" };
  /** Skip this stage when an earlier one it needs failed. */
  needs?: string[];
  /** Runs after the stage, whatever its outcome (e.g. to say where its report is). */
  after?: () => void;
  /** Environment for this and every later stage once this stage has passed. */
  passes?: Record<string, string>;
}

/** What earlier stages established for later ones (e.g. that the cluster is up). */
const sharedEnv: Record<string, string> = {};

function run(cmd: string[], quiet: boolean): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd[0]!, cmd.slice(1), {
      stdio: quiet ? "ignore" : "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1", ...sharedEnv },
    });
    child.on("close", (code) => resolve(code ?? 1));
    child.on("error", () => resolve(127));
  });
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  /** Names of the failed tests, with the first line of their error, for the summary. */
  failures: string[];
}

/** The first non-empty line of an error message, shortened, for a one-line summary. */
function firstLine(message: unknown): string {
  const line = String(message ?? "").split("\n").find((l) => l.trim() !== "") ?? "";
  // eslint-disable-next-line no-control-regex -- strips terminal colour codes from reporter text
  const plain = line.replace(/\u001b\[[0-9;]*m/g, "").trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
}

interface PlaywrightSuite {
  title: string;
  specs?: { title: string; tests: { status: string; results: { error?: { message?: string } }[] }[] }[];
  suites?: PlaywrightSuite[];
}

function playwrightFailures(suites: PlaywrightSuite[], prefix: string[] = []): string[] {
  return suites.flatMap((suite) => {
    const titles = suite.title ? [...prefix, suite.title] : prefix;
    const own = (suite.specs ?? []).flatMap((spec) =>
      spec.tests
        .filter((t) => t.status === "unexpected")
        .map((t) => `${[...titles, spec.title].join(" › ")}: ${firstLine(t.results.at(-1)?.error?.message)}`),
    );
    return [...own, ...playwrightFailures(suite.suites ?? [], titles)];
  });
}

function countReport(report: NonNullable<Stage["report"]>): Counts | undefined {
  if (!existsSync(report.file)) return undefined;
  const data = JSON.parse(readFileSync(report.file, "utf8")) as Record<string, unknown>;
  if (report.kind === "vitest") {
    const files = (data.testResults ?? []) as {
      name: string;
      message?: string;
      status?: string;
      assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
    }[];
    const failures = files.flatMap((file) => {
      const where = path.relative(process.cwd(), file.name);
      const tests = (file.assertionResults ?? [])
        .filter((a) => a.status === "failed")
        .map((a) => `${where} › ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
      // A file that failed before any test ran (an import error, a failing beforeAll).
      if (tests.length === 0 && file.status === "failed") return [`${where}: ${firstLine(file.message)}`];
      return tests;
    });
    return {
      passed: Number(data.numPassedTests ?? 0),
      failed: Number(data.numFailedTests ?? 0),
      skipped: Number(data.numPendingTests ?? 0) + Number(data.numTodoTests ?? 0),
      failures,
    };
  }
  if (report.kind === "levels-verify") {
    interface Scenario {
      ok: boolean;
      name?: string;
      expected?: string;
      passed?: boolean;
      check?: string;
      error?: string;
    }
    const levels = (data.levels ?? []) as { id?: string; ok: boolean; error?: string; scenarios: Scenario[] }[];
    const scenarios = levels.flatMap((l): Scenario[] => (l.error ? [...l.scenarios, { ok: false, name: l.id, error: l.error }] : l.scenarios));
    const verdict = (s: Scenario): string =>
      s.error ?? `expected ${s.expected ?? "?"}, got ${s.passed ? "pass" : `fail at ${s.check ?? "?"}`}`;
    return {
      passed: scenarios.filter((s) => s.ok).length,
      failed: scenarios.filter((s) => !s.ok).length,
      skipped: 0,
      failures: scenarios.filter((s) => !s.ok).map((s) => `${s.name ?? "scenario"}: ${firstLine(verdict(s))}`),
    };
  }
  const stats = data.stats as Record<string, number> | undefined;
  return {
    passed: (stats?.expected ?? 0) + (stats?.flaky ?? 0),
    failed: stats?.unexpected ?? 0,
    skipped: stats?.skipped ?? 0,
    failures: playwrightFailures((data.suites ?? []) as PlaywrightSuite[]),
  };
}

export async function runStages(stages: Stage[], opts: { quiet?: boolean } = {}): Promise<{ exitCode: number; lines: string[] }> {
  const lines: string[] = [];
  const say = (line: string): void => {
    lines.push(line);
    if (!opts.quiet) console.log(line);
  };
  const started = Date.now();
  const failedStages: string[] = [];
  const total: Counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const summary: string[] = [];
  for (const stage of stages) {
    if (stage.needs?.some((n) => failedStages.includes(n))) {
      failedStages.push(stage.name);
      summary.push(`✗ ${stage.name}: not run (needs ${stage.needs.join(", ")})`);
      continue;
    }
    if (!opts.quiet) console.log(`\n━━ ${stage.name} ━━`);
    const t0 = Date.now();
    const code = await run(stage.command, opts.quiet ?? false);
    stage.after?.();
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    const counts = stage.report ? countReport(stage.report) : undefined;
    if (counts) {
      total.passed += counts.passed;
      total.failed += counts.failed;
      total.skipped += counts.skipped;
      total.failures.push(...counts.failures.map((f) => `[${stage.name}] ${f}`));
    }
    const detail = counts ? ` (${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped)` : "";
    if (code === 0 && (!counts || counts.failed === 0)) {
      summary.push(`✓ ${stage.name} in ${secs}s${detail}`);
      Object.assign(sharedEnv, stage.passes);
    } else {
      failedStages.push(stage.name);
      summary.push(`✗ ${stage.name} in ${secs}s${detail}, exit code ${code}`);
    }
  }
  say(`\n━━ summary (${((Date.now() - started) / 60000).toFixed(1)} min) ━━`);
  for (const line of summary) say(line);
  // The failed tests by name, so the last lines of a CI log say what broke without scrolling.
  if (total.failures.length > 0) {
    say("\nfailed tests:");
    for (const failure of total.failures) say(`  ✗ ${failure}`);
  }
  // Skipped tests are reported, never counted as passing.
  const failed = total.failed + (failedStages.length > 0 && total.failed === 0 ? failedStages.length : 0);
  say(`\ntests: ${total.passed} passed, ${failed} failed, ${total.skipped} skipped`);
  return { exitCode: failedStages.length === 0 ? 0 : 1, lines };
}

