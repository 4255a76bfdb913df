/**
 * The contract of the one Kubernetes adapter: the only code in KubeQuest that talks to the
 * cluster. Graders, environments, the live view and the terminal call these methods and get
 * our own small types back; nothing else builds kubectl strings or knows API paths.
 *
 * Implemented with @kubernetes/client-node: composed in `kube-client.ts` from one file per concern
 * (kube-config, kube-reads, kube-apply, kube-namespaces, kube-exec, kube-watch).
 */
import type { Readable, Writable } from "node:stream";
import type { KubeObject } from "../../lib/levels/kube-object";

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
}

export type ApplyAction = "created" | "configured" | "unchanged" | "deleted";

export interface AppliedObject extends ObjectRef {
  action: ApplyAction;
}

/** A failure of the cluster, turned into words a learner (or operator) can act on. */
export class KubeError extends Error {
  constructor(
    /** e.g. "immutable-field", "forbidden", "not-found", "invalid", "conflict", "cluster-unreachable", "timeout". */
    readonly code: string,
    message: string,
    readonly details: {
      status?: number;
      resource?: ObjectRef;
      /** For "immutable-field" / "invalid": the field path the API server named, e.g. "spec.clusterIP". */
      field?: string;
      /** What to do about it. */
      action?: string;
      /** For "invalid" / "immutable-field": every field-level complaint of the API server (V1Status causes). */
      causes?: { field?: string; message: string }[];
    } = {},
  ) {
    super(message);
    this.name = "KubeError";
  }
}

export interface ServiceInfo {
  name: string;
  type: string;
  /** "None" for a headless Service. */
  clusterIP: string;
  selector: Record<string, string>;
  ports: { name?: string; port: number; targetPort?: number | string }[];
  uid: string;
}

export interface StatefulSetInfo {
  name: string;
  serviceName: string;
  replicas: number;
  readyReplicas: number;
  selector: Record<string, string>;
  uid: string;
}

export interface DeploymentInfo {
  name: string;
  replicas: number;
  readyReplicas: number;
  /** spec.selector.matchLabels: the labels that make a pod one of its own. */
  selector: Record<string, string>;
}

/** A DaemonSet as KubeQuest looks at it: its images and how many of its pods run. */
export interface DaemonSetInfo {
  name: string;
  /** The image of each container of its pod template, in order. */
  images: string[];
  /** status.desiredNumberScheduled: the nodes it should run on. */
  desired: number;
  /** status.numberReady: the nodes where its pod is Ready. */
  ready: number;
}

export interface ContainerStatusInfo {
  name: string;
  ready: boolean;
  restartCount: number;
  /** "running" | "waiting" | "terminated", with the reason when not running. */
  state: string;
  reason?: string;
}

export interface PodInfo {
  name: string;
  uid: string;
  phase: string;
  /** kubectl-style status column, e.g. "Init:0/1", "Running", "CrashLoopBackOff", "Terminating". */
  status: string;
  ready: boolean;
  ip?: string;
  /** spec.nodeName: the node the pod was scheduled to (unset while it waits for one). */
  nodeName?: string;
  labels: Record<string, string>;
  /** Name of the owning controller, e.g. { kind: "StatefulSet", name: "redis" }. */
  owner?: { kind: string; name: string };
  hostname?: string;
  subdomain?: string;
  /** spec.hostAliases: names pinned to IPs in the pod's /etc/hosts (the grader refuses them on workload pods). */
  hostAliases?: { ip: string; hostnames: string[] }[];
  restarts: number;
  initContainers: ContainerStatusInfo[];
  containers: ContainerStatusInfo[];
  deleting: boolean;
  createdAt: string;
}

export interface EndpointInfo {
  addresses: string[];
  hostname?: string;
  ready: boolean;
  targetPod?: string;
}

export interface EndpointSliceInfo {
  name: string;
  serviceName: string;
  endpoints: EndpointInfo[];
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code of the command; null when the exec ended without one (killed, timed out). */
  exitCode: number | null;
}

export interface InteractiveExec {
  /** Sends keystrokes to the process. */
  stdin: Writable;
  /** The terminal's output. Pausing it applies backpressure all the way to the process. */
  stdout: Readable;
  resize(cols: number, rows: number): void;
  /**
   * Whether the connection to the cluster has stopped being read because `stdout` is full
   * (backpressure reached the process). For diagnostics and tests: the positive signal that a
   * paused terminal buffers no more, instead of watching its buffer stay the same for a while.
   */
  readingPaused?(): boolean;
  close(): void;
  /** Resolves when the process or connection ends, with a reason to show. */
  closed: Promise<{ reason: string }>;
}

/** One taint of a node, as `kubectl taint` writes it. */
export interface NodeTaint {
  key: string;
  value?: string;
  /** NoSchedule, PreferNoSchedule or NoExecute. */
  effect: string;
}

export interface NodeInfo {
  name: string;
  ready: boolean;
  /** Cordoned (spec.unschedulable). */
  unschedulable: boolean;
  taints: NodeTaint[];
}

/** An HTTP request to a pod through the API server (podProxy). */
export interface PodProxyRequest {
  method: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
  /** The whole exchange, answer included. */
  timeoutMs: number;
  /** Bytes of the answer kept; a longer answer is an error (nothing of ours answers that much). */
  maxResponseBytes: number;
}

export interface PodProxyResponse {
  /** The pod's HTTP status, or the API server's own when it could not reach the pod (502, 503). */
  status: number;
  body: string;
}

