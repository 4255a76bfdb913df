// Live checks, the pure parts (issue 15 item 2): over recorded Level 30 namespaces (no
// cluster), the object-only checks get the verdict, evidence and reason the grader gives the
// same objects, the probe checks stay "Check my work" only, nothing names a Level 30 check id,
// a verdict of ours that throws is no verdict (never a fail), and the feed sends only changes.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { CheckResult, LiveCheck, LiveChecks } from "../../lib/protocol/socket-events";
import type { ReadyEnvironment } from "../environments/level-environment";
import { byName, toDeploymentInfo, toEndpointSliceInfo, toPodInfo, toServiceInfo, toStatefulSetInfo } from "../kubernetes/kube-object-mappers";
import type { LoadedLevel } from "../levels/level-catalog";
import type { NamespaceLists } from "../live-view/namespace-live-view";
import { CHECK_LIBRARY, planChecks } from "./checks/check-library";
import { level30, recordedContext, runCheck } from "./checks/test-fixtures/recorded-cluster";
import {
  deployment,
  endpointSlice,
  NS,
  POD_IPS,
  redisPod,
  service,
  solvedNamespace,
  statefulSet,
  toolboxPod,
  VIRTUAL_IP,
  type NamespaceObjects as RecordedObjects,
} from "./checks/test-fixtures/level-30-recordings";
import { evaluateLiveChecks, LiveCheckFeed } from "./live-checks";

