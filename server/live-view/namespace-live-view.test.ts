import { describe, expect, it } from "vitest";
import type { LiveViewSnapshot } from "../../lib/protocol/socket-events";
import type { ReadyEnvironment } from "../environments/level-environment";
import type { KubeAdapter, PodInfo, WatchEvent } from "../kubernetes/kube-adapter";
import { NamespaceLiveViews } from "./namespace-live-view";

const namespace = "kq-dfb22e3f87-30";
const env = {
  namespace,
  toolboxPod: "toolbox",
  level: { manifest: { id: "headless-statefulset-dns", workload: { kind: "StatefulSet", name: "redis", replicas: 3, defaultServiceName: "redis" } } },
} as unknown as ReadyEnvironment;

function pod(name: string, owner?: { kind: string; name: string }): PodInfo {
  return { name, uid: name, phase: "Running", status: "Running", ready: true, ip: "10.244.0.9", labels: {}, ...(owner ? { owner } : {}), restarts: 0, initContainers: [], containers: [], deleting: false, createdAt: "" };
}

/** A cluster whose watch the test fires by hand; counts list calls and execs. */
function fakeCluster() {
  let onEvent: ((e: WatchEvent) => void) | undefined;
  const state = { lists: 0, execs: [] as string[][], stopped: 0, pods: [pod("redis-0", { kind: "StatefulSet", name: "redis" }), pod("toolbox")] };
  const kube = {
    watch: (_ns: string, _kinds: string[], cb: (e: WatchEvent) => void) => {
      onEvent = cb;
      return () => state.stopped++;
    },
    listServices: async () => (state.lists++, [{ name: "redis", type: "ClusterIP", clusterIP: "None", selector: { app: "redis" }, ports: [], uid: "s" }]),
    listStatefulSets: async () => [{ name: "redis", serviceName: "redis", replicas: 2, readyReplicas: 1, selector: {}, uid: "t" }],
    listEndpointSlices: async () => [{ name: "redis-abc", serviceName: "redis", endpoints: [{ addresses: ["10.244.0.9"], hostname: "redis-0", ready: true, targetPod: "redis-0" }] }],
    listPods: async () => state.pods,
    exec: async (_ns: string, _pod: string, _c: string | undefined, argv: string[]) => {
      state.execs.push(argv);
      const names = argv.filter((_, i) => argv[i - 1] === "--nslookup");
      return { stdout: names.map((name) => JSON.stringify({ kind: "nslookup", name, exitCode: 0, addresses: ["10.244.0.9"] })).join("\n"), stderr: "", exitCode: 0 };
    },
  } as unknown as KubeAdapter;
  return { kube, state, fire: (e: WatchEvent) => onEvent?.(e) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("NamespaceLiveViews", () => {
  it("builds a snapshot with ordinals and DNS answers for the workload's names", async () => {
    const { kube, state } = fakeCluster();
    const sent: LiveViewSnapshot[] = [];
    const views = new NamespaceLiveViews({ kube: () => kube, emit: (_ns, s) => sent.push(s), debounceMs: 10, dnsIntervalMs: 60_000 });
    views.subscribe(env);
    await sleep(150);
    views.unsubscribe(namespace);
    expect(sent[0]).toMatchObject({
      levelId: "headless-statefulset-dns",
      namespace,
      services: [{ name: "redis", clusterIP: "None" }],
      endpointSlices: [{ serviceName: "redis", endpoints: [{ ip: "10.244.0.9", hostname: "redis-0", podName: "redis-0", ready: true }] }],
      pods: [{ name: "redis-0", ordinal: 0 }, { name: "toolbox" }],
    });
    expect(sent[0]!.pods[1]!.ordinal).toBeUndefined();
    // The first picture goes out before DNS answered; the next one carries the answers.
    expect(state.execs[0]).toEqual([
      "kubequest-probe",
      "--nslookup",
      `redis-0.redis.${namespace}.svc.cluster.local`,
      "--nslookup",
      `redis-1.redis.${namespace}.svc.cluster.local`,
      "--nslookup",
      `redis.${namespace}.svc.cluster.local`,
    ]);
    expect(sent.at(-1)!.dns.map((d) => d.addresses)).toEqual([["10.244.0.9"], ["10.244.0.9"], ["10.244.0.9"]]);
  });

  it("coalesces a burst of watch events into one rebuild, and sends nothing unchanged twice", async () => {
    const { kube, state, fire } = fakeCluster();
    const sent: LiveViewSnapshot[] = [];
    const views = new NamespaceLiveViews({ kube: () => kube, emit: (_ns, s) => sent.push(s), debounceMs: 30, dnsIntervalMs: 60_000 });
    views.subscribe(env);
    await sleep(200);
    const listsBefore = state.lists;
    const sentBefore = sent.length;
    for (let i = 0; i < 10; i++) fire({ kind: "Pod", type: "MODIFIED", name: "redis-0" });
    await sleep(200);
    expect(state.lists - listsBefore).toBe(1);
    expect(sent.length).toBe(sentBefore);
    // The adapter lists pods sorted by name.
    state.pods = [pod("redis-0", { kind: "StatefulSet", name: "redis" }), pod("redis-1", { kind: "StatefulSet", name: "redis" }), pod("toolbox")];
    fire({ kind: "Pod", type: "ADDED", name: "redis-1" });
    await sleep(200);
    expect(sent.at(-1)!.pods.map((p) => p.ordinal)).toEqual([0, 1, undefined]);
    views.unsubscribe(namespace);
  });

  it("stops the watch and sends nothing more once unsubscribed; a new subscriber gets the last picture", async () => {
    const { kube, state, fire } = fakeCluster();
    const sent: LiveViewSnapshot[] = [];
    const views = new NamespaceLiveViews({ kube: () => kube, emit: (_ns, s) => sent.push(s), debounceMs: 10, dnsIntervalMs: 60_000 });
    views.subscribe(env);
    await sleep(150);
    const count = sent.length;
    views.subscribe(env);
    expect(sent.length).toBe(count + 1);
    views.unsubscribe(namespace);
    expect(state.stopped).toBe(1);
    expect(views.isWatching(namespace)).toBe(false);
    fire({ kind: "Pod", type: "DELETED", name: "redis-0" });
    await sleep(150);
    expect(sent.length).toBe(count + 1);
  });
});
