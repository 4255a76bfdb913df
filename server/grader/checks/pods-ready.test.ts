// pods-ready over recorded pod states (no cluster, a fake clock): it waits while pods come up,
// reporting progress, passes once all three are Ready, and after its timeout fails naming the
// first pod that holds the others back and where to look.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { KubeError } from "../../kubernetes/kube-adapter";
import type { LoadedLevel } from "../../levels/level-catalog";
import { podsReady } from "./pods-ready";
import { level30, recordedContext, runCheck, specOf, type RecordedCluster } from "./test-fixtures/recorded-cluster";
import { redisPod, solvedNamespace, toolboxPod } from "./test-fixtures/level-30-recordings";
import type { V1Pod } from "@kubernetes/client-node";

let level: LoadedLevel;
beforeAll(async () => {
  level = await level30();
});
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs the check with the clock moving on until it has answered (or 2 minutes have passed). */
async function check(cluster: RecordedCluster) {
  const run = recordedContext(level, cluster);
  const outcome = runCheck(podsReady, specOf(level, "pods-ready"), run);
  let settled = false;
  outcome.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 120 && !settled; i++) await vi.advanceTimersByTimeAsync(1000);
  return { ...(await outcome), reads: run.reads() };
}

/** The pods read on each look, in turn; the last state stays. */
const over = (...looks: V1Pod[][]) => ({ objects: (read: number) => solvedNamespace({ pods: [...looks[Math.min(read, looks.length) - 1]!, toolboxPod()] }) });

const readyEvidence = [
  "redis-0: Running, ready=true, IP 10.244.0.21, restarts 0",
  "redis-1: Running, ready=true, IP 10.244.0.22, restarts 0",
  "redis-2: Running, ready=true, IP 10.244.0.23, restarts 0",
];

describe("pods-ready", () => {
  it("passes at once when all three pods are Ready", async () => {
    const out = await check({ objects: solvedNamespace() });
    expect(out).toEqual({ passed: true, evidence: readyEvidence, progress: [], reads: 1 });
  });

  it("waits while a pod finishes its init container, reporting progress each second, then passes", async () => {
    const starting = [redisPod(0), redisPod(1), redisPod(2, { initRunning: true })];
    const out = await check(over(starting, starting, starting, [redisPod(0), redisPod(1), redisPod(2)]));
    expect(out.passed).toBe(true);
    expect(out.progress).toEqual(["2/3 pods ready, 0 s of 60 s", "2/3 pods ready, 1 s of 60 s", "2/3 pods ready, 2 s of 60 s"]);
    expect(out.evidence).toEqual(readyEvidence);
    expect(out.reads).toBe(4);
  });

  it("fails after the level's 60 s on a pod stuck in its init container, saying how to read why", async () => {
    const stuck = [redisPod(0), redisPod(1, { initRunning: true })];
    const out = await check(over(stuck));
    expect(out.passed).toBe(false);
    expect(out.evidence).toEqual(["redis-0: Running, ready=true, IP 10.244.0.21, restarts 0", "redis-1: Init:0/1, ready=false, IP 10.244.0.22, restarts 0", "redis-2: not created"]);
    expect(out.reason).toBe("redis-1 is stuck in its init container wait-for-primary (Init:0/1). Read why with: kubectl logs redis-1 -c wait-for-primary");
    // One look a second, from 0 s to 59 s: the 60 s budget is used up, not exceeded.
    expect(out.progress).toHaveLength(60);
    expect(out.progress[0]).toBe("1/3 pods ready, 0 s of 60 s");
    expect(out.progress.at(-1)).toBe("1/3 pods ready, 59 s of 60 s");
    expect(out.reads).toBe(61);
  });

  it("fails a crash-looping pod, pointing at describe and its logs", async () => {
    const out = await check(over([redisPod(0), redisPod(1), redisPod(2, { mainWaiting: "CrashLoopBackOff", restarts: 4 })]));
    expect(out.passed).toBe(false);
    expect(out.evidence[2]).toBe("redis-2: CrashLoopBackOff, ready=false, IP 10.244.0.23, restarts 4");
    expect(out.reason).toBe("redis-2 is CrashLoopBackOff and not Ready after 60 s. Look at kubectl describe pod redis-2 and its logs.");
  });

  it("fails a pod that was never scheduled without blaming its init container, which never started", async () => {
    const out = await check(over([redisPod(0), redisPod(1), redisPod(2, { unscheduled: true })]));
    expect(out.passed).toBe(false);
    expect(out.evidence[2]).toBe("redis-2: Pending, ready=false, IP (none), restarts 0");
    expect(out.reason).toBe("redis-2 is Pending and not Ready after 60 s. Look at kubectl describe pod redis-2 and its logs.");
  });

  it("names the init container a pod is stuck in, when it failed", async () => {
    const out = await check(over([redisPod(0), redisPod(1, { initWaiting: "CrashLoopBackOff" })]));
    expect(out.evidence[1]).toBe("redis-1: Init:CrashLoopBackOff, ready=false, IP 10.244.0.22, restarts 0");
    expect(out.reason).toBe("redis-1 is stuck in its init container wait-for-primary (Init:CrashLoopBackOff). Read why with: kubectl logs redis-1 -c wait-for-primary");
  });

  it("fails when the first pod was never created, explaining the StatefulSet's order", async () => {
    const out = await check(over([]));
    expect(out.passed).toBe(false);
    expect(out.evidence).toEqual(["redis-0: not created", "redis-1: not created", "redis-2: not created"]);
    expect(out.reason).toBe("redis-0 was never created: a StatefulSet creates pods in order and waits for each to be Ready before the next.");
    expect(out.progress[0]).toBe("0/3 pods ready, 0 s of 60 s");
  });

  it("does not count a Ready pod that is being deleted", async () => {
    const out = await check(over([redisPod(0, { deleting: true }), redisPod(1), redisPod(2)]));
    expect(out.passed).toBe(false);
    expect(out.progress[0]).toBe("2/3 pods ready, 0 s of 60 s");
    expect(out.evidence[0]).toBe("redis-0: Terminating, ready=true, IP 10.244.0.21, restarts 0");
    expect(out.reason).toBe("redis-0 is Terminating and not Ready after 60 s. Look at kubectl describe pod redis-0 and its logs.");
  });

  it("does not count a pod named like a workload pod that the StatefulSet does not own", async () => {
    const out = await check(over([redisPod(0), redisPod(1, { owner: null }), redisPod(2)]));
    expect(out.passed).toBe(false);
    expect(out.evidence[1]).toBe("redis-1: not created");
    expect(out.reason).toMatch(/^redis-1 was never created/);
  });

  it("shows a pod without an IP as such", async () => {
    const out = await check(over([redisPod(0), redisPod(1), redisPod(2, { ip: null, initWaiting: "PodInitializing" })]));
    expect(out.passed).toBe(false);
    expect(out.evidence[2]).toBe("redis-2: Init:0/1, ready=false, IP (none), restarts 0");
  });

  it("throws, never fails, when the API refuses the read", async () => {
    const failure = new KubeError("forbidden", "The grader may not list pods in kq-5e2b9c4a17-30 (forbidden).");
    await expect(check({ objects: solvedNamespace(), readFailure: failure })).rejects.toThrow(/may not list pods/);
  });
});
