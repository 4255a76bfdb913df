/**
 * Where a chaos round's wait goes: the pod deleted, then its replacement's way back to Ready,
 * read from the new pod's own record after the round (its creation time and the times of its
 * conditions), so the bench needs no watch of its own. Each phase is the gap between two of
 * these moments:
 *
 *   round started ─ replaced ─ scheduled ─ sandbox ─ init ─ ready
 *     replaced   the old pod stopped (graceful termination, the kubelet's clean-up) and the
 *                StatefulSet made the new one (its creationTimestamp)
 *     scheduled  the scheduler bound it to a node (PodScheduled)
 *     sandbox    the node made its sandbox: pause container, network (PodReadyToStartContainers)
 *     init       its init containers ran (Initialized)
 *     ready      its containers started and passed readiness (Ready)
 *
 * The API server keeps these times to the second, so each phase is good to about a second: fine
 * for telling a 2 s phase from a 10 s one, which is what an operator sizing a node needs.
 */
import type { V1Pod } from "@kubernetes/client-node";

export const POD_RETURN_PHASES = ["replaced", "scheduled", "sandbox", "init", "ready"] as const;
export type PodReturnPhase = (typeof POD_RETURN_PHASES)[number];

const CONDITION_OF: Record<Exclude<PodReturnPhase, "replaced">, string> = {
  scheduled: "PodScheduled",
  sandbox: "PodReadyToStartContainers",
  init: "Initialized",
  ready: "Ready",
};

function timeOf(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The phases of `pod`'s return (ms each) for a round that started at `roundStartedAt` (ms since
 * the epoch); undefined when the pod is not Ready (nothing to split) or does not say when it was
 * made. A moment the pod does not record (a cluster without PodReadyToStartContainers) folds its
 * phase into the next one. The first phase counts from the round's start rounded down to the
 * second, as the API server's times are.
 */
export function podReturnPhases(roundStartedAt: number, pod: V1Pod): Record<PodReturnPhase, number> | undefined {
  const created = timeOf(pod.metadata?.creationTimestamp);
  const conditions = pod.status?.conditions ?? [];
  const at = (type: string) => {
    const c = conditions.find((x) => x.type === type);
    return c?.status === "True" ? timeOf(c.lastTransitionTime) : undefined;
  };
  const ready = at("Ready");
  if (created === undefined || ready === undefined) return undefined;
  const phases = {} as Record<PodReturnPhase, number>;
  let previous = Math.floor(roundStartedAt / 1000) * 1000;
  for (const phase of POD_RETURN_PHASES) {
    const moment = phase === "replaced" ? created : phase === "ready" ? ready : at(CONDITION_OF[phase]);
    if (moment === undefined) {
      phases[phase] = 0;
      continue;
    }
    // A condition set before the pod existed is an older pod's record: it bounds nothing.
    const bounded = Math.max(moment, previous);
    phases[phase] = bounded - previous;
    previous = bounded;
  }
  return phases;
}
