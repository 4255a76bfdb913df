/**
 * When a level's environment is ready to hand to a learner: the toolbox pod and the workload's
 * first pod run, and every container the level lists in `workload.readyWhenStarted` has started
 * (the broken state its briefing describes, e.g. redis-1 waiting in its init container). Handed
 * over a moment earlier, the learner's first `kubectl get pods` would show a state the briefing
 * does not describe. Pure: the start, reset and warm pool poll the pods and ask this.
 */
import type { ContainerStatusInfo, PodInfo } from "../kubernetes/kube-adapter";
import type { LoadedLevel } from "../levels/level-catalog";

/** Waiting reasons a pod never recovers from by itself (the level or the cluster is broken). */
const HOPELESS_WAITING = new Set(["ErrImageNeverPull", "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError"]);

/** One condition of readiness: a pod (found among the namespace's pods) in a given state. */
export interface ReadinessWait {
  /** What the progress step and a timeout name, e.g. "redis-0" or "redis-1's wait-for-primary". */
  label: string;
  find: (pods: PodInfo[]) => PodInfo | undefined;
  /** Whether the found pod is far enough along. */
  satisfied: (pod: PodInfo) => boolean;
  /** The container to inspect for a hopeless waiting reason (all of the pod's when absent). */
  container?: string;
}

export interface Readiness {
  /** The waits still unmet, with what each pod is doing now ("not created yet" when absent). */
  pending: { label: string; now: string }[];
  /** A pod that can never get there, and why. */
  stuck?: { pod: string; container: string; reason: string };
}

const running = (pod: PodInfo): boolean => pod.phase === "Running";

/** Running, or ran already: an init container that finished, or one crash-looping, has started. */
const started = (c: ContainerStatusInfo | undefined): boolean => c !== undefined && (c.state === "running" || c.state === "terminated" || c.restartCount > 0);

function containerOf(pod: PodInfo, name: string): ContainerStatusInfo | undefined {
  return [...pod.initContainers, ...pod.containers].find((c) => c.name === name);
}

/** The waits a start of `level` makes, with `toolbox` the name of the level's terminal pod. */
export function readinessWaits(level: LoadedLevel, toolbox: string): ReadinessWait[] {
  const { workload } = level.manifest;
  const waits: ReadinessWait[] = [{ label: toolbox, find: (pods) => pods.find((p) => p.name === toolbox), satisfied: running }];
  if (workload.kind === "StatefulSet") {
    const first = `${workload.name}-0`;
    waits.push({ label: first, find: (pods) => pods.find((p) => p.name === first), satisfied: running });
  } else {
    // A Deployment's pods have generated names: any pod of one of its ReplicaSets will do.
    const ofWorkload = (p: PodInfo): boolean => p.owner?.kind === "ReplicaSet" && p.owner.name.startsWith(`${workload.name}-`);
    waits.push({
      label: `a pod of Deployment ${workload.name}`,
      find: (pods) => pods.find((p) => ofWorkload(p) && running(p)) ?? pods.find(ofWorkload),
      satisfied: running,
    });
  }
  for (const { pod, container } of workload.readyWhenStarted) {
    waits.push({
      label: `${pod}'s ${container}`,
      find: (pods) => pods.find((p) => p.name === pod && !p.deleting),
      satisfied: (p) => started(containerOf(p, container)),
      container,
    });
  }
  return waits;
}

/** Where `pods` stand against `waits`. */
export function readinessOf(waits: ReadinessWait[], pods: PodInfo[]): Readiness {
  const pending: Readiness["pending"] = [];
  let stuck: Readiness["stuck"];
  for (const wait of waits) {
    const pod = wait.find(pods);
    if (pod && wait.satisfied(pod)) continue;
    if (!pod) {
      pending.push({ label: wait.label, now: "not created yet" });
      continue;
    }
    const inspected = wait.container ? [containerOf(pod, wait.container)].filter((c) => c !== undefined) : [...pod.initContainers, ...pod.containers];
    const hopeless = inspected.find((c) => c.reason && HOPELESS_WAITING.has(c.reason));
    if (hopeless && !stuck) stuck = { pod: pod.name, container: hopeless.name, reason: hopeless.reason! };
    const container = wait.container ? containerOf(pod, wait.container) : undefined;
    pending.push({ label: wait.label, now: container ? `${container.state}${container.reason ? ` (${container.reason})` : ""}` : pod.status });
  }
  return stuck ? { pending, stuck } : { pending };
}

/** "toolbox, redis-0 and redis-1's wait-for-primary": the waits' labels as one phrase. */
export function readinessPhrase(waits: ReadinessWait[]): string {
  const labels = waits.map((w) => w.label);
  return labels.length <= 1 ? (labels[0] ?? "") : `${labels.slice(0, -1).join(", ")} and ${labels.at(-1)}`;
}
