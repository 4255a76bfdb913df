// deployment-pods-ready over recorded Level 31 namespaces (no cluster, a fake clock): it waits
// while the Deployment's pods come up, reporting progress; fails at once when the Deployment
// asks for fewer pods than the level needs (no point waiting), or is gone; and after its
// timeout names the pod that holds the rest back. Pods that are not the Deployment's never count.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import type { LoadedLevel } from "../../levels/level-catalog";
import { deploymentPodsReady } from "./deployment-checks";
import { level31, recordedContext, runCheck, specOf, type RecordedCluster } from "./test-fixtures/recorded-cluster";
import { cachePod, cachePodName, deployment31, invalidatorPod, NS31, solved31, webPod } from "./test-fixtures/level-31-recordings";

let level: LoadedLevel;
beforeAll(async () => {
  level = await level31();
});
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs the check with the clock moving on until it has answered (or 2 minutes have passed). */
async function check(cluster: Omit<RecordedCluster, "namespace">) {
  const run = recordedContext(level, { ...cluster, namespace: NS31 });
  const outcome = runCheck(deploymentPodsReady, specOf(level, "deployment-pods-ready"), run);
  let settled = false;
  outcome.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 120 && !settled; i++) await vi.advanceTimersByTimeAsync(1000);
  return { ...(await outcome), reads: run.reads() };
}

/** The cache pods read on each look, in turn; the last state stays. */
const over = (...looks: V1Pod[][]) => ({ objects: (read: number) => solved31({ pods: [...looks[Math.min(read, looks.length) - 1]!, invalidatorPod(), webPod()] }) });

const readyEvidence = [
  "Deployment cache: spec.replicas 3, 3 ready",
  `${cachePodName(0)}: Running, ready=true, IP 10.244.0.31, restarts 0`,
  `${cachePodName(1)}: Running, ready=true, IP 10.244.0.32, restarts 0`,
  `${cachePodName(2)}: Running, ready=true, IP 10.244.0.33, restarts 0`,
];

describe("deployment-pods-ready", () => {
  it("passes at once when the Deployment's three pods are Ready", async () => {
    const out = await check({ objects: solved31() });
    expect(out).toEqual({ passed: true, evidence: readyEvidence, progress: [], reads: 1 });
  });

  it("waits while a pod is being created, reporting progress each second, then passes", async () => {
    const starting = [cachePod(0), cachePod(1), cachePod(2, { ip: null, status: "ContainerCreating" })];
    const out = await check(over(starting, starting, starting, [cachePod(0), cachePod(1), cachePod(2)]));
    expect(out.passed, out.reason).toBe(true);
    expect(out.progress).toEqual(["2/3 pods of Deployment cache ready, 0 s of 60 s", "2/3 pods of Deployment cache ready, 1 s of 60 s", "2/3 pods of Deployment cache ready, 2 s of 60 s"]);
    expect(out.reads).toBe(4);
  });

  it("fails at once when the Deployment asks for fewer pods than the level needs", async () => {
    const out = await check({ objects: solved31({ deployments: [deployment31("cache", 1), deployment31("invalidator", 1), deployment31("web", 1)], pods: [cachePod(0), invalidatorPod(), webPod()] }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toBe("Deployment cache asks for 1 pod (spec.replicas), and this level needs 3: every one of them must be there to receive what the invalidator sends.");
    expect(out.evidence).toEqual(["Deployment cache: spec.replicas 1, 1 ready", `${cachePodName(0)}: Running, ready=true, IP 10.244.0.31, restarts 0`]);
    expect(out.reads).toBe(1);
  });

  it("fails at once when the Deployment is gone", async () => {
    const out = await check({ objects: solved31({ deployments: [deployment31("invalidator", 1), deployment31("web", 1)], pods: [invalidatorPod(), webPod()] }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toBe("There is no Deployment cache: nothing runs the level's pods.");
    expect(out.evidence).toEqual(["Deployment cache: not found"]);
  });

  it("after its timeout names the first pod that is not Ready and where to look", async () => {
    const out = await check({ objects: solved31({ pods: [cachePod(0), cachePod(1), cachePod(2, { status: "CrashLoopBackOff" }), invalidatorPod(), webPod()] }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toBe(`${cachePodName(2)} is CrashLoopBackOff and not Ready after 60 s. Look at kubectl describe pod ${cachePodName(2)} and its logs.`);
    expect(out.evidence[3]).toBe(`${cachePodName(2)}: CrashLoopBackOff, ready=false, IP 10.244.0.33, restarts 4`);
    expect(out.progress.at(-1)).toBe("2/3 pods of Deployment cache ready, 59 s of 60 s");
  });

  it("counts only the Deployment's own pods that are not terminating: a bare pod with its label is not one of them", async () => {
    const stray = cachePod(2, { owner: null });
    const leaving = cachePod(1, { deleting: true });
    const out = await check({ objects: solved31({ pods: [cachePod(0), leaving, stray, invalidatorPod(), webPod()] }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toBe("Only 1 of the 3 pods of Deployment cache is there and Ready after 60 s. Look at kubectl describe deployment cache and the events of its ReplicaSet.");
    expect(out.evidence).toContain(`${cachePodName(1)}: Terminating, ready=true, IP 10.244.0.32, restarts 0`);
    expect(out.evidence.join("\n")).not.toContain(cachePodName(2));
  });
});
