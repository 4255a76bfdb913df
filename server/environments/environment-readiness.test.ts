// When a start hands the level over: the toolbox, the workload's first pod, and every container
// the level lists in readyWhenStarted started; and a container that can never start fails the
// start at once, naming the pod as a learner would.
import { describe, expect, it } from "vitest";
import type { ContainerStatusInfo, PodInfo } from "../kubernetes/kube-adapter";
import type { LoadedLevel } from "../levels/level-catalog";
import { readinessOf, readinessPhrase, readinessWaits } from "./environment-readiness";

const container = (name: string, state: string, reason?: string): ContainerStatusInfo => ({ name, ready: state === "running", restartCount: 0, state, ...(reason ? { reason } : {}) });

function pod(name: string, phase: string, opts: { init?: ContainerStatusInfo[]; containers?: ContainerStatusInfo[]; status?: string; owner?: PodInfo["owner"] } = {}): PodInfo {
  return {
    name,
    uid: `uid-${name}`,
    phase,
    status: opts.status ?? phase,
    initContainers: opts.init ?? [],
    containers: opts.containers ?? [],
    deleting: false,
    createdAt: "2026-12-02T00:00:00Z",
    ...(opts.owner ? { owner: opts.owner } : {}),
  } as PodInfo;
}

const statefulSetLevel = (readyWhenStarted: { pod: string; container: string }[]) =>
  ({ manifest: { workload: { kind: "StatefulSet", name: "redis", replicas: 3, defaultServiceName: "redis", readyWhenStarted } } }) as unknown as LoadedLevel;

describe("readinessOf", () => {
  const waits = readinessWaits(statefulSetLevel([{ pod: "redis-1", container: "wait-for-primary" }]), "toolbox");
  const toolbox = pod("toolbox", "Running");
  const redis0 = pod("redis-0", "Running");

  it("waits for redis-1's init container after redis-0 runs, and names what each is doing", () => {
    expect(readinessPhrase(waits)).toBe("toolbox, redis-0 and redis-1's wait-for-primary");
    expect(readinessOf(waits, [toolbox, redis0]).pending).toEqual([{ label: "redis-1's wait-for-primary", now: "not created yet" }]);
    const initialising = pod("redis-1", "Pending", { status: "Init:0/1", init: [container("wait-for-primary", "waiting", "PodInitializing")] });
    expect(readinessOf(waits, [toolbox, redis0, initialising]).pending).toEqual([{ label: "redis-1's wait-for-primary", now: "waiting (PodInitializing)" }]);
    const waiting = pod("redis-1", "Pending", { status: "Init:0/1", init: [container("wait-for-primary", "running")], containers: [container("redis", "waiting", "PodInitializing")] });
    expect(readinessOf(waits, [toolbox, redis0, waiting])).toEqual({ pending: [] });
  });

  it("counts a listed container that already ran (finished, or restarting) as started", () => {
    const finished = pod("redis-1", "Running", { init: [container("wait-for-primary", "terminated", "Completed")], containers: [container("redis", "running")] });
    expect(readinessOf(waits, [toolbox, redis0, finished])).toEqual({ pending: [] });
    const crashLooping = { ...container("wait-for-primary", "waiting", "CrashLoopBackOff"), restartCount: 2 };
    expect(readinessOf(waits, [toolbox, redis0, pod("redis-1", "Pending", { init: [crashLooping] })])).toEqual({ pending: [] });
  });

  it("does not take a pod being deleted (a reset's old redis-1) for the new one", () => {
    const old = { ...pod("redis-1", "Pending", { init: [container("wait-for-primary", "running")] }), deleting: true };
    expect(readinessOf(waits, [toolbox, redis0, old]).pending).toHaveLength(1);
  });

  it("fails at once when a listed container can never start, naming the pod", () => {
    const broken = pod("redis-1", "Pending", { init: [container("wait-for-primary", "waiting", "ErrImageNeverPull")] });
    expect(readinessOf(waits, [toolbox, redis0, broken]).stuck).toEqual({ pod: "redis-1", container: "wait-for-primary", reason: "ErrImageNeverPull" });
    const noImage = pod("redis-0", "Pending", { containers: [container("redis", "waiting", "ImagePullBackOff")] });
    expect(readinessOf(waits, [toolbox, noImage]).stuck).toEqual({ pod: "redis-0", container: "redis", reason: "ImagePullBackOff" });
  });

  it("keeps the old rule for a level that lists nothing: the toolbox and the first pod running", () => {
    const plain = readinessWaits(statefulSetLevel([]), "toolbox");
    expect(readinessPhrase(plain)).toBe("toolbox and redis-0");
    expect(readinessOf(plain, [toolbox, redis0])).toEqual({ pending: [] });
    expect(readinessOf(plain, [toolbox]).pending).toEqual([{ label: "redis-0", now: "not created yet" }]);
  });

  it("takes any running pod of a Deployment's ReplicaSets", () => {
    const level = { manifest: { workload: { kind: "Deployment", name: "cache", replicas: 3, defaultServiceName: "cache", readyWhenStarted: [] } } } as unknown as LoadedLevel;
    const deploymentWaits = readinessWaits(level, "toolbox");
    const owner = { kind: "ReplicaSet", name: "cache-5d9f" };
    const starting = pod("cache-5d9f-a", "Pending", { status: "ContainerCreating", owner });
    expect(readinessOf(deploymentWaits, [toolbox, starting]).pending).toEqual([{ label: "a pod of Deployment cache", now: "ContainerCreating" }]);
    expect(readinessOf(deploymentWaits, [toolbox, starting, pod("cache-5d9f-b", "Running", { owner })])).toEqual({ pending: [] });
  });
});
