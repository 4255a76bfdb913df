/**
 * What a grade looks at: one concurrent read of the namespace's objects (refreshed on demand,
 * e.g. while waiting for pods), and the in-cluster probes, each run at most once per grade.
 * Checks read from here instead of calling the cluster themselves, so a whole grade costs a
 * handful of API calls and two execs.
 *
 * Every read and probe here is idempotent, so a transient failure (an API error, the probe pod
 * gone) is retried with backoff until the current check's budget runs out; what still fails is
 * thrown, and the runner turns it into the check's `error` status (see grade-failure.ts).
 */
import type { KubeAdapter, EndpointSliceInfo, PodInfo, ServiceInfo, StatefulSetInfo } from "../kubernetes/kube-adapter";
import type { LevelManifest } from "../../lib/levels/level-schema";
import type { LoadedLevel } from "../levels/level-catalog";
import { isTransient, RetriesExhausted, withRetries } from "./grade-failure";
import { runProbe, type ProbeRecord, type ProbeRequest } from "./probe";

/** How long a check may spend retrying reads and probes unless it says otherwise. */
export const DEFAULT_CHECK_BUDGET_MS = 20_000;

export interface GradeContextOptions {
  /** The probe pod to gather DNS and Redis evidence from (the server's by default). */
  probePod?: string;
  /** The wait after a new probe pod is ready (the probe pod's default unless given). */
  probePodSettleMs?: number;
}

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
  /** Until when the running check may retry (set by the runner before each check). */
  private budgetDeadline = Date.now() + DEFAULT_CHECK_BUDGET_MS;

  constructor(
    readonly kube: KubeAdapter,
    readonly level: LoadedLevel,
    readonly namespace: string,
    readonly options: GradeContextOptions = {},
  ) {}

  /** Starts a check's budget: reads and probes retry until `ms` from now. */
  setBudget(ms: number): void {
    this.budgetDeadline = Date.now() + ms;
  }

  /** Runs an idempotent read or probe, retrying transient failures within the budget. */
  retrying<T>(attempt: () => Promise<T>): Promise<T> {
    return withRetries(attempt, { deadline: this.budgetDeadline });
  }

  get workload(): Workload {
    return this.level.manifest.workload;
  }

  /** The per-pod DNS name of ordinal i under `service` (the governing Service's by default). */
  podDnsName(snapshot: ClusterSnapshot, ordinal: number, service = snapshot.governingServiceName): string {
    return `${this.workload.name}-${ordinal}.${service}.${this.namespace}.svc.cluster.local`;
  }

  serviceDnsName(snapshot: ClusterSnapshot, service = snapshot.governingServiceName): string {
    return `${service}.${this.namespace}.svc.cluster.local`;
  }

  snapshot(): Promise<ClusterSnapshot> {
    if (!this.snapshotPromise) {
      const p = this.retrying(() => this.read());
      this.snapshotPromise = p;
      p.catch(() => {
        if (this.snapshotPromise === p) this.snapshotPromise = undefined;
      });
    }
    return this.snapshotPromise;
  }

  /** Reads the namespace again (pods change while we wait for them). */
  refresh(): Promise<ClusterSnapshot> {
    this.snapshotPromise = undefined;
    this.probes.clear();
    return this.snapshot();
  }

  /** Runs a set of probe requests once per grade (keyed by name) and caches the records. */
  probe(key: string, requests: ProbeRequest[], timeoutMs?: number): Promise<ProbeRecord[]> {
    // A run shared with an earlier caller (the prefetch) gave up on *its* budget: the check
    // asking now tries again on its own while its budget lasts.
    return this.sharedProbe(key, requests, timeoutMs).catch((err: unknown) => {
      const cause = err instanceof RetriesExhausted ? err.last : err;
      if (!isTransient(cause) || Date.now() + 1000 > this.budgetDeadline) throw err;
      return this.sharedProbe(key, requests, timeoutMs);
    });
  }

  private sharedProbe(key: string, requests: ProbeRequest[], timeoutMs?: number): Promise<ProbeRecord[]> {
    let p = this.probes.get(key);
    if (!p) {
      p = this.retrying(() =>
        runProbe(this.kube, requests, {
          timeoutMs,
          podName: this.options.probePod,
          podSettleMs: this.options.probePodSettleMs,
          // A probe pod that must be recreated gets what is left of the budget, at least 5 s.
          podReadyTimeoutMs: Math.max(5_000, this.budgetDeadline - Date.now()),
        }),
      );
      this.probes.set(key, p);
      // A failed probe is not cached: a later check (or a refresh) tries afresh.
      p.catch(() => {
        if (this.probes.get(key) === p) this.probes.delete(key);
      });
    }
    return p;
  }

  /** Starts the shared DNS/Redis probe early (errors surface in the checks that await it). */
  async prefetchClusterProbe(): Promise<void> {
    // Starts after the caller's first check set its budget (synchronously, right after this
    // call): the shared reads retry within that check's budget, not the default one.
    await Promise.resolve();
    try {
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
    return snapshotOf(this.workload, { statefulSet, services, pods, endpointSlices, deployments });
  }
}

