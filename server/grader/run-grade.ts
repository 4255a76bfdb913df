/**
 * Runs a level's checks against a learner's namespace and streams each result as it happens.
 *
 * Main round: the level's checks in order; the first failure skips the rest (their evidence
 * would only repeat it). Chaos round: delete one workload pod (on a cluster of several nodes,
 * steered to come back on another one when it can: chaos-placement.ts), wait until its
 * StatefulSet has replaced it, then run the round's checks again — retried until the deadline,
 * because a fresh replica needs a moment to resync with its primary.
 *
 * A check that throws did not reach a verdict: after the context's retries it becomes an
 * `error` (KubeQuest could not check it), the rest is skipped, and the run's outcome is
 * "error", which the grade service neither records as an attempt nor rewards.
 */
import { randomUUID } from "node:crypto";
import type { CheckResult, GradeFinished, GradeRound, GradeStarted } from "../../lib/protocol/socket-events";
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import type { LevelManifest } from "../../lib/levels/level-schema";
import { GradeContext } from "./grade-context";
import { DEFAULT_CHECK_BUDGET_MS, type PlannedCheck } from "./checks/check-types";
import { preferAnotherNode, type Steering } from "./chaos-placement";
import { errorResult, GraderInfrastructureError, slowPodReturnIsOurs, withRetries } from "./grade-failure";
import { moduleLogger } from "../logging/logger";

const log = moduleLogger("grade");

export interface RunGradeOptions {
  kube: KubeAdapter;
  /** The level (a LoadedLevel): its manifest, and the debrief a passed main round returns. */
  level: { readonly manifest: LevelManifest; readonly debrief: string };
  namespace: string;
  round: GradeRound;
  onStarted(started: GradeStarted): void;
  onCheck(result: CheckResult): void;
  /** The probe pod to use (the server's by default; tests bring their own). */
  probePod?: string;
  /** The wait after a new probe pod is ready: unit tests, whose fake cluster has no enforcer, pass 0. */
  probePodSettleMs?: number;
  /** Caps every check's retry budget (ms): for tests, which cannot wait 20 s per failure. */
  maxCheckBudgetMs?: number;
}

const CHAOS_CHECK_ID = "chaos-pod-replaced";

/** How long a check may spend on retries of its reads and probes: what its type says, or the default. */
export function checkBudgetMs(check: PlannedCheck): number {
  return check.definition.budgetMs?.(check.spec.params) ?? DEFAULT_CHECK_BUDGET_MS;
}

/** Runs one check, reporting "running" (with progress) and then its result. */
async function runCheck(ctx: GradeContext, check: PlannedCheck, onCheck: (r: CheckResult) => void, maxBudgetMs = Infinity): Promise<CheckResult> {
  const { spec } = check;
  const base = { id: spec.id, title: spec.title, explanation: spec.explanation };
  const started = Date.now();
  onCheck({ ...base, status: "running", evidence: [] });
  ctx.setBudget(Math.min(checkBudgetMs(check), maxBudgetMs));
  try {
    const outcome = await check.definition.run({
      ctx,
      spec,
      progress: (text) => onCheck({ ...base, status: "running", evidence: [], progress: text }),
    });
    const result: CheckResult = {
      ...base,
      status: outcome.passed ? "pass" : "fail",
      evidence: capEvidence(outcome.evidence),
      durationMs: Date.now() - started,
    };
    if (!outcome.passed) {
      if (outcome.reason) result.reason = outcome.reason;
      result.hint = [outcome.reason, spec.hint].filter(Boolean).join("\n\n");
    }
    return result;
  } catch (err) {
    log.error({ check: spec.id, namespace: ctx.namespace, err: err instanceof Error ? err.message : err }, "a check could not run");
    return errorResult(base, err, Date.now() - started);
  }
}

/** Evidence lines kept per check: enough for any real answer, bounded for a hostile one. */
const MAX_EVIDENCE_LINES = 200;

