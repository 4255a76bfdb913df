/**
 * What a Level 30 namespace looks like to the grader, recorded for the checks' unit tests:
 * the API objects as the Kubernetes API returns them (`kubectl get -o json`, trimmed to the
 * fields anything reads) and the tools' own words as the probe pod's nslookup (bind9
 * dnsutils) and redis-cli 7.0 print them. The builders vary one thing at a time, so each test
 * states the single way its namespace differs from a solved one.
 *
 * The objects go through the adapter's real mappers (kube-object-mappers.ts) in
 * recorded-cluster.ts, so the checks see exactly the PodInfo/ServiceInfo/EndpointSliceInfo a
 * live grade gives them.
 */
import type { V1Deployment, V1EndpointSlice, V1Pod, V1Service, V1StatefulSet } from "@kubernetes/client-node";

export const NS = "kq-5e2b9c4a17-30";
/** The pods' IPs in a solved namespace, by ordinal. */
export const POD_IPS = ["10.244.0.21", "10.244.0.22", "10.244.0.23"] as const;
export const CLUSTER_DNS = "10.96.0.10";
/** The virtual IP the broken Service `redis` got. */
export const VIRTUAL_IP = "10.96.143.7";
export const podDnsName = (ordinal: number, service = "redis") => `redis-${ordinal}.${service}.${NS}.svc.cluster.local`;
export const serviceDnsName = (service = "redis") => `${service}.${NS}.svc.cluster.local`;

const STS_UID = "4b1c9a53-7f0e-4d7a-9a8e-2f1d6c3b5e70";
const created = new Date("2026-11-30T09:12:03Z");

// ---------------------------------------------------------------------------------------------
// Kubernetes objects

export interface StatefulSetShape {
  serviceName?: string;
  replicas?: number;
  readyReplicas?: number;
  matchLabels?: Record<string, string>;
  /** The pod template's labels (the pods carry these); matchLabels by default. */
  templateLabels?: Record<string, string>;
}

export function statefulSet(shape: StatefulSetShape = {}): V1StatefulSet {
  const matchLabels = shape.matchLabels ?? { app: "redis" };
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "redis", namespace: NS, uid: STS_UID, labels: { app: "redis" }, creationTimestamp: created },
    spec: {
      serviceName: shape.serviceName ?? "redis",
      replicas: shape.replicas ?? 3,
      selector: { matchLabels },
      template: { metadata: { labels: shape.templateLabels ?? matchLabels }, spec: { containers: [{ name: "redis", image: "kubequest/redis:7.0.15-2" }] } },
      podManagementPolicy: "OrderedReady",
    },
    status: { replicas: 3, readyReplicas: shape.readyReplicas ?? 3, currentReplicas: 3, updatedReplicas: 3 },
  };
}

export interface ServiceShape {
  /** "None" for headless; an address for a Service with a virtual IP. */
  clusterIP?: string;
  selector?: Record<string, string>;
  type?: string;
}

export function service(name: string, shape: ServiceShape = {}): V1Service {
  const clusterIP = shape.clusterIP ?? "None";
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: NS, uid: `svc-${name}-8d2f`, labels: { app: "redis" }, creationTimestamp: created },
    spec: {
      type: shape.type ?? "ClusterIP",
      clusterIP,
      clusterIPs: [clusterIP],
      selector: shape.selector ?? { app: "redis" },
      ports: [{ name: "redis", port: 6379, protocol: "TCP", targetPort: "redis" }],
      sessionAffinity: "None",
      internalTrafficPolicy: "Cluster",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
    },
    status: { loadBalancer: {} },
  };
}

export interface PodShape {
  /** The pod's IP; `null` for a pod that has none yet (Pending). */
  ip?: string | null;
  /** Every container up and the Ready condition True (default). */
  ready?: boolean;
  /** The init container still waiting (e.g. for the primary's DNS name), with this reason. */
  initWaiting?: string;
  /** The init container running (Init:0/1). */
  initRunning?: boolean;
  /** The redis container waiting with this reason (e.g. CrashLoopBackOff), init done. */
  mainWaiting?: string;
  /** Not scheduled to any node (no room for its requests): no IP, no container has started. */
  unscheduled?: boolean;
  /** Deleted, still terminating. */
  deleting?: boolean;
  labels?: Record<string, string>;
  hostAliases?: { ip: string; hostnames: string[] }[];
  owner?: { kind: string; name: string } | null;
  uid?: string;
  restarts?: number;
  phase?: string;
}

