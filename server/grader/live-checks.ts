/**
 * Live checks (issue 15 item 2): while a level runs, the grader's checks whose type has a
 * verdict from objects alone (`fromObjects` in checks/check-library.ts) are evaluated again on
 * every read of the live view (one read per burst of watch events, see
 * live-view/namespace-live-view.ts), and their verdicts go to the learner's tabs as
 * `checks:live` whenever one changes. Nothing here is level-specific: which checks are live
 * follows from the level's grader list and the check types' declarations.
 *
 * A live verdict is only shown. It is evaluated here on the server (the browser's word is never
 * taken), travels server → browser only, and this module has no way to record a grade or award
 * XP: it holds no progress store, no grade service, and its payload is not a `CheckResult`.
 * Passing is decided by a full grade run ("Check my work") alone.
 *
 * Node only.
 */
import type { LiveCheck, LiveChecks } from "../../lib/protocol/socket-events";
import type { ReadyEnvironment } from "../environments/level-environment";
import type { LoadedLevel } from "../levels/level-catalog";
import type { NamespaceLists, NamespaceObjectsListener } from "../live-view/namespace-live-view";
import { moduleLogger } from "../logging/logger";
import { planChecks } from "./checks/check-library";
import type { PlannedCheck } from "./checks/check-types";
import { takeSnapshot, type NamespaceLister, type NamespaceRead } from "./namespace-reads";
import { capEvidence } from "./run-grade";

const log = moduleLogger("live-checks");

/** A call only the grader makes (a read no object-only check declares, such as the node rules). */
const graderOnly = (call: string) => async (): Promise<never> => {
  throw new Error(`${call} is not answered from the live view's read: only a grade makes it`);
};

/**
 * The live view's last read, answering the cluster calls a check's reads make: the checks'
 * reads build their picture from it exactly as they do from the API server's lists.
 */
export function listerOf(lists: NamespaceLists): NamespaceLister {
  return {
    listServices: async () => lists.services,
    listPods: async () => lists.pods,
    listEndpointSlices: async () => lists.endpointSlices,
    listDeployments: async () => lists.deployments,
    getStatefulSet: async (_namespace, name) => lists.statefulSets.find((s) => s.name === name) ?? null,
    getDaemonSet: graderOnly("getDaemonSet"),
    exec: graderOnly("exec"),
  };
}

/** A level's checks resolved against the library, and the reads its live ones declare. */
interface LivePlan {
  planned: PlannedCheck[];
  liveReads: NamespaceRead<unknown>[];
}

/** Planned once per loaded level: the live view reads a namespace up to twice a second. */
const livePlans = new WeakMap<LoadedLevel, LivePlan>();

function livePlanOf(level: LoadedLevel): LivePlan {
  let plan = livePlans.get(level);
  if (!plan) {
    const planned = planChecks(level.manifest.grader);
    const reads = planned.flatMap((c) => (c.definition.fromObjects ? c.definition.reads : []));
    plan = { planned, liveReads: [...new Map(reads.map((r) => [r.name, r])).values()] };
    livePlans.set(level, plan);
  }
  return plan;
}

/**
 * The level's main-round checks with a verdict for each object-only one, from the same reads
 * the grader would make of these objects. A verdict that throws (a bug of ours) leaves its check
 * without a verdict, never a fail.
 */
export async function evaluateLiveChecks(
  level: LoadedLevel,
  namespace: string,
  lists: NamespaceLists,
  onError: (checkId: string, err: unknown) => void = () => undefined,
): Promise<LiveCheck[]> {
  const { manifest } = level;
  const { planned, liveReads } = livePlanOf(level);
  const snapshot = await takeSnapshot({ kube: listerOf(lists), namespace, manifest }, liveReads);
  return planned.map(({ spec, definition }): LiveCheck => {
    const base = { id: spec.id, title: spec.title, explanation: spec.explanation };
    const verdict = definition.fromObjects;
    if (!verdict) return { ...base, live: false };
    try {
      const outcome = verdict({ snapshot, params: spec.params, workload: manifest.workload });
      return {
        ...base,
        live: true,
        verdict: outcome.passed ? "pass" : "fail",
        evidence: capEvidence(outcome.evidence),
        ...(!outcome.passed && outcome.reason ? { reason: outcome.reason } : {}),
      };
    } catch (err) {
      onError(spec.id, err);
      return { ...base, live: true };
    }
  });
}

export interface LiveCheckFeedOptions {
  /** Sends the verdicts to everyone looking at the namespace (this instance's sockets). */
  emit(namespace: string, checks: LiveChecks): void;
}

/**
 * Follows each watched namespace's reads and sends its live verdicts when they change (a read
 * that changes nothing they show sends nothing). Keeps one entry per watched namespace, dropped
 * when the live view stops.
 */
export class LiveCheckFeed implements NamespaceObjectsListener {
  private readonly last = new Map<string, { key: string; sent: LiveChecks }>();
  /** Each namespace's evaluations, one after another, so verdicts are sent in the reads' order. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Bumped when a namespace stops: an evaluation that started before sends nothing. */
  private readonly generations = new Map<string, number>();

  constructor(private readonly opts: LiveCheckFeedOptions) {}

  /** Evaluates the read (after the namespace's earlier ones) and sends what changed. */
  objectsRead(env: ReadyEnvironment, lists: NamespaceLists, readAt: Date): Promise<void> {
    const { namespace } = env;
    const next = (this.queues.get(namespace) ?? Promise.resolve())
      .then(() => this.evaluate(env, lists, readAt))
      .catch((err: unknown) => log.error({ err, namespace }, "live checks could not be evaluated"));
    this.queues.set(namespace, next);
    void next.then(() => {
      if (this.queues.get(namespace) === next) this.queues.delete(namespace);
    });
    return next;
  }

  private async evaluate(env: ReadyEnvironment, lists: NamespaceLists, readAt: Date): Promise<void> {
    const level = env.level;
    const generation = this.generations.get(env.namespace) ?? 0;
    const checks = await evaluateLiveChecks(level, env.namespace, lists, (checkId, err) =>
      log.error({ err, namespace: env.namespace, check: checkId }, "a live check could not be evaluated"),
    );
    if ((this.generations.get(env.namespace) ?? 0) !== generation) return;
    // A level none of whose checks reads objects alone has nothing live to show.
    if (!checks.some((c) => c.live)) return;
    const key = JSON.stringify(checks);
    if (this.last.get(env.namespace)?.key === key) return;
    const sent: LiveChecks = { levelId: level.manifest.id, namespace: env.namespace, checks, readAt: readAt.toISOString() };
    this.last.set(env.namespace, { key, sent });
    this.opts.emit(env.namespace, sent);
  }

  resend(namespace: string): void {
    const last = this.last.get(namespace);
    if (last) this.opts.emit(namespace, last.sent);
  }

  stopped(namespace: string): void {
    this.last.delete(namespace);
    this.generations.set(namespace, (this.generations.get(namespace) ?? 0) + 1);
  }

  /** The verdicts last sent for the namespace (null before the first, or once nobody looks). */
  lastSent(namespace: string): LiveChecks | null {
    return this.last.get(namespace)?.sent ?? null;
  }
}
