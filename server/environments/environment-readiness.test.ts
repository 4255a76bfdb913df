// When a start hands the level over: the toolbox, the workload's first pod, and every container
// the level lists in readyWhenStarted started; a container that can never start fails the start
// at once, naming the pod; and a timeout says what each unmet wait is doing.
import { describe, expect, it } from "vitest";
import type { ContainerStatusInfo, PodInfo } from "../kubernetes/kube-adapter";
import { podInfo } from "../kubernetes/test-fixtures/pod-info";
import type { LoadedLevel } from "../levels/level-catalog";
import { readinessOf, readinessPhrase, readinessWaits } from "./environment-readiness";

const container = (name: string, state: string, reason?: string): ContainerStatusInfo => ({ name, ready: state === "running", restartCount: 0, state, ...(reason ? { reason } : {}) });
const notReady = (fields: Partial<PodInfo> & { name: string }): PodInfo => podInfo({ phase: "Pending", status: "Pending", ready: false, ...fields });

const statefulSetLevel = (readyWhenStarted: { pod: string; container: string }[]) =>
  ({ manifest: { workload: { kind: "StatefulSet", name: "redis", replicas: 3, defaultServiceName: "redis", readyWhenStarted } } }) as unknown as LoadedLevel;

describe("readinessOf", () => {
  const waits = readinessWaits(statefulSetLevel([{ pod: "redis-1", container: "wait-for-primary" }]), "toolbox");
  const toolbox = podInfo({ name: "toolbox" });
  const redis0 = podInfo({ name: "redis-0" });

  it("waits for redis-1's init container after redis-0 runs, and names what each is doing", () => {
    expect(readinessPhrase(waits)).toBe("toolbox, redis-0 and redis-1's wait-for-primary");
    expect(readinessOf(waits, [toolbox, redis0]).pending).toEqual([{ what: "redis-1", now: "not created yet" }]);
    const initialising = notReady({ name: "redis-1", status: "Init:0/1", initContainers: [container("wait-for-primary", "waiting", "PodInitializing")] });
    expect(readinessOf(waits, [toolbox, redis0, initialising]).pending).toEqual([{ what: "redis-1's wait-for-primary", now: "waiting (PodInitializing)" }]);
    const waiting = notReady({ name: "redis-1", status: "Init:0/1", initContainers: [container("wait-for-primary", "running")], containers: [container("redis", "waiting", "PodInitializing")] });
    expect(readinessOf(waits, [toolbox, redis0, waiting])).toEqual({ pending: [] });
  });

  it("counts a listed container that already ran (finished, or restarting) as started, not one that could not launch", () => {
    const finished = podInfo({ name: "redis-1", initContainers: [container("wait-for-primary", "terminated", "Completed")], containers: [container("redis", "running")] });
    expect(readinessOf(waits, [toolbox, redis0, finished])).toEqual({ pending: [] });
    const crashLooping = { ...container("wait-for-primary", "waiting", "CrashLoopBackOff"), restartCount: 2 };
    expect(readinessOf(waits, [toolbox, redis0, notReady({ name: "redis-1", initContainers: [crashLooping] })])).toEqual({ pending: [] });
    const neverRan = notReady({ name: "redis-1", initContainers: [container("wait-for-primary", "terminated", "StartError")] });
    expect(readinessOf(waits, [toolbox, redis0, neverRan]).pending).toEqual([{ what: "redis-1's wait-for-primary", now: "terminated (StartError)" }]);
  });

  it("takes no pod on its way out for a ready one, and says it is terminating (defensive: a reset deletes the whole namespace first)", () => {
    const leaving = { deleting: true, status: "Terminating" };
    const old = podInfo({ name: "redis-1", initContainers: [container("wait-for-primary", "running")], ...leaving });
    expect(readinessOf(waits, [toolbox, podInfo({ name: "redis-0", ...leaving }), old]).pending).toEqual([
      { what: "redis-0", now: "Terminating" },
      { what: "redis-1's wait-for-primary", now: "Terminating" },
    ]);
  });

  it("fails at once when a listed container can never start, naming the pod", () => {
    const broken = notReady({ name: "redis-1", initContainers: [container("wait-for-primary", "waiting", "ErrImageNeverPull")] });
    expect(readinessOf(waits, [toolbox, redis0, broken]).stuck).toEqual({ pod: "redis-1", container: "wait-for-primary", reason: "ErrImageNeverPull" });
    const noImage = notReady({ name: "redis-0", containers: [container("redis", "waiting", "ImagePullBackOff")] });
    expect(readinessOf(waits, [toolbox, noImage]).stuck).toEqual({ pod: "redis-0", container: "redis", reason: "ImagePullBackOff" });
  });

  it("keeps the old rule for a level that lists nothing: the toolbox and the first pod running", () => {
    const plain = readinessWaits(statefulSetLevel([]), "toolbox");
    expect(readinessPhrase(plain)).toBe("toolbox and redis-0");
    expect(readinessOf(plain, [toolbox, redis0])).toEqual({ pending: [] });
    expect(readinessOf(plain, [toolbox]).pending).toEqual([{ what: "redis-0", now: "not created yet" }]);
  });

  it("takes any running pod of a Deployment's ReplicaSets", () => {
    const level = { manifest: { workload: { kind: "Deployment", name: "cache", replicas: 3, defaultServiceName: "cache", readyWhenStarted: [] } } } as unknown as LoadedLevel;
    const deploymentWaits = readinessWaits(level, "toolbox");
    const owner = { kind: "ReplicaSet", name: "cache-5d9f" };
    const starting = notReady({ name: "cache-5d9f-a", status: "ContainerCreating", owner });
    expect(readinessOf(deploymentWaits, [toolbox, starting]).pending).toEqual([{ what: "a pod of Deployment cache", now: "ContainerCreating" }]);
    expect(readinessOf(deploymentWaits, [toolbox, starting, podInfo({ name: "cache-5d9f-b", owner })])).toEqual({ pending: [] });
  });
});
