/**
 * The live picture of a learner's namespace: Services, StatefulSets, EndpointSlices, pods and
 * what DNS answers for the workload's names. Watches the namespace while at least one socket
 * looks at it, rebuilds the picture 150 ms after the last change (and at least every 500 ms
 * while changes keep coming, so a busy namespace is never left unread), and asks DNS after each
 * change, again as CoreDNS's cached answers expire, and every 30 s when nothing changes.
 * Snapshots go to the namespace's socket.io room. They also name the cluster's nodes (listed
 * at most every NODES_MAX_AGE_MS for all namespaces), so a cluster of several nodes shows which
 * node each pod runs on.
 *
 * DNS is asked of the grader's probe agent through the API server's pod proxy (dns-probe.ts).
 * It used to be an exec into the learner's toolbox, and an exec through the API costs the node
 * about 110 ms of CPU (API server, kubelet, container runtime; measured): asking every 3 s for
 * every open level page spent a third of a core for 8 learners, so the questions follow the
 * changes the watch already sees instead of a clock; and even so a class's churn made several
 * execs a second, which is why the agent asks now.
 *
 * The work per namespace is bounded: a burst of watch events makes one read, one read runs at a
 * time (changes during it make one more), and whoever else needs the namespace's objects on
 * every change (the live checks, `listeners`) gets each read rather than reading again.
 *
 * Node only.
 */
import type { LiveDnsAnswer, LivePod, LiveViewSnapshot } from "../../lib/protocol/socket-events";
import type { EndpointSliceInfo, KubeAdapter, PodInfo, ServiceInfo, StatefulSetInfo } from "../kubernetes/kube-adapter";
import type { ReadyEnvironment } from "../environments/level-environment";
import { moduleLogger } from "../logging/logger";
import { askDns, dnsNamesFor } from "./dns-probe";

const log = moduleLogger("live-view");

/** The namespace's objects as one read of the live view lists them. */
export interface NamespaceLists {
  services: ServiceInfo[];
  statefulSets: StatefulSetInfo[];
  endpointSlices: EndpointSliceInfo[];
  pods: PodInfo[];
  deployments: Awaited<ReturnType<KubeAdapter["listDeployments"]>>;
  /** The cluster's node names, when the server may list nodes. */
  nodes?: string[];
}

/** How old the list of the cluster's nodes may be: nodes come and go far less often than pods. */
export const NODES_MAX_AGE_MS = 30_000;

/** Something else that follows a watched namespace's objects (the live checks). */
export interface NamespaceObjectsListener {
  /** A read of the namespace after a change (or the first one): called once per read. */
  objectsRead(env: ReadyEnvironment, lists: NamespaceLists, readAt: Date): void | Promise<void>;
  /** Another viewer arrived: send again what was last sent. */
  resend(namespace: string): void;
  /** Nobody here looks at the namespace any more: forget it. */
  stopped(namespace: string): void;
}

export interface LiveViewOptions {
  kube: () => KubeAdapter;
  /** Sends a snapshot to everyone looking at `namespace`. */
  emit(namespace: string, snapshot: LiveViewSnapshot): void;
  /** Also told of every read (live checks). */
  listeners?: NamespaceObjectsListener[];
  /** Quiet time after the last watch event before reading (default 150 ms). */
  debounceMs?: number;
  /** Longest a burst of events may hold a read back (default 500 ms). */
  maxWaitMs?: number;
  /** How often to ask DNS when nothing changes (default DNS_IDLE_INTERVAL_MS). */
  dnsIntervalMs?: number;
  /** When to ask DNS again after a change (default DNS_FOLLOW_UPS_MS). */
  dnsFollowUpsMs?: readonly number[];
  /** How DNS is asked (default: the probe agent, see dns-probe.ts); never rejects. */
  askDns?: (names: string[]) => Promise<LiveDnsAnswer[]>;
}

/**
 * After a change, DNS is asked at once (with the read the change triggers) and again these many
 * ms later: CoreDNS answers from its cache for up to the records' 5 s TTL, so the last follow-up
 * comes after that has run out.
 */