/** A pod of the StatefulSet `redis` (or anything named like one), as the API returns it. */
export function redisPod(ordinal: number, shape: PodShape = {}): V1Pod {
  const name = `redis-${ordinal}`;
  if (shape.unscheduled) return unscheduledPod(ordinal, shape);
  const ip = shape.ip === null ? undefined : (shape.ip ?? POD_IPS[ordinal]);
  const initDone = !shape.initWaiting && !shape.initRunning;
  const ready = shape.ready ?? (initDone && !shape.mainWaiting);
  const owner = shape.owner === undefined ? { kind: "StatefulSet", name: "redis" } : shape.owner;
  const condition = (type: string, status: boolean) => ({ type, status: status ? "True" : "False", lastTransitionTime: created });
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: NS,
      uid: shape.uid ?? `pod-${name}-0c7e`,
      labels: shape.labels ?? {
        app: "redis",
        "apps.kubernetes.io/pod-index": String(ordinal),
        "controller-revision-hash": "redis-6d8f7b9c4d",
        "statefulset.kubernetes.io/pod-name": name,
      },
      ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: owner.kind, name: owner.name, uid: STS_UID, controller: true, blockOwnerDeletion: true }] } : {}),
      creationTimestamp: created,
      ...(shape.deleting ? { deletionTimestamp: new Date("2026-11-30T09:20:00Z"), deletionGracePeriodSeconds: 5 } : {}),
    },
    spec: {
      hostname: name,
      subdomain: "redis",
      ...(shape.hostAliases ? { hostAliases: shape.hostAliases } : {}),
      initContainers: [{ name: "wait-for-primary", image: "kubequest/redis:7.0.15-2" }],
      containers: [{ name: "redis", image: "kubequest/redis:7.0.15-2" }],
    },
    status: {
      phase: shape.phase ?? (initDone ? "Running" : "Pending"),
      conditions: [
        condition("PodReadyToStartContainers", true),
        condition("Initialized", initDone),
        condition("Ready", ready),
        condition("ContainersReady", ready),
        condition("PodScheduled", true),
      ],
      hostIP: "172.18.0.2",
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      initContainerStatuses: [
        {
          name: "wait-for-primary",
          image: "docker.io/kubequest/redis:7.0.15-2",
          imageID: "",
          ready: initDone,
          restartCount: 0,
          started: shape.initRunning ?? false,
          state: shape.initWaiting
            ? { waiting: { reason: shape.initWaiting } }
            : shape.initRunning
              ? { running: { startedAt: created } }
              : { terminated: { exitCode: 0, reason: "Completed", startedAt: created, finishedAt: created } },
        },
      ],
      containerStatuses: [
        {
          name: "redis",
          image: "docker.io/kubequest/redis:7.0.15-2",
          imageID: "",
          ready: initDone && !shape.mainWaiting && ready,
          restartCount: shape.restarts ?? 0,
          started: initDone && !shape.mainWaiting,
          state: !initDone
            ? { waiting: { reason: "PodInitializing" } }
            : shape.mainWaiting
              ? { waiting: { reason: shape.mainWaiting, message: "back-off 40s restarting failed container=redis" } }
              : { running: { startedAt: created } },
        },
      ],
    },
  };
}

function unscheduledPod(ordinal: number, shape: PodShape): V1Pod {
  const pod = redisPod(ordinal, { ...shape, unscheduled: false });
  pod.status = {
    phase: "Pending",
    conditions: [
      {
        type: "PodScheduled",
        status: "False",
        reason: "Unschedulable",
        message: "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
        lastTransitionTime: created,
      },
    ],
    qosClass: "Burstable",
  };
  return pod;
}

/** The platform's toolbox pod: in every level namespace, selected by no level Service. */
export function toolboxPod(): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "toolbox", namespace: NS, uid: "pod-toolbox-91ab", labels: { "app.kubernetes.io/part-of": "kubequest", "kubequest.dev/role": "toolbox" }, creationTimestamp: created },
    spec: { containers: [{ name: "toolbox", image: "kubequest/toolbox:1.34.4-3" }] },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True" }],
      podIP: "10.244.0.9",
      containerStatuses: [{ name: "toolbox", image: "", imageID: "", ready: true, restartCount: 0, started: true, state: { running: { startedAt: created } } }],
    },
  };
}