export type WatchedKind = "Pod" | "Service" | "StatefulSet" | "EndpointSlice" | "Deployment";

export interface WatchEvent {
  kind: WatchedKind;
  type: "ADDED" | "MODIFIED" | "DELETED";
  name: string;
}

export interface KubeAdapter {
  /** Answers quickly whether the API server is reachable; throws KubeError("cluster-unreachable"). */
  ping(): Promise<{ version: string }>;

  /**
   * One of the API server's own OpenAPI v3 documents (`/openapi/v3/<path>`), path `api/v1` or
   * `apis/<group>/<version>`: the editor's schema is made from it (server/kubernetes/editor-schemas.ts).
   */
  readOpenApiV3(groupVersionPath: string): Promise<unknown>;

  ensureNamespace(name: string, labels: Record<string, string>): Promise<void>;
  /** Deletes and, when `wait` is set, resolves only once the namespace is gone. */
  deleteNamespace(name: string, opts?: { wait?: boolean; timeoutMs?: number }): Promise<void>;
  listNamespaces(labelSelector: string): Promise<{ name: string; labels: Record<string, string>; deleting: boolean }[]>;
  /**
   * Changes a namespace's labels only while label `guard.key` still reads `guard.value` (a JSON
   * Patch `test`, checked by the API server atomically): how a pooled environment is handed to
   * exactly one learner, whichever server instance asks. False when the guard no longer holds
   * (someone else claimed it) or the namespace is gone.
   */
  relabelNamespaceIf(name: string, guard: { key: string; value: string }, set: Record<string, string>, remove: string[]): Promise<boolean>;

  /**
   * This adapter acting as a namespace's ServiceAccount (Kubernetes impersonation): the cluster
   * then authorizes and admits every call exactly as it would the learner's own `kubectl`, so
   * the editor can do no more than the terminal. The server's identity needs the `impersonate`
   * verb on serviceaccounts (a cluster admin has it).
   */
  asServiceAccount(namespace: string, name: string): KubeAdapter;

  /** Server-side apply of cluster-scoped objects (KubeQuest's admission policies), with the server's own rights. */
  applyClusterScoped(objects: KubeObject[]): Promise<AppliedObject[]>;

  /** Server-side apply (field manager "kubequest"), namespace forced to `namespace`. */
  apply(namespace: string, objects: KubeObject[], opts?: { dryRun?: boolean; force?: boolean }): Promise<AppliedObject[]>;
  /** Deletes then creates each object (for immutable fields), waiting for each deletion. */
  recreate(namespace: string, objects: KubeObject[]): Promise<AppliedObject[]>;
  deleteObject(namespace: string, ref: ObjectRef, opts?: { wait?: boolean }): Promise<boolean>;

  getService(namespace: string, name: string): Promise<ServiceInfo | null>;
  listServices(namespace: string): Promise<ServiceInfo[]>;
  getStatefulSet(namespace: string, name: string): Promise<StatefulSetInfo | null>;
  listStatefulSets(namespace: string): Promise<StatefulSetInfo[]>;
  listPods(namespace: string, labelSelector?: string): Promise<PodInfo[]>;
  getPod(namespace: string, name: string): Promise<PodInfo | null>;
  /** EndpointSlices of one Service (label kubernetes.io/service-name), or all when omitted. */
  listEndpointSlices(namespace: string, serviceName?: string): Promise<EndpointSliceInfo[]>;
  listDeployments(namespace: string): Promise<DeploymentInfo[]>;
  /** A DaemonSet, or null when there is none (the cluster's kube-proxy, KubeQuest's node-rules collector). */
  getDaemonSet(namespace: string, name: string): Promise<DaemonSetInfo | null>;
  deletePod(namespace: string, name: string): Promise<void>;

  /** The cluster's nodes, by name (cluster-wide: the server's own identity needs `list nodes`). */
  listNodes(): Promise<NodeInfo[]>;
  /**
   * Changes one node's taints to what `change` makes of the current ones; read and written
   * back with the read's resourceVersion, so a concurrent writer makes it read and change again.
   */
  updateNodeTaints(name: string, change: (taints: NodeTaint[]) => NodeTaint[]): Promise<void>;

  /**
   * HTTP to a pod's port through the API server's pod proxy (the grader's probe agent): answer
   * and wait bounded; a status the pod (or the API server, when it could not reach it) gave.
   */
  podProxy(namespace: string, pod: string, port: number, path: string, req: PodProxyRequest): Promise<PodProxyResponse>;
  /** A Secret's data (decoded), made with `make()` when there is none yet (KubeQuest's own, in its namespace). */
  ensureSecret(namespace: string, name: string, labels: Record<string, string>, make: () => Record<string, string>): Promise<Record<string, string>>;
  /** Runs argv (never a shell string) in a container and collects its output (each stream up to `maxOutputBytes`, default 1 MiB). */
  exec(namespace: string, pod: string, container: string | undefined, argv: string[], opts?: { timeoutMs?: number; maxOutputBytes?: number }): Promise<ExecResult>;
  /** A TTY exec for the learner's terminal. */
  execInteractive(namespace: string, pod: string, container: string | undefined, argv: string[], size: { cols: number; rows: number }): Promise<InteractiveExec>;

  /** Watches the given kinds in a namespace; calls back on every change; returns a stop function. Re-establishes dropped watches. */
  watch(namespace: string, kinds: WatchedKind[], onEvent: (event: WatchEvent) => void): () => void;
}