export function capEvidence(lines: string[]): string[] {
  if (lines.length <= MAX_EVIDENCE_LINES) return lines;
  return [...lines.slice(0, MAX_EVIDENCE_LINES), `[… ${lines.length - MAX_EVIDENCE_LINES} more lines not shown]`];
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
    const replaced = await replacePod(kube, namespace, chaos.deletePod, chaos.timeoutSeconds * 1000, onCheck, plan[0]!, runId.replaceAll("-", "").slice(0, 8));
    results.push(replaced);
    onCheck(replaced);
    failed = replaced.status !== "pass";
  }

  const deadline = started + (chaos?.timeoutSeconds ?? 0) * 1000;
  const contextOptions = { probePod: opts.probePod, probePodSettleMs: opts.probePodSettleMs };
  // One context per round: the snapshot and the in-cluster probes are shared by every check.
  let ctx = new GradeContext(kube, level, namespace, contextOptions);
  // The shared probe needs only the snapshot: start it while the checks that read objects run.
  void ctx.prefetch();
  const planned = new Map(ctx.checks.map((c) => [c.spec.id, c]));
  for (const spec of specs) {
    if (failed) {
      const stopper = results.find((r) => r.status === "fail" || r.status === "error");
      const skipped: CheckResult = {
        id: spec.id,
        title: spec.title,
        explanation: spec.explanation,
        status: "skipped",
        evidence: [
          stopper?.status === "error"
            ? `Not run: KubeQuest could not check "${stopper.title}"; grade again in a moment.`
            : `Not run: fix "${stopper?.title}" first.`,
        ],
      };
      results.push(skipped);
      onCheck(skipped);
      continue;
    }
    const check = planned.get(spec.id)!;
    const checkStarted = Date.now();
    let result = await runCheck(ctx, check, onCheck, opts.maxCheckBudgetMs);
    // In the chaos round a replica that just came back may still be syncing: retry, with a
    // fresh look at the cluster each time, until the deadline.
    let retried = false;
    while (round === "chaos" && result.status !== "pass" && Date.now() + CHAOS_RETRY_MS < deadline) {
      await new Promise((r) => setTimeout(r, CHAOS_RETRY_MS));
      ctx = new GradeContext(kube, level, namespace, contextOptions);
      result = await runCheck(ctx, check, onCheck, opts.maxCheckBudgetMs);
      retried = true;
    }
    // The check's time is all of it, the waits between tries included.
    if (retried) result = { ...result, durationMs: Date.now() - checkStarted };
    results.push(result);
    onCheck(result);
    failed = result.status !== "pass";
  }

  // What a namespace being deleted no longer holds is our clean-up (a reset, the reaper, an
  // instructor), not the learner's work: such a run is an error, never a verdict.
  let environmentGone = false;
  if (failed && results.some((r) => r.status === "fail")) {
    const going = await namespaceGoing(kube, namespace);
    if (going) {
      environmentGone = true;
      for (const [i, r] of results.entries()) {
        if (r.status !== "fail") continue;
        const result = errorResult(r, new GraderInfrastructureError(going), r.durationMs ?? 0);
        // Not "try again": grading again would find the same empty namespace.
        results[i] = { ...result, evidence: [...result.evidence, ...r.evidence], hint: ENVIRONMENT_GONE_HINT };
        onCheck(results[i]);
      }
    }
  }

  const passed = !failed;
  const outcome: GradeFinished["outcome"] = results.some((r) => r.status === "error") ? "error" : passed ? "pass" : "fail";
  return {
    runId,
    levelId: level.manifest.id,
    round,
    passed,
    outcome,
    ...(environmentGone ? { environmentGone: true as const } : {}),
    results,
    durationMs: Date.now() - started,
    ...(passed && round === "main" ? { debrief: level.debrief } : {}),
  };
}

/** What a learner whose environment was taken away can do. */
export const ENVIRONMENT_GONE_HINT =
  "Nothing is wrong with your fix that KubeQuest knows of: your environment was reset or removed while it was checked. Start the level again (Start level) once the old one is gone; your XP and passed levels are kept.";

/**
 * Whether the namespace is being deleted or is gone, in words (undefined when it is there, or
 * when the cluster cannot say: then the verdict stands as the checks found it).
 */