export interface EndpointShape {
  ip: string;
  /** The pod behind it; none for an endpoint the learner's selector picked up elsewhere. */
  pod?: string;
  /** Written by the endpoints controller only for the StatefulSet's governing Service. */
  hostname?: string;
  ready?: boolean;
}

/** An EndpointSlice of `serviceName`, as the EndpointSlice controller writes it. */
export function endpointSlice(serviceName: string, endpoints: EndpointShape[], suffix = "x7k2p"): V1EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    addressType: "IPv4",
    metadata: {
      name: `${serviceName}-${suffix}`,
      namespace: NS,
      labels: {
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
        "kubernetes.io/service-name": serviceName,
        "service.kubernetes.io/headless": "",
      },
      ownerReferences: [{ apiVersion: "v1", kind: "Service", name: serviceName, uid: `svc-${serviceName}-8d2f`, controller: true, blockOwnerDeletion: true }],
    },
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true, serving: e.ready ?? true, terminating: false },
      ...(e.hostname ? { hostname: e.hostname } : {}),
      nodeName: "kubequest-control-plane",
      ...(e.pod ? { targetRef: { kind: "Pod", name: e.pod, namespace: NS, uid: `pod-${e.pod}-0c7e` } } : {}),
    })),
    ports: [{ name: "redis", port: 6379, protocol: "TCP" }],
  };
}

/** The governing Service's slice in a solved namespace: every pod, ready, with its hostname. */
export const solvedSlice = () => endpointSlice("redis", POD_IPS.map((ip, i) => ({ ip, pod: `redis-${i}`, hostname: `redis-${i}` })));

export function deployment(name: string, replicas: number, readyReplicas: number): V1Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: NS, uid: `deploy-${name}-3e1a`, labels: { app: "redis" } },
    spec: { replicas, selector: { matchLabels: { app: "redis" } }, template: { metadata: { labels: { app: "redis" } }, spec: { containers: [{ name: "redis" }] } } },
    status: { replicas, readyReplicas, availableReplicas: readyReplicas },
  };
}

/** Everything the grader lists in a namespace. */
export interface NamespaceObjects {
  statefulSets: V1StatefulSet[];
  services: V1Service[];
  pods: V1Pod[];
  endpointSlices: V1EndpointSlice[];
  deployments: V1Deployment[];
}

/** A solved Level 30 namespace; `changes` replaces whole lists. */
export function solvedNamespace(changes: Partial<NamespaceObjects> = {}): NamespaceObjects {
  return {
    statefulSets: [statefulSet()],
    services: [service("redis")],
    pods: [redisPod(0), redisPod(1), redisPod(2), toolboxPod()],
    endpointSlices: [solvedSlice()],
    deployments: [],
    ...changes,
  };
}

// ---------------------------------------------------------------------------------------------
// What the tools print (carriage returns already removed, trailing newlines cut, as the probe
// captures them with $(...))

/** An nslookup that got an answer: one Name/Address pair per address. */
export function nslookupAnswer(name: string, addresses: readonly string[]): { exitCode: number; output: string } {
  const answer = addresses.map((a) => `Name:\t${name}\nAddress: ${a}`).join("\n");
  return { exitCode: 0, output: `Server:\t\t${CLUSTER_DNS}\nAddress:\t${CLUSTER_DNS}#53\n\n${answer}` };
}

export function nslookupNxdomain(name: string): { exitCode: number; output: string } {
  return { exitCode: 1, output: `Server:\t\t${CLUSTER_DNS}\nAddress:\t${CLUSTER_DNS}#53\n\n** server can't find ${name}: NXDOMAIN` };
}

/** Cluster DNS did not answer at all (the learner's NetworkPolicy can do this). */
export const nslookupTimeout = { exitCode: 1, output: ";; communications error to 10.96.0.10#53: timed out\n;; communications error to 10.96.0.10#53: timed out\n;; no servers could be reached" };

