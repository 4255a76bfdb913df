// The Service checks over recorded Level 30 namespaces (no cluster): each passes the solved
// namespace, fails each realistic mistake with the evidence and reason a learner reads, and
// throws (the runner's "error", never a fail) when the API cannot be read.
import { beforeAll, describe, expect, it } from "vitest";
import { KubeError } from "../../kubernetes/kube-adapter";
import type { LoadedLevel } from "../../levels/level-catalog";
import { endpointSliceHostnames, serviceHeadless, statefulSetServiceName } from "./service-checks";
import { level30, recordedContext, runCheck, specOf, type RecordedCluster } from "./test-fixtures/recorded-cluster";
import {
  deployment,
  endpointSlice,
  POD_IPS,
  redisPod,
  service,
  solvedNamespace,
  statefulSet,
  toolboxPod,
  VIRTUAL_IP,
} from "./test-fixtures/level-30-recordings";

let level: LoadedLevel;
beforeAll(async () => {
  level = await level30();
});

const forbidden = () => new KubeError("forbidden", "The grader may not list services in kq-5e2b9c4a17-30 (forbidden).");

describe("service-headless", () => {
  const check = (cluster: RecordedCluster) => runCheck(serviceHeadless, specOf(level, "service-headless"), recordedContext(level, cluster));

  it("passes the headless Service the StatefulSet names", async () => {
    const out = await check({ objects: solvedNamespace() });
    expect(out).toEqual({
      passed: true,
      evidence: ["StatefulSet redis: spec.serviceName = redis", "Service redis: type ClusterIP, spec.clusterIP = None"],
      progress: [],
    });
  });

  it("fails the broken start, a Service with a virtual IP, saying it must be recreated", async () => {
    const out = await check({ objects: solvedNamespace({ services: [service("redis", { clusterIP: VIRTUAL_IP })] }) });
    expect(out.passed).toBe(false);
    expect(out.evidence).toEqual(["StatefulSet redis: spec.serviceName = redis", `Service redis: type ClusterIP, spec.clusterIP = ${VIRTUAL_IP}`]);
    expect(out.reason).toBe(
      `Service redis has the virtual IP ${VIRTUAL_IP}, so DNS answers with that one address and publishes no per-pod names.`,
    );
  });

  it("fails a second, headless Service beside the one the StatefulSet names, naming both", async () => {
    const services = [service("redis", { clusterIP: VIRTUAL_IP }), service("redis-headless")];
    const out = await check({ objects: solvedNamespace({ services }) });
    expect(out.passed).toBe(false);
    expect(out.evidence).toEqual([
      "StatefulSet redis: spec.serviceName = redis",
      `Service redis: type ClusterIP, spec.clusterIP = ${VIRTUAL_IP}`,
      "Service redis-headless: spec.clusterIP = None (headless)",
    ]);
    expect(out.reason).toBe(
      "Service redis-headless is headless, but the StatefulSet names redis in spec.serviceName, and only that Service gives its pods DNS names.",
    );
  });

  it("names every headless Service beside it", async () => {
    const services = [service("redis", { clusterIP: VIRTUAL_IP }), service("redis-headless"), service("redis-hl")];
    const out = await check({ objects: solvedNamespace({ services }) });
    expect(out.passed).toBe(false);
    expect(out.evidence.slice(2)).toEqual(["Service redis-headless: spec.clusterIP = None (headless)", "Service redis-hl: spec.clusterIP = None (headless)"]);
    expect(out.reason).toMatch(/^Service redis-headless, redis-hl is headless, but the StatefulSet names redis in spec\.serviceName/);
  });

  it("passes when the named Service is headless, listing other headless Services but not itself twice", async () => {
    const out = await check({ objects: solvedNamespace({ services: [service("redis"), service("redis-headless")] }) });
    expect(out.passed).toBe(true);
    expect(out.evidence).toEqual([
      "StatefulSet redis: spec.serviceName = redis",
      "Service redis: type ClusterIP, spec.clusterIP = None",
      "Service redis-headless: spec.clusterIP = None (headless)",
    ]);
  });

  it("looks at the Service the StatefulSet names, not at the level's default name", async () => {
    const objects = solvedNamespace({
      statefulSets: [statefulSet({ serviceName: "redis-hl" })],
      services: [service("redis", { clusterIP: VIRTUAL_IP }), service("redis-hl")],
    });
    const out = await check({ objects });
    expect(out.passed).toBe(true);
    expect(out.evidence).toEqual(["StatefulSet redis: spec.serviceName = redis-hl", "Service redis-hl: type ClusterIP, spec.clusterIP = None"]);
  });

  it("fails when the named Service does not exist", async () => {
    const out = await check({ objects: solvedNamespace({ services: [] }) });
    expect(out.passed).toBe(false);
    expect(out.evidence).toEqual(["StatefulSet redis: spec.serviceName = redis", "Service redis: not found"]);
    expect(out.reason).toBe("There is no Service named redis, so no pod can have a DNS name under it.");
  });

  it("falls back to the level's Service name when the StatefulSet is gone or names none", async () => {
    const gone = await check({ objects: solvedNamespace({ statefulSets: [] }) });
    expect(gone).toMatchObject({ passed: true, evidence: ["No StatefulSet redis: looking at the level's Service redis", "Service redis: type ClusterIP, spec.clusterIP = None"] });
    const unnamed = await check({ objects: solvedNamespace({ statefulSets: [statefulSet({ serviceName: "" })], services: [service("redis", { clusterIP: VIRTUAL_IP })] }) });
    expect(unnamed.passed).toBe(false);
    expect(unnamed.evidence).toEqual(["StatefulSet redis: spec.serviceName = (empty)", `Service redis: type ClusterIP, spec.clusterIP = ${VIRTUAL_IP}`]);
  });

  it("fails an ExternalName Service, which has no clusterIP at all, saying what it is", async () => {
    const out = await check({ objects: solvedNamespace({ services: [service("redis", { type: "ExternalName", clusterIP: "" })] }) });
    expect(out.passed).toBe(false);
    expect(out.evidence[1]).toBe("Service redis: type ExternalName, spec.clusterIP = (empty)");
    expect(out.reason).toBe(
      "Service redis is of type ExternalName: DNS answers with an alias to another name and publishes no per-pod names.",
    );
  });

  it("throws, never fails, when the API refuses the read", async () => {
    await expect(check({ objects: solvedNamespace(), readFailure: forbidden() })).rejects.toThrow(/may not list services/);
  });
});

