// The chaos round's "come back on another node when it can": a PreferNoSchedule taint of the
// round's own on the deleted pod's node, only when another node can take the pod, removed by the
// round that added it and by no other; a taint a crashed server left behind is cleaned later.
import { describe, expect, it } from "vitest";
import type { KubeAdapter, NodeInfo, NodeTaint } from "../kubernetes/kube-adapter";
import { KubeError } from "../kubernetes/kube-adapter";
import { CHAOS_TAINT_PREFIX, CHAOS_TAINT_STALE_MS, chaosTaint, otherNodesForPod, preferAnotherNode, withoutStaleChaosTaints } from "./chaos-placement";

const CONTROL_PLANE_TAINT: NodeTaint = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" };

function node(name: string, extra: Partial<NodeInfo> = {}): NodeInfo {
  return { name, ready: true, unschedulable: false, taints: [], ...extra };
}

/** Nodes in memory; every taint update goes through `updateNodeTaints` as the adapter's does. */
function fakeNodes(nodes: NodeInfo[], opts: { forbidWrites?: boolean } = {}) {
  const writes: string[] = [];
  const kube = {
    listNodes: async () => nodes.map((n) => ({ ...n, taints: [...n.taints] })),
    updateNodeTaints: async (name: string, change: (t: NodeTaint[]) => NodeTaint[]) => {
      if (opts.forbidWrites) throw new KubeError("forbidden", `nodes "${name}" is forbidden`);
      const n = nodes.find((x) => x.name === name)!;
      n.taints = change(n.taints);
      writes.push(name);
    },
  } as unknown as Pick<KubeAdapter, "listNodes" | "updateNodeTaints">;
  return { kube, nodes, writes };
}

const threeNodes = () => [node("kubequest-control-plane", { taints: [CONTROL_PLANE_TAINT] }), node("kubequest-worker"), node("kubequest-worker2")];

describe("otherNodesForPod", () => {
  it("counts only Ready, uncordoned nodes without a NoSchedule or NoExecute taint, other than the pod's", () => {
    const nodes = [
      ...threeNodes(),
      node("cordoned", { unschedulable: true }),
      node("not-ready", { ready: false }),
      node("draining", { taints: [{ key: "x", effect: "NoExecute" }] }),
      node("other-round", { taints: [chaosTaint("bbbbbbbb", 0)] }),
    ];
    expect(otherNodesForPod(nodes, "kubequest-worker").map((n) => n.name)).toEqual(["kubequest-worker2", "other-round"]);
  });
});

describe("withoutStaleChaosTaints", () => {
  it("drops chaos taints older than the stale age and keeps everything else", () => {
    const now = 1_800_000_000_000;
    const fresh = chaosTaint("aaaaaaaa", now - 1000);
    const stale = chaosTaint("cccccccc", now - CHAOS_TAINT_STALE_MS - 1000);
    const foreign = { key: "example.com/dedicated", value: "1", effect: "PreferNoSchedule" };
    expect(withoutStaleChaosTaints([fresh, stale, foreign, CONTROL_PLANE_TAINT], now)).toEqual([fresh, foreign, CONTROL_PLANE_TAINT]);
  });
});

describe("preferAnotherNode", () => {
  it("taints the pod's node PreferNoSchedule with the round's own key, and release() removes exactly that", async () => {
    const { kube, nodes } = fakeNodes(threeNodes());
    const steering = await preferAnotherNode(kube, "kubequest-worker", "aaaaaaaa");
    expect(steering.steered).toBe(true);
    expect(nodes[1]!.taints).toEqual([expect.objectContaining({ key: `${CHAOS_TAINT_PREFIX}aaaaaaaa`, effect: "PreferNoSchedule" })]);
    await steering.release();
    await steering.release();
    expect(nodes.map((n) => n.taints)).toEqual([[CONTROL_PLANE_TAINT], [], []]);
  });

  it("two rounds at once on one node each keep their own taint until they release it", async () => {
    const { kube, nodes } = fakeNodes(threeNodes());
    const a = await preferAnotherNode(kube, "kubequest-worker", "aaaaaaaa");
    const b = await preferAnotherNode(kube, "kubequest-worker", "bbbbbbbb");
    expect(nodes[1]!.taints.map((t) => t.key)).toEqual([`${CHAOS_TAINT_PREFIX}aaaaaaaa`, `${CHAOS_TAINT_PREFIX}bbbbbbbb`]);
    await a.release();
    expect(nodes[1]!.taints.map((t) => t.key)).toEqual([`${CHAOS_TAINT_PREFIX}bbbbbbbb`]);
    await b.release();
    expect(nodes[1]!.taints).toEqual([]);
  });

  it("writes nothing when no other node could take the pod (one node, or the others cordoned)", async () => {
    const single = fakeNodes([node("kubequest-control-plane")]);
    expect((await preferAnotherNode(single.kube, "kubequest-control-plane", "aaaaaaaa")).steered).toBe(false);
    const cordoned = fakeNodes([...threeNodes().slice(0, 2), node("kubequest-worker2", { unschedulable: true })]);
    expect((await preferAnotherNode(cordoned.kube, "kubequest-worker", "aaaaaaaa")).steered).toBe(false);
    expect([...single.writes, ...cordoned.writes]).toEqual([]);
  });

  it("never throws: a cluster that forbids it just gets an unsteered chaos round", async () => {
    const warnings: string[] = [];
    const { kube } = fakeNodes(threeNodes(), { forbidWrites: true });
    const steering = await preferAnotherNode(kube, "kubequest-worker", "aaaaaaaa", { warn: (m) => warnings.push(m) });
    expect(steering.steered).toBe(false);
    await steering.release();
    expect(warnings.join("\n")).toMatch(/forbidden/);
  });

  it("cleans a taint a crashed server left on the node it steers from", async () => {
    const now = 1_800_000_000_000;
    const nodes = threeNodes();
    nodes[1]!.taints.push(chaosTaint("deadbeef", now - CHAOS_TAINT_STALE_MS - 60_000));
    const { kube } = fakeNodes(nodes);
    const steering = await preferAnotherNode(kube, "kubequest-worker", "aaaaaaaa", { now: () => now });
    expect(nodes[1]!.taints.map((t) => t.key)).toEqual([`${CHAOS_TAINT_PREFIX}aaaaaaaa`]);
    await steering.release();
  });

  it("cleans a crashed server's leftover taint on the other nodes too, and keeps a live round's", async () => {
    const now = 1_800_000_000_000;
    const nodes = threeNodes();
    const stale = chaosTaint("deadbeef", now - CHAOS_TAINT_STALE_MS - 60_000);
    const live = chaosTaint("cafef00d", now - 30_000);
    nodes[2]!.taints.push(stale, live);
    nodes[0]!.taints.push(stale);
    const { kube, writes } = fakeNodes(nodes);
    const steering = await preferAnotherNode(kube, "kubequest-worker", "aaaaaaaa", { now: () => now });
    expect(nodes[2]!.taints).toEqual([live]);
    expect(nodes[0]!.taints).toEqual([CONTROL_PLANE_TAINT]);
    await steering.release();
    // A node without a leftover is not written.
    expect(writes.filter((w) => w === "kubequest-worker").length).toBe(2);
  });
});
