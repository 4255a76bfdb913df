/**
 * `npm test`'s Go stage: `go test -json` in each Go module of the repository (the grader's probe,
 * the runc wrapper), a line per test as it ends, and one JSON report of every module's events
 * for the summary (test-reports.ts, parseGoTestReport). The host's own Go (GOTOOLCHAIN=local):
 * the same one the cluster kit builds with.
 *
 *   tsx scripts/test-runner/go-test.ts --report FILE MODULE_DIR...
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { GO_ENV, type GoTestEvent, type GoTestReport } from "./test-reports";

function runModule(dir: string): Promise<GoTestReport["runs"][number]> {
  return new Promise((resolve) => {
    const events: GoTestEvent[] = [];
    const started = Date.now();
    const child = spawn("go", ["test", "-json", "-count=1", "./..."], { cwd: dir, env: { ...process.env, ...GO_ENV }, stdio: ["ignore", "pipe", "pipe"] });
    let pending = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          const event = JSON.parse(line) as GoTestEvent;
          events.push(event);
          if (event.Test && !event.Test.includes("/") && (event.Action === "pass" || event.Action === "fail" || event.Action === "skip")) {
            console.log(`  ${event.Action === "pass" ? "✓" : event.Action === "fail" ? "✗" : "-"} ${dir} › ${event.Test} (${event.Elapsed ?? 0}s)`);
          }
          // A failing test's own words, as go test prints them.
          if (event.Action === "build-output" && event.Output) process.stdout.write(`    ${event.Output}`);
          if (event.Action === "output" && event.Output && /^\s+\S+_test\.go:\d+:|^--- FAIL|^FAIL/.test(event.Output)) process.stdout.write(`    ${event.Output}`);
        } catch {
          process.stdout.write(`${line}\n`); // not an event: a build error printed as text
        }
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    const finish = (exitCode: number) => resolve({ module: dir, exitCode, stderr: stderr.slice(-4000), events, seconds: (Date.now() - started) / 1000 });
    child.on("close", (code) => finish(code ?? 1));
    child.on("error", (err) => {
      stderr += err.message;
      finish(127);
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--report");
  if (at < 0 || !args[at + 1]) throw new Error("usage: go-test.ts --report FILE MODULE_DIR...");
  const reportFile = args[at + 1]!;
  const modules = args.filter((_, i) => i !== at && i !== at + 1);
  const report: GoTestReport = { runs: [] };
  for (const dir of modules) {
    console.log(`go test ${dir}`);
    report.runs.push(await runModule(dir));
  }
  writeFileSync(reportFile, JSON.stringify(report));
  process.exit(report.runs.every((r) => r.exitCode === 0) ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
