// The runner's classification over a scripted cluster (Level 30's real manifest, a solved
// namespace answered from memory): a learner's broken state is a fail; our failures (an API
// error, a probe cut short) are retried and, when they persist, an error, never a fail.
import { beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../lib/levels/kube-object";
import { KubeError, type EndpointSliceInfo, type ExecResult, type KubeAdapter, type NodeInfo, type NodeTaint, type PodInfo, type ServiceInfo } from "../kubernetes/kube-adapter";
import { loadLevelCatalog, type LoadedLevel } from "../levels/level-catalog";
import { ENVIRONMENT_GONE_HINT, runGrade } from "./run-grade";
import { podInfo } from "../kubernetes/test-fixtures/pod-info";
import { probeAgentFake } from "./checks/test-fixtures/probe-agent-fake";

const NS = "kq-test";
const IPS = ["10.244.0.10", "10.244.0.11", "10.244.0.12"];
const dnsName = (i: number) => `redis-${i}.redis.${NS}.svc.cluster.local`;

let level: LoadedLevel;
beforeAll(async () => {
  level = (await loadLevelCatalog()).get("headless-statefulset-dns")!;
});

function pod(name: string, ip: string, labels: Record<string, string>): PodInfo {
  return podInfo({ name, ip, labels, owner: { kind: "StatefulSet", name: "redis" } });
}

/** What kubequest-probe prints for a solved Level 30, one JSON line per request. */
function probeOutput(argv: string[]): string {
  const lines: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--nslookup") {
      const name = argv[++i]!.replace(/\.$/, "");
      const ordinal = [0, 1, 2].find((n) => dnsName(n) === name);
      const addresses = ordinal === undefined ? IPS : [IPS[ordinal]!];
      lines.push(JSON.stringify({ kind: "nslookup", name: argv[i], exitCode: 0, output: addresses.map((a) => `Name:\t${name}\nAddress: ${a}`).join("\n") }));
    } else if (flag === "--redis-info") {
      const host = argv[++i]!;
      const output =
        host === IPS[0]
          ? `role:master\nconnected_slaves:2\nslave0:ip=${dnsName(1)},port=6379,state=online,offset=9,lag=0\nslave1:ip=${dnsName(2)},port=6379,state=online,offset=9,lag=0`
          : `role:slave\nmaster_host:${dnsName(0)}\nmaster_port:6379\nmaster_link_status:up`;
      lines.push(JSON.stringify({ kind: "redis-info", host, exitCode: 0, output }));
    } else if (flag === "--redis-write") {
      lines.push(JSON.stringify({ kind: "redis-write", host: argv[++i], key: argv[++i], value: argv[++i], exitCode: 0, output: "OK", ok: true }));
    } else if (flag === "--redis-wait-key") {
      lines.push(JSON.stringify({ kind: "redis-wait-key", host: argv[++i], key: argv[++i], value: argv[++i], timeoutMs: Number(argv[++i]), exitCode: 0, output: "v", matched: true }));
    } else if (flag === "--redis-write-expect-readonly") {
      lines.push(JSON.stringify({ kind: "redis-write-expect-readonly", host: argv[++i], key: argv[++i], exitCode: 0, output: "READONLY", readonly: true }));
    }
  }
  return lines.join("\n");
}