/** The level's workload, as its manifest declares it. */
export type Workload = LevelManifest["workload"];

/** A namespace's objects as the adapter lists them: what a snapshot is made of. */
export interface NamespaceObjects {
  /** The workload's StatefulSet, or null when there is none. */
  statefulSet: StatefulSetInfo | null;
  services: ServiceInfo[];
  pods: PodInfo[];
  endpointSlices: EndpointSliceInfo[];
  deployments: { name: string; replicas: number; readyReplicas: number }[];
}

/**
 * What the checks look at, made from the namespace's objects: the governing Service, the
 * workload's pods by ordinal, that Service's EndpointSlices. Pure, so the grader's reads and
 * the live view's (live checks) make the very same picture out of the same objects.
 */
export function snapshotOf(workload: Workload, objects: NamespaceObjects): ClusterSnapshot {
  const { statefulSet, services, pods, endpointSlices, deployments } = objects;
  const governingServiceName = statefulSet?.serviceName || workload.defaultServiceName;
  const workloadPods: (PodInfo | undefined)[] = [];
  for (let i = 0; i < workload.replicas; i++) {
    workloadPods.push(
      pods.find((p) => p.name === `${workload.name}-${i}` && p.owner?.kind === "StatefulSet" && p.owner.name === workload.name),
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

/** True when every key/value of `selector` is on `labels` (an empty selector selects nothing here). */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

export const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * The Services whose names the probe looks up: the governing one (replication follows its
 * names), and any Service a DNS check names as the one clients use.
 */
export function lookedUpServices(ctx: GradeContext, snap: ClusterSnapshot): string[] {
  const names = new Set([snap.governingServiceName]);
  for (const check of ctx.level.manifest.grader) {
    if ((check.type === "per-pod-dns" || check.type === "service-dns") && check.params?.service) names.add(check.params.service);
  }
  return [...names];
}

/** The probe every DNS and topology check shares: all lookups and every pod's INFO replication. */
export function clusterProbeRequests(ctx: GradeContext, snap: ClusterSnapshot): ProbeRequest[] {
  const requests: ProbeRequest[] = [];
  // A trailing dot makes each name absolute: one query instead of a walk through the probe
  // pod's search domains first (some of which are forwarded outside the cluster).
  for (const service of lookedUpServices(ctx, snap)) {
    for (let i = 0; i < ctx.workload.replicas; i++) requests.push({ kind: "nslookup", name: `${ctx.podDnsName(snap, i, service)}.` });
    requests.push({ kind: "nslookup", name: `${ctx.serviceDnsName(snap, service)}.` });
  }
  for (const pod of snap.workloadPods) if (pod?.ip) requests.push({ kind: "redis-info", host: pod.ip });
  return requests;
}

export async function clusterProbe(ctx: GradeContext): Promise<{ snap: ClusterSnapshot; records: ProbeRecord[] }> {
  const snap = await ctx.snapshot();
  const records = await ctx.probe("cluster", clusterProbeRequests(ctx, snap));
  return { snap, records };
}
