/**
 * Plays one level the way a learner does, in a real browser against a real server: start it,
 * grade the broken state, try each declared wrong fix, apply the solution, grade twice. Shared
 * by `npm run levels:verify` and `npm run grade:installation`.
 *
 * Every step goes through the level page (the LevelPage page object):
 *   start, grade, reset                 the page's buttons
 *   apply / recreate steps              the YAML editor (Recreate after the immutable-field refusal)
 *   waitReady steps                     the live view (its pod cards turning ready)
 *   exec / delete / waitRollout steps   the learner's terminal (kubectl exec / delete / rollout status)
 *   {{namespace}}, {{podIP:x}} in files read off the terminal ($POD_NAMESPACE, kubectl get pod)
 * so a level that passes here can be passed by a learner with the same tools.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type BrowserContext } from "@playwright/test";
import { evidencePattern, type LevelStep } from "../../lib/levels/level-schema";
import type { SessionInfo } from "../../lib/protocol/account-api";
import type { GradeFinished } from "../../lib/protocol/socket-events";
import type { LoadedLevel } from "../../server/levels/level-catalog";
import { LevelPage, shellQuote } from "../../e2e/pages/level-page";

import { SCENARIO_NAMES, type ScenarioKind } from "./planned-scenarios";

export type { ScenarioKind };

export interface CheckReport {
  id: string;
  /** What the grade panel showed: pass, fail, skipped. */
  status: string;
  durationMs?: number;
  /** On a failed check: the grader's evidence and hint (as the learner saw them). */
  evidence?: string[];
  hint?: string;
}

export interface StepReport {
  description: string;
  /** Which part of the UI carried the step out. */
  via: "editor" | "editor (Recreate)" | "terminal" | "live view";
  durationMs: number;
}

export interface ScenarioReport {
  /** e.g. "broken start", "wrong fix replicas-use-pod-ip", "solution", "solution, graded again". */
  name: string;
  kind: ScenarioKind;
  /** "fail", "fail at <check>" or "pass". */
  expected: string;
  ok: boolean;
  /** What was off, naming the check when there is one. */
  problem?: string;
  /** The check the scenario is about: the first failing one, or the declared one when it passed. */
  check?: string;
  passed?: boolean;
  steps: StepReport[];
  checks: CheckReport[];
  /** Time of the grade run itself, as the server measured it. */
  gradeMs?: number;
  totalMs: number;
  screenshot?: string;
}

export interface LevelReport {
  id: string;
  number: number;
  title: string;
  ok: boolean;
  scenarios: ScenarioReport[];
  /** The learner namespace the run created (deleted again afterwards). */
  namespace?: string;
  /** XP the first passing grade awarded ("xp:awarded"); null when none was announced. */
  award?: number | null;
  /** Start time of the environment (click → ready). */
  startMs?: number;
  totalMs: number;
  /** Set when the level could not be played at all (e.g. it never started). */
  error?: string;
  trace?: string;
}

export interface PlayOptions {
  baseURL: string;
  /** Which scenarios to play; the start is always played. */
  scenarios: Set<ScenarioKind>;
  /** Where screenshots of failures go. */
  artifactsDir: string;
  log?: (line: string) => void;
}

/** The editor tab a step's file goes into: the tab of the same file name, else the first tab. */
function tabFor(level: LoadedLevel, file: string): string {
  const base = path.posix.basename(file);
  const tabs = level.manifest.editableFiles;
  return (tabs.find((t) => t.name === base) ?? tabs[0]!).name;
}

/** The kubectl argv of an exec step, with {{podIP:x}} filled in by the shell from the live pod. */
export function execLine(step: Extract<LevelStep, { action: "exec" }>): string {
  const args = step.command.map((arg) =>
    shellQuote(arg).replace(/\{\{podIP:([a-z0-9-]+)\}\}/g, (_m, pod: string) => `'"$(kubectl get pod ${pod} -o jsonpath='{.status.podIP}')"'`),
  );
  return `kubectl exec ${step.pod}${step.container ? ` -c ${step.container}` : ""} -- ${args.join(" ")}`;
}

/**
 * A step file with `{{namespace}}` and `{{podIP:<pod>}}` filled in, read off the learner's own
 * terminal as a learner would look them up (`$POD_NAMESPACE`, `kubectl get pod`).
 */
