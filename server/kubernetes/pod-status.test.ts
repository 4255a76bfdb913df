import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { podStatusColumn } from "./pod-status";

function container(name: string, state: V1ContainerStatus["state"], extra: Partial<V1ContainerStatus> = {}): V1ContainerStatus {
  return { name, image: "x", imageID: "", ready: false, restartCount: 0, state, ...extra };
}

function pod(p: { phase?: string; init?: string[]; containers?: string[]; initStatuses?: V1ContainerStatus[]; statuses?: V1ContainerStatus[]; conditions?: { type: string; status: string; reason?: string }[]; deleting?: boolean; reason?: string }): V1Pod {
  return {
    metadata: { name: "redis-0", ...(p.deleting ? { deletionTimestamp: new Date() } : {}) },
    spec: {
      initContainers: (p.init ?? []).map((name) => ({ name })),
      containers: (p.containers ?? ["redis"]).map((name) => ({ name })),
    },
    status: {
      phase: p.phase ?? "Running",
      ...(p.reason ? { reason: p.reason } : {}),
      conditions: p.conditions ?? [],
      initContainerStatuses: p.initStatuses ?? [],
      containerStatuses: p.statuses ?? [],
    },
  };
}

const running = { running: { startedAt: new Date() } };

describe("podStatusColumn (kubectl's STATUS column)", () => {
  it("shows Running for a ready running container", () => {
    const p = pod({ statuses: [container("redis", running, { ready: true, restartCount: 2 })], conditions: [{ type: "Ready", status: "True" }] });
    expect(podStatusColumn(p)).toEqual({ status: "Running", restarts: 2 });
  });

  it("shows Init:0/1 while the first init container runs", () => {
    const p = pod({ phase: "Pending", init: ["wait-for-primary"], initStatuses: [container("wait-for-primary", running)], statuses: [container("redis", { waiting: { reason: "PodInitializing" } })] });
    expect(podStatusColumn(p).status).toBe("Init:0/1");
  });

  it("shows Init:<reason> for a failing init container, counting its restarts", () => {
    const p = pod({ phase: "Pending", init: ["wait-for-primary"], initStatuses: [container("wait-for-primary", { waiting: { reason: "CrashLoopBackOff" } }, { restartCount: 4 })] });
    expect(podStatusColumn(p)).toEqual({ status: "Init:CrashLoopBackOff", restarts: 4 });
  });

  it("shows Init:ExitCode:N for an init container that failed without a reason", () => {
    const p = pod({ phase: "Pending", init: ["a"], initStatuses: [container("a", { terminated: { exitCode: 3 } })] });
    expect(podStatusColumn(p).status).toBe("Init:ExitCode:3");
  });

  it("shows PodInitializing once init containers are done and the app has not started", () => {
    const p = pod({
      phase: "Pending",
      init: ["a"],
      initStatuses: [container("a", { terminated: { exitCode: 0, reason: "Completed" } })],
      statuses: [container("redis", { waiting: { reason: "PodInitializing" } })],
      conditions: [{ type: "Initialized", status: "True" }],
    });
    expect(podStatusColumn(p).status).toBe("PodInitializing");
  });

  it("shows the waiting reason of the app container (CrashLoopBackOff, ImagePullBackOff, ContainerCreating)", () => {
    for (const reason of ["CrashLoopBackOff", "ImagePullBackOff", "ContainerCreating"]) {
      const p = pod({ statuses: [container("redis", { waiting: { reason } })] });
      expect(podStatusColumn(p).status).toBe(reason);
    }
  });

  it("shows Completed for a finished pod and Error for a failed one", () => {
    expect(podStatusColumn(pod({ phase: "Succeeded", statuses: [container("redis", { terminated: { exitCode: 0, reason: "Completed" } })] })).status).toBe("Completed");
    expect(podStatusColumn(pod({ phase: "Failed", statuses: [container("redis", { terminated: { exitCode: 1, reason: "Error" } })] })).status).toBe("Error");
  });

  it("keeps Running when one container completed while another still runs", () => {
    const p = pod({
      containers: ["app", "helper"],
      statuses: [container("app", running, { ready: true }), container("helper", { terminated: { exitCode: 0, reason: "Completed" } })],
      conditions: [{ type: "Ready", status: "True" }],
    });
    expect(podStatusColumn(p).status).toBe("Running");
  });

  it("shows Terminating for a pod being deleted, whatever its containers do", () => {
    const p = pod({ deleting: true, statuses: [container("redis", running, { ready: true })] });
    expect(podStatusColumn(p).status).toBe("Terminating");
  });

  it("shows Pending for a pod not scheduled yet", () => {
    expect(podStatusColumn(pod({ phase: "Pending" })).status).toBe("Pending");
  });

  it("counts a running sidecar (restartable init container) as started, not initialising", () => {
    const p: V1Pod = pod({
      init: ["proxy"],
      initStatuses: [container("proxy", running, { started: true, ready: true })],
      statuses: [container("redis", running, { ready: true })],
      conditions: [{ type: "Ready", status: "True" }, { type: "Initialized", status: "True" }],
    });
    p.spec!.initContainers![0]!.restartPolicy = "Always";
    expect(podStatusColumn(p).status).toBe("Running");
  });
});
