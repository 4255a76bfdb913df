/**
 * What a check may read from the learner's namespace. Each read is a named value a check lists
 * in its definition (`reads`); the grade context gathers the reads that the level's checks list,
 * all at once, and nothing else. A new kind of read is a new constant here or in the check's own
 * module, never a change to the grade context.
 *
 * A read may build on other reads (`source.get`): within one snapshot each read runs once, so
 * two checks that both look at the Services share one API call.
 *
 * A read need not come from the Kubernetes API: the node-rules check's read (NODE_RULES in
 * checks/node-rules-check.ts) execs iptables-save in the platform's collector in
 * kubequest-system and keeps this namespace's kube-proxy rules, declared by that check type like
 * any other read. That is why a lister can exec and read a DaemonSet.
 */
import type { DeploymentInfo, EndpointSliceInfo, KubeAdapter, PodInfo, ServiceInfo } from "../kubernetes/kube-adapter";
import type { LevelManifest } from "../../lib/levels/level-schema";

/**
 * The cluster calls a read may make: lists of one namespace's objects, and what the node-rules
 * read asks of KubeQuest's collector (its DaemonSet, an exec in its pods). The grader makes them
 * against the API server; the live checks answer the lists from the live view's last read.
 */
export type NamespaceLister = Pick<KubeAdapter, "listServices" | "listPods" | "listEndpointSlices" | "listDeployments" | "getStatefulSet" | "getDaemonSet" | "exec">;

/** What a read may use: the cluster, the namespace, the level, and the snapshot's other reads. */
export interface ReadSource {
  readonly kube: NamespaceLister;
  readonly namespace: string;
  readonly manifest: LevelManifest;
  /** Another read of the same snapshot (run once per snapshot, however many reads ask). */
  get<T>(read: NamespaceRead<T>): Promise<T>;
}

export interface NamespaceRead<T> {
  /** Unique among reads: names the read in errors ("check x did not declare read y"). */
  readonly name: string;
  read(source: ReadSource): Promise<T>;
}

export const SERVICES: NamespaceRead<ServiceInfo[]> = { name: "services", read: (s) => s.kube.listServices(s.namespace) };
export const PODS: NamespaceRead<PodInfo[]> = { name: "pods", read: (s) => s.kube.listPods(s.namespace) };
export const ENDPOINT_SLICES: NamespaceRead<EndpointSliceInfo[]> = { name: "endpointSlices", read: (s) => s.kube.listEndpointSlices(s.namespace) };
export const DEPLOYMENTS: NamespaceRead<DeploymentInfo[]> = { name: "deployments", read: (s) => s.kube.listDeployments(s.namespace) };

/** True when every key/value of `selector` is on `labels` (an empty selector selects nothing here). */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** The pods of Deployment `deployment`: those its selector matches that a ReplicaSet owns. */
export function podsOfDeployment(deployment: DeploymentInfo | undefined, pods: readonly PodInfo[]): PodInfo[] {
  if (!deployment) return [];
  return pods.filter((p) => p.owner?.kind === "ReplicaSet" && selectorMatches(deployment.selector, p.labels));
}

/** The level's workload when it is a Deployment: the Deployment (null when gone) and its pods. */
export interface DeploymentWorkload {
  name: string;
  deployment: DeploymentInfo | null;
  /** Its pods, by name; terminating ones included (each carries `deleting`). */
  pods: PodInfo[];
}

export const DEPLOYMENT_WORKLOAD: NamespaceRead<DeploymentWorkload> = {
  name: "deploymentWorkload",
  async read(s) {
    const [deployments, pods] = await Promise.all([s.get(DEPLOYMENTS), s.get(PODS)]);
    const { name } = s.manifest.workload;
    const deployment = deployments.find((d) => d.name === name) ?? null;
    return { name, deployment, pods: podsOfDeployment(deployment ?? undefined, pods) };
  },
};

/** The level's workload's pods, whichever kind it is: a Deployment's, or a StatefulSet's by owner. */
export const WORKLOAD_PODS: NamespaceRead<PodInfo[]> = {
  name: "workloadPods",
  async read(s) {
    const { kind, name } = s.manifest.workload;
    if (kind === "Deployment") return (await s.get(DEPLOYMENT_WORKLOAD)).pods;
    return (await s.get(PODS)).filter((p) => p.owner?.kind === "StatefulSet" && p.owner.name === name);
  },
};

/** IPs of the Ready, not terminating pods among `pods`, sorted: what a headless Service's name answers. */
export function readyPodIPs(pods: readonly PodInfo[]): string[] {
  return pods.flatMap((p) => (p.ready && !p.deleting && p.ip ? [p.ip] : [])).sort();
}

/** The reads of one look at the namespace. */
export interface Snapshot {
  /** The value of a read the level's checks declared; throws for one no check declared. */
  get<T>(read: NamespaceRead<T>): T;
}

/**
 * One look at the namespace: every read of `reads`, each once, side by side (a read built on
 * another shares its value). Asking the snapshot for a read not in `reads` throws, naming it.
 */
export async function takeSnapshot(
  where: { kube: NamespaceLister; namespace: string; manifest: LevelManifest },
  reads: readonly NamespaceRead<unknown>[],
): Promise<Snapshot> {
  const started = new Map<string, Promise<unknown>>();
  const source: ReadSource = {
    ...where,
    get: <T>(read: NamespaceRead<T>): Promise<T> => {
      let p = started.get(read.name);
      if (!p) {
        p = read.read(source);
        started.set(read.name, p);
      }
      return p as Promise<T>;
    },
  };
  await Promise.all(reads.map((r) => source.get(r)));
  const values = new Map<string, unknown>();
  for (const [name, p] of started) values.set(name, await p);
  const levelId = where.manifest.id;
  return {
    get<T>(read: NamespaceRead<T>): T {
      if (!values.has(read.name)) throw new Error(`no check of level ${levelId} declares the read "${read.name}": add it to the check's reads`);
      return values.get(read.name) as T;
    },
  };
}
