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
import { objectVerdictOf } from "./checks/check-library";
import { snapshotOf, type NamespaceObjects } from "./grade-context";
import { capEvidence } from "./run-grade";

const log = moduleLogger("live-checks");

/** The objects a snapshot is made of, from one read of the live view. */
export function objectsFromLists(level: LoadedLevel, lists: NamespaceLists): NamespaceObjects {
  const { workload } = level.manifest;
  return {
    statefulSet: lists.statefulSets.find((s) => s.name === workload.name) ?? null,
    services: lists.services,
    pods: lists.pods,
    endpointSlices: lists.endpointSlices,
    deployments: lists.deployments,
  };
}

/**
 * The level's main-round checks with a verdict for each object-only one, from the same snapshot
 * the grader would make of these objects. A verdict that throws (a bug of ours) leaves its check
 * without a verdict, never a fail.
 */
export function evaluateLiveChecks(
  level: LoadedLevel,
  objects: NamespaceObjects,
  onError: (checkId: string, err: unknown) => void = () => undefined,
): LiveCheck[] {
  const { workload, grader } = level.manifest;
  const snapshot = snapshotOf(workload, objects);
  return grader.map((spec): LiveCheck => {
    const base = { id: spec.id, title: spec.title, explanation: spec.explanation };
    const verdict = objectVerdictOf(spec);
    if (!verdict) return { ...base, live: false };
    try {
      const outcome = verdict({ snapshot, spec, workload });
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

  constructor(private readonly opts: LiveCheckFeedOptions) {}

  objectsRead(env: ReadyEnvironment, lists: NamespaceLists, readAt: Date): void {
    const level = env.level;
    const checks = evaluateLiveChecks(level, objectsFromLists(level, lists), (checkId, err) =>
      log.error({ err, namespace: env.namespace, check: checkId }, "a live check could not be evaluated"),
    );
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
  }

  /** The verdicts last sent for the namespace (null before the first, or once nobody looks). */
  lastSent(namespace: string): LiveChecks | null {
    return this.last.get(namespace)?.sent ?? null;
  }
}
