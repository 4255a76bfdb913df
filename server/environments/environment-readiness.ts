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
  /** What the progress step names, e.g. "redis-0" or "redis-1's wait-for-primary". */
  label: string;
  /** The pod as a timeout names it when it is missing or not there yet, e.g. "redis-1". */
  pod: string;
  find: (pods: PodInfo[]) => PodInfo | undefined;
  /** Whether the found pod is far enough along. */
  satisfied: (pod: PodInfo) => boolean;
  /** The container waited for (all of the pod's are inspected for a hopeless reason when absent). */
  container?: string;
}

export interface Readiness {
  /** The waits still unmet, with what each is doing now, e.g. {what: "redis-1", now: "not created yet"}. */
  pending: { what: string; now: string }[];
  /** A pod that can never get there, and why. */
  stuck?: { pod: string; container: string; reason: string };
}

/** Running, and not a pod on its way out. */
const running = (pod: PodInfo): boolean => pod.phase === "Running" && !pod.deleting;

/**
 * Running, or ran already: an init container that finished, or one crash-looping, has started.
 * A container the runtime could not launch has terminated without ever running.
 */
function started(c: ContainerStatusInfo | undefined): boolean {
  if (!c) return false;
  if (c.state === "running" || c.restartCount > 0) return true;
  return c.state === "terminated" && c.reason !== "StartError" && c.reason !== "ContainerCannotRun";
}

function containerOf(pod: PodInfo, name: string): ContainerStatusInfo | undefined {
  return [...pod.initContainers, ...pod.containers].find((c) => c.name === name);
}

const named = (name: string) => (pods: PodInfo[]) => pods.find((p) => p.name === name);

/** The waits a start of `level` makes, with `toolbox` the name of the level's terminal pod. */
export function readinessWaits(level: LoadedLevel, toolbox: string): ReadinessWait[] {
  const { workload } = level.manifest;
  const waits: ReadinessWait[] = [{ label: toolbox, pod: toolbox, find: named(toolbox), satisfied: running }];
  if (workload.kind === "StatefulSet") {
    const first = `${workload.name}-0`;
    waits.push({ label: first, pod: first, find: named(first), satisfied: running });
  } else {
    // A Deployment's pods have generated names: any pod of one of its ReplicaSets will do.
    const ofWorkload = (p: PodInfo): boolean => p.owner?.kind === "ReplicaSet" && p.owner.name.startsWith(`${workload.name}-`);
    const label = `a pod of Deployment ${workload.name}`;
    waits.push({ label, pod: label, find: (pods) => pods.find((p) => ofWorkload(p) && running(p)) ?? pods.find(ofWorkload), satisfied: running });
  }
  for (const { pod, container } of workload.readyWhenStarted) {
    waits.push({ label: `${pod}'s ${container}`, pod, find: named(pod), satisfied: (p) => !p.deleting && started(containerOf(p, container)), container });
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
      pending.push({ what: wait.pod, now: "not created yet" });
      continue;
    }
    const container = wait.container ? containerOf(pod, wait.container) : undefined;
    const inspected = wait.container ? (container ? [container] : []) : [...pod.initContainers, ...pod.containers];
    const hopeless = inspected.find((c) => c.reason && HOPELESS_WAITING.has(c.reason));
    if (hopeless && !stuck) stuck = { pod: pod.name, container: hopeless.name, reason: hopeless.reason! };
    // A pod on its way out says so ("Terminating"); otherwise the container waited for, or the pod.
    const now = container && !pod.deleting ? `${container.state}${container.reason ? ` (${container.reason})` : ""}` : pod.status;
    pending.push({ what: container ? `${pod.name}'s ${container.name}` : wait.pod, now });
  }
  return stuck ? { pending, stuck } : { pending };
}

/** "toolbox, redis-0 and redis-1's wait-for-primary": the waits' labels as one phrase. */
export function readinessPhrase(waits: ReadinessWait[]): string {
  const labels = waits.map((w) => w.label);
  return labels.length <= 1 ? (labels[0] ?? "") : `${labels.slice(0, -1).join(", ")} and ${labels.at(-1)}`;
}
