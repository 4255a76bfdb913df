/**
 * The chaos round on a multi-node cluster: the deleted pod should come back on another node
 * when one can take it, as a real node failure would move it. How, and why this way:
 *
 * - The learner's own objects stay as they are (no affinity added to their StatefulSet): what
 *   is graded is what they wrote.
 * - Nothing is blocked for anyone: the pod's node gets a **PreferNoSchedule** taint, a soft
 *   preference the scheduler weighs (TaintToleration scoring) but never enforces. A full or
 *   cordoned other node still lets the pod come back where it was, and another learner's pod
 *   scheduled in those few seconds may still land on that node. A cordon or a NoSchedule taint
 *   would block every learner's new pods there, and two concurrent rounds could block all nodes.
 * - Concurrent rounds do not undo each other: each adds a taint with a key of its own
 *   (`chaos.kubequest.dev/avoid-<run id>`), written with the node's resourceVersion (a
 *   conflict re-reads), and removes only its own once the new pod is scheduled. Two rounds
 *   leaving the same node add two taints, which the scheduler counts: both prefer the others.
 * - A server that dies mid-round leaves its taint behind: the value is the time it was added,
 *   and the next round (on any node) removes chaos taints older than CHAOS_TAINT_STALE_MS from
 *   every node.
 *
 * Nothing here may fail a chaos round: a cluster that forbids changing nodes (the server's
 * identity lacks `update nodes`) or answers badly gets an unsteered round and a warning in the
 * server's log.
 *
 * Node only.
 */
import type { KubeAdapter, NodeInfo, NodeTaint } from "../kubernetes/kube-adapter";
import { moduleLogger } from "../logging/logger";

const log = moduleLogger("grade");

export const CHAOS_TAINT_PREFIX = "chaos.kubequest.dev/avoid-";
/** Longer than any chaos round (its timeout is at most a few minutes): older ones are leftovers. */
export const CHAOS_TAINT_STALE_MS = 15 * 60_000;

type NodesCluster = Pick<KubeAdapter, "listNodes" | "updateNodeTaints">;

/** The round's taint: its own key, the time it was added (seconds) as the value. */
export function chaosTaint(id: string, nowMs: number): NodeTaint {
  return { key: `${CHAOS_TAINT_PREFIX}${id}`, value: String(Math.floor(nowMs / 1000)), effect: "PreferNoSchedule" };
}

/** `taints` without the chaos taints a round that never finished left behind. */
export function withoutStaleChaosTaints(taints: readonly NodeTaint[], nowMs: number): NodeTaint[] {
  return taints.filter((t) => !t.key.startsWith(CHAOS_TAINT_PREFIX) || nowMs - Number(t.value ?? 0) * 1000 <= CHAOS_TAINT_STALE_MS);
}

/**
 * Nodes other than `from` that a learner's pod could be scheduled to: Ready, not cordoned, and
 * with no taint that keeps a pod without tolerations off (soft PreferNoSchedule ones do not).
 */
export function otherNodesForPod(nodes: readonly NodeInfo[], from: string): NodeInfo[] {
  return nodes.filter((n) => n.name !== from && n.ready && !n.unschedulable && !n.taints.some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute"));
}

export interface Steering {
  /** Whether the scheduler was asked to prefer another node. */
  steered: boolean;
  /** When it was not: no other node could take the pod, or asking failed (logged). */
  unsteeredBecause?: "no-other-node" | "could-not-ask";
  /** Removes the round's taint (idempotent; never throws). */
  release(): Promise<void>;
}

const unsteered = (because: Steering["unsteeredBecause"]): Steering => ({ steered: false, unsteeredBecause: because, release: async () => undefined });

/**
 * Removes what crashed servers' rounds left on the nodes other than `from` (that one is cleaned
 * with the round's own taint): a leftover would keep pushing pods off its node. Best effort: a
 * failure is only logged, and the next round tries again.
 */
async function removeStaleTaintsElsewhere(kube: NodesCluster, nodes: readonly NodeInfo[], from: string, nowMs: number, warn: (m: string) => void): Promise<void> {
  for (const n of nodes) {
    if (n.name === from || withoutStaleChaosTaints(n.taints, nowMs).length === n.taints.length) continue;
    await kube.updateNodeTaints(n.name, (taints) => withoutStaleChaosTaints(taints, nowMs)).catch((err: unknown) => {
      warn(`removing a stale chaos taint from node ${n.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}

/**
 * Asks the scheduler to prefer any node but `from` for the next pods, when another node could
 * take them; call release() once the new pod is scheduled (and in any case at the round's end).
 */
export async function preferAnotherNode(
  kube: NodesCluster,
  from: string | undefined,
  id: string,
  opts: { now?: () => number; warn?: (message: string) => void } = {},
): Promise<Steering> {
  const now = opts.now ?? Date.now;
  const warn = opts.warn ?? ((m: string) => log.warn(m));
  if (!from) return unsteered("no-other-node");
  const taint = chaosTaint(id, now());
  try {
    const nodes = await kube.listNodes();
    await removeStaleTaintsElsewhere(kube, nodes, from, now(), warn);
    if (otherNodesForPod(nodes, from).length === 0) return unsteered("no-other-node");
    await kube.updateNodeTaints(from, (taints) => [...withoutStaleChaosTaints(taints, now()).filter((t) => t.key !== taint.key), taint]);
  } catch (err) {
    warn(`the chaos round could not ask the scheduler to prefer a node other than ${from} (the pod may come back there): ${err instanceof Error ? err.message : String(err)}`);
    return unsteered("could-not-ask");
  }
  let released: Promise<void> | undefined;
  return {
    steered: true,
    release: () =>
      (released ??= kube.updateNodeTaints(from, (taints) => taints.filter((t) => t.key !== taint.key)).catch((err: unknown) => {
        warn(`removing the chaos round's taint ${taint.key} from node ${from} failed (a later round removes it once stale): ${err instanceof Error ? err.message : String(err)}`);
      })),
  };
}