async function fillPlaceholdersFromTerminal(lp: LevelPage, yaml: string): Promise<string> {
  const pods = [...new Set([...yaml.matchAll(/\{\{podIP:([a-z0-9-]+)\}\}/g)].map((m) => m[1]!))];
  if (pods.length === 0 && !yaml.includes("{{namespace}}")) return yaml;
  const lookups = [`KQNS=$POD_NAMESPACE`, ...pods.map((pod, i) => `KQIP${i}=$(kubectl get pod ${pod} -o jsonpath='{.status.podIP}')`)];
  const r = await lp.runShell(`echo ${lookups.map((l) => `"${l}"`).join(" ")}`);
  if (r.exitCode !== 0) throw new Error(`looking up the namespace and pod IPs in the terminal exited with ${r.exitCode}`);
  const namespace = /KQNS=([a-z0-9-]+)/.exec(r.screen)?.[1];
  if (!namespace) throw new Error("the terminal did not show $POD_NAMESPACE");
  let filled = yaml.split("{{namespace}}").join(namespace);
  pods.forEach((pod, i) => {
    const ip = new RegExp(`KQIP${i}=(\\d+\\.\\d+\\.\\d+\\.\\d+)`).exec(r.screen)?.[1];
    if (!ip) throw new Error(`the terminal did not show the IP of pod ${pod}`);
    filled = filled.split(`{{podIP:${pod}}}`).join(ip);
  });
  return filled;
}

async function runStep(lp: LevelPage, level: LoadedLevel, step: LevelStep): Promise<StepReport> {
  const t0 = Date.now();
  const done = (description: string, via: StepReport["via"]): StepReport => ({ description, via, durationMs: Date.now() - t0 });
  switch (step.action) {
    case "apply":
    case "recreate": {
      const yaml = await fillPlaceholdersFromTerminal(lp, readFileSync(path.join(level.dir, step.file), "utf8"));
      const how = await lp.applyText(yaml, { tab: tabFor(level, step.file), recreateIfImmutable: step.action === "recreate" });
      const description = step.action === "recreate" && how === "applied" ? `${step.action} ${step.file} (applied: no immutable field changed, so no Recreate was needed)` : `${step.action} ${step.file}`;
      return done(description, how === "recreated" ? "editor (Recreate)" : "editor");
    }
    case "terminalApply": {
      // One line whatever the file holds: the YAML travels base64-encoded, as a paste would.
      const yaml = await fillPlaceholdersFromTerminal(lp, readFileSync(path.join(level.dir, step.file), "utf8"));
      const r = await lp.runShell(`echo ${Buffer.from(yaml).toString("base64")} | base64 -d | kubectl apply -f -`);
      if (r.exitCode !== 0) throw new Error(`kubectl apply -f ${step.file} exited with ${r.exitCode}`);
      return done(`kubectl apply -f ${step.file}`, "terminal");
    }
    case "kubectl": {
      const line = `kubectl ${step.args.map(shellQuote).join(" ")}`;
      const r = await lp.runShell(line, 300_000);
      if (r.exitCode !== 0) throw new Error(`${line} exited with ${r.exitCode}`);
      return done(line, "terminal");
    }
    case "delete": {
      const r = await lp.runShell(`kubectl delete ${step.kind.toLowerCase()} ${step.name} --wait=true`);
      if (r.exitCode !== 0) throw new Error(`kubectl delete ${step.kind} ${step.name} exited with ${r.exitCode}`);
      return done(`delete ${step.kind} ${step.name}`, "terminal");
    }
    case "waitReady": {
      const { name, replicas } = level.manifest.workload;
      await lp.waitForReadyPods(name, replicas, step.timeoutSeconds * 1000);
      return done(`wait for ${replicas} ready ${name} pods`, "live view");
    }
    case "waitRollout": {
      const { kind, name } = level.manifest.workload;
      const line = `kubectl rollout status ${kind.toLowerCase()}/${name} --timeout=${step.timeoutSeconds}s`;
      const r = await lp.runShell(line, step.timeoutSeconds * 1000 + 30_000);
      if (r.exitCode !== 0) throw new Error(`${line} exited with ${r.exitCode}`);
      return done(line, "terminal");
    }
    case "exec": {
      const line = execLine(step);
      const r = await lp.runShell(line);
      if (r.exitCode !== 0) throw new Error(`${line} exited with ${r.exitCode}`);
      return done(line, "terminal");
    }
  }
}

function checksOf(finished: GradeFinished, shown: { id: string; status: string }[]): CheckReport[] {
  return finished.results.map((r) => {
    const seen = shown.find((s) => s.id === r.id);
    return {
      id: r.id,
      status: seen?.status ?? `${r.status} (not shown)`,
      durationMs: r.durationMs,
      ...(r.status === "fail" ? { evidence: r.evidence, hint: r.hint } : {}),
    };
  });
}

/**
 * Plays the level in `context` (a new learner: one session cookie, one namespace). Never
 * throws for a level problem: every problem lands in the report, with a screenshot.
 */
