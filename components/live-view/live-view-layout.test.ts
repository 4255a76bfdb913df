import { describe, expect, it } from "vitest";
import type { LiveViewSnapshot } from "@/lib/protocol/socket-events";
import { describeSnapshot, summarizeSnapshot } from "./describe-snapshot";
import { computeLiveLayout, dnsPodName, podDns, podTone, shortNodeNames } from "./live-view-layout";

function snapshot(overrides: Partial<LiveViewSnapshot> = {}): LiveViewSnapshot {
  return {
    levelId: "headless-statefulset-dns",
    namespace: "kq-u1",
    services: [{ name: "redis", type: "ClusterIP", clusterIP: "10.96.12.7", selector: { app: "redis" } }],
    statefulSets: [{ name: "redis", serviceName: "redis", replicas: 3, readyReplicas: 1 }],
    endpointSlices: [
      {
        name: "redis-abcde",
        serviceName: "redis",
        endpoints: [{ ip: "10.244.0.5", podName: "redis-0", ready: true }],
      },
    ],
    pods: [
      { name: "redis-1", phase: "Pending", status: "Init:0/1", ready: false, ip: "10.244.0.6", restarts: 0, ordinal: 1 },
      { name: "redis-0", phase: "Running", status: "Running", ready: true, ip: "10.244.0.5", restarts: 0, ordinal: 0 },
      { name: "toolbox", phase: "Running", status: "Running", ready: true, ip: "10.244.0.9", restarts: 0 },
    ],
    dns: [
      { name: "redis-0.redis.kq-u1.svc.cluster.local", addresses: [], error: "NXDOMAIN" },
      { name: "redis-1.redis.kq-u1.svc.cluster.local", addresses: [], error: "NXDOMAIN" },
    ],
    updatedAt: "2025-01-01T00:00:00Z",
    ...overrides,
  };
}

function headlessFixed(): LiveViewSnapshot {
  return snapshot({
    services: [{ name: "redis", type: "ClusterIP", clusterIP: "None", selector: { app: "redis" } }],
    statefulSets: [{ name: "redis", serviceName: "redis", replicas: 3, readyReplicas: 3 }],
    endpointSlices: [
      {
        name: "redis-abcde",
        serviceName: "redis",
        endpoints: [0, 1, 2].map((i) => ({ ip: `10.244.0.${5 + i}`, hostname: `redis-${i}`, podName: `redis-${i}`, ready: true })),
      },
    ],
    pods: [0, 1, 2].map((i) => ({
      name: `redis-${i}`,
      phase: "Running",
      status: "Running",
      ready: true,
      ip: `10.244.0.${5 + i}`,
      restarts: 0,
      ordinal: i,
    })),
    dns: [0, 1, 2].map((i) => ({ name: `redis-${i}.redis.kq-u1.svc.cluster.local`, addresses: [`10.244.0.${5 + i}`] })),
  });
}

const inside = (inner: { x: number; y: number; w: number; h: number }, outer: { x: number; y: number; w: number; h: number }) =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;

