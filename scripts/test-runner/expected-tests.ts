/**
 * The tests each stage of `npm test` must report, asked of the runners' own list modes before
 * any stage runs: a stage that crashes, is skipped or stops early cannot then make its tests
 * vanish from the count. Vitest lists by importing the test files (`vitest list`, its global
 * set-up told to do nothing by KUBEQUEST_LISTING_TESTS, so no cluster is needed); Playwright by
 * loading its specs (`--list`, which runs no set-up and starts no server); levels:verify from
 * the levels' own data, the scenarios it will play; go test by `go test -list`, which compiles
 * the tests but runs none.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadLevelCatalog } from "../../server/levels/level-catalog";
import { ALL_SCENARIO_KINDS, levelSelected, plannedScenarios, type ScenarioKind } from "../grading-run/planned-scenarios";
import { firstLine, GO_ENV, goKey, levelFile, playwrightRootDir, playwrightTests, relativeFile, scenarioKey, vitestKey, type ExpectedTest, type PlaywrightSuite } from "./test-reports";

/** A stage's declared tests; `problem` when the list itself is doubtful (its runner complained). */
export interface ExpectedTests {
  tests: ExpectedTest[];
  problem?: string;
}

/** Runs a list command quietly; resolves with its exit code and the last error line it printed. */
function runQuietly(command: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<{ code: number; lastError: string }> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    const tail = new OutputTail();
    child.stdout.on("data", (chunk: Buffer) => tail.add(chunk));
    child.stderr.on("data", (chunk: Buffer) => tail.add(chunk));
    child.on("close", (code) => resolve({ code: code ?? 1, lastError: tail.lastError() }));
    child.on("error", (err) => resolve({ code: 127, lastError: err.message }));
  });
}

/** Keeps the end of a process's output to find the error it last printed. */
export class OutputTail {
  private text = "";
  constructor(private readonly max = 64 * 1024) {}

  add(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.max);
  }

  /** The last line that reads like an error ("Error: …", "TypeError: …", "✗ …"), or "". */
  lastError(): string {
    // eslint-disable-next-line no-control-regex -- strips terminal colour codes
    const lines = this.text.replace(/\u001b\[[0-9;]*m/g, "").split("\n");
    const found = [...lines].reverse().find((l) => /^\s*(?:[A-Za-z]*Error\b|✗ )/.test(l) && !/^\s*Error: Process completed with exit code/.test(l));
    return found ? firstLine(found) : "";
  }
}

function scratchFile(name: string): { file: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kq-list-"));
  return { file: path.join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `vitest list --json` for one project (or the project at `root`); `.only` is not allowed here either. */
export async function listVitestTests(opts: { project?: string; root?: string; cwd?: string }): Promise<ExpectedTests> {
  const cwd = opts.cwd ?? process.cwd();
  const out = scratchFile("vitest-list.json");
  try {
    const command = ["npx", "vitest", "list", ...(opts.root ? ["--root", opts.root] : []), ...(opts.project ? ["--project", opts.project] : []), "--allowOnly=false", `--json=${out.file}`];
    const { code, lastError } = await runQuietly(command, { cwd, env: { KUBEQUEST_LISTING_TESTS: "1" } });
    let listed: { name: string; file: string }[] = [];
    try {
      listed = JSON.parse(readFileSync(out.file, "utf8")) as { name: string; file: string }[];
    } catch {
      // One file that throws while collected stops the whole list (e.g. a Kubernetes client made
      // in a describe body, before the cluster stage has run): say how to fix it.
      return { tests: [], problem: `vitest could not list its tests (exit code ${code})${lastError ? `: ${lastError}` : ""}; a test file must load without a cluster (make clients in beforeAll)` };
    }
    const tests = listed.map((t) => {
      const file = relativeFile(t.file, cwd);
      return { key: vitestKey(file, t.name), file, name: t.name };
    });
    // A file that does not load, or a stray `.only` (listing then names only the focused tests).
    const problem = code === 0 ? undefined : `vitest list exited with ${code}: a test file that does not load, or a stray .only${lastError ? ` (${lastError})` : ""}`;
    return { tests, problem };
  } finally {
    out.remove();
  }
}

/** `playwright test --list` with the JSON reporter: no global set-up, no web server. */
export async function listPlaywrightTests(opts: { config?: string; cwd?: string }): Promise<ExpectedTests> {
  const cwd = opts.cwd ?? process.cwd();
  const out = scratchFile("playwright-list.json");
  try {
    const command = ["npx", "playwright", "test", "--list", "--reporter=json", ...(opts.config ? ["--config", opts.config] : [])];
    const { code, lastError } = await runQuietly(command, { cwd, env: { PLAYWRIGHT_JSON_OUTPUT_FILE: out.file } });
    let data: { suites?: PlaywrightSuite[]; errors?: { message?: string }[] };
    try {
      data = JSON.parse(readFileSync(out.file, "utf8")) as typeof data;
    } catch {
      return { tests: [], problem: `playwright could not list its tests (exit code ${code})${lastError ? `: ${lastError}` : ""}` };
    }
    const configDir = opts.config ? path.dirname(path.resolve(cwd, opts.config)) : cwd;
    const tests = playwrightTests(data.suites ?? [], playwrightRootDir(data, configDir), cwd).map(({ key, file, name }) => ({ key, file, name }));
    const errors = (data.errors ?? []).map((e) => firstLine(e.message)).filter((m) => m !== "");
    const problem = code === 0 && errors.length === 0 ? undefined : `playwright --list exited with ${code}${errors.length > 0 ? `: ${errors.join("; ")}` : lastError ? `: ${lastError}` : ""}`;
    return { tests, problem };
  } finally {
    out.remove();
  }
}

/** The scenarios levels:verify plays for every level in `levelsDir`, from the levels' data. */
export async function listLevelScenarios(opts: { levelsDir: string; kinds?: ReadonlySet<ScenarioKind>; levels?: readonly string[] }): Promise<ExpectedTests> {
  const kinds = opts.kinds ?? new Set<ScenarioKind>(ALL_SCENARIO_KINDS);
  const catalog = await loadLevelCatalog(opts.levelsDir);
  const tests = catalog.list().filter((level) => levelSelected(level.manifest, opts.levels)).flatMap((level) =>
    plannedScenarios(level.manifest, kinds).map((name) => ({ key: scenarioKey(level.manifest.id, name), file: levelFile(level.manifest.id), name })),
  );
  return { tests };
}

/** `go test -list .` in each module: the top-level tests it will run, compiled but not run. */
export async function listGoTests(opts: { modules: readonly string[]; cwd?: string }): Promise<ExpectedTests> {
  const cwd = opts.cwd ?? process.cwd();
  const tests: ExpectedTest[] = [];
  const problems: string[] = [];
  for (const module of opts.modules) {
    const listed = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn("go", ["test", "-list", ".", "./..."], { cwd: path.resolve(cwd, module), env: { ...process.env, ...GO_ENV }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
      child.on("error", (err) => resolve({ code: 127, stdout, stderr: err.message }));
    });
    for (const name of listed.stdout.split("\n").filter((l) => /^(Test|Example|Fuzz)\w*$/.test(l.trim()))) {
      tests.push({ key: goKey(module, name.trim()), file: module, name: name.trim() });
    }
    if (listed.code !== 0) problems.push(`go test -list in ${module} exited with ${listed.code}: ${firstLine(listed.stderr) || "no error output"}`);
  }
  return { tests, problem: problems.length > 0 ? problems.join("; ") : undefined };
}