export async function playLevel(context: BrowserContext, level: LoadedLevel, opts: PlayOptions): Promise<LevelReport> {
  const started = Date.now();
  const { manifest } = level;
  const log = opts.log ?? (() => undefined);
  const report: LevelReport = { id: manifest.id, number: manifest.number, title: manifest.title, ok: true, scenarios: [], totalMs: 0 };
  const page = await context.newPage();
  const lp = new LevelPage(page, manifest.id);
  let shots = 0;

  const screenshot = async (label: string): Promise<string | undefined> => {
    const file = path.join(opts.artifactsDir, `${manifest.id}-${++shots}-${label.replace(/[^a-z0-9]+/gi, "-")}.png`);
    return page.screenshot({ path: file, fullPage: true }).then(
      () => file,
      () => undefined,
    );
  };

  /** What the broken state's failing check said: a wrong fix's declared evidence must not match it. */
  let brokenFailure: { id: string; text: string } | undefined;

  /** Grades and checks the outcome against what the scenario expects (`undefined`: a pass). */
  const scenario = async (
    name: string,
    kind: ScenarioKind,
    expectFail: { failsAt: string; evidence: string } | undefined,
    before: (s: ScenarioReport) => Promise<void>,
    round: "main" | "chaos" = "main",
  ): Promise<void> => {
    const t0 = Date.now();
    const expectFailAt = expectFail?.failsAt;
    const expected = expectFail === undefined ? "pass" : `fail at ${expectFail.failsAt}`;
    const s: ScenarioReport = { name, kind, expected, ok: false, steps: [], checks: [], totalMs: 0 };
    report.scenarios.push(s);
    log(`  ${manifest.id}: ${name} (expect ${expected})`);
    try {
      await before(s);
      await lp.grade(round);
      const finished = lp.lastGrade();
      s.passed = finished.passed;
      s.gradeMs = finished.durationMs;
      s.checks = checksOf(finished, await lp.shownChecks());
      const firstFail = finished.results.find((r) => r.status === "fail");
      s.check = firstFail?.id ?? expectFailAt ?? undefined;
      // The page must show what the server decided, check by check.
      const mismatch = s.checks.find((c) => c.status !== finished.results.find((r) => r.id === c.id)?.status);
      const couldNotCheck = finished.results.find((r) => r.status === "error");
      if (finished.outcome === "error") {
        // Not a verdict either way: say so rather than call it a pass or a fail.
        s.problem = `KubeQuest could not check ${couldNotCheck?.id ?? "a check"} (not a verdict on the level): ${couldNotCheck?.evidence[0] ?? ""}`;
      } else if (mismatch) {
        s.problem = `check ${mismatch.id}: the grade panel shows "${mismatch.status}" but the grader answered "${finished.results.find((r) => r.id === mismatch.id)?.status}"`;
      } else if (expectFailAt === undefined) {
        if (!finished.passed) {
          const ev = firstFail ? `: ${firstFail.evidence.slice(0, 3).join(" | ")}` : "";
          s.problem = `expected to pass, but check ${firstFail?.id ?? "(none)"} failed${ev}`;
        }
      } else if (finished.passed) {
        s.problem = kind === "broken" ? "the broken starting state passed the grader" : `expected to fail at check ${expectFailAt}, but every check passed`;
      } else if (firstFail?.id !== expectFailAt) {
        s.problem = `expected to fail at check ${expectFailAt}, but it failed at check ${firstFail?.id ?? "(none)"}`;
      } else if (expectFail) {
        // The check must have said what this scenario is about, in its own words (its evidence
        // and reason), not merely failed: the level's static hint text does not count.
        const said = [...firstFail.evidence, firstFail.reason ?? ""].join("\n");
        const pattern = evidencePattern(expectFail.evidence);
        if (!pattern.test(said)) {
          s.problem = `failed at check ${expectFailAt} as declared, but without the declared evidence ${expectFail.evidence}: it said ${JSON.stringify(said.slice(0, 400))}`;
        } else if (kind === "broken") {
          brokenFailure = { id: firstFail.id, text: said };
        } else if (brokenFailure?.id === expectFailAt && pattern.test(brokenFailure.text)) {
          s.problem = `the declared evidence ${expectFail.evidence} also matches the untouched broken state's failure: it does not show that this fix's steps changed anything`;
        }
      }
      if (!s.problem && expectFailAt === undefined && kind === "solution" && level.debrief.trim() !== "") {
        // Passing unlocks the debrief; a learner must be able to read it.
        const text = await lp.readDebrief();
        if (text.trim() === "") s.problem = "the level passed but its debrief is empty";
      }
    } catch (err) {
      s.problem = `${kind === "solution" ? "solution" : "scenario"} could not be played: ${(err as Error).message.split("\n")[0]}`;
    }
    s.ok = !s.problem;
    s.totalMs = Date.now() - t0;
    if (!s.ok) {
      report.ok = false;
      s.screenshot = await screenshot(name);
      log(`  ✗ ${manifest.id}: ${name}: ${s.problem}`);
    }
  };

  try {
    await page.goto(`${opts.baseURL}/levels/${manifest.id}`);
    await expect(page.getByTestId("connection-status")).toHaveAttribute("data-state", "connected");
    const t0 = Date.now();
    try {
      await lp.start();
    } catch (err) {
      const shown = (await page.getByTestId("env-error").innerText({ timeout: 1000 }).catch(() => null))?.replace(/^\s*!\s*/, "").replace(/\s*\n\s*/g, " ").trim();
      throw new Error(`the level did not start: ${shown || (err as Error).message.split("\n")[0]}`);
    }
    report.startMs = Date.now() - t0;
    report.namespace = (await page.getByTestId("env-status").getAttribute("title"))?.replace(/^Namespace /, "") ?? undefined;
    let dirty = false;
    const fresh = async (): Promise<void> => {
      if (dirty) await lp.reset();
      dirty = true;
    };

    if (opts.scenarios.has("broken")) {
      await scenario(SCENARIO_NAMES.broken, "broken", manifest.brokenState, async () => undefined);
    }
    if (opts.scenarios.has("wrong-fix")) {
      for (const fix of manifest.wrongFixes) {
        await scenario(SCENARIO_NAMES.wrongFix(fix.id), "wrong-fix", fix, async (s) => {
          await fresh();
          for (const step of fix.steps) s.steps.push(await runStep(lp, level, step));
        });
      }
    }
    if (opts.scenarios.has("solution")) {
      await scenario(SCENARIO_NAMES.solution, "solution", undefined, async (s) => {
        await fresh();
        for (const step of manifest.solution) s.steps.push(await runStep(lp, level, step));
        // As a learner does: watch the live view heal, then grade. A solution that never heals
        // is graded anyway after 90 s, so the report says which check it fails.
        const { name, replicas } = manifest.workload;
        const t = Date.now();
        await lp.waitForReadyPods(name, replicas, 90_000).catch(() => undefined);
        s.steps.push({ description: `watch the live view until ${replicas} ${name} pods are ready`, via: "live view", durationMs: Date.now() - t });
      });
      if (opts.scenarios.has("regrade") && report.scenarios.at(-1)?.ok) {
        // A second grade of a passing environment must pass again (graders must not depend on
        // state the first run changed), and must not award the level's XP a second time.
        // No waiting for a late award: the server records a grade's award and announces it on
        // this page's WebSocket before it answers the grade on that same WebSocket (in order;
        // tests/integration/xp-two-tabs.test.ts holds the server to it), so once a grade's
        // answer is here, so is its award; and the learner's XP the server reads from its
        // database after the answer is final for that grade.
        const mainAwards = (): number => lp.xpAwards.filter((a) => a.kind === "main").length;
        const serverXp = async (): Promise<number> => ((await (await page.request.get(`${opts.baseURL}/api/session`)).json()) as SessionInfo).account.xp;
        report.award = lp.xpAwards.find((a) => a.kind === "main")?.xp ?? null;
        const awardsBefore = mainAwards();
        const xpBefore = await serverXp();
        await scenario(SCENARIO_NAMES.regrade, "regrade", undefined, async () => undefined);
        const last = report.scenarios.at(-1)!;
        const xpAfter = await serverXp();
        if (last.ok && (mainAwards() > awardsBefore || xpAfter !== xpBefore)) {
          last.ok = false;
          last.problem = `grading a passed level again awarded XP a second time (${lp.xpAwards.filter((a) => a.kind === "main").map((a) => a.xp).join(" + ")} XP announced; the learner's XP went from ${xpBefore} to ${xpAfter})`;
          report.ok = false;
          last.screenshot = await screenshot(last.name);
        }
      }
      if (opts.scenarios.has("chaos") && manifest.chaos && report.scenarios.find((x) => x.kind === "solution")?.ok) {
        // The page's chaos round on the solved environment: the platform deletes the pod the
        // level names (Level 30: the primary, which comes back with a new IP) and grades again.
        await scenario(SCENARIO_NAMES.chaos(manifest.chaos.deletePod), "chaos", undefined, async () => undefined, "chaos");
      }
    }
  } catch (err) {
    report.ok = false;
    report.error = (err as Error).message.split("\n")[0];
    await screenshot("error");
    log(`  ✗ ${manifest.id}: ${report.error}`);
  }
  report.totalMs = Date.now() - started;
  return report;
}