/** `redis-cli INFO replication` of a primary listing these replicas (by announced name or IP). */
export function primaryInfo(replicas: readonly string[], states: readonly string[] = []): string {
  return [
    "# Replication",
    "role:master",
    `connected_slaves:${replicas.length}`,
    ...replicas.map((ip, i) => `slave${i}:ip=${ip},port=6379,state=${states[i] ?? "online"},offset=1652,lag=0`),
    "master_failover_state:no-failover",
    "master_replid:3b8e2f6d1c0a9e7b5d4c3a2f1e0d9c8b7a6f5e4d",
    "master_replid2:0000000000000000000000000000000000000000",
    "master_repl_offset:1652",
    "second_repl_offset:-1",
    "repl_backlog_active:1",
    "repl_backlog_size:1048576",
    "repl_backlog_first_byte_offset:1",
    "repl_backlog_histlen:1652",
  ].join("\n");
}

/** `redis-cli INFO replication` of a replica of `masterHost`. */
export function replicaInfo(masterHost: string, link: "up" | "down" = "up"): string {
  return [
    "# Replication",
    "role:slave",
    `master_host:${masterHost}`,
    "master_port:6379",
    `master_link_status:${link}`,
    `master_last_io_seconds_ago:${link === "up" ? 1 : -1}`,
    "master_sync_in_progress:0",
    ...(link === "down" ? ["master_link_down_since_seconds:37"] : []),
    "slave_read_repl_offset:1652",
    "slave_repl_offset:1652",
    "slave_priority:100",
    "slave_read_only:1",
    "replica_announced:1",
    "connected_slaves:0",
    "master_failover_state:no-failover",
    "master_replid:3b8e2f6d1c0a9e7b5d4c3a2f1e0d9c8b7a6f5e4d",
    "master_replid2:0000000000000000000000000000000000000000",
    "master_repl_offset:1652",
    "second_repl_offset:-1",
    "repl_backlog_active:1",
    "repl_backlog_size:1048576",
    "repl_backlog_first_byte_offset:1",
    "repl_backlog_histlen:1652",
  ].join("\n");
}

/** redis-cli's words when nothing listens at the address. */
export const connectionRefused = (host: string) => `Could not connect to Redis at ${host}:6379: Connection refused`;
export const READONLY_REPLY = "READONLY You can't write against a read only replica.";

// ---------------------------------------------------------------------------------------------
// What the network answers the grader's probe pod

/** How one Redis server answers the probe's commands. */
export interface RedisServer {
  /** `INFO replication`, as redis-cli prints it. */
  info: string;
  /** The reply to a SET: "OK" on a primary, the READONLY error on a replica. */
  setReply: string;
  /** Does a key SET on the primary arrive here (replication works)? */
  receivesWrites: boolean;
  /** What a GET of the awaited key returns while the write has not arrived (empty: no such key). */
  holds?: string;
}

/** What the network answers the probe pod: per DNS name and per Redis address. */
export interface ProbeWorld {
  /** By name without the trailing dot; a name not listed is NXDOMAIN. */
  dns: Record<string, { exitCode: number; output: string }>;
  /** By IP; an address not listed refuses connections. */
  redis: Record<string, RedisServer>;
  /** dig's text per SRV name (without the trailing dot, `{ns}` for the namespace); a name not listed is NXDOMAIN. */
  srv?: Record<string, string>;
}

/** The probe's view of a solved namespace: per-pod names, the Service's name, a primary and two replicas. */
export function solvedWorld(): ProbeWorld {
  return {
    dns: {
      ...Object.fromEntries(POD_IPS.map((ip, i) => [podDnsName(i), nslookupAnswer(podDnsName(i), [ip])])),
      [serviceDnsName()]: nslookupAnswer(serviceDnsName(), POD_IPS),
    },
    redis: {
      [POD_IPS[0]]: { info: primaryInfo([podDnsName(1), podDnsName(2)]), setReply: "OK", receivesWrites: true },
      [POD_IPS[1]]: { info: replicaInfo(podDnsName(0)), setReply: READONLY_REPLY, receivesWrites: true },
      [POD_IPS[2]]: { info: replicaInfo(podDnsName(0)), setReply: READONLY_REPLY, receivesWrites: true },
    },
  };
}
