/**
 * What a grade looks at: one concurrent read of the namespace's objects (refreshed on demand,
 * e.g. while waiting for pods), and the in-cluster probes, each run at most once per grade.
 * Checks read from here instead of calling the cluster themselves, so a whole grade costs a
 * handful of API calls and two execs.
 */
import type { KubeAdapter, EndpointSliceInfo, PodInfo, ServiceInfo, StatefulSetInfo } from "../kubernetes/kube-adapter";
import type { LoadedLevel } from "../levels/level-catalog";
import { runProbe, type ProbeRecord, type ProbeRequest } from "./probe";

export interface ClusterSnapshot {
  statefulSet: StatefulSetInfo | null;
  /** The Service the StatefulSet names, or the level's default name when it is missing. */
  governingServiceName: string;
  governingService: ServiceInfo | null;
  services: ServiceInfo[];
  pods: PodInfo[];
  /** The workload's pods, by ordinal (a missing pod leaves a hole). */
  workloadPods: (PodInfo | undefined)[];
  endpointSlices: EndpointSliceInfo[];
  deployments: { name: string; replicas: number; readyReplicas: number }[];
}

export class GradeContext {
  private snapshotPromise: Promise<ClusterSnapshot> | undefined;
  private readonly probes = new Map<string, Promise<ProbeRecord[]>>();

  constructor(
    readonly kube: KubeAdapter,
    readonly level: LoadedLevel,
    readonly namespace: string,
  ) {}

  get workload() {
    return this.level.manifest.workload;
  }

  /** The per-pod DNS name of ordinal i under the governing Service. */
  podDnsName(snapshot: ClusterSnapshot, ordinal: number): string {
    return `${this.workload.name}-${ordinal}.${snapshot.governingServiceName}.${this.namespace}.svc.cluster.local`;
  }

  serviceDnsName(snapshot: ClusterSnapshot): string {
    return `${snapshot.governingServiceName}.${this.namespace}.svc.cluster.local`;
  }

  snapshot(): Promise<ClusterSnapshot> {
    this.snapshotPromise ??= this.read();
    return this.snapshotPromise;
  }

  /** Reads the namespace again (pods change while we wait for them). */
  refresh(): Promise<ClusterSnapshot> {
    this.snapshotPromise = this.read();
    this.probes.clear();
    return this.snapshotPromise;
  }

  /** Runs a set of probe requests once per grade (keyed by name) and caches the records. */
  probe(key: string, requests: ProbeRequest[], timeoutMs?: number): Promise<ProbeRecord[]> {
    let p = this.probes.get(key);
    if (!p) {
      p = runProbe(this.kube, requests, timeoutMs);
      this.probes.set(key, p);
    }
    return p;
  }

  /**
   * Starts the shared DNS/Redis probe early (errors surface in the checks that await it).
   * Imported lazily: the request list lives with the DNS checks.
   */
  async prefetchClusterProbe(): Promise<void> {
    try {
      const { clusterProbe } = await import("./checks/dns-checks");
      await clusterProbe(this);
    } catch {
      // The check that needs the probe reports the failure with its own words.
    }
  }

  private async read(): Promise<ClusterSnapshot> {
    const ns = this.namespace;
    const [statefulSet, services, pods, endpointSlices, deployments] = await Promise.all([
      this.kube.getStatefulSet(ns, this.workload.name),
      this.kube.listServices(ns),
      this.kube.listPods(ns),
      this.kube.listEndpointSlices(ns),
      this.kube.listDeployments(ns),
    ]);
    const governingServiceName = statefulSet?.serviceName || this.workload.defaultServiceName;
    const workloadPods: (PodInfo | undefined)[] = [];
    for (let i = 0; i < this.workload.replicas; i++) {
      workloadPods.push(
        pods.find(
          (p) =>
            p.name === `${this.workload.name}-${i}` &&
            p.owner?.kind === "StatefulSet" &&
            p.owner.name === this.workload.name,
        ),
      );
    }
    return {
      statefulSet,
      governingServiceName,
      governingService: services.find((s) => s.name === governingServiceName) ?? null,
      services,
      pods,
      workloadPods,
      endpointSlices: endpointSlices.filter((s) => s.serviceName === governingServiceName),
      deployments,
    };
  }
}

/** True when every key/value of `selector` is on `labels` (an empty selector selects nothing here). */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

export const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