let level: LoadedLevel;
beforeAll(async () => {
  level = await level30();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** The recorded objects as one read of the live view lists them (through the adapter's mappers). */
function listsOf(objects: RecordedObjects): NamespaceLists {
  return {
    services: byName(objects.services.map(toServiceInfo)),
    statefulSets: byName(objects.statefulSets.map(toStatefulSetInfo)),
    endpointSlices: byName(objects.endpointSlices.map(toEndpointSliceInfo)),
    pods: byName(objects.pods.map(toPodInfo)),
    deployments: byName(objects.deployments.map(toDeploymentInfo)),
  };
}

const live = (lvl: LoadedLevel, objects: RecordedObjects) => evaluateLiveChecks(lvl, NS, listsOf(objects));
const byId = (checks: LiveCheck[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

/** The untouched start: a Service with a virtual IP, redis-1 waiting for the primary, redis-2 not made yet. */
const brokenStart = () =>
  solvedNamespace({
    services: [service("redis", { clusterIP: VIRTUAL_IP })],
    pods: [redisPod(0), redisPod(1, { initRunning: true }), toolboxPod()],
    endpointSlices: [endpointSlice("redis", [{ ip: POD_IPS[0], pod: "redis-0", hostname: "redis-0" }, { ip: POD_IPS[1], pod: "redis-1", hostname: "redis-1", ready: false }])],
    statefulSets: [statefulSet({ readyReplicas: 1 })],
  });

describe("evaluateLiveChecks", () => {
  it("marks the object-only checks live and the probe checks 'Check my work' only, in the grader's order", async () => {
    const checks = await live(level, solvedNamespace());
    expect(checks.map((c) => c.id)).toEqual(level.manifest.grader.map((s) => s.id));
    expect(checks.map((c) => [c.id, c.live, c.verdict])).toEqual([
      ["service-headless", true, "pass"],
      ["statefulset-service-name", true, "pass"],
      ["pods-ready", true, "pass"],
      ["endpointslice-hostnames", true, "pass"],
      ["service-dns", false, undefined],
      ["per-pod-dns", false, undefined],
      ["replication-topology", false, undefined],
      ["replication-data", false, undefined],
    ]);
    // A probe check carries its title and explanation (the list shows it), and nothing else.
    const dns = byId(checks)["service-dns"]!;
    expect(dns).toEqual({ id: "service-dns", title: level.manifest.grader[4]!.title, explanation: level.manifest.grader[4]!.explanation, live: false });
  });

  it("fails the broken start where the grader would, saying what is wrong now", async () => {
    const checks = byId(await live(level, brokenStart()));
    expect(checks["service-headless"]).toMatchObject({
      verdict: "fail",
      evidence: ["StatefulSet redis: spec.serviceName = redis", `Service redis: type ClusterIP, spec.clusterIP = ${VIRTUAL_IP}`],
      reason: `Service redis has the virtual IP ${VIRTUAL_IP}, so DNS answers with that one address and publishes no per-pod names.`,
    });
    expect(checks["statefulset-service-name"]!.verdict).toBe("pass");
    // The verdict of the moment, without the grader's 60 s wait.
    expect(checks["pods-ready"]).toMatchObject({
      verdict: "fail",
      evidence: ["redis-0: Running, ready=true, IP 10.244.0.21, restarts 0", "redis-1: Init:0/1, ready=false, IP 10.244.0.22, restarts 0", "redis-2: not created"],
      reason: "redis-1 is stuck in its init container wait-for-primary (Init:0/1). Read why with: kubectl logs redis-1 -c wait-for-primary",
    });
    expect(checks["endpointslice-hostnames"]).toMatchObject({ verdict: "fail", reason: expect.stringMatching(/^redis-1 is listed but not ready; redis-2 is not listed\./) });
  });

  it("turns service-headless green once the Service is recreated headless, before any pod moved", async () => {
    const before = byId(await live(level, brokenStart()));
    const after = byId(await live(level, { ...brokenStart(), services: [service("redis")] }));
    expect(before["service-headless"]!.verdict).toBe("fail");
    expect(after["service-headless"]).toEqual({ ...before["service-headless"], verdict: "pass", evidence: ["StatefulSet redis: spec.serviceName = redis", "Service redis: type ClusterIP, spec.clusterIP = None"], reason: undefined });
    expect("reason" in after["service-headless"]!).toBe(false);
    expect(after["pods-ready"]!.verdict).toBe("fail");
  });

  it("says a pod is not Ready yet, or not created yet, where the grader says it waited", async () => {
    const crashing = byId(await live(level, solvedNamespace({ pods: [redisPod(0), redisPod(1), redisPod(2, { mainWaiting: "CrashLoopBackOff", restarts: 4 }), toolboxPod()] })));
    expect(crashing["pods-ready"]!.reason).toBe("redis-2 is CrashLoopBackOff and not Ready yet. Look at kubectl describe pod redis-2 and its logs.");
    const none = byId(await live(level, solvedNamespace({ pods: [toolboxPod()] })));
    expect(none["pods-ready"]!.reason).toBe("redis-0 has not been created yet: a StatefulSet creates pods in order and waits for each to be Ready before the next.");
  });

  // The same objects, the same verdict: a live check never says green where "Check my work"
  // says red on the same namespace, or the other way round.
  const scenarios: [string, () => RecordedObjects][] = [
    ["solved", () => solvedNamespace()],
    ["broken start", brokenStart],
    ["a second, headless Service beside the governing one", () => solvedNamespace({ services: [service("redis", { clusterIP: VIRTUAL_IP }), service("redis-headless")] })],
    ["a selector that matches no pod", () => solvedNamespace({ services: [service("redis", { selector: { app: "redis-primary" } })], endpointSlices: [endpointSlice("redis", [])] })],
    ["a Deployment in place of the StatefulSet", () => solvedNamespace({ statefulSets: [], deployments: [deployment("redis", 3, 3)], pods: [toolboxPod()], endpointSlices: [] })],
    ["serviceName naming a missing Service", () => solvedNamespace({ statefulSets: [statefulSet({ serviceName: "redis-hl" })] })],
    ["a stranger pod the selector picks up", () => {
      const ns = solvedNamespace();
      const slice = endpointSlice("redis", [...POD_IPS.map((ip, i) => ({ ip, pod: `redis-${i}`, hostname: `redis-${i}` })), { ip: "10.244.0.40", pod: "debug" }]);
      return { ...ns, endpointSlices: [slice] };
    }],
  ];
  for (const [name, objects] of scenarios) {
    it(`agrees with the grader's own run on ${name}`, async () => {
      vi.useFakeTimers();
      const checks = await live(level, objects());
      let compared = 0;
      for (const { spec, definition } of planChecks(level.manifest.grader)) {
        const shown = checks.find((c) => c.id === spec.id)!;
        if (!shown.live) continue;
        compared += 1;
        const graded = runCheck(definition.run, spec, recordedContext(level, { objects }));
        // pods-ready waits up to its timeout before it fails: let the fake clock run.
        for (let i = 0; i < 70; i++) await vi.advanceTimersByTimeAsync(1000);
        const outcome = await graded;
        expect(shown.verdict, `${spec.id} on ${name}`).toBe(outcome.passed ? "pass" : "fail");
        expect(shown.evidence, `${spec.id} on ${name}`).toEqual(outcome.evidence);
        // pods-ready says "yet" where the grader says how long it waited; the others say the same.
        if (spec.type !== "pods-ready") expect(shown.reason, `${spec.id} on ${name}`).toBe(outcome.reason);
      }
      expect(compared).toBe(4);
    });
  }

  it("knows no check ids: a level naming its checks otherwise gets them live by type", async () => {
    const [headless, , podsReady, , serviceDns] = level.manifest.grader;
    const other: LoadedLevel = {
      ...level,
      manifest: { ...level.manifest, grader: [{ ...serviceDns!, id: "name-answers" }, { ...podsReady!, id: "all-up" }, { ...headless!, id: "no-virtual-ip" }] },
    } as LoadedLevel;
    const checks = await live(other, brokenStart());
    expect(checks.map((c) => [c.id, c.live, c.verdict])).toEqual([
      ["name-answers", false, undefined],
      ["all-up", true, "fail"],
      ["no-virtual-ip", true, "fail"],
    ]);
  });

  it("leaves a check whose verdict throws (a bug of ours) without a verdict, never a fail, and reports it", async () => {
    vi.spyOn(CHECK_LIBRARY.get("endpointslice-hostnames")!, "fromObjects").mockImplementation(() => {
      throw new TypeError("cannot read properties of undefined");
    });
    const errors: string[] = [];
    const checks = byId(await evaluateLiveChecks(level, NS, listsOf(solvedNamespace()), (id) => errors.push(id)));
    expect(checks["endpointslice-hostnames"]).toEqual({ id: "endpointslice-hostnames", title: expect.any(String), explanation: expect.any(String), live: true });
    expect(checks["service-headless"]!.verdict).toBe("pass");
    expect(errors).toEqual(["endpointslice-hostnames"]);
  });

  it("caps the evidence a hostile namespace can make it send", async () => {
    const many = Array.from({ length: 250 }, (_, i) => service(`hl-${String(i).padStart(3, "0")}`));
    const checks = byId(await live(level, solvedNamespace({ services: [service("redis", { clusterIP: VIRTUAL_IP }), ...many] })));
    const evidence = checks["service-headless"]!.evidence!;
    expect(evidence).toHaveLength(201);
    expect(evidence.at(-1)).toBe("[… 52 more lines not shown]");
  });

  it("is not a grade result: its payload cannot be passed where a CheckResult is recorded", async () => {
    const shown: LiveCheck = (await live(level, solvedNamespace()))[0]!;
    // @ts-expect-error a live check has no grader status: it can never be recorded as a check result
    const recorded: CheckResult = shown;
    expect(recorded).not.toHaveProperty("status");
  });
});

describe("LiveCheckFeed", () => {
  const env = (lvl: LoadedLevel) => ({ namespace: NS, toolboxPod: "toolbox", level: lvl }) as unknown as ReadyEnvironment;
  const at = new Date("2026-12-01T10:00:00Z");

  function feed() {
    const sent: { namespace: string; checks: LiveChecks }[] = [];
    return { sent, feed: new LiveCheckFeed({ emit: (namespace, checks) => sent.push({ namespace, checks }) }) };
  }

  it("sends the verdicts of the first read, then only reads that change something shown", async () => {
    const { sent, feed: f } = feed();
    await f.objectsRead(env(level), listsOf(brokenStart()), at);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.namespace).toBe(NS);
    expect(sent[0]!.checks).toMatchObject({ levelId: "headless-statefulset-dns", namespace: NS, readAt: at.toISOString() });
    // The same objects again (a pod's status update that changes no verdict or evidence): nothing.
    await f.objectsRead(env(level), listsOf(brokenStart()), new Date(at.getTime() + 1000));
    expect(sent).toHaveLength(1);
    await f.objectsRead(env(level), listsOf({ ...brokenStart(), services: [service("redis")] }), new Date(at.getTime() + 2000));
    expect(sent).toHaveLength(2);
    expect(sent[1]!.checks.checks.find((c) => c.id === "service-headless")!.verdict).toBe("pass");
    expect(f.lastSent(NS)).toBe(sent[1]!.checks);
  });

  it("sends the last verdicts again to a new viewer, and forgets the namespace once nobody looks", async () => {
    const { sent, feed: f } = feed();
    f.resend(NS);
    expect(sent).toHaveLength(0);
    await f.objectsRead(env(level), listsOf(brokenStart()), at);
    f.resend(NS);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.checks).toBe(sent[0]!.checks);
    f.stopped(NS);
    expect(f.lastSent(NS)).toBeNull();
    f.resend(NS);
    expect(sent).toHaveLength(2);
    // Watched again (after a reset): the first read is sent even if it looks the same.
    await f.objectsRead(env(level), listsOf(brokenStart()), at);
    expect(sent).toHaveLength(3);
  });

  it("sends nothing for a level none of whose checks reads objects alone", async () => {
    const { sent, feed: f } = feed();
    const probesOnly = { ...level, manifest: { ...level.manifest, grader: level.manifest.grader.filter((s) => !CHECK_LIBRARY.get(s.type)!.fromObjects) } } as LoadedLevel;
    expect(probesOnly.manifest.grader.length).toBeGreaterThan(0);
    await f.objectsRead(env(probesOnly), listsOf(solvedNamespace()), at);
    expect(sent).toEqual([]);
  });
});
