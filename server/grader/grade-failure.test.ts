// Which failures are the learner's and which are ours, and how reads are retried in between.
import { describe, expect, it } from "vitest";
import { KubeError, type PodInfo } from "../kubernetes/kube-adapter";
import { errorResult, GRADER_ERROR_HINT, GraderInfrastructureError, isTransient, RetriesExhausted, slowPodReturnIsOurs, withRetries } from "./grade-failure";
import { podInfo } from "../kubernetes/test-fixtures/pod-info";

/** A clock that only moves when the retry loop sleeps. */
function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

describe("isTransient", () => {
  it("retries what says the cluster or our probe hiccuped", () => {
    for (const code of ["cluster-unreachable", "cluster-error", "timeout", "throttled", "pod-not-running", "not-found"]) {
      expect(isTransient(new KubeError(code, "x")), code).toBe(true);
    }
    expect(isTransient(new GraderInfrastructureError("the grader's probe answered 3 of 6 requests"))).toBe(true);
    expect(isTransient(new Error("Invalid response body while trying to fetch https://127.0.0.1/apis: Premature close"))).toBe(true);
  });

  it("does not retry what another try cannot change", () => {
    expect(isTransient(new KubeError("forbidden", "no"))).toBe(false);
    expect(isTransient(new KubeError("unauthorized", "no"))).toBe(false);
  });
});

describe("withRetries", () => {
  it("retries transient failures with doubling delays and returns the first success", async () => {
    const clock = fakeClock();
    let calls = 0;
    const value = await withRetries(
      async () => {
        calls += 1;
        if (calls < 4) throw new KubeError("cluster-error", "A Kubernetes call failed (listing EndpointSlices): Invalid response body");
        return "slices";
      },
      { deadline: 10_000, now: clock.now, sleep: clock.sleep },
    );
    expect(value).toBe("slices");
    expect(calls).toBe(4);
    expect(clock.sleeps).toEqual([250, 500, 1000]);
  });

  it("gives up at the deadline, saying how often and how long it tried", async () => {
    const clock = fakeClock();
    const err = await withRetries(
      async () => {
        throw new KubeError("cluster-unreachable", "The Kubernetes cluster did not answer: ECONNREFUSED.");
      },
      { deadline: 3_000, now: clock.now, sleep: clock.sleep },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetriesExhausted);
    const exhausted = err as RetriesExhausted;
    expect(exhausted.attempts).toBe(4);
    expect(exhausted.elapsedMs).toBeLessThanOrEqual(3_000);
    expect(exhausted.message).toMatch(/ECONNREFUSED/);
  });

  it("stops at once on a failure another try cannot change", async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls += 1;
          throw new KubeError("forbidden", "namespaces is forbidden");
        },
        { deadline: 60_000, now: clock.now, sleep: clock.sleep },
      ),
    ).rejects.toBeInstanceOf(RetriesExhausted);
    expect(calls).toBe(1);
  });
});

describe("errorResult", () => {
  it("is a distinct error status telling the learner it is not their fix, with words instead of a stack", () => {
    const err = new Error("socket hang up\n    at TLSSocket.socketOnEnd (node:_http_client:524:23)");
    const result = errorResult({ id: "per-pod-dns", title: "Each pod resolves", explanation: "e" }, new RetriesExhausted(err, 3, 4200), 4300);
    expect(result.status).toBe("error");
    expect(result.hint).toBe(GRADER_ERROR_HINT);
    expect(result.hint).toMatch(/nothing is wrong with your fix; try again/);
    expect(result.evidence.join("\n")).toContain("KubeQuest could not finish this check: socket hang up");
    expect(result.evidence.join("\n")).toContain("tried 3 times over 4.2 s");
    expect(result.evidence.join("\n")).not.toMatch(/ at TLSSocket|node:_http_client/);
  });
});

describe("a deleted pod that is not back in time: whose delay is it", () => {
  const pod = (over: Partial<PodInfo>): PodInfo => podInfo({ name: "redis-0", uid: "old", ip: "10.244.0.5", owner: { kind: "StatefulSet", name: "redis" }, ...over });

  it("ours when its StatefulSet has not made it again yet (a slow or full cluster)", () => {
    expect(slowPodReturnIsOurs(pod({}), null)).toMatch(/StatefulSet redis has not created redis-0 again/);
    expect(slowPodReturnIsOurs(pod({}), pod({ deleting: true }))).toMatch(/has not created redis-0 again/);
  });

  it("ours when the new pod waits for the node: not scheduled yet, or its containers still being created", () => {
    expect(slowPodReturnIsOurs(pod({}), pod({ uid: "new", phase: "Pending", status: "Pending", ready: false, ip: undefined }))).toMatch(/waiting for the cluster \(Pending\)/);
    expect(slowPodReturnIsOurs(pod({}), pod({ uid: "new", phase: "Pending", status: "ContainerCreating", ready: false }))).toMatch(/ContainerCreating/);
  });

  it("the learner's when nothing would ever make it again (no controller owns it)", () => {
    expect(slowPodReturnIsOurs(pod({ owner: undefined }), null)).toBeUndefined();
  });

  it("the learner's when its StatefulSet is gone or scaled below the pod's ordinal: nothing will make it again", () => {
    expect(slowPodReturnIsOurs(pod({}), null, null)).toBeUndefined();
    expect(slowPodReturnIsOurs(pod({}), null, { replicas: 0 })).toBeUndefined();
    expect(slowPodReturnIsOurs(pod({ name: "redis-2" }), null, { replicas: 2 })).toBeUndefined();
    // Still ours while the StatefulSet wants it.
    expect(slowPodReturnIsOurs(pod({}), null, { replicas: 3 })).toMatch(/has not created redis-0 again/);
  });

  it("the learner's when the new pod runs its own containers and is not ready, crashes, or waits in an init container", () => {
    expect(slowPodReturnIsOurs(pod({}), pod({ uid: "new", ready: false }))).toBeUndefined();
    expect(slowPodReturnIsOurs(pod({}), pod({ uid: "new", phase: "Running", status: "CrashLoopBackOff", ready: false }))).toBeUndefined();
    expect(slowPodReturnIsOurs(pod({}), pod({ uid: "new", phase: "Pending", status: "Init:0/1", ready: false }))).toBeUndefined();
  });
});