/** A solved Level 30 namespace in memory; `faults` make chosen calls fail the way the cluster does. */
function scriptedCluster(
  faults: { endpointSlices?: (call: number) => Error | undefined; probe?: (call: number) => ExecResult | undefined; clusterIP?: string; namespace?: "deleting" | "gone" } = {},
) {
  const calls = { endpointSlices: 0, probe: 0 };
  const probePods = new Map<string, PodInfo>();
  const labels = { app: "redis" };
  const service: ServiceInfo = { name: "redis", type: "ClusterIP", clusterIP: faults.clusterIP ?? "None", selector: labels, ports: [{ name: "redis", port: 6379 }], uid: "svc" };
  const slices: EndpointSliceInfo[] = [
    { name: "redis-x", serviceName: "redis", endpoints: IPS.map((ip, i) => ({ addresses: [ip], hostname: `redis-${i}`, ready: true, targetPod: `redis-${i}` })) },
  ];
  const kube = {
    getStatefulSet: async () => ({ name: "redis", serviceName: "redis", replicas: 3, readyReplicas: 3, selector: labels, uid: "sts" }),
    listServices: async () => [service],
    listPods: async () => IPS.map((ip, i) => pod(`redis-${i}`, ip, labels)),
    listEndpointSlices: async () => {
      const fault = faults.endpointSlices?.(++calls.endpointSlices);
      if (fault) throw fault;
      return slices;
    },
    listDeployments: async () => [],
    listNamespaces: async (selector: string) =>
      faults.namespace === "gone" || selector !== `kubernetes.io/metadata.name=${NS}` ? [] : [{ name: NS, labels: {}, deleting: faults.namespace === "deleting" }],
    getPod: async (ns: string, name: string) => (ns === NS ? (pod(name, IPS[Number(name.slice(-1))]!, labels) ?? null) : (probePods.get(name) ?? null)),
    ensureNamespace: async () => undefined,
    apply: async (_ns: string, objects: KubeObject[]) => {
      for (const o of objects) probePods.set(o.metadata.name, { ...pod(o.metadata.name, "10.244.9.9", { ...(o.metadata.labels ?? {}) }), owner: undefined });
      return [];
    },
    deletePod: async () => undefined,
    ...probeAgentFake((argv): ExecResult => {
      const fault = faults.probe?.(++calls.probe);
      return fault ?? { stdout: probeOutput(argv), stderr: "", exitCode: 0 };
    }),
  } as unknown as KubeAdapter;
  return { kube, calls };
}

let probeN = 0;
const grade = (kube: KubeAdapter) =>
  runGrade({ kube, level, namespace: NS, round: "main", onStarted: () => undefined, onCheck: () => undefined, probePod: `probe-unit-${++probeN}`, probePodSettleMs: 0, maxCheckBudgetMs: 1500 });

const invalidBody = () =>
  new KubeError("cluster-error", "A Kubernetes call failed (listing EndpointSlices): Invalid response body while trying to fetch https://127.0.0.1:6443/apis/discovery.k8s.io/v1/namespaces/kq-test/endpointslices: Premature close");

