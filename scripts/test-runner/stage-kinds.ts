/**
 * How `npm test` runs each kind of test stage: the command, where its JSON report goes, and how
 * it declares its tests beforehand. One definition for the real stages (scripts/run-tests.ts)
 * and for the orchestrator's own tests on fixture projects, so those tests drive the real thing.
 */
import path from "node:path";
import type { ScenarioKind } from "../grading-run/planned-scenarios";
import { listGoTests, listLevelScenarios, listPlaywrightTests, listVitestTests } from "./expected-tests";
import type { Stage } from "./orchestrator";

interface StageBase {
  name: string;
  reportFile: string;
  needs?: string[];
  after?: () => void;
}

/** A vitest project: `.only` refused, a JSON report, its tests listed by `vitest list`. */
export function vitestStage(opts: StageBase & { project?: string; root?: string }): Stage {
  const select = [...(opts.root ? ["--root", opts.root] : []), ...(opts.project ? ["--project", opts.project] : [])];
  return {
    name: opts.name,
    command: ["npx", "vitest", "run", ...select, "--allowOnly=false", "--reporter=default", "--reporter=json", `--outputFile.json=${opts.reportFile}`],
    report: { file: opts.reportFile, kind: "vitest" },
    expects: () => listVitestTests({ project: opts.project, root: opts.root }),
    needs: opts.needs,
    after: opts.after,
  };
}

/**
 * A Playwright config: `.only` refused, its JSON report sent to `reportFile`, tests from `--list`;
 * `outputDir` overrides the config's artifacts directory (which Playwright empties at start).
 */
export function playwrightStage(opts: StageBase & { config?: string; outputDir?: string }): Stage {
  return {
    name: opts.name,
    command: ["npx", "playwright", "test", "--forbid-only", ...(opts.config ? ["--config", opts.config] : []), ...(opts.outputDir ? ["--output", opts.outputDir] : [])],
    env: { PLAYWRIGHT_JSON_OUTPUT_FILE: opts.reportFile },
    report: { file: opts.reportFile, kind: "playwright", configDir: opts.config ? path.dirname(path.resolve(opts.config)) : process.cwd() },
    expects: () => listPlaywrightTests({ config: opts.config }),
    needs: opts.needs,
    after: opts.after,
  };
}

/**
 * levels:verify: every scenario of every level is a test, declared from the levels' data;
 * `levels` (ids or numbers) and `kinds` narrow both what it runs and what it declares.
 */
export function levelsVerifyStage(opts: StageBase & { levelsDir: string; kinds?: ReadonlySet<ScenarioKind>; levels?: readonly string[] }): Stage {
  const narrowed = [
    ...(opts.levels ?? []).flatMap((level) => ["--level", level]),
    ...(opts.kinds ? ["--scenarios", [...opts.kinds].join(",")] : []),
  ];
  return {
    name: opts.name,
    command: ["npx", "tsx", "scripts/levels-verify.ts", "--report", opts.reportFile, ...narrowed],
    report: { file: opts.reportFile, kind: "levels-verify" },
    expects: () => listLevelScenarios({ levelsDir: opts.levelsDir, kinds: opts.kinds, levels: opts.levels }),
    needs: opts.needs,
    after: opts.after,
  };
}

/** Go modules (directories with a go.mod): `go test` in each, its tests listed by `go test -list`. */
export function goTestStage(opts: StageBase & { modules: readonly string[] }): Stage {
  return {
    name: opts.name,
    command: ["npx", "tsx", "scripts/test-runner/go-test.ts", "--report", opts.reportFile, ...opts.modules],
    report: { file: opts.reportFile, kind: "go" },
    expects: () => listGoTests({ modules: opts.modules }),
    needs: opts.needs,
    after: opts.after,
  };
}
