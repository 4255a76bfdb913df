/**
 * Runs a level's checks against a learner's namespace and streams each result as it happens.
 *
 * Main round: the level's checks in order; the first failure skips the rest (their evidence
 * would only repeat it). Chaos round: delete one workload pod, wait until its StatefulSet has
 * replaced it, then run the round's checks again — retried until the deadline, because a fresh
 * replica needs a moment to resync with its primary.
 */
import { randomUUID } from "node:crypto";
import type { CheckResult, GradeFinished, GradeRound, GradeStarted } from "../../lib/protocol/socket-events";
import type { CheckSpec } from "../../lib/levels/level-schema";
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import type { LoadedLevel } from "../levels/level-catalog";
import { GradeContext } from "./grade-context";
import { implementationOf } from "./checks/check-library";

export interface RunGradeOptions {
  kube: KubeAdapter;
  level: LoadedLevel;
  namespace: string;
  round: GradeRound;
  onStarted(started: GradeStarted): void;
  onCheck(result: CheckResult): void;
}

const CHAOS_CHECK_ID = "chaos-pod-replaced";

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs one check, reporting "running" (with progress) and then its result. */
async function runCheck(ctx: GradeContext, spec: CheckSpec, onCheck: (r: CheckResult) => void): Promise<CheckResult> {
  const base = { id: spec.id, title: spec.title, explanation: spec.explanation };
  const started = Date.now();
  onCheck({ ...base, status: "running", evidence: [] });
  try {
    const outcome = await implementationOf(spec)({
      ctx,
      spec,
      progress: (text) => onCheck({ ...base, status: "running", evidence: [], progress: text }),
    });
    const result: CheckResult = {
      ...base,
      status: outcome.passed ? "pass" : "fail",
      evidence: outcome.evidence,
      durationMs: Date.now() - started,
    };
    if (!outcome.passed) result.hint = [outcome.reason, spec.hint].filter(Boolean).join("\n\n");
    return result;
  } catch (err) {
    return {
      ...base,
      status: "fail",
      evidence: [`The grader could not finish this check: ${errorText(err)}`],
      hint: "This is a problem reaching the cluster, not necessarily your fix. Try again in a moment; if it persists, ask your instructor to check the cluster (npm run cluster:status).",
      durationMs: Date.now() - started,
    };
  }
}

export async function runGrade(opts: RunGradeOptions): Promise<GradeFinished> {
  const { kube, level, namespace, round } = opts;
  const runId = randomUUID();
  const started = Date.now();
  const onCheck = (result: CheckResult) => opts.onCheck(result);
  const results: CheckResult[] = [];

  if (round === "chaos" && !level.manifest.chaos) {
    throw new Error(`level ${level.manifest.id} has no chaos round`);
  }
  const chaos = level.manifest.chaos;
  const specs =
    round === "main" ? level.manifest.grader : level.manifest.grader.filter((c) => chaos?.checks.includes(c.id));

  const plan: GradeStarted["checks"] = specs.map((s) => ({ id: s.id, title: s.title, explanation: s.explanation }));
  if (round === "chaos" && chaos) {
    plan.unshift({
      id: CHAOS_CHECK_ID,
      title: `${chaos.deletePod} is deleted and comes back`,
      explanation: `The platform deletes ${chaos.deletePod}. Its StatefulSet must create it again, with a new IP, under the same name.`,
    });
  }
  opts.onStarted({ runId, levelId: level.manifest.id, round, checks: plan });

  let failed = false;
  if (round === "chaos" && chaos) {
    const replaced = await replacePod(kube, namespace, chaos.deletePod, chaos.timeoutSeconds * 1000, onCheck, plan[0]!);
    results.push(replaced);
    onCheck(replaced);
    failed = replaced.status !== "pass";
  }

  const deadline = started + (chaos?.timeoutSeconds ?? 0) * 1000;
  // One context per round: the snapshot and the in-cluster probes are shared by every check.
  let ctx = new GradeContext(kube, level, namespace);
  // The DNS/Redis probe needs only the snapshot: start it while the API checks run.
  void ctx.prefetchClusterProbe();
  for (const spec of specs) {
    if (failed) {
      const skipped: CheckResult = {
        id: spec.id,
        title: spec.title,
        explanation: spec.explanation,
        status: "skipped",
        evidence: [`Not run: fix "${results.find((r) => r.status === "fail")?.title}" first.`],
      };
      results.push(skipped);
      onCheck(skipped);
      continue;
    }
    let result = await runCheck(ctx, spec, onCheck);
    // In the chaos round a replica that just came back may still be syncing: retry, with a
    // fresh look at the cluster each time, until the deadline.
    while (round === "chaos" && result.status === "fail" && Date.now() + 1000 < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      ctx = new GradeContext(kube, level, namespace);
      result = await runCheck(ctx, spec, onCheck);
    }
    results.push(result);
    onCheck(result);
    failed = result.status !== "pass";
  }

  const passed = !failed;
  return {
    runId,
    levelId: level.manifest.id,
    round,
    passed,
    results,
    durationMs: Date.now() - started,
    ...(passed && round === "main" ? { debrief: level.debrief } : {}),
  };
}

async function replacePod(
  kube: KubeAdapter,
  namespace: string,
  podName: string,
  timeoutMs: number,
  onCheck: (r: CheckResult) => void,
  base: GradeStarted["checks"][number],
): Promise<CheckResult> {
  const started = Date.now();
  onCheck({ ...base, status: "running", evidence: [] });
  const before = await kube.getPod(namespace, podName);
  if (!before) {
    return { ...base, status: "fail", evidence: [`${podName} does not exist`], hint: "Pass the main round first.", durationMs: 0 };
  }
  const evidence = [`before: ${podName} uid ${before.uid.slice(0, 8)}, IP ${before.ip ?? "(none)"}`];
  await kube.deletePod(namespace, podName);
  evidence.push(`deleted ${podName}`);
  for (;;) {
    const pod = await kube.getPod(namespace, podName);
    const waited = Date.now() - started;
    if (pod && pod.uid !== before.uid && pod.ready && pod.ip) {
      evidence.push(`after ${Math.round(waited / 100) / 10} s: ${podName} uid ${pod.uid.slice(0, 8)}, IP ${pod.ip}${pod.ip === before.ip ? " (same IP as before)" : " (a new IP)"}`);
      return { ...base, status: "pass", evidence, durationMs: waited };
    }
    if (waited > timeoutMs) {
      evidence.push(`after ${Math.round(waited / 1000)} s: ${pod ? `${pod.status}, ready=${pod.ready}` : "not recreated"}`);
      return {
        ...base,
        status: "fail",
        evidence,
        hint: `${podName} did not come back Ready within ${timeoutMs / 1000} s. Look at kubectl get pods and kubectl describe pod ${podName}.`,
        durationMs: waited,
      };
    }
    onCheck({ ...base, status: "running", evidence: [], progress: `waiting for ${podName} to come back, ${Math.round(waited / 1000)} s` });
    await new Promise((r) => setTimeout(r, 500));
  }
}
