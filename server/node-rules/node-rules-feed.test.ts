// The "On the nodes" feed against a fake cluster and fake timers: a namespace is fed from its
// live view's first read while the level shows the panel, with its own Services' rules only;
// one reading of the nodes per tick serves every watched namespace; a change of the Services is
// shown at once; what could not be read is said; nothing is sent once nobody looks.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { NodeRulesSnapshot } from "../../lib/protocol/socket-events";
import type { ReadyEnvironment } from "../environments/level-environment";
import type { ExecResult, KubeAdapter, ServiceInfo } from "../kubernetes/kube-adapter";
import type { NamespaceLists } from "../live-view/namespace-live-view";
import { NodeRulesFeed, nodeRulesSnapshot } from "./node-rules-feed";
import { clusterIPRule, collectorCluster, collectorPod, natTableOf } from "./test-fixtures/collector-cluster";

const sepLine = (ns: string, name: string, endpoint: string) => `-A KUBE-SEP-QWERTY0123456789 -p tcp -m comment --comment "${ns}/${name}:redis" -m tcp -j DNAT --to-destination ${endpoint}`;
const TABLE = natTableOf([clusterIPRule("kq-a", "cache", "10.96.0.20"), sepLine("kq-a", "cache", "10.244.0.31:6379"), clusterIPRule("kq-b", "cache", "10.96.0.21")]);

const service = (name: string, clusterIP: string): ServiceInfo => ({ name, type: "ClusterIP", clusterIP, selector: { app: "cache" }, ports: [], uid: name });
const lists = (services: ServiceInfo[]): NamespaceLists => ({ services, statefulSets: [], endpointSlices: [], pods: [], deployments: [] });
const env = (namespace: string, panels: string[] = ["node-rules"]) => ({ namespace, toolboxPod: "toolbox", level: { manifest: { id: "clusterip-and-headless", panels } } }) as unknown as ReadyEnvironment;

/** One node whose collector answers `answer` (two namespaces' rules by default). */
function fakeCluster(answer: () => ExecResult = () => ({ stdout: TABLE, stderr: "", exitCode: 0 })) {
  const { kube, execs } = collectorCluster({ pods: [collectorPod("kubequest-control-plane")], answer });
  return { kube, execs: () => execs.length };
}