describe("computeLiveLayout", () => {
  it("draws the broken state: a non-headless Service, one endpoint, pods in their StatefulSet", () => {
    const layout = computeLiveLayout(snapshot());
    expect(layout.services).toHaveLength(1);
    expect(layout.services[0]).toMatchObject({ name: "redis", headless: false, governsStatefulSet: true });
    expect(layout.frames).toHaveLength(1);
    const frame = layout.frames[0]!;
    const statefulPods = layout.pods.filter((p) => p.ordinal !== null);
    expect(statefulPods.map((p) => p.name)).toEqual(["redis-0", "redis-1"]);
    for (const pod of statefulPods) expect(inside(pod, frame)).toBe(true);
    // The toolbox belongs to no StatefulSet: drawn below the frame, under its own label.
    const toolbox = layout.pods.find((p) => p.name === "toolbox")!;
    expect(inside(toolbox, frame)).toBe(false);
    expect(toolbox.y).toBeGreaterThan(frame.y + frame.h);
    expect(layout.otherPodsLabel).not.toBeNull();
    // DNS answers are attached to their pods.
    expect(layout.pods.find((p) => p.name === "redis-1")?.dns).toMatchObject({ tone: "bad", text: "NXDOMAIN" });
    expect(layout.pods.find((p) => p.name === "toolbox")?.dns).toBeNull();
    // No replication while redis-1 is stuck.
    expect(layout.edges.filter((e) => e.kind === "replication")).toHaveLength(0);
    expect(layout.height).toBeGreaterThan(toolbox.y + toolbox.h);
  });

  it("shows an answer KubeQuest could not ask as a warning, not as the learner's DNS failing", () => {
    const name = "redis-0.redis.kq-x-30.svc.cluster.local";
    expect(podDns({ name, addresses: [], error: "NXDOMAIN" })).toMatchObject({ tone: "bad" });
    expect(podDns({ name, addresses: [], error: "KubeQuest could not ask DNS just now", unasked: true })).toMatchObject({ tone: "warn", text: "KubeQuest could not ask DNS just now" });
  });

  it("puts each endpoint straight above its pod and links service → endpoint → pod", () => {
    const layout = computeLiveLayout(headlessFixed());
    expect(layout.endpoints).toHaveLength(3);
    for (const endpoint of layout.endpoints) {
      const pod = layout.pods.find((p) => p.name === endpoint.podName)!;
      expect(endpoint.x).toBe(pod.x);
      expect(endpoint.y + endpoint.h).toBeLessThan(pod.y);
      expect(endpoint.y).toBeGreaterThan(layout.services[0]!.y + layout.services[0]!.h);
    }
    expect(layout.edges.filter((e) => e.kind === "service-endpoint")).toHaveLength(3);
    expect(layout.edges.filter((e) => e.kind === "endpoint-pod")).toHaveLength(3);
  });

  it("draws replication arcs from ready replicas to ordinal 0", () => {
    const layout = computeLiveLayout(headlessFixed());
    const arcs = layout.edges.filter((e) => e.kind === "replication").map((e) => e.key);
    expect(arcs).toEqual(["repl/redis-1", "repl/redis-2"]);
    expect(layout.services[0]?.headless).toBe(true);
  });

  it("keeps pods from overlapping, also beyond one row", () => {
    const many = headlessFixed();
    many.pods = Array.from({ length: 7 }, (_, i) => ({
      name: `redis-${i}`,
      phase: "Running",
      status: "Running",
      ready: false,
      restarts: 0,
      ordinal: i,
    }));
    const layout = computeLiveLayout(many);
    const pods = layout.pods;
    for (const a of pods)
      for (const b of pods) {
        if (a === b) continue;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap).toBe(false);
      }
    for (const pod of pods) {
      expect(pod.x).toBeGreaterThanOrEqual(0);
      expect(pod.x + pod.w).toBeLessThanOrEqual(layout.width);
    }
  });

  it("shows intentional placeholders for an empty namespace", () => {
    const layout = computeLiveLayout(snapshot({ services: [], statefulSets: [], endpointSlices: [], pods: [], dns: [] }));
    expect(layout.placeholders.map((p) => p.key)).toEqual(["no-service", "no-pods"]);
    expect(layout.height).toBeGreaterThan(0);
  });

  it("marks a slice without endpoints", () => {
    const layout = computeLiveLayout(
      snapshot({ endpointSlices: [{ name: "redis-x", serviceName: "redis", endpoints: [] }] }),
    );
    expect(layout.endpointRows[0]?.empty?.text).toContain("No endpoints");
  });

  it("flags a serviceName that names no Service", () => {
    const layout = computeLiveLayout(
      snapshot({ statefulSets: [{ name: "redis", serviceName: "redis-headless", replicas: 3, readyReplicas: 1 }] }),
    );
    expect(layout.frames[0]).toMatchObject({ serviceFound: false, serviceHeadless: false });
    expect(layout.services[0]?.governsStatefulSet).toBe(false);
  });
});

