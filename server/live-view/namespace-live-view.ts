/**
 * The live picture of a learner's namespace: Services, StatefulSets, EndpointSlices, pods and
 * what DNS answers for the workload's names. Watches the namespace while at least one socket
 * looks at it, rebuilds the picture 150 ms after the last change, and asks DNS every 3 s and
 * after changes. Snapshots go to the namespace's socket.io room.
 *
 * Node only.
 */
import type { LiveDnsAnswer, LivePod, LiveViewSnapshot } from "../../lib/protocol/socket-events";
import type { EndpointSliceInfo, KubeAdapter, PodInfo, ServiceInfo, StatefulSetInfo } from "../kubernetes/kube-adapter";
import type { ReadyEnvironment } from "../environments/level-environment";
import { dnsNamesFor, dnsProbeArgv, parseDnsProbeOutput } from "./dns-probe";

export interface LiveViewOptions {
  kube: () => KubeAdapter;
  /** Sends a snapshot to everyone looking at `namespace`. */
  emit(namespace: string, snapshot: LiveViewSnapshot): void;
  debounceMs?: number;
  dnsIntervalMs?: number;
}

interface Lists {
  services: ServiceInfo[];
  statefulSets: StatefulSetInfo[];
  endpointSlices: EndpointSliceInfo[];
  pods: PodInfo[];
}

interface Subscription {
  env: ReadyEnvironment;
  stopWatch: () => void;
  debounce?: NodeJS.Timeout;
  dnsTimer: NodeJS.Timeout;
  lists?: Lists;
  dns: LiveDnsAnswer[];
  /** The last snapshot sent, without its timestamp, to skip sending the same picture twice. */
  lastSent?: string;
  last?: LiveViewSnapshot;
  building: boolean;
  buildAgain: boolean;
  probing: boolean;
  probeAgain: boolean;
  stopped: boolean;
}

/** The ordinal of a StatefulSet pod ("redis-2" → 2) when it belongs to the level's workload. */
function ordinalOf(pod: PodInfo, env: ReadyEnvironment): number | undefined {
  const { workload } = env.level.manifest;
  if (workload.kind !== "StatefulSet" || pod.owner?.kind !== "StatefulSet" || pod.owner.name !== workload.name) return undefined;
  const m = /-(\d+)$/.exec(pod.name);
  return m ? Number(m[1]) : undefined;
}

export function buildSnapshot(env: ReadyEnvironment, lists: Lists, dns: LiveDnsAnswer[], now: Date): LiveViewSnapshot {
  return {
    levelId: env.level.manifest.id,
    namespace: env.namespace,
    services: lists.services.map((s) => ({ name: s.name, type: s.type, clusterIP: s.clusterIP, selector: s.selector })),
    statefulSets: lists.statefulSets.map((s) => ({ name: s.name, serviceName: s.serviceName, replicas: s.replicas, readyReplicas: s.readyReplicas })),
    endpointSlices: lists.endpointSlices.map((slice) => ({
      name: slice.name,
      serviceName: slice.serviceName,
      endpoints: slice.endpoints.flatMap((e) =>
        e.addresses.map((ip) => ({
          ip,
          ...(e.hostname ? { hostname: e.hostname } : {}),
          ...(e.targetPod ? { podName: e.targetPod } : {}),
          ready: e.ready,
        })),
      ),
    })),
    pods: lists.pods.map((p): LivePod => {
      const ordinal = ordinalOf(p, env);
      return {
        name: p.name,
        phase: p.phase,
        status: p.status,
        ready: p.ready,
        ...(p.ip ? { ip: p.ip } : {}),
        restarts: p.restarts,
        ...(ordinal !== undefined ? { ordinal } : {}),
      };
    }),
    dns,
    updatedAt: now.toISOString(),
  };
}

export class NamespaceLiveViews {
  private readonly subs = new Map<string, Subscription>();
  private readonly debounceMs: number;
  private readonly dnsIntervalMs: number;

  constructor(private readonly opts: LiveViewOptions) {
    this.debounceMs = opts.debounceMs ?? 150;
    this.dnsIntervalMs = opts.dnsIntervalMs ?? 3_000;
  }

