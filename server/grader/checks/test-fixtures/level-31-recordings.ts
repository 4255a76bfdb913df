/**
 * What a Level 31 namespace looks like to the grader, for the checks' unit tests: Deployment
 * `cache` (three Redis pods owned by a ReplicaSet), the Services `cache` and `cache-peers` over
 * them, the invalidator (its inbox is a Redis), the web front end and the toolbox, as the API
 * returns them; and what the probe pod's tools answer: nslookup, dig SRV, redis-cli. The
 * builders vary one thing at a time from a solved namespace.
 */
import type { V1Deployment, V1Pod, V1Service } from "@kubernetes/client-node";
import { nxdomainSrv, podsSrv, virtualSrv } from "./dig-recordings";
import { nslookupAnswer, nslookupNxdomain, type NamespaceObjects, type ProbeWorld } from "./level-30-recordings";

export const NS31 = "kq-8c41d7e2b5-31";
export const CACHE_IPS = ["10.244.0.31", "10.244.0.32", "10.244.0.33"] as const;
export const INBOX_IP = "10.244.0.40";
/** The virtual IPs of the two Services, while they have one. */
export const CACHE_VIP = "10.96.201.14";
export const PEERS_VIP = "10.96.77.5";
export const REPLICA_SET = "cache-5d8c7b6f9";
const SUFFIXES = ["b4x7q", "f2k9m", "w8n3t"] as const;
export const cachePodName = (i: number) => `${REPLICA_SET}-${SUFFIXES[i] ?? `p${i}`}`;
export const dnsName = (service: string) => `${service}.${NS31}.svc.cluster.local`;
export const srvName = (service: string, port = "redis") => `_${port}._tcp.${dnsName(service)}`;

const created = new Date("2026-11-30T10:02:11Z");

export interface CachePodShape {
  ip?: string | null;
  ready?: boolean;
  deleting?: boolean;
  labels?: Record<string, string>;
  /** The pod's owner: the cache's ReplicaSet by default; `null` for a bare pod. */
  owner?: { kind: string; name: string } | null;
  status?: "Running" | "ContainerCreating" | "CrashLoopBackOff";
}

function pod(name: string, labels: Record<string, string>, ip: string | undefined, ready: boolean, owner: { kind: string; name: string } | null, extra: { deleting?: boolean; waiting?: string } = {}): V1Pod {
  const condition = (type: string, status: boolean) => ({ type, status: status ? "True" : "False", lastTransitionTime: created });
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: NS31,
      uid: `pod-${name}`,
      labels,
      ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: owner.kind, name: owner.name, uid: `rs-${owner.name}`, controller: true, blockOwnerDeletion: true }] } : {}),
      creationTimestamp: created,
      ...(extra.deleting ? { deletionTimestamp: new Date("2026-11-30T10:20:00Z"), deletionGracePeriodSeconds: 2 } : {}),
    },
    spec: { containers: [{ name: "redis", image: "kubequest/redis:7.0.15-2" }] },
    status: {
      phase: extra.waiting === "ContainerCreating" ? "Pending" : "Running",
      conditions: [condition("Ready", ready), condition("ContainersReady", ready), condition("PodScheduled", true)],
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      containerStatuses: [
        {
          name: "redis",
          image: "docker.io/kubequest/redis:7.0.15-2",
          imageID: "",
          ready,
          restartCount: extra.waiting === "CrashLoopBackOff" ? 4 : 0,
          started: !extra.waiting,
          state: extra.waiting ? { waiting: { reason: extra.waiting } } : { running: { startedAt: created } },
        },
      ],
    },
  };
}

/** Cache pod i, a pod of Deployment `cache`. */
export function cachePod(i: number, shape: CachePodShape = {}): V1Pod {
  const ip = shape.ip === null ? undefined : (shape.ip ?? CACHE_IPS[i]);
  const waiting = shape.status && shape.status !== "Running" ? shape.status : undefined;
  const owner = shape.owner === undefined ? { kind: "ReplicaSet", name: REPLICA_SET } : shape.owner;
  return pod(cachePodName(i), shape.labels ?? { app: "cache", "pod-template-hash": "5d8c7b6f9" }, ip, shape.ready ?? !waiting, owner, { deleting: shape.deleting, waiting });
}

export function invalidatorPod(ready = true): V1Pod {
  return pod("invalidator-7f6b9d8c5-q4w2e", { app: "invalidator", "pod-template-hash": "7f6b9d8c5" }, INBOX_IP, ready, { kind: "ReplicaSet", name: "invalidator-7f6b9d8c5" });
}