describe("which node each pod runs on", () => {
  const CLUSTER = ["kubequest-control-plane", "kubequest-worker", "kubequest-worker2"];
  const onNodes = (clusterNodes: string[] | undefined, podNodes: string[]): LiveViewSnapshot => {
    const fixed = headlessFixed();
    return { ...fixed, ...(clusterNodes === undefined ? {} : { nodes: clusterNodes }), pods: fixed.pods.map((p, i) => ({ ...p, nodeName: podNodes[i % podNodes.length]! })) };
  };

  it("labels every pod with its node on a cluster of several nodes, and makes room for the label", () => {
    const one = computeLiveLayout(onNodes(["kubequest-control-plane"], ["kubequest-control-plane"]));
    const three = computeLiveLayout(onNodes(CLUSTER, ["kubequest-worker", "kubequest-worker2"]));
    expect(one.pods.every((p) => p.nodeLabel === null)).toBe(true);
    expect(three.pods.map((p) => p.nodeLabel)).toEqual(["worker", "worker2", "worker"]);
    expect(three.pods[0]!.h).toBeGreaterThan(one.pods[0]!.h);
    // The frame still holds its (taller) pods.
    for (const pod of three.pods) expect(inside(pod, three.frames[0]!)).toBe(true);
  });

  it("labels them even when all of a namespace's pods share one node of several (that is worth seeing)", () => {
    expect(computeLiveLayout(onNodes(CLUSTER, ["kubequest-worker"])).pods.map((p) => p.nodeLabel)).toEqual(["worker", "worker", "worker"]);
  });

  it("without the cluster's nodes (a cluster that does not say), labels the pods when they are on more than one node", () => {
    expect(computeLiveLayout(onNodes(undefined, ["a-1", "a-2"])).pods[0]!.nodeLabel).toBe("1");
    expect(computeLiveLayout(onNodes(undefined, ["only"])).pods[0]!.nodeLabel).toBeNull();
  });
});

describe("shortNodeNames", () => {
  it("drops the prefix every node name shares, up to a dash, and keeps a name that would vanish", () => {
    expect(shortNodeNames(["kubequest-control-plane", "kubequest-worker", "kubequest-worker2"])).toEqual(
      new Map([
        ["kubequest-control-plane", "control-plane"],
        ["kubequest-worker", "worker"],
        ["kubequest-worker2", "worker2"],
      ]),
    );
    expect(shortNodeNames(["kubequest-worker", "kubequest-worker2"]).get("kubequest-worker")).toBe("worker");
    expect(shortNodeNames(["node-a", "other"]).get("node-a")).toBe("node-a");
    expect(shortNodeNames(["single-node"]).get("single-node")).toBe("single-node");
  });
});

describe("pod tones and DNS names", () => {
  it("colours pods by state", () => {
    expect(podTone({ ready: true, status: "Running", phase: "Running" })).toBe("ok");
    expect(podTone({ ready: false, status: "Init:0/1", phase: "Pending" })).toBe("warn");
    expect(podTone({ ready: false, status: "CrashLoopBackOff", phase: "Running" })).toBe("bad");
    expect(podTone({ ready: false, status: "Terminating", phase: "Running" })).toBe("idle");
  });
  it("reads the pod from a DNS name", () => {
    expect(dnsPodName({ name: "redis-2.redis.ns.svc.cluster.local" })).toBe("redis-2");
  });
});

describe("text alternative", () => {
  it("says what the picture shows", () => {
    const lines = describeSnapshot(snapshot());
    expect(lines[0]).toContain("not headless");
    expect(lines.some((l) => l.includes("no hostname"))).toBe(true);
    expect(lines.some((l) => l.includes("redis-1.redis.kq-u1.svc.cluster.local: NXDOMAIN"))).toBe(true);
    expect(summarizeSnapshot(snapshot())).toBe("1 Service (0 headless), 2 of 3 pods ready, 0 of 2 DNS names resolve.");
    expect(summarizeSnapshot(headlessFixed())).toBe("1 Service (1 headless), 3 of 3 pods ready, 3 of 3 DNS names resolve.");
    const spread: LiveViewSnapshot = { ...headlessFixed(), nodes: ["kubequest-control-plane", "kubequest-worker", "kubequest-worker2"] };
    spread.pods = spread.pods.map((p, i) => ({ ...p, nodeName: i === 0 ? "kubequest-worker" : "kubequest-worker2" }));
    expect(summarizeSnapshot(spread)).toBe("1 Service (1 headless), 3 of 3 pods ready on 2 of 3 nodes, 3 of 3 DNS names resolve.");
  });
});

describe("fitText", () => {
  it("keeps short text and shortens long text with an ellipsis", async () => {
    const { fitText } = await import("./live-view-layout");
    expect(fitText("redis-0", 100, 12, true)).toBe("redis-0");
    const long = fitText("redis-0.redis.kq-u1.svc.cluster.local", 60, 12, true);
    expect(long.endsWith("…")).toBe(true);
    expect(long.length).toBe(8);
  });
});
