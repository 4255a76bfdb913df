// The reader behind the panel and the check, against a fake cluster: one exec per node however
// many ask within the age they accept, a fresh one after it, only the asking namespace's rules,
// and an error (never a partial reading) when a node cannot be read.
import { describe, expect, it } from "vitest";
import { KubeError } from "../kubernetes/kube-adapter";
import { namespaceRules, NodeRulesReader, NodeRulesUnavailable } from "./node-rules-reader";
import { clusterIPRule, collectorCluster, collectorPod, natTableOf, type CollectorClusterOptions } from "./test-fixtures/collector-cluster";

const TWO_NAMESPACES = natTableOf([clusterIPRule("kq-a", "cache", "10.96.0.20"), clusterIPRule("kq-b", "cache", "10.96.0.21")]);

/** The collectors of two nodes answering `answer` (two namespaces' rules by default). */
const fakeCluster = (opts: Partial<CollectorClusterOptions> = {}) => collectorCluster({ answer: () => ({ stdout: TWO_NAMESPACES, stderr: "", exitCode: 0 }), ...opts });

describe("NodeRulesReader", () => {
  it("reads iptables-save -t nat once in each node's collector, and shares a reading among those who accept its age", async () => {
    let now = 1_000;
    const { kube, execs } = fakeCluster();
    const reader = new NodeRulesReader(kube, { now: () => now });
    const [first, second] = await Promise.all([reader.read(2_000), reader.read(2_000)]);
    expect(execs).toEqual([
      { pod: "node-rules-collector-worker-a", container: "collector", argv: ["iptables-save", "-t", "nat"] },
      { pod: "node-rules-collector-worker-b", container: "collector", argv: ["iptables-save", "-t", "nat"] },
    ]);
    expect(second).toEqual(first);
    expect(first.nodes.map((n) => n.node)).toEqual(["worker-a", "worker-b"]);

    now += 1_500;
    await reader.read(2_000);
    expect(execs).toHaveLength(2);
    // Someone who wants a newer reading gets one; later readers share it.
    await reader.read(1_000);
    expect(execs).toHaveLength(4);
    now += 2_500;
    await reader.read(2_000);
    expect(execs).toHaveLength(6);
  });

  it("hands out one namespace's rules only", async () => {
    const reading = await new NodeRulesReader(fakeCluster().kube).read(0);
    const mine = namespaceRules(reading, "kq-a");
    expect(mine.map((n) => [n.node, [...n.services.keys()]])).toEqual([
      ["worker-a", ["cache"]],
      ["worker-b", ["cache"]],
    ]);
    expect(JSON.stringify(mine.map((n) => [...n.services.values()]))).not.toContain("kq-b");
    expect(namespaceRules(reading, "kq-c").every((n) => n.services.size === 0)).toBe(true);
  });

  it.each([
    ["the collector is not installed", { daemonSet: null }, /node-rules-collector DaemonSet is not installed in kubequest-system/],
    ["a node's collector is not ready", { pods: [collectorPod("worker-a"), collectorPod("worker-b", { ready: false })] }, /ready on 1 of 2 node/],
    ["the exec fails", { answer: () => new KubeError("pod-not-running", "Pod node-rules-collector-worker-a is not running") }, /reading node worker-a failed: Pod .* is not running/],
    ["iptables-save fails", { answer: () => ({ stdout: "", stderr: "iptables-save: Permission denied (you must be root)", exitCode: 1 }) }, /iptables-save on node worker-a exited with 1: .*Permission denied/],
    ["the table is cut short", { answer: () => ({ stdout: "*nat\n:KUBE-SERVICES - [0:0]\n", stderr: "", exitCode: null }) }, /iptables-save on node worker-a did not finish/],
    ["the table has no end", { answer: () => ({ stdout: "*nat\n-A KUBE-SERVICES -j RETURN\n[output truncated after 1048576 bytes]", stderr: "", exitCode: 0 }) }, /ends without COMMIT/],
  ] as const)("throws NodeRulesUnavailable, never a partial reading, when %s", async (_case, opts, message) => {
    const failing = new NodeRulesReader(fakeCluster(opts as Partial<CollectorClusterOptions>).kube).read(0);
    await expect(failing).rejects.toBeInstanceOf(NodeRulesUnavailable);
    await expect(failing).rejects.toThrow(message);
  });

  it("forgets a failed read: the next one tries again at once", async () => {
    let broken = true;
    const { kube, execs } = fakeCluster({ answer: () => (broken ? new Error("websocket closed") : { stdout: natTableOf([]), stderr: "", exitCode: 0 }) });
    const reader = new NodeRulesReader(kube, { now: () => 5_000 });
    await expect(reader.read(60_000)).rejects.toThrow(/websocket closed/);
    broken = false;
    await expect(reader.read(60_000)).resolves.toMatchObject({ nodes: [{ node: "worker-a", rules: [] }, { node: "worker-b", rules: [] }] });
    expect(execs).toHaveLength(4);
  });

  it("reads each node once while a rollout briefly runs two collectors on it, and skips a departing one", async () => {
    const pods = [collectorPod("worker-a"), collectorPod("worker-a", { name: "node-rules-collector-new" }), collectorPod("worker-b", { deleting: true }), collectorPod("worker-b", { name: "node-rules-collector-b2" })];
    const { kube, execs } = fakeCluster({ pods, daemonSet: { name: "node-rules-collector", images: [], desired: 2, ready: 2 } });
    const reading = await new NodeRulesReader(kube).read(0);
    expect(reading.nodes.map((n) => [n.node, n.pod])).toEqual([
      ["worker-a", "node-rules-collector-worker-a"],
      ["worker-b", "node-rules-collector-b2"],
    ]);
    expect(execs).toHaveLength(2);
  });
});
