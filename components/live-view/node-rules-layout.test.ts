// Why: the "On the nodes" panel must put the two Services side by side on every node and say
// plainly why one has no rules (headless, not yet, gone), and what it says to a screen reader
// must change only when the rules do.
import { describe, expect, it } from "vitest";
import type { NodeRulesSnapshot } from "@/lib/protocol/socket-events";
import { HEADLESS_NOTE, nodeRulesView } from "./node-rules-layout";

const rule = (chain: string) => ({ chain, summary: `${chain} does something`, text: `-A ${chain} -j X` });
const cacheRules = [rule("KUBE-SERVICES"), rule("KUBE-SVC-A"), rule("KUBE-SEP-B")];

function snapshot(over: Partial<NodeRulesSnapshot> = {}): NodeRulesSnapshot {
  return {
    levelId: "clusterip-and-headless",
    namespace: "kq-a",
    services: [
      { name: "cache-peers", type: "ClusterIP", clusterIP: "None" },
      { name: "cache", type: "ClusterIP", clusterIP: "10.96.0.20" },
    ],
    nodes: [
      { node: "node-b", services: [{ service: "cache", rules: cacheRules }], readAt: "2026-11-30T10:00:00Z" },
      { node: "node-a", services: [{ service: "cache", rules: cacheRules }], readAt: "2026-11-30T10:00:00Z" },
    ],
    error: null,
    updatedAt: "2026-11-30T10:00:01Z",
    ...over,
  };
}

describe("nodeRulesView", () => {
  it("waits for the first snapshot, and shows our error (not the learner's) when the rules could not be read", () => {
    expect(nodeRulesView(null)).toEqual({ kind: "waiting" });
    expect(nodeRulesView(snapshot({ nodes: [], error: "the node-rules-collector is ready on 0 of 1 node(s)" }))).toEqual({
      kind: "error",
      detail: "the node-rules-collector is ready on 0 of 1 node(s)",
    });
  });

  it("puts the Services side by side in the same order on every node, with a headless one clearly empty", () => {
    const view = nodeRulesView(snapshot());
    if (view.kind !== "nodes") throw new Error(view.kind);
    expect(view.rows.map((r) => [r.node, r.columns.map((c) => [c.service, c.state, c.note, c.rules.length])])).toEqual(
      ["node-b", "node-a"].map((node) => [
        node,
        [
          ["cache", "rules", "3 NAT rules for virtual IP 10.96.0.20", 3],
          ["cache-peers", "headless", HEADLESS_NOTE, 0],
        ],
      ]),
    );
    expect(view.summary).toBe("cache: NAT rules on 2 of 2 nodes. cache-peers: no rules (headless).");
  });

  it("says why a ClusterIP Service has none yet, and marks rules that outlived their Service", () => {
    const view = nodeRulesView(
      snapshot({
        services: [
          { name: "cache", type: "ClusterIP", clusterIP: "10.96.0.20" },
          { name: "cache-peers", type: "ClusterIP", clusterIP: "None" },
          { name: "legacy", type: "ExternalName", clusterIP: "" },
        ],
        nodes: [{ node: "node-a", services: [{ service: "cache-peers", rules: cacheRules }, { service: "old", rules: [rule("KUBE-SERVICES")] }], readAt: "2026-11-30T10:00:00Z" }],
      }),
    );
    if (view.kind !== "nodes") throw new Error(view.kind);
    expect(view.rows[0]!.columns.map((c) => [c.service, c.state, c.note])).toEqual([
      ["cache", "waiting", "no rules yet — kube-proxy writes them once the Service has ready endpoints"],
      ["cache-peers", "stale", "3 NAT rules from before it was headless: kube-proxy removes them at its next sync"],
      ["legacy", "no-virtual-ip", "no rules — a Service of type ExternalName has no virtual IP"],
      ["old", "stale", "1 NAT rule of a Service that is gone: kube-proxy removes them at its next sync"],
    ]);
    expect(view.summary).toBe("cache: no rules. cache-peers: NAT rules on 1 of 1 node. legacy: no rules. old: NAT rules on 1 of 1 node.");
  });

  it("keeps the same summary when only the time of the reading changed", () => {
    const a = nodeRulesView(snapshot());
    const b = nodeRulesView(snapshot({ updatedAt: "2026-11-30T10:00:04Z", nodes: snapshot().nodes.map((n) => ({ ...n, readAt: "2026-11-30T10:00:03Z" })) }));
    expect(a.kind === "nodes" && b.kind === "nodes" && a.summary === b.summary).toBe(true);
  });
});