describe("statefulset-service-name", () => {
  const check = (cluster: RecordedCluster) => runCheck(statefulSetServiceName, specOf(level, "statefulset-service-name"), recordedContext(level, cluster));
  const solvedEvidence = [
    "StatefulSet redis: spec.serviceName = redis, spec.selector app=redis",
    "Service redis: selector app=redis",
    "Pods of the StatefulSet: redis-0, redis-1, redis-2",
    "Pods the Service selects: redis-0, redis-1, redis-2",
  ];

  it("passes a Service selecting exactly the StatefulSet's pods", async () => {
    const out = await check({ objects: solvedNamespace() });
    expect(out).toEqual({ passed: true, evidence: solvedEvidence, progress: [] });
  });

  it("passes a Service that selects on a pod template label the StatefulSet's matchLabels leave out", async () => {
    // Valid and common: the pods carry every template label, so the Service selects all three.
    const labels = (i: number) => ({ app: "redis", tier: "cache", "statefulset.kubernetes.io/pod-name": `redis-${i}` });
    const objects = solvedNamespace({
      statefulSets: [statefulSet({ templateLabels: { app: "redis", tier: "cache" } })],
      services: [service("redis", { selector: { app: "redis", tier: "cache" } })],
      pods: [0, 1, 2].map((i) => redisPod(i, { labels: labels(i) })),
    });
    const out = await check({ objects });
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence[1]).toBe("Service redis: selector app=redis,tier=cache");
    expect(out.evidence[3]).toBe("Pods the Service selects: redis-0, redis-1, redis-2");
  });

  it("fails a headless Service whose selector matches no pod (a declared wrong fix)", async () => {
    const out = await check({ objects: solvedNamespace({ services: [service("redis", { selector: { app: "redis-primary" } })] }) });
    expect(out.passed).toBe(false);
    expect(out.evidence).toEqual([solvedEvidence[0], "Service redis: selector app=redis-primary", solvedEvidence[2], "Pods the Service selects: (none)"]);
    expect(out.reason).toBe(
      "The Service's selector app=redis-primary does not match the StatefulSet's pod labels app=redis, so its EndpointSlices stay empty and no pod gets a DNS record. Use the pods' own labels.",
    );
  });

  it("fails a Service that selects only some of the StatefulSet's pods", async () => {
    const services = [service("redis", { selector: { "statefulset.kubernetes.io/pod-name": "redis-0" } })];
    const out = await check({ objects: solvedNamespace({ services }) });
    expect(out.passed).toBe(false);
    expect(out.evidence[3]).toBe("Pods the Service selects: redis-0");
    expect(out.reason).toMatch(/^The Service's selector statefulset\.kubernetes\.io\/pod-name=redis-0 does not match the StatefulSet's pod labels app=redis/);
  });

  it("fails a pod created from an older template that the Service's selector no longer matches", async () => {
    // The template gained tier=cache and the Service selects it, but redis-2 still runs the old revision.
    const objects = solvedNamespace({
      statefulSets: [statefulSet({ templateLabels: { app: "redis", tier: "cache" } })],
      services: [service("redis", { selector: { app: "redis", tier: "cache" } })],
      pods: [redisPod(0, { labels: { app: "redis", tier: "cache" } }), redisPod(1, { labels: { app: "redis", tier: "cache" } }), redisPod(2, { labels: { app: "redis" } })],
    });
    const out = await check({ objects });
    expect(out.passed).toBe(false);
    expect(out.evidence[3]).toBe("Pods the Service selects: redis-0, redis-1");
    expect(out.reason).toMatch(/does not match the StatefulSet's pod labels/);
  });

  it("fails a Service without a selector (it selects nothing)", async () => {
    const out = await check({ objects: solvedNamespace({ services: [service("redis", { selector: {} })] }) });
    expect(out.passed).toBe(false);
    expect(out.evidence[1]).toBe("Service redis: selector (none)");
    expect(out.evidence[3]).toBe("Pods the Service selects: (none)");
    expect(out.reason).toMatch(/^The Service's selector \(none\) does not match/);
  });

  it("judges by the StatefulSet's selector while it has no pods yet", async () => {
    const matching = await check({ objects: solvedNamespace({ pods: [toolboxPod()] }) });
    expect(matching.passed).toBe(true);
    expect(matching.evidence[2]).toBe("Pods of the StatefulSet: (none yet)");
    const wrong = await check({ objects: solvedNamespace({ pods: [toolboxPod()], services: [service("redis", { selector: { app: "redis-primary" } })] }) });
    expect(wrong.passed).toBe(false);
    expect(wrong.reason).toMatch(/^The Service's selector app=redis-primary does not match/);
  });

  it("shows pods outside the StatefulSet that the selector also picks up, and leaves them to endpointslice-hostnames", async () => {
    const debug = redisPod(9, { owner: null });
    debug.metadata!.name = "redis-debug";
    debug.metadata!.labels = { app: "redis" };
    const out = await check({ objects: solvedNamespace({ pods: [redisPod(0), redisPod(1), redisPod(2), debug, toolboxPod()] }) });
    expect(out.passed).toBe(true);
    expect(out.evidence[2]).toBe("Pods of the StatefulSet: redis-0, redis-1, redis-2");
    expect(out.evidence[3]).toBe("Pods the Service selects: redis-0, redis-1, redis-2, redis-debug");
  });

  it("counts only pods the StatefulSet redis owns as its own", async () => {
    // Named like a workload pod, owned by another StatefulSet: a stranger to redis.
    const impostor = redisPod(2, { owner: { kind: "StatefulSet", name: "redis-old" } });
    const byReplicaSet = redisPod(1, { owner: { kind: "ReplicaSet", name: "redis" } });
    const out = await check({ objects: solvedNamespace({ pods: [redisPod(0), byReplicaSet, impostor] }) });
    expect(out.evidence[2]).toBe("Pods of the StatefulSet: redis-0");
    expect(out.evidence[3]).toBe("Pods the Service selects: redis-0, redis-1, redis-2");
  });

  it("fails a Deployment in place of the StatefulSet (a declared wrong fix), explaining random pod names", async () => {
    const pods = ["redis-7c9f8d6b5-x2lqp", "redis-7c9f8d6b5-m8k4d", "redis-7c9f8d6b5-q9w2t"].map((name, i) => {
      const p = redisPod(i, { owner: { kind: "ReplicaSet", name: "redis-7c9f8d6b5" } });
      p.metadata!.name = name;
      return p;
    });
    const out = await check({ objects: solvedNamespace({ statefulSets: [], deployments: [deployment("redis", 3, 2)], pods }) });
    expect(out.passed).toBe(false);
    expect(out.evidence).toEqual(["StatefulSet redis: not found", "Deployment redis: 2/3 ready"]);
    expect(out.reason).toBe(
      "A Deployment's pods get random names (like redis-7c9f8-x2lqp) and no per-pod DNS records, so replicas cannot name their primary.",
    );
  });

  it("fails a deleted StatefulSet, ignoring Deployments of other names", async () => {
    const out = await check({ objects: solvedNamespace({ statefulSets: [], deployments: [deployment("web", 1, 1)] }) });
    expect(out.passed).toBe(false);
    expect(out.evidence).toEqual(["StatefulSet redis: not found"]);
    expect(out.reason).toBe("The StatefulSet redis is gone. Apply statefulset.yaml again.");
  });

  it("fails a serviceName that names no Service", async () => {
    const out = await check({ objects: solvedNamespace({ statefulSets: [statefulSet({ serviceName: "redis-hl" })] }) });
    expect(out.passed).toBe(false);
    expect(out.evidence).toEqual(["StatefulSet redis: spec.serviceName = redis-hl, spec.selector app=redis", "Service redis-hl: not found"]);
    expect(out.reason).toBe("spec.serviceName names redis-hl, which does not exist.");
  });

  it("throws, never fails, when the API refuses the read", async () => {
    await expect(check({ objects: solvedNamespace(), readFailure: forbidden() })).rejects.toThrow(/may not list services/);
  });
});

describe("endpointslice-hostnames", () => {
  const check = (cluster: RecordedCluster) => runCheck(endpointSliceHostnames, specOf(level, "endpointslice-hostnames"), recordedContext(level, cluster));
  const solvedEvidence = [
    "redis-x7k2p: 10.244.0.21 hostname=redis-0 ready=true pod=redis-0",
    "redis-x7k2p: 10.244.0.22 hostname=redis-1 ready=true pod=redis-1",
    "redis-x7k2p: 10.244.0.23 hostname=redis-2 ready=true pod=redis-2",
  ];
  const endpoint = (i: number, extra: { hostname?: string; ready?: boolean; pod?: string } = {}) => ({ ip: POD_IPS[i]!, pod: `redis-${i}`, hostname: `redis-${i}`, ...extra });

  it("passes when every pod is listed, ready, under its own hostname", async () => {
    const out = await check({ objects: solvedNamespace() });
    expect(out).toEqual({ passed: true, evidence: solvedEvidence, progress: [] });
  });

  it("reads endpoints across several slices, and ignores slices of other Services", async () => {
    const slices = [
      endpointSlice("redis", [endpoint(0), endpoint(2)], "a1b2c"),
      endpointSlice("redis", [endpoint(1)], "d3e4f"),
      endpointSlice("redis-headless", [{ ip: POD_IPS[1], pod: "redis-1" }], "z9y8x"),
    ];
    const out = await check({ objects: solvedNamespace({ endpointSlices: slices }) });
    expect(out.passed).toBe(true);
    expect(out.evidence).toEqual([
      "redis-a1b2c: 10.244.0.21 hostname=redis-0 ready=true pod=redis-0",
      "redis-a1b2c: 10.244.0.23 hostname=redis-2 ready=true pod=redis-2",
      "redis-d3e4f: 10.244.0.22 hostname=redis-1 ready=true pod=redis-1",
    ]);
  });

  it("fails endpoints without hostnames: the Service is not the one the StatefulSet names", async () => {
    const slices = [endpointSlice("redis", [0, 1, 2].map((i) => ({ ip: POD_IPS[i]!, pod: `redis-${i}` })))];
    const out = await check({ objects: solvedNamespace({ endpointSlices: slices }) });
    expect(out.passed).toBe(false);
    expect(out.evidence[0]).toBe("redis-x7k2p: 10.244.0.21 hostname=(none) ready=true pod=redis-0");
    expect(out.reason).toBe(
      "redis-0 is listed without hostname redis-0; redis-1 is listed without hostname redis-1; redis-2 is listed without hostname redis-2. The endpoints controller writes each pod's hostname only for the Service named in the StatefulSet's serviceName, and only lists Ready pods.",
    );
  });

  it("fails a hostname that names another pod", async () => {
    const slices = [endpointSlice("redis", [endpoint(0), endpoint(1, { hostname: "redis-2" }), endpoint(2)])];
    const out = await check({ objects: solvedNamespace({ endpointSlices: slices }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/^redis-1 is listed without hostname redis-1\. The endpoints controller/);
  });

  it("fails a pod listed but not ready", async () => {
    const slices = [endpointSlice("redis", [endpoint(0), endpoint(1), endpoint(2, { ready: false })])];
    const out = await check({ objects: solvedNamespace({ endpointSlices: slices }) });
    expect(out.passed).toBe(false);
    expect(out.evidence[2]).toBe("redis-x7k2p: 10.244.0.23 hostname=redis-2 ready=false pod=redis-2");
    expect(out.reason).toMatch(/^redis-2 is listed but not ready\. /);
  });

  it("fails pods missing from the slices, and says when there is no slice at all", async () => {
    const partial = await check({ objects: solvedNamespace({ endpointSlices: [endpointSlice("redis", [endpoint(0)])] }) });
    expect(partial.passed).toBe(false);
    expect(partial.evidence).toEqual([solvedEvidence[0]]);
    expect(partial.reason).toMatch(/^redis-1 is not listed; redis-2 is not listed\. /);
    const none = await check({ objects: solvedNamespace({ endpointSlices: [endpointSlice("redis-headless", [endpoint(0)])] }) });
    expect(none.passed).toBe(false);
    expect(none.evidence).toEqual(["No EndpointSlice for Service redis"]);
    expect(none.reason).toMatch(/^redis-0 is not listed; redis-1 is not listed; redis-2 is not listed\. /);
  });

  it("finds a pod's endpoint by its address when the endpoint names no pod", async () => {
    const slices = [endpointSlice("redis", [endpoint(0), { ip: POD_IPS[1], hostname: "redis-1" }, endpoint(2)])];
    const out = await check({ objects: solvedNamespace({ endpointSlices: slices }) });
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence[1]).toBe("redis-x7k2p: 10.244.0.22 hostname=redis-1 ready=true");
  });

  it("shows every address of an endpoint (the API allows up to 100) and finds the pod by any of them", async () => {
    const slice = endpointSlice("redis", [endpoint(0), endpoint(1), endpoint(2)]);
    slice.endpoints[2]!.addresses = ["10.244.0.90", POD_IPS[2]];
    delete slice.endpoints[2]!.targetRef;
    const out = await check({ objects: solvedNamespace({ endpointSlices: [slice] }) });
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence[2]).toBe("redis-x7k2p: 10.244.0.90,10.244.0.23 hostname=redis-2 ready=true");
  });

  it("does not take another pod's endpoint for a pod that has no IP", async () => {
    // redis-2 has no IP yet; an endpoint without a pod reference must not be matched to it.
    const pods = [redisPod(0), redisPod(1), redisPod(2, { ip: null, initWaiting: "PodInitializing" })];
    const slices = [endpointSlice("redis", [endpoint(0), endpoint(1), { ip: "10.244.0.99", hostname: "redis-2" }])];
    const out = await check({ objects: solvedNamespace({ pods, endpointSlices: slices }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/^redis-2 is not listed\. /);
  });

  it("fails a pod outside the StatefulSet that the selector picks up too (a declared wrong fix: a debug pod labelled app=redis)", async () => {
    const slices = [endpointSlice("redis", [endpoint(0), endpoint(1), endpoint(2), { ip: "10.244.0.50", pod: "redis-debug" }])];
    const out = await check({ objects: solvedNamespace({ endpointSlices: slices }) });
    expect(out.passed).toBe(false);
    expect(out.evidence).toEqual([...solvedEvidence, "redis-x7k2p: 10.244.0.50 hostname=(none) ready=true pod=redis-debug"]);
    expect(out.reason).toBe(
      "The Service also lists redis-debug (hostname (none)), which is not a pod of StatefulSet redis: its selector matches that pod too, so their addresses are mixed into the Service's DNS answer and a client looking for the members reaches a stranger. Remove the label from it, or narrow the selector to the StatefulSet's pods.",
    );
  });

  it("names several strangers, by pod or by address, after the workload's own problems", async () => {
    const slices = [endpointSlice("redis", [endpoint(0), endpoint(1), { ip: "10.244.0.50", pod: "redis-debug" }, { ip: "10.244.0.51", hostname: "cache-0" }])];
    const out = await check({ objects: solvedNamespace({ endpointSlices: slices }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toBe(
      "redis-2 is not listed. The endpoints controller writes each pod's hostname only for the Service named in the StatefulSet's serviceName, and only lists Ready pods. " +
        "The Service also lists redis-debug (hostname (none)), 10.244.0.51 (hostname cache-0), which are not a pod of StatefulSet redis: its selector matches those pods too, so their addresses are mixed into the Service's DNS answer and a client looking for the members reaches a stranger. Remove the label from them, or narrow the selector to the StatefulSet's pods.",
    );
  });

  it("keeps a workload pod's endpoint as its own while the slice still has the pod's old address", async () => {
    // redis-2 was just replaced with a new IP; the EndpointSlice controller has not caught up.
    const pods = [redisPod(0), redisPod(1), redisPod(2, { ip: "10.244.0.30" }), toolboxPod()];
    const out = await check({ objects: solvedNamespace({ pods }) });
    expect(out.passed, out.reason).toBe(true);
  });

  it("names a stranger while a workload pod was never created", async () => {
    const slices = [endpointSlice("redis", [endpoint(0), endpoint(1), { ip: "10.244.0.50", hostname: "cache-0" }])];
    const out = await check({ objects: solvedNamespace({ pods: [redisPod(0), redisPod(1)], endpointSlices: slices }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/^redis-2 is not listed\. .* The Service also lists 10\.244\.0\.50 \(hostname cache-0\), which is not a pod of StatefulSet redis/);
  });

  it("names a stranger with several addresses by all of them", async () => {
    const slice = endpointSlice("redis", [endpoint(0), endpoint(1), endpoint(2), { ip: "10.244.0.50" }]);
    slice.endpoints[3]!.addresses = ["10.244.0.50", "10.244.0.51"];
    const out = await check({ objects: solvedNamespace({ endpointSlices: [slice] }) });
    expect(out.reason).toMatch(/^The Service also lists 10\.244\.0\.50,10\.244\.0\.51 \(hostname \(none\)\), which is not a pod/);
  });

  it("expects an entry for a workload pod that was never created", async () => {
    const out = await check({ objects: solvedNamespace({ pods: [redisPod(0), redisPod(1)], endpointSlices: [endpointSlice("redis", [endpoint(0), endpoint(1)])] }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/^redis-2 is not listed\. /);
  });

  it("throws, never fails, when the API refuses the read", async () => {
    await expect(check({ objects: solvedNamespace(), readFailure: forbidden() })).rejects.toThrow(/may not list services/);
  });
});
