// The live view of a namespace over a fake adapter whose watch the test fires by hand: the
// picture it builds, how bursts of watch events become reads (one per burst, at least one every
// maxWait while they keep coming), and what its listeners (the live checks) are told.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { LiveDnsAnswer, LiveViewSnapshot } from "../../lib/protocol/socket-events";
import type { ReadyEnvironment } from "../environments/level-environment";
import type { KubeAdapter, PodInfo, WatchEvent } from "../kubernetes/kube-adapter";
import { NamespaceLiveViews, nextDnsProbeAt, readDelay, type NamespaceLists, type NamespaceObjectsListener } from "./namespace-live-view";
import { podInfo } from "../kubernetes/test-fixtures/pod-info";

const namespace = "kq-dfb22e3f87-30";
const env = {
  namespace,
  toolboxPod: "toolbox",
  level: { manifest: { id: "headless-statefulset-dns", workload: { kind: "StatefulSet", name: "redis", replicas: 3, defaultServiceName: "redis" } } },
} as unknown as ReadyEnvironment;

function pod(name: string, owner?: { kind: string; name: string }): PodInfo {
  return podInfo({ name, ip: "10.244.0.9", ...(owner ? { owner } : {}) });
}

/** A cluster whose watch the test fires by hand; counts list calls and DNS questions (each one the names asked). */
function fakeCluster() {
  let onEvent: ((e: WatchEvent) => void) | undefined;
  const state = { lists: 0, asked: [] as string[][], stopped: 0, watchedKinds: [] as string[], pods: [pod("redis-0", { kind: "StatefulSet", name: "redis" }), pod("toolbox")] };
  const kube = {
    watch: (_ns: string, kinds: string[], cb: (e: WatchEvent) => void) => {
      state.watchedKinds = kinds;
      onEvent = cb;
      return () => state.stopped++;
    },
    listServices: async () => (state.lists++, [{ name: "redis", type: "ClusterIP", clusterIP: "None", selector: { app: "redis" }, ports: [], uid: "s" }]),
    listStatefulSets: async () => [{ name: "redis", serviceName: "redis", replicas: 2, readyReplicas: 1, selector: {}, uid: "t" }],
    listEndpointSlices: async () => [{ name: "redis-abc", serviceName: "redis", endpoints: [{ addresses: ["10.244.0.9"], hostname: "redis-0", ready: true, targetPod: "redis-0" }] }],
    listPods: async () => state.pods,
    listDeployments: async () => [{ name: "web", replicas: 2, readyReplicas: 2 }],
  } as unknown as KubeAdapter;
  // The probe agent's answers: every name at the pod's address.
  const askDns = async (names: string[]): Promise<LiveDnsAnswer[]> => {
    state.asked.push(names);
    return names.map((name) => ({ name, addresses: ["10.244.0.9"] }));
  };
  return { kube, askDns, state, fire: (e: WatchEvent) => onEvent?.(e) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("nextDnsProbeAt", () => {
  const followUps = [2_000, 6_000];
  it("follows a change up as CoreDNS's cached answers expire, then falls back to the idle cadence", () => {
    // A change at 1000 was probed at once (1000): follow-ups at 3000 and 7000.
    expect(nextDnsProbeAt({ now: 1_000, lastChangeAt: 1_000, lastProbeAt: 1_000 }, followUps, 30_000)).toBe(3_000);
    expect(nextDnsProbeAt({ now: 3_000, lastChangeAt: 1_000, lastProbeAt: 3_000 }, followUps, 30_000)).toBe(7_000);
    expect(nextDnsProbeAt({ now: 7_000, lastChangeAt: 1_000, lastProbeAt: 7_000 }, followUps, 30_000)).toBe(37_000);
  });

  it("starts the follow-ups again from the newest change", () => {
    expect(nextDnsProbeAt({ now: 5_000, lastChangeAt: 5_000, lastProbeAt: 5_000 }, followUps, 30_000)).toBe(7_000);
  });

  it("never asks less often than the idle cadence, nor for a time already past", () => {
    expect(nextDnsProbeAt({ now: 100_000, lastChangeAt: undefined, lastProbeAt: 40_000 }, followUps, 30_000)).toBe(100_000);
    expect(nextDnsProbeAt({ now: 41_000, lastChangeAt: undefined, lastProbeAt: 40_000 }, followUps, 30_000)).toBe(70_000);
  });
});

describe("NamespaceLiveViews", () => {
  it("waits the idle cadence, not a busy loop, when the namespace could not be read yet", async () => {
    const { kube, askDns } = fakeCluster();
    const unreadable = { ...kube, listServices: async () => Promise.reject(new Error("connection refused")) } as unknown as KubeAdapter;
    const timers = vi.spyOn(globalThis, "setTimeout");
    try {
      const views = new NamespaceLiveViews({ kube: () => unreadable, askDns: askDns, emit: () => undefined, debounceMs: 10, dnsIntervalMs: 60_000 });
      views.subscribe(env);
      await sleep(200);
      views.unsubscribe(namespace);
      // sleep's own timer and one DNS question scheduled a minute out; a loop would make thousands.
      expect(timers.mock.calls.length).toBeLessThan(10);
    } finally {
      timers.mockRestore();
    }
  });

  it("asks DNS after a change and at its follow-ups, not on a short clock while nothing changes", async () => {
    const { kube, askDns, state, fire } = fakeCluster();
    const views = new NamespaceLiveViews({ kube: () => kube, askDns: askDns, emit: () => undefined, debounceMs: 10, dnsIntervalMs: 60_000, dnsFollowUpsMs: [80, 200] });
    views.subscribe(env);
    await sleep(400);
    // Quiet namespace: the first question only.
    expect(state.asked).toHaveLength(1);
    fire({ kind: "Service", type: "MODIFIED", name: "redis" });
    await sleep(400);
    views.unsubscribe(namespace);
    // The change's read asks at once, then at +80 and +200 ms.
    expect(state.asked).toHaveLength(4);
    await sleep(300);
    expect(state.asked).toHaveLength(4);
  });

  it("builds a snapshot with ordinals and DNS answers for the workload's names", async () => {
    const { kube, askDns, state } = fakeCluster();
    const sent: LiveViewSnapshot[] = [];
    const views = new NamespaceLiveViews({ kube: () => kube, askDns: askDns, emit: (_ns, s) => sent.push(s), debounceMs: 10, dnsIntervalMs: 60_000 });
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
    expect(state.asked[0]).toEqual([`redis-0.redis.${namespace}.svc.cluster.local`, `redis-1.redis.${namespace}.svc.cluster.local`, `redis.${namespace}.svc.cluster.local`]);
    expect(sent.at(-1)!.dns.map((d) => d.addresses)).toEqual([["10.244.0.9"], ["10.244.0.9"], ["10.244.0.9"]]);
  });

  it("names the cluster's nodes (listed once for many reads), and leaves them out where listing nodes is refused", async () => {
    const { kube, askDns, fire } = fakeCluster();
    let listed = 0;
    Object.assign(kube, { listNodes: async () => (listed++, [{ name: "kubequest-worker2" }, { name: "kubequest-control-plane" }, { name: "kubequest-worker" }]) });
    const sent: LiveViewSnapshot[] = [];
    const views = new NamespaceLiveViews({ kube: () => kube, askDns: askDns, emit: (_ns, s) => sent.push(s), debounceMs: 10, dnsIntervalMs: 60_000 });
    views.subscribe(env);
    await sleep(100);
    fire({ kind: "Pod", type: "MODIFIED", name: "redis-0" });
    await sleep(100);
    views.unsubscribe(namespace);
    expect(sent[0]!.nodes).toEqual(["kubequest-control-plane", "kubequest-worker", "kubequest-worker2"]);
    expect(listed).toBe(1);

    const refused = fakeCluster();
    Object.assign(refused.kube, { listNodes: async () => Promise.reject(new Error("nodes is forbidden")) });
    const sentToo: LiveViewSnapshot[] = [];
    const other = new NamespaceLiveViews({ kube: () => refused.kube, askDns: refused.askDns, emit: (_ns, s) => sentToo.push(s), debounceMs: 10, dnsIntervalMs: 60_000 });
    other.subscribe(env);
    await sleep(100);
    other.unsubscribe(namespace);
    expect(sentToo[0]).toBeDefined();
    expect(sentToo[0]!.nodes).toBeUndefined();
  });

  it("coalesces a burst of watch events into one rebuild, and sends nothing unchanged twice", async () => {
    const { kube, askDns, state, fire } = fakeCluster();
    const sent: LiveViewSnapshot[] = [];
    const views = new NamespaceLiveViews({ kube: () => kube, askDns: askDns, emit: (_ns, s) => sent.push(s), debounceMs: 30, dnsIntervalMs: 60_000 });
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
    const { kube, askDns, state, fire } = fakeCluster();
    const sent: LiveViewSnapshot[] = [];
    const views = new NamespaceLiveViews({ kube: () => kube, askDns: askDns, emit: (_ns, s) => sent.push(s), debounceMs: 10, dnsIntervalMs: 60_000 });
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

/** Records what a listener of the live view is told. */
function recordingListener() {
  const calls: { what: "read" | "resend" | "stopped"; namespace: string; lists?: NamespaceLists }[] = [];
  const listener: NamespaceObjectsListener = {
    objectsRead: (e, lists) => {
      calls.push({ what: "read", namespace: e.namespace, lists });
    },
    resend: (ns) => calls.push({ what: "resend", namespace: ns }),
    stopped: (ns) => calls.push({ what: "stopped", namespace: ns }),
  };
  return { calls, listener };
}

describe("readDelay", () => {
  it("waits the quiet time after an event, but never past maxWait after the burst's first one", () => {
    expect(readDelay(1000, 1000, 150, 500)).toBe(150);
    expect(readDelay(1400, 1000, 150, 500)).toBe(100);
    expect(readDelay(1500, 1000, 150, 500)).toBe(0);
    expect(readDelay(1700, 1000, 150, 500)).toBe(0);
  });
});

describe("NamespaceLiveViews and its listeners", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads a namespace that keeps changing at least every maxWait, not only once it falls quiet", async () => {
    vi.useFakeTimers();
    const { kube, askDns, state, fire } = fakeCluster();
    const views = new NamespaceLiveViews({ kube: () => kube, askDns: askDns, emit: () => undefined, debounceMs: 150, maxWaitMs: 500, dnsIntervalMs: 60_000 });
    views.subscribe(env);
    await vi.advanceTimersByTimeAsync(1000);
    const before = state.lists;
    // A pod restarting in a loop: an event every 100 ms for 2 s, never 150 ms of quiet.
    for (let i = 0; i < 20; i++) {
      fire({ kind: "Pod", type: "MODIFIED", name: "redis-0" });
      await vi.advanceTimersByTimeAsync(100);
    }
    const during = state.lists - before;
    views.unsubscribe(namespace);
    // One read per 500 ms of the stream: bounded, and never none.
    expect(during).toBeGreaterThanOrEqual(3);
    expect(during).toBeLessThanOrEqual(5);
  });

  it("watches Deployments too, and gives its listeners each read with them", async () => {
    const { kube, askDns, state, fire } = fakeCluster();
    const { calls, listener } = recordingListener();
    const views = new NamespaceLiveViews({ kube: () => kube, askDns: askDns, emit: () => undefined, listeners: [listener], debounceMs: 10, dnsIntervalMs: 60_000 });
    views.subscribe(env);
    await sleep(150);
    expect(state.watchedKinds).toContain("Deployment");
    const reads = calls.filter((c) => c.what === "read");
    expect(reads).toHaveLength(1);
    expect(reads[0]!.lists!.deployments).toEqual([{ name: "web", replicas: 2, readyReplicas: 2 }]);
    expect(reads[0]!.lists!.services.map((s) => s.clusterIP)).toEqual(["None"]);
    // A read that changes nothing in the picture still reaches the listeners (they judge change themselves).
    fire({ kind: "Deployment", type: "MODIFIED", name: "web" });
    await sleep(150);
    expect(calls.filter((c) => c.what === "read")).toHaveLength(2);
    views.unsubscribe(namespace);
  });

  it("asks listeners to resend for a new viewer, tells them when nobody looks, and nothing after", async () => {
    const { kube, askDns, fire } = fakeCluster();
    const { calls, listener } = recordingListener();
    const views = new NamespaceLiveViews({ kube: () => kube, askDns: askDns, emit: () => undefined, listeners: [listener], debounceMs: 10, dnsIntervalMs: 60_000 });
    views.subscribe(env);
    await sleep(150);
    views.subscribe(env);
    expect(calls.at(-1)).toEqual({ what: "resend", namespace });
    views.unsubscribe(namespace);
    expect(calls.at(-1)).toEqual({ what: "stopped", namespace });
    const count = calls.length;
    fire({ kind: "Service", type: "MODIFIED", name: "redis" });
    await sleep(150);
    expect(calls).toHaveLength(count);
  });

  it("tells listeners nothing of a read that finishes after the namespace stopped being watched", async () => {
    const { kube, askDns } = fakeCluster();
    let release: () => void = () => undefined;
    const slow = { ...kube, listServices: () => new Promise((r) => (release = () => r([]))) } as unknown as KubeAdapter;
    const { calls, listener } = recordingListener();
    const views = new NamespaceLiveViews({ kube: () => slow, askDns: askDns, emit: () => undefined, listeners: [listener], debounceMs: 10, dnsIntervalMs: 60_000 });
    views.subscribe(env);
    views.unsubscribe(namespace);
    release();
    await sleep(50);
    expect(calls.map((c) => c.what)).toEqual(["stopped"]);
  });

  it("tells the other listeners and keeps serving the picture when one listener throws", async () => {
    const { kube, askDns } = fakeCluster();
    const sent: LiveViewSnapshot[] = [];
    const broken: NamespaceObjectsListener = {
      objectsRead: () => {
        throw new Error("a listener's bug");
      },
      resend: () => undefined,
      stopped: () => undefined,
    };
    const { calls, listener } = recordingListener();
    const views = new NamespaceLiveViews({ kube: () => kube, askDns: askDns, emit: (_ns, s) => sent.push(s), listeners: [broken, listener], debounceMs: 10, dnsIntervalMs: 60_000 });
    views.subscribe(env);
    await sleep(150);
    views.unsubscribe(namespace);
    expect(sent.length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.what === "read")).toHaveLength(1);
  });
});