export const DNS_FOLLOW_UPS_MS: readonly number[] = [2_000, 6_000];
/** With no change, DNS is still asked this often (CoreDNS itself may change its answers). */
export const DNS_IDLE_INTERVAL_MS = 30_000;

/**
 * When to ask DNS next: the earliest follow-up of the last change still ahead, else one idle
 * interval after the last question (never in the past).
 */
export function nextDnsProbeAt(
  t: { now: number; lastChangeAt: number | undefined; lastProbeAt: number },
  followUpsMs: readonly number[],
  idleIntervalMs: number,
): number {
  const ahead = t.lastChangeAt === undefined ? [] : followUpsMs.map((d) => t.lastChangeAt! + d).filter((at) => at > t.now);
  return ahead.length > 0 ? Math.min(...ahead) : Math.max(t.now, t.lastProbeAt + idleIntervalMs);
}

type Lists = NamespaceLists;

interface Subscription {
  env: ReadyEnvironment;
  stopWatch: () => void;
  debounce?: NodeJS.Timeout;
  /** When the first watch event of the burst not yet read arrived. */
  burstStartedAt?: number;
  /** The next DNS question (see nextDnsProbeAt). */
  dnsTimer?: NodeJS.Timeout;
  /** When the watch last saw a change (undefined: none since the first read). */
  lastChangeAt?: number;
  lastProbeAt: number;
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
        ...(p.nodeName ? { nodeName: p.nodeName } : {}),
        restarts: p.restarts,
        ...(ordinal !== undefined ? { ordinal } : {}),
      };
    }),
    dns,
    ...(lists.nodes ? { nodes: lists.nodes } : {}),
    updatedAt: now.toISOString(),
  };
}

/**
 * How long to wait before reading after a watch event at `now`: the quiet time, but never past
 * `maxWaitMs` after the burst's first event (a namespace that keeps changing is still read).
 */
export function readDelay(now: number, burstStartedAt: number, debounceMs: number, maxWaitMs: number): number {
  return Math.max(0, Math.min(debounceMs, burstStartedAt + maxWaitMs - now));
}

export class NamespaceLiveViews {
  private readonly subs = new Map<string, Subscription>();
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly dnsIntervalMs: number;
  private readonly dnsFollowUpsMs: readonly number[];
  private readonly listeners: readonly NamespaceObjectsListener[];
  private readonly askDns: (names: string[]) => Promise<LiveDnsAnswer[]>;
  /** The cluster's node names, shared by every namespace's reads; undefined where listing nodes fails. */
  private nodes?: { at: number; names: Promise<string[] | undefined> };

  constructor(private readonly opts: LiveViewOptions) {
    this.debounceMs = opts.debounceMs ?? 150;
    this.maxWaitMs = Math.max(this.debounceMs, opts.maxWaitMs ?? 500);
    this.dnsIntervalMs = opts.dnsIntervalMs ?? DNS_IDLE_INTERVAL_MS;
    this.dnsFollowUpsMs = opts.dnsFollowUpsMs ?? DNS_FOLLOW_UPS_MS;
    this.listeners = opts.listeners ?? [];
    this.askDns = opts.askDns ?? ((names) => askDns(opts.kube(), names));
  }

  /** Starts watching the environment's namespace, or (already watching) re-sends the last snapshot. */
  subscribe(env: ReadyEnvironment): void {
    const existing = this.subs.get(env.namespace);
    if (existing) {
      existing.env = env;
      if (existing.last) this.opts.emit(env.namespace, { ...existing.last, updatedAt: new Date().toISOString() });
      for (const listener of this.listeners) listener.resend(env.namespace);
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
      lastProbeAt: 0,
    };
    this.subs.set(env.namespace, sub);
    // Deployments too: a learner who swaps the StatefulSet for a Deployment is told so live.
    sub.stopWatch = kube.watch(env.namespace, ["Pod", "Service", "StatefulSet", "EndpointSlice", "Deployment"], () => this.schedule(sub));
    void this.build(sub).then(() => this.probeDns(sub));
  }