export function webPod(): V1Pod {
  return pod("web-6c9d7f5b8-m3n8k", { app: "web", "pod-template-hash": "6c9d7f5b8" }, "10.244.0.41", true, { kind: "ReplicaSet", name: "web-6c9d7f5b8" });
}

export function deployment31(name: string, replicas: number, readyReplicas = replicas, matchLabels: Record<string, string> = { app: name }): V1Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: NS31, uid: `deploy-${name}`, labels: { app: name } },
    spec: { replicas, selector: { matchLabels }, template: { metadata: { labels: matchLabels }, spec: { containers: [{ name }] } } },
    status: { replicas, readyReplicas, availableReplicas: readyReplicas },
  };
}

export interface CacheServiceShape {
  /** "None" for headless. */
  clusterIP?: string;
  selector?: Record<string, string>;
  /** The Service's ports; the `redis` port by default, `[]` for none. */
  ports?: { name?: string; port: number }[];
}

export function cacheService(name: string, shape: CacheServiceShape = {}): V1Service {
  const clusterIP = shape.clusterIP ?? (name === "cache" ? CACHE_VIP : "None");
  const ports = shape.ports ?? [{ name: "redis", port: 6379 }];
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: NS31, uid: `svc-${name}`, labels: { app: "cache" }, creationTimestamp: created },
    spec: {
      type: "ClusterIP",
      clusterIP,
      clusterIPs: [clusterIP],
      selector: shape.selector ?? { app: "cache" },
      ...(ports.length ? { ports: ports.map((p) => ({ ...p, protocol: "TCP", targetPort: p.name ?? p.port })) } : {}),
    },
  };
}

/** A solved Level 31 namespace; `changes` replaces whole lists. */
export function solved31(changes: Partial<NamespaceObjects> = {}): NamespaceObjects {
  return {
    statefulSets: [],
    services: [cacheService("cache"), cacheService("cache-peers")],
    pods: [cachePod(0), cachePod(1), cachePod(2), invalidatorPod(), webPod()],
    endpointSlices: [],
    deployments: [deployment31("cache", 3), deployment31("invalidator", 1), deployment31("web", 1)],
    ...changes,
  };
}

/** The untouched start: cache-peers has a virtual IP. */
export function broken31(): NamespaceObjects {
  return solved31({ services: [cacheService("cache"), cacheService("cache-peers", { clusterIP: PEERS_VIP })] });
}

/**
 * What the probe pod sees: DNS for both Services, the inbox taking writes, and each cache pod
 * receiving what the invalidator sends (`reached` says which pods it reaches; the others hold `stale`).
 */
export function world31(opts: { peers?: "headless" | "virtual" | "nxdomain" | "no-ports"; cache?: "virtual" | "headless"; reached?: readonly number[]; stale?: string } = {}): ProbeWorld {
  const peers = opts.peers ?? "headless";
  const cache = opts.cache ?? "virtual";
  const reached = new Set(opts.reached ?? [0, 1, 2]);
  const dns: ProbeWorld["dns"] = {
    [dnsName("cache")]: nslookupAnswer(dnsName("cache"), cache === "virtual" ? [CACHE_VIP] : CACHE_IPS),
    [dnsName("cache-peers")]: peers === "virtual" ? nslookupAnswer(dnsName("cache-peers"), [PEERS_VIP]) : peers === "nxdomain" ? nslookupNxdomain(dnsName("cache-peers")) : nslookupAnswer(dnsName("cache-peers"), CACHE_IPS),
  };
  const srv: Record<string, string> = {
    [srvName("cache")]: cache === "virtual" ? virtualSrv(srvName("cache"), dnsName("cache"), CACHE_VIP) : podsSrv(srvName("cache"), dnsName("cache"), CACHE_IPS),
    [srvName("cache-peers")]:
      peers === "virtual" ? virtualSrv(srvName("cache-peers"), dnsName("cache-peers"), PEERS_VIP) : peers === "headless" ? podsSrv(srvName("cache-peers"), dnsName("cache-peers"), CACHE_IPS) : nxdomainSrv(srvName("cache-peers")),
  };
  const redis: ProbeWorld["redis"] = { [INBOX_IP]: { info: "role:master", setReply: "OK", receivesWrites: true } };
  CACHE_IPS.forEach((ip, i) => {
    redis[ip] = { info: "role:master", setReply: "OK", receivesWrites: reached.has(i), holds: opts.stale ?? "v1" };
  });
  return { dns, srv, redis };
}