async function namespaceGoing(kube: KubeAdapter, namespace: string): Promise<string | undefined> {
  try {
    // The API server labels every namespace with its own name.
    const [ns] = await kube.listNamespaces(`kubernetes.io/metadata.name=${namespace}`);
    if (!ns) return `your environment ${namespace} no longer exists (it was reset or cleaned up while this grade ran); start the level again`;
    if (ns.deleting) return `your environment ${namespace} is being deleted (a reset or a clean-up), so what it held is going away; start the level again once it is gone`;
    return undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pause between tries of a chaos round's check while the replicas follow the new primary.
 * A Redis replica reconnects on its once-a-second cron, so a check asked again only every second
 * added up to a second to every round that needed a second try (nearly all of them, measured);
 * a try is a few small requests to the probe agent, cheap to repeat four times a second.
 */
const CHAOS_RETRY_MS = 250;

/** One chaos round's deletion and wait: what replacePod and awaitReplacement both work with. */
interface ChaosDeletion {
  kube: KubeAdapter;
  namespace: string;
  podName: string;
  timeoutMs: number;
  onCheck: (r: CheckResult) => void;
  base: GradeStarted["checks"][number];
  /** When the round began (ms since the epoch): its check's time counts from here. */
  started: number;
  /** Idempotent calls (a read, the delete), retried within a check's budget. */
  retry: <T>(attempt: () => Promise<T>) => Promise<T>;
}

async function replacePod(
  kube: KubeAdapter,
  namespace: string,
  podName: string,
  timeoutMs: number,
  onCheck: (r: CheckResult) => void,
  base: GradeStarted["checks"][number],
  roundId: string,
): Promise<CheckResult> {
  // Reading and deleting a pod are safe to repeat: transient API failures are retried, and
  // what still fails is ours (an error), not a verdict on the learner's StatefulSet.
  const round: ChaosDeletion = {
    kube,
    namespace,
    podName,
    timeoutMs,
    onCheck,
    base,
    started: Date.now(),
    retry: (attempt) => withRetries(attempt, { deadline: Date.now() + DEFAULT_CHECK_BUDGET_MS }),
  };
  onCheck({ ...base, status: "running", evidence: [] });
  let before;
  try {
    before = await round.retry(() => kube.getPod(namespace, podName));
  } catch (err) {
    return errorResult(base, err, Date.now() - round.started);
  }
  if (!before) {
    return { ...base, status: "fail", evidence: [`${podName} does not exist`], hint: "Pass the main round first.", durationMs: 0 };
  }
  // Before the delete, so the scheduler already prefers another node when the new pod comes.
  const steering = await preferAnotherNode(kube, before.nodeName, roundId);
  try {
    return await awaitReplacement(round, before, steering);
  } finally {
    await steering.release();
  }
}

/** Where a pod runs, for the evidence: nothing on a pod not scheduled (or a cluster that does not say). */
function onNode(nodeName: string | undefined): string {
  return nodeName ? `, on node ${nodeName}` : "";
}

/** The new pod's node beside the old one's. */
function nodeComparison(before: string | undefined, after: string | undefined, steering: Steering): string {
  if (!before || !after) return onNode(after);
  if (before !== after) return `${onNode(after)} (another node)`;
  if (steering.steered) return `${onNode(after)} (the same node: the scheduler found no better one)`;
  return `${onNode(after)}${steering.unsteeredBecause === "no-other-node" ? " (the same node: no other could take it)" : " (the same node)"}`;
}

async function awaitReplacement(
  round: ChaosDeletion,
  before: NonNullable<Awaited<ReturnType<KubeAdapter["getPod"]>>>,
  steering: Steering,
): Promise<CheckResult> {
  const { kube, namespace, podName, timeoutMs, onCheck, base, started, retry } = round;
  try {
    await retry(() => kube.deletePod(namespace, podName));
  } catch (err) {
    return errorResult(base, err, Date.now() - started);
  }
  const evidence = [`before: ${podName} uid ${before.uid.slice(0, 8)}, IP ${before.ip ?? "(none)"}${onNode(before.nodeName)}`, `deleted ${podName}`];
  let lastError: unknown;
  for (;;) {
    const waited = Date.now() - started;
    let pod;
    try {
      pod = await kube.getPod(namespace, podName);
      lastError = undefined;
    } catch (err) {
      // Polling anyway: the next look is the retry.
      lastError = err;
    }
    // Placed: the preference has done its work, and other learners' pods need not weigh it.
    if (pod && pod.uid !== before.uid && pod.nodeName) await steering.release();
    if (pod && pod.uid !== before.uid && pod.ready && pod.ip) {
      evidence.push(
        `after ${Math.round(waited / 100) / 10} s: ${podName} uid ${pod.uid.slice(0, 8)}, IP ${pod.ip}${pod.ip === before.ip ? " (same IP as before)" : " (a new IP)"}${nodeComparison(before.nodeName, pod.nodeName, steering)}`,
      );
      return { ...base, status: "pass", evidence, durationMs: waited };
    }
    if (waited > timeoutMs) {
      if (lastError !== undefined) return errorResult(base, lastError, waited);
      const seen = `after ${Math.round(waited / 1000)} s: ${pod && pod.uid !== before.uid ? `${pod.status}, ready=${pod.ready}` : "not recreated"}`;
      const statefulSet =
        before.owner?.kind === "StatefulSet" ? await kube.getStatefulSet(namespace, before.owner.name).catch(() => undefined) : undefined;
      const ours = slowPodReturnIsOurs(before, pod ?? null, statefulSet);
      if (ours) {
        const result = errorResult(base, new GraderInfrastructureError(`${podName} is not back within ${timeoutMs / 1000} s, and ${ours}`), waited);
        return { ...result, evidence: [...result.evidence, ...evidence, seen] };
      }
      evidence.push(seen);
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
