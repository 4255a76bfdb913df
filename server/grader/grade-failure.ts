/**
 * Whose fault is a failed check? A verdict must never blame the learner for us.
 *
 * A check's `fail` is a statement about the learner's cluster state, made from evidence the
 * check gathered. Anything a check *throws* instead is our infrastructure failing to gather
 * that evidence: the API server erring or timing out, the probe pod gone, an exec cut short,
 * the probe's output incomplete. Those become the distinct `error` status, which records no
 * attempt, awards nothing and is left out of the instructor's pass rates. Transient ones are
 * first retried with backoff (the reads and probes a grade makes are idempotent), within the
 * check's budget.
 *
 * Pure apart from the clock and timers used by `withRetries`.
 */
import type { CheckResult } from "../../lib/protocol/socket-events";
import { KubeError, type PodInfo } from "../kubernetes/kube-adapter";

/** What the learner reads on a check we could not run. */
export const GRADER_ERROR_HINT = "KubeQuest could not check this — nothing is wrong with your fix; try again.";

/** KubeError codes that say "the cluster or our access to it hiccuped", worth another try. */
const TRANSIENT_KUBE_CODES = new Set(["cluster-unreachable", "cluster-error", "timeout", "throttled", "expired", "pod-not-running", "not-found"]);

/**
 * The grader's own machinery (the probe pod and its exec) failed or answered incompletely.
 * Always ours, never the learner's, and worth another try: the probe pod is recreated.
 */
export class GraderInfrastructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GraderInfrastructureError";
  }
}

/** Is another try of an idempotent read or probe worth it after this error? */
export function isTransient(err: unknown): boolean {
  if (err instanceof GraderInfrastructureError) return true;
  if (err instanceof KubeError) return TRANSIENT_KUBE_CODES.has(err.code);
  // Anything else a read throws (a socket reset inside a library) is not a statement about
  // the learner's cluster either; one more try costs little.
  return true;
}

/** The message of anything thrown, in words (never a stack trace). */
export function failureText(err: unknown): string {
  if (err instanceof Error) return err.message.split("\n")[0]!.slice(0, 500);
  return String(err).slice(0, 500);
}

export interface RetryPolicy {
  /** No new attempt starts after this time (ms since the epoch). */
  deadline: number;
  /** Delay before the second attempt; doubled each time up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Thrown by `withRetries` when every attempt failed: carries how hard we tried. */
export class RetriesExhausted extends Error {
  constructor(
    readonly last: unknown,
    readonly attempts: number,
    readonly elapsedMs: number,
  ) {
    super(failureText(last));
    this.name = "RetriesExhausted";
  }
}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, retrying transient failures with exponential backoff until
 * the deadline. A failure that is not transient, or the last one, is thrown as RetriesExhausted.
 */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  const now = policy.now ?? Date.now;
  const sleep = policy.sleep ?? sleepMs;
  const started = now();
  let delay = policy.firstDelayMs ?? 250;
  const maxDelay = policy.maxDelayMs ?? 2000;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const left = policy.deadline - now();
      if (!isTransient(err) || left <= delay) throw new RetriesExhausted(err instanceof RetriesExhausted ? err.last : err, n, now() - started);
      await sleep(delay);
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}

/** The result of a check that could not run because of us. */
export function errorResult(base: Pick<CheckResult, "id" | "title" | "explanation">, err: unknown, durationMs: number): CheckResult {
  const evidence = [`KubeQuest could not finish this check: ${failureText(err)}`];
  if (err instanceof RetriesExhausted && err.attempts > 1) {
    evidence.push(`(tried ${err.attempts} times over ${(err.elapsedMs / 1000).toFixed(1)} s)`);
  }
  return { ...base, status: "error", evidence, hint: GRADER_ERROR_HINT, durationMs };
}

/**
 * The chaos round deleted `before` and it is not back Ready in time: is that the learner's
 * workload or our cluster? Returns what is ours in words, or undefined when it is the learner's.
 * A controller that has not made the pod again yet, or a new pod still waiting to be scheduled
 * or for its containers to be created, is the cluster being slow or full (seen under a class's
 * load: 2 of 8 chaos rounds, told to the learner as their failure). A pod that no controller
 * owns never comes back, nor does one whose StatefulSet is gone or scaled below its ordinal, and
 * a new pod that runs its own containers (init or main) and is not Ready is the workload's own
 * doing: those stay verdicts.
 */
export function slowPodReturnIsOurs(
  before: PodInfo,
  now: PodInfo | null,
  /** The owning StatefulSet as it is now (null: gone; undefined: not read, or another kind of owner). */
  statefulSet?: { replicas: number } | null,
): string | undefined {
  if (!before.owner) return undefined;
  // A StatefulSet deleted, or scaled to or below this pod's ordinal, will not make it again: the learner's doing.
  if (statefulSet === null) return undefined;
  const ordinal = /-(\d+)$/.exec(before.name);
  if (statefulSet && ordinal && statefulSet.replicas <= Number(ordinal[1])) return undefined;
  if (!now || now.uid === before.uid) {
    return `the cluster is slow: its ${before.owner.kind} ${before.owner.name} has not created ${before.name} again yet`;
  }
  const waitingForNode = now.phase === "Pending" && (now.status === "Pending" || now.status === "ContainerCreating" || now.status === "PodInitializing");
  if (waitingForNode) return `the cluster is slow: the new ${now.name} is still waiting for the cluster (${now.status})`;
  return undefined;
}
