/**
 * The adapter's view of the cluster's nodes: listing them (how many a learner's pods can land
 * on, for the live view and the chaos round) and changing one node's taints (the chaos round's
 * "prefer another node", see server/grader/chaos-placement.ts). Its own file because nodes are
 * cluster-wide: nothing else in the adapter reads or writes outside a namespace but KubeQuest's
 * own admission policies.
 *
 * Node only.
 */
import { CoreV1Api, type Configuration, type V1Node, type V1Taint } from "@kubernetes/client-node";
import type { KubeAdapter, NodeInfo, NodeTaint } from "./kube-adapter";
import { callKube, statusCodeOf } from "./kube-call";

/** The KubeAdapter methods this file implements (kube-client.ts forwards them here). */
export const NODE_METHODS = ["listNodes", "updateNodeTaints"] as const;

/** Read, change, write attempts of one taint update before a conflict is given up on. */
const MAX_TAINT_ATTEMPTS = 5;

function toTaint(t: V1Taint): NodeTaint {
  return { key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect };
}

export function toNodeInfo(node: V1Node): NodeInfo {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  return {
    name: node.metadata?.name ?? "",
    ready,
    unschedulable: node.spec?.unschedulable === true,
    taints: (node.spec?.taints ?? []).map(toTaint),
  };
}

export class KubeNodes implements Pick<KubeAdapter, (typeof NODE_METHODS)[number]> {
  private readonly core: CoreV1Api;

  constructor(config: Configuration) {
    this.core = new CoreV1Api(config);
  }

  async listNodes(): Promise<NodeInfo[]> {
    return callKube("listing nodes", async () =>
      (await this.core.listNode()).items.map(toNodeInfo).sort((a, b) => a.name.localeCompare(b.name)),
    );
  }

  async updateNodeTaints(name: string, change: (taints: NodeTaint[]) => NodeTaint[]): Promise<void> {
    await callKube(`changing node ${name}'s taints`, async () => {
      for (let attempt = 1; ; attempt++) {
        const node = await this.core.readNode({ name });
        const before = (node.spec?.taints ?? []).map(toTaint);
        const after = change(before);
        if (JSON.stringify(after) === JSON.stringify(before)) return;
        // Taints the change kept go back exactly as read (a node-lifecycle NoExecute taint keeps
        // its timeAdded, which NodeTaint does not carry); only new ones are written from NodeTaint.
        const read = node.spec?.taints ?? [];
        const asRead = (t: NodeTaint) => read.find((r) => r.key === t.key && r.effect === t.effect && (r.value ?? "") === (t.value ?? ""));
        node.spec = { ...node.spec, taints: after.map((t) => asRead(t) ?? { key: t.key, effect: t.effect, ...(t.value ? { value: t.value } : {}) }) };
        try {
          // A PUT carries the resourceVersion read: another writer in between (a kubelet, a
          // second chaos round) makes it a 409, and the change is made again on what is there.
          await this.core.replaceNode({ name, body: node });
          return;
        } catch (err) {
          if (statusCodeOf(err) !== 409 || attempt >= MAX_TAINT_ATTEMPTS) throw err;
        }
      }
    });
  }
}