  unsubscribe(namespace: string): void {
    const sub = this.subs.get(namespace);
    if (!sub) return;
    sub.stopped = true;
    sub.stopWatch();
    clearTimeout(sub.dnsTimer);
    if (sub.debounce) clearTimeout(sub.debounce);
    this.subs.delete(namespace);
    for (const listener of this.listeners) listener.stopped(namespace);
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
    const now = Date.now();
    sub.burstStartedAt ??= now;
    sub.debounce = setTimeout(() => {
      sub.debounce = undefined;
      sub.burstStartedAt = undefined;
      sub.lastChangeAt = Date.now();
      void this.build(sub).then(() => this.probeDns(sub));
    }, readDelay(now, sub.burstStartedAt, this.debounceMs, this.maxWaitMs));
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
      const [services, statefulSets, endpointSlices, pods, deployments, nodes] = await Promise.all([
        kube.listServices(ns),
        kube.listStatefulSets(ns),
        kube.listEndpointSlices(ns),
        kube.listPods(ns),
        kube.listDeployments(ns),
        this.nodeNames(kube),
      ]);
      if (sub.stopped) return;
      sub.lists = { services, statefulSets, endpointSlices, pods, deployments, ...(nodes ? { nodes } : {}) };
      this.send(sub);
      const readAt = new Date();
      for (const listener of this.listeners) {
        const failed = (err: unknown) => log.error({ err, namespace: ns }, "a live view listener failed");
        try {
          void Promise.resolve(listener.objectsRead(sub.env, sub.lists, readAt)).catch(failed);
        } catch (err) {
          failed(err);
        }
      }
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

  /** The cluster's node names, listed at most every NODES_MAX_AGE_MS; undefined when the cluster will not say. */
  private nodeNames(kube: KubeAdapter): Promise<string[] | undefined> {
    if (!this.nodes || this.nodes.at < Date.now() - NODES_MAX_AGE_MS) {
      this.nodes = {
        at: Date.now(),
        names: Promise.resolve()
          .then(() => kube.listNodes())
          .then(
            (nodes) => nodes.map((n) => n.name).sort(),
            () => undefined,
          ),
      };
    }
    return this.nodes.names;
  }

  private async probeDns(sub: Subscription): Promise<void> {
    if (sub.stopped) return;
    if (!sub.lists) {
      // No picture yet (the first read failed): this counts as a try, and the next one comes at
      // the idle cadence (or with the watch's next change), never in a loop.
      sub.lastProbeAt = Date.now();
      this.scheduleDnsProbe(sub);
      return;
    }
    if (sub.probing) {
      sub.probeAgain = true;
      return;
    }
    sub.probing = true;
    clearTimeout(sub.dnsTimer);
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
      // The probe bounds each lookup (about 4 s when DNS does not answer at all); a probe that
      // cannot be asked says so per name, as ours.
      const answers = await this.askDns(names);
      if (!sub.stopped && JSON.stringify(answers) !== JSON.stringify(sub.dns)) {
        sub.dns = answers;
        this.send(sub);
      }
    } finally {
      sub.probing = false;
      sub.lastProbeAt = Date.now();
    }
    if (sub.probeAgain && !sub.stopped) {
      sub.probeAgain = false;
      await this.probeDns(sub);
      return;
    }
    this.scheduleDnsProbe(sub);
  }

  private scheduleDnsProbe(sub: Subscription): void {
    if (sub.stopped) return;
    clearTimeout(sub.dnsTimer);
    const now = Date.now();
    const at = nextDnsProbeAt({ now, lastChangeAt: sub.lastChangeAt, lastProbeAt: sub.lastProbeAt }, this.dnsFollowUpsMs, this.dnsIntervalMs);
    sub.dnsTimer = setTimeout(() => void this.probeDns(sub), at - now);
    sub.dnsTimer.unref();
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