function feed(kube: KubeAdapter) {
  const sent: [string, NodeRulesSnapshot][] = [];
  return { feed: new NodeRulesFeed({ kube: () => kube, emit: (ns, s) => sent.push([ns, s]), refreshMs: 2_500 }), sent };
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-11-30T10:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("NodeRulesFeed", () => {
  it("feeds a namespace from its first read with its own Services' rules only, node by node", async () => {
    const { kube } = fakeCluster();
    const { feed: f, sent } = feed(kube);
    await f.objectsRead(env("kq-a"), lists([service("cache", "10.96.0.20"), service("cache-peers", "None")]));
    expect(sent).toEqual([
      [
        "kq-a",
        {
          levelId: "clusterip-and-headless",
          namespace: "kq-a",
          services: [
            { name: "cache", type: "ClusterIP", clusterIP: "10.96.0.20" },
            { name: "cache-peers", type: "ClusterIP", clusterIP: "None" },
          ],
          nodes: [
            {
              node: "kubequest-control-plane",
              services: [
                {
                  service: "cache",
                  rules: [
                    { chain: "KUBE-SERVICES", summary: "connections to 10.96.0.20:6379 go to KUBE-SVC-ABCDEF0123456789", text: clusterIPRule("kq-a", "cache", "10.96.0.20") },
                    { chain: "KUBE-SEP-QWERTY0123456789", summary: "rewrites the destination to the pod at 10.244.0.31:6379", text: sepLine("kq-a", "cache", "10.244.0.31:6379") },
                  ],
                },
              ],
              readAt: "2026-11-30T10:00:00.000Z",
            },
          ],
          error: null,
          updatedAt: "2026-11-30T10:00:00.000Z",
        },
      ],
    ]);
    expect(JSON.stringify(sent)).not.toContain("kq-b");
    f.stopAll();
  });

  it("sends nothing for a level without the panel", async () => {
    const { kube, execs } = fakeCluster();
    const { feed: f, sent } = feed(kube);
    await f.objectsRead(env("kq-a", []), lists([service("cache", "10.96.0.20")]));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toEqual([]);
    expect(execs()).toBe(0);
  });

  it("reads the nodes once per tick for every namespace, sends what changed (and every 10 s regardless), and stops once nobody looks", async () => {
    let table = TABLE;
    const { kube, execs } = fakeCluster(() => ({ stdout: table, stderr: "", exitCode: 0 }));
    const { feed: f, sent } = feed(kube);
    await f.objectsRead(env("kq-a"), lists([service("cache", "10.96.0.20")]));
    await f.objectsRead(env("kq-b"), lists([service("cache", "10.96.0.21")]));
    expect(execs()).toBe(1);
    sent.length = 0;
    // A tick that reads the same rules sends nothing.
    await vi.advanceTimersByTimeAsync(2_500);
    expect(execs()).toBe(2);
    expect(sent).toEqual([]);
    // kube-proxy removed kq-b's Service: only kq-b hears of it.
    table = natTableOf([clusterIPRule("kq-a", "cache", "10.96.0.20"), sepLine("kq-a", "cache", "10.244.0.31:6379")]);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(execs()).toBe(3);
    expect(sent.map(([ns, s]) => [ns, s.nodes[0]!.services.map((x) => x.service)])).toEqual([["kq-b", []]]);
    // Unchanged, each is sent again once its last send is 10 s old.
    sent.length = 0;
    await vi.advanceTimersByTimeAsync(7_500);
    expect(sent.map(([ns]) => ns)).toEqual(["kq-a"]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent.map(([ns]) => ns)).toEqual(["kq-a", "kq-b"]);
    const reads = execs();
    f.stopped("kq-a");
    f.stopped("kq-b");
    sent.length = 0;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sent).toEqual([]);
    expect(execs()).toBe(reads);
  });

  it("shows a change of the Services at once with the last reading, and re-sends to a new viewer", async () => {
    const { kube, execs } = fakeCluster();
    const { feed: f, sent } = feed(kube);
    await f.objectsRead(env("kq-a"), lists([service("cache", "10.96.0.20"), service("cache-peers", "10.96.0.30")]));
    await f.objectsRead(env("kq-a"), lists([service("cache", "10.96.0.20"), service("cache-peers", "None")]));
    expect(execs()).toBe(1);
    expect(sent.at(-1)![1].services.find((s) => s.name === "cache-peers")?.clusterIP).toBe("None");
    f.resend("kq-a");
    expect(sent.at(-1)![1]).toBe(f.lastSent("kq-a"));
    f.stopAll();
  });

  it("says why when the nodes cannot be read, and shows none of them", async () => {
    const { kube } = fakeCluster(() => ({ stdout: "", stderr: "iptables-save: Permission denied", exitCode: 1 }));
    const { feed: f, sent } = feed(kube);
    await f.objectsRead(env("kq-a"), lists([service("cache", "10.96.0.20")]));
    expect(sent[0]![1]).toMatchObject({ nodes: [], error: "iptables-save on node kubequest-control-plane exited with 1: iptables-save: Permission denied" });
    f.stopAll();
  });
});

describe("nodeRulesSnapshot", () => {
  it("lists a node with no rules for the namespace as a node with no Services", () => {
    const reading = { nodes: [{ node: "n1", pod: "p", rules: [], readAt: new Date("2026-11-30T10:00:00Z") }] };
    expect(nodeRulesSnapshot(env("kq-a"), [], { reading }, new Date("2026-11-30T10:00:01Z")).nodes).toEqual([{ node: "n1", services: [], readAt: "2026-11-30T10:00:00.000Z" }]);
  });
});