  /** Starts watching the environment's namespace, or (already watching) re-sends the last snapshot. */
  subscribe(env: ReadyEnvironment): void {
    const existing = this.subs.get(env.namespace);
    if (existing) {
      existing.env = env;
      if (existing.last) this.opts.emit(env.namespace, { ...existing.last, updatedAt: new Date().toISOString() });
      return;
    }
    const kube = this.opts.kube();
    const sub: Subscription = {
      env,
      dns: [],
      building: false,
      buildAgain: false,
      probing: false,
      probeAgain: false,
      stopped: false,
      stopWatch: () => undefined,
      dnsTimer: setInterval(() => void this.probeDns(sub), this.dnsIntervalMs),
    };
    sub.dnsTimer.unref();
    this.subs.set(env.namespace, sub);
    sub.stopWatch = kube.watch(env.namespace, ["Pod", "Service", "StatefulSet", "EndpointSlice"], () => this.schedule(sub));
    void this.build(sub).then(() => this.probeDns(sub));
  }

  unsubscribe(namespace: string): void {
    const sub = this.subs.get(namespace);
    if (!sub) return;
    sub.stopped = true;
    sub.stopWatch();
    clearInterval(sub.dnsTimer);
    if (sub.debounce) clearTimeout(sub.debounce);
    this.subs.delete(namespace);
  }

  stopAll(): void {
    for (const ns of [...this.subs.keys()]) this.unsubscribe(ns);
  }

  isWatching(namespace: string): boolean {
    return this.subs.has(namespace);
  }

  /** The last picture sent for the namespace (null before the first), e.g. for an instructor who starts watching. */
  lastSnapshot(namespace: string): LiveViewSnapshot | null {
    return this.subs.get(namespace)?.last ?? null;
  }

  private schedule(sub: Subscription): void {
    if (sub.stopped) return;
    if (sub.debounce) clearTimeout(sub.debounce);
    sub.debounce = setTimeout(() => {
      sub.debounce = undefined;
      void this.build(sub).then(() => this.probeDns(sub));
    }, this.debounceMs);
  }

  private async build(sub: Subscription): Promise<void> {
    if (sub.stopped) return;
    if (sub.building) {
      sub.buildAgain = true;
      return;
    }
    sub.building = true;
    try {
      const kube = this.opts.kube();
      const ns = sub.env.namespace;
      const [services, statefulSets, endpointSlices, pods] = await Promise.all([
        kube.listServices(ns),
        kube.listStatefulSets(ns),
        kube.listEndpointSlices(ns),
        kube.listPods(ns),
      ]);
      sub.lists = { services, statefulSets, endpointSlices, pods };
      this.send(sub);
    } catch {
      // The cluster is away (or the namespace is being reset): the watch's restart brings the next picture.
    } finally {
      sub.building = false;
    }
    if (sub.buildAgain && !sub.stopped) {
      sub.buildAgain = false;
      await this.build(sub);
    }
  }

  private async probeDns(sub: Subscription): Promise<void> {
    if (sub.stopped || !sub.lists) return;
    if (sub.probing) {
      sub.probeAgain = true;
      return;
    }
    sub.probing = true;
    try {
      const { env } = sub;
      const { workload } = env.level.manifest;
      const sts = sub.lists.statefulSets.find((s) => s.name === workload.name);
      const names = dnsNamesFor({
        namespace: env.namespace,
        serviceName: sts?.serviceName || workload.defaultServiceName,
        workloadKind: workload.kind,
        workloadName: workload.name,
        replicas: sts?.replicas ?? workload.replicas,
      });
      let answers: LiveDnsAnswer[];
      try {
        // The probe bounds each lookup (about 4 s when DNS does not answer at all).
        const result = await this.opts.kube().exec(env.namespace, env.toolboxPod, undefined, dnsProbeArgv(names), { timeoutMs: 30_000 });
        answers = parseDnsProbeOutput(result.stdout, names);
      } catch {
        answers = names.map((name) => ({ name, addresses: [], error: `cannot ask DNS: the ${env.toolboxPod} pod is not running` }));
      }
      if (!sub.stopped && JSON.stringify(answers) !== JSON.stringify(sub.dns)) {
        sub.dns = answers;
        this.send(sub);
      }
    } finally {
      sub.probing = false;
    }
    if (sub.probeAgain && !sub.stopped) {
      sub.probeAgain = false;
      await this.probeDns(sub);
    }
  }

  private send(sub: Subscription): void {
    if (sub.stopped || !sub.lists) return;
    const snapshot = buildSnapshot(sub.env, sub.lists, sub.dns, new Date());
    const { updatedAt: _ignored, ...content } = snapshot;
    const key = JSON.stringify(content);
    if (key === sub.lastSent) return;
    sub.lastSent = key;
    sub.last = snapshot;
    this.opts.emit(sub.env.namespace, snapshot);
  }
}