describe("runGrade: whose failure is it", () => {
  it("passes a solved namespace", async () => {
    const finished = await grade(scriptedCluster().kube);
    expect(finished.outcome).toBe("pass");
    expect(finished.results.map((r) => r.status)).toEqual(Array(8).fill("pass"));
    expect(finished.environmentGone).toBeUndefined();
  });

  it("fails the learner's own broken state, with a reason (a verdict)", async () => {
    const finished = await grade(scriptedCluster({ clusterIP: "10.96.0.42" }).kube);
    expect(finished.outcome).toBe("fail");
    expect(finished.results[0]).toMatchObject({ id: "service-headless", status: "fail" });
    // What is wrong, not the fix (the paid hints say how: issue 16, item 3).
    expect(finished.results[0]!.hint).toMatch(/virtual IP 10\.96\.0\.42/);
    expect(finished.results[0]!.hint).not.toMatch(/clusterIP: None/);
  });

  it("does not blame the learner for what a namespace being deleted no longer holds (a reset, a clean-up)", async () => {
    for (const namespace of ["deleting", "gone"] as const) {
      const finished = await grade(scriptedCluster({ clusterIP: "10.96.0.42", namespace }).kube);
      expect(finished.outcome).toBe("error");
      expect(finished.results.filter((r) => r.status === "fail")).toEqual([]);
      expect(finished.results[0]).toMatchObject({ id: "service-headless", status: "error" });
      expect(finished.results[0]!.evidence[0]).toMatch(/your environment .* is being deleted|no longer exists/);
      expect(finished.results[0]!.hint).toBe(ENVIRONMENT_GONE_HINT);
      // The run says so as a whole, so the panel's summary does not ask to grade again.
      expect(finished.environmentGone).toBe(true);
    }
  });

  it("retries a read that failed twice and still reaches the right verdict", async () => {
    const { kube, calls } = scriptedCluster({ endpointSlices: (n) => (n <= 2 ? invalidBody() : undefined) });
    const finished = await grade(kube);
    expect(finished.outcome).toBe("pass");
    expect(calls.endpointSlices).toBe(3);
  });

  it("turns a read that keeps failing into the error state: nothing failed, the rest skipped", async () => {
    const finished = await grade(scriptedCluster({ endpointSlices: () => invalidBody() }).kube);
    expect(finished.outcome).toBe("error");
    expect(finished.passed).toBe(false);
    expect(finished.results.filter((r) => r.status === "fail")).toEqual([]);
    expect(finished.results[0]).toMatchObject({ id: "service-headless", status: "error", hint: "KubeQuest could not check this — nothing is wrong with your fix; try again." });
    expect(finished.results[0]!.evidence[0]).toMatch(/^KubeQuest could not finish this check: A Kubernetes call failed \(listing EndpointSlices\): Invalid response body/);
    expect(finished.results[0]!.evidence[1]).toMatch(/tried \d+ times over/);
    expect(finished.results.slice(1).every((r) => r.status === "skipped" && /KubeQuest could not check/.test(r.evidence[0]!))).toBe(true);
  });

  it("turns a probe cut short (the probe pod killed mid-exec) into the error state at the first check that needs it", async () => {
    const finished = await grade(scriptedCluster({ probe: () => ({ stdout: "", stderr: "", exitCode: null }) }).kube);
    expect(finished.outcome).toBe("error");
    expect(finished.results.slice(0, 4).map((r) => r.status)).toEqual(["pass", "pass", "pass", "pass"]);
    expect(finished.results[4]).toMatchObject({ id: "service-dns", status: "error" });
    expect(finished.results[4]!.evidence[0]).toMatch(/the grader's probe answered HTTP 503: error trying to reach service/);
    expect(finished.results.some((r) => r.status === "fail")).toBe(false);
  });

  it("does not mistake a probe that answered only part of its requests for the learner's failure", async () => {
    // The old behaviour: a missing nslookup line read as "redis-N does not resolve" (a fail).
    const truncated = (n: number): ExecResult | undefined => (n <= 2 ? { stdout: '{"kind":"nslookup","name":"x","exitCode":0,"output":""}', stderr: "", exitCode: 0 } : undefined);
    const { kube, calls } = scriptedCluster({ probe: truncated });
    const finished = await grade(kube);
    expect(finished.outcome, JSON.stringify(finished.results.find((r) => r.status !== "pass"))).toBe("pass");
    expect(calls.probe).toBeGreaterThanOrEqual(3);
  });
});

describe("runGrade: the chaos round on several nodes", () => {
  const taint = (key: string): NodeTaint => ({ key, effect: "NoSchedule" });
  /**
   * A solved namespace whose redis-0 runs on kubequest-worker; a deleted redis-0 comes back on
   * the worker with the fewest PreferNoSchedule taints, on its old node when that ties (the
   * worst case), as the scheduler's TaintToleration score would have it.
   */
  function chaosCluster(nodeNames: string[], faults: Parameters<typeof scriptedCluster>[0] = {}) {
    const { kube } = scriptedCluster(faults);
    const nodes: NodeInfo[] = nodeNames.map((name) => ({ name, ready: true, unschedulable: false, taints: name.endsWith("control-plane") && nodeNames.length > 1 ? [taint("node-role.kubernetes.io/control-plane")] : [] }));
    let redis0: PodInfo = { ...pod("redis-0", IPS[0]!, { app: "redis" }), nodeName: nodeNames.length > 1 ? "kubequest-worker" : nodeNames[0]! };
    let pending = false;
    const taintWrites: string[] = [];
    const original = kube.getPod.bind(kube);
    Object.assign(kube, {
      listNodes: async () => nodes.map((n) => ({ ...n, taints: [...n.taints] })),
      updateNodeTaints: async (name: string, change: (t: NodeTaint[]) => NodeTaint[]) => {
        const n = nodes.find((x) => x.name === name)!;
        n.taints = change(n.taints);
        taintWrites.push(`${name}: ${n.taints.map((t) => `${t.key}:${t.effect}`).join(",")}`);
      },
      deletePod: async (_ns: string, name: string) => {
        if (name === "redis-0") pending = true;
      },
      getPod: async (ns: string, name: string) => {
        if (ns !== NS || name !== "redis-0") return original(ns, name);
        if (pending) {
          const soft = (n: NodeInfo) => n.taints.filter((t) => t.effect === "PreferNoSchedule").length;
          const candidates = nodes.filter((n) => !n.taints.some((t) => t.effect === "NoSchedule"));
          const best = Math.min(...candidates.map(soft));
          const placed = candidates.find((n) => n.name === redis0.nodeName && soft(n) === best) ?? candidates.find((n) => soft(n) === best)!;
          redis0 = { ...redis0, uid: "redis-0-again", nodeName: placed.name };
          pending = false;
        }
        return redis0;
      },
    });
    return { kube, nodes, taintWrites };
  }
  const chaos = (kube: KubeAdapter) =>
    runGrade({ kube, level, namespace: NS, round: "chaos", onStarted: () => undefined, onCheck: () => undefined, probePod: `probe-unit-${++probeN}`, probePodSettleMs: 0, maxCheckBudgetMs: 1500 });

  it("brings the deleted pod back on another node, says so, and leaves the nodes' taints as they were", async () => {
    const { kube, nodes, taintWrites } = chaosCluster(["kubequest-control-plane", "kubequest-worker", "kubequest-worker2"]);
    const finished = await chaos(kube);
    expect(finished.outcome).toBe("pass");
    const evidence = finished.results[0]!.evidence.join("\n");
    expect(evidence).toMatch(/before: redis-0 .* on node kubequest-worker$/m);
    expect(evidence).toMatch(/redis-0 uid redis-0-, IP 10\.244\.0\.10 \(same IP as before\), on node kubequest-worker2 \(another node\)/);
    expect(taintWrites[0]).toMatch(/^kubequest-worker: chaos\.kubequest\.dev\/avoid-[0-9a-f]{8}:PreferNoSchedule$/);
    expect(nodes.map((n) => n.taints.map((t) => t.key))).toEqual([["node-role.kubernetes.io/control-plane"], [], []]);
  });

  it("counts a check's retries while the replicas follow the new pod in its time", async () => {
    // The probe answers nothing for its first calls (the check's own retries use them up within
    // its 1.5 s budget), then answers: the round tries the check again a moment later.
    const { kube } = chaosCluster(["kubequest-control-plane"], { probe: (call) => (call <= 6 ? { stdout: "", stderr: "", exitCode: null } : undefined) });
    const finished = await chaos(kube);
    expect(finished.outcome).toBe("pass");
    const probeCheck = finished.results.find((r) => r.id === "per-pod-dns")!;
    expect(probeCheck.status).toBe("pass");
    expect(probeCheck.durationMs).toBeGreaterThanOrEqual(1000);
  }, 30_000);

  it("on one node, changes no node and says where the pod came back", async () => {
    const { kube, taintWrites } = chaosCluster(["kubequest-control-plane"]);
    const finished = await chaos(kube);
    expect(finished.outcome).toBe("pass");
    expect(finished.results[0]!.evidence.join("\n")).toMatch(/on node kubequest-control-plane \(the same node: no other could take it\)/);
    expect(taintWrites).toEqual([]);
  });
});
