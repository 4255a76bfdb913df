/**
 * The KubeAdapter implemented with @kubernetes/client-node: the one module that talks to the
 * Kubernetes API. Everything it returns is one of the small types of kube-adapter.ts, and
 * everything it throws is a KubeError (see kube-errors.ts).
 *
 * Node only.
 */
import {
  CoreV1Api,
  KubeConfig,
} from "@kubernetes/client-node";
import type { ClusterConfig } from "../config/server-config";
import { apiConfiguration, impersonatingConfig, loadKubeConfig, sharedAgentOf, type SharedAgent } from "./kube-config";
import {
  KubeError,
  type AppliedObject,
  type ExecResult,
  type InteractiveExec,
  type KubeAdapter,
  type ObjectRef,
} from "./kube-adapter";
import { DELETE_POLL_MS, callKube, orNull, sleep, statusCodeOf } from "./kube-call";
import { KubeApply, ObjectClient } from "./kube-apply";
import { KubeExec } from "./kube-exec";
import { KubeReads } from "./kube-reads";
import { KubeWatch } from "./kube-watch";

/** Impersonating adapters kept for reuse (each caches API discovery); the oldest is dropped past this. */
const MAX_IMPERSONATING_ADAPTERS = 200;

// ---------------------------------------------------------------------------------------------
// The adapter

class ClientNodeKubeAdapter implements KubeAdapter {
  private readonly core: CoreV1Api;
  private readonly reads: KubeReads;
  private readonly objectClient: ObjectClient;
  private readonly objects: KubeApply;
  private readonly execs: KubeExec;
  private readonly watches: KubeWatch;

  private readonly actingAs = new Map<string, ClientNodeKubeAdapter>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly agentOf: SharedAgent = sharedAgentOf(kc),
    /** Set on an adapter that acts as someone else: it makes no further identities. */
    private readonly impersonating?: string,
  ) {
    const config = apiConfiguration(kc, agentOf);
    this.core = new CoreV1Api(config);
    this.reads = new KubeReads(config);
    this.objectClient = new ObjectClient(config);
    this.objects = new KubeApply(this.objectClient, this.core);
    this.execs = new KubeExec(kc);
    this.watches = new KubeWatch(kc);
  }

  asServiceAccount(namespace: string, name: string): KubeAdapter {
    const username = `system:serviceaccount:${namespace}:${name}`;
    if (this.impersonating) {
      if (this.impersonating === username) return this;
      throw new Error(`an adapter acting as ${this.impersonating} cannot act as ${username}`);
    }
    let adapter = this.actingAs.get(username);
    if (adapter) {
      // Most recently used last, so the map's first key is the one to drop.
      this.actingAs.delete(username);
    } else {
      adapter = new ClientNodeKubeAdapter(impersonatingConfig(this.kc, username), this.agentOf, username);
      if (this.actingAs.size >= MAX_IMPERSONATING_ADAPTERS) this.actingAs.delete(this.actingAs.keys().next().value!);
    }
    this.actingAs.set(username, adapter);
    return adapter;
  }

  applyClusterScoped(...args: Parameters<KubeAdapter["applyClusterScoped"]>): Promise<AppliedObject[]> {
    return this.objects.applyClusterScoped(...args);
  }

  readOpenApiV3(...args: Parameters<KubeAdapter["readOpenApiV3"]>): Promise<unknown> {
    return this.objects.readOpenApiV3(...args);
  }

  ping(): Promise<{ version: string }> {
    return this.reads.ping();
  }

  async ensureNamespace(name: string, labels: Record<string, string>): Promise<void> {
    const ref: ObjectRef = { apiVersion: "v1", kind: "Namespace", name };
    await callKube(`creating namespace ${name}`, async () => {
      const existing = await orNull(this.core.readNamespace({ name }));
      // A namespace being deleted refuses new content; wait until it is gone, then create it afresh.
      if (existing?.metadata?.deletionTimestamp) await this.waitNamespaceGone(name, 120_000);
      await this.objectClient.serverSideApply(
        { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } },
        { dryRun: false, force: true },
      );
    }, ref);
  }

  private async waitNamespaceGone(name: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await orNull(this.core.readNamespace({ name }))) !== null) {
      if (Date.now() > deadline) {
        throw new KubeError("timeout", `Namespace ${name} is still being deleted after ${Math.round(timeoutMs / 1000)} s.`, {
          action: "Wait a minute and try again; if it stays stuck, check it with kubectl get namespace " + name + " -o yaml.",
        });
      }
      await sleep(DELETE_POLL_MS);
    }
  }

  async deleteNamespace(name: string, opts: { wait?: boolean; timeoutMs?: number } = {}): Promise<void> {
    await callKube(`deleting namespace ${name}`, async () => {
      const deleted = await orNull(this.core.deleteNamespace({ name, propagationPolicy: "Background" }));
      if (deleted === null) return;
      // The namespace is Terminating now, so no controller can add pods back. Its pods are
      // throwaway: removing them without a grace period saves the 30 s a shell that ignores
      // SIGTERM would otherwise hold the deletion for.
      await orNull(this.core.deleteCollectionNamespacedPod({ namespace: name, gracePeriodSeconds: 0 }));
      if (opts.wait) await this.waitNamespaceGone(name, opts.timeoutMs ?? 120_000);
    });
  }

  async relabelNamespaceIf(name: string, guard: { key: string; value: string }, set: Record<string, string>, remove: string[]): Promise<boolean> {
    // JSON Pointer escapes "~" and "/" (label keys have a slash).
    const at = (key: string) => `/metadata/labels/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    const operations = [
      { op: "test", path: at(guard.key), value: guard.value },
      ...remove.map((key) => ({ op: "remove", path: at(key) })),
      ...Object.entries(set).map(([key, value]) => ({ op: "add", path: at(key), value })),
    ];
    return callKube(`relabelling namespace ${name}`, async () => {
      try {
        await this.objectClient.jsonPatch({ apiVersion: "v1", kind: "Namespace", metadata: { name } }, operations);
        return true;
      } catch (err) {
        // 422: a `test` failed (the guard label changed); 404: the namespace is gone.
        if (statusCodeOf(err) === 422 || statusCodeOf(err) === 404) return false;
        throw err;
      }
    });
  }

  async listNamespaces(labelSelector: string): Promise<{ name: string; labels: Record<string, string>; deleting: boolean }[]> {
    return callKube("listing namespaces", async () => {
      const list = await this.core.listNamespace({ labelSelector });
      return list.items.map((ns) => ({
        name: ns.metadata?.name ?? "",
        labels: { ...(ns.metadata?.labels ?? {}) },
        deleting: Boolean(ns.metadata?.deletionTimestamp) || ns.status?.phase === "Terminating",
      }));
    });
  }

  apply(...args: Parameters<KubeAdapter["apply"]>): Promise<AppliedObject[]> {
    return this.objects.apply(...args);
  }

  recreate(...args: Parameters<KubeAdapter["recreate"]>): Promise<AppliedObject[]> {
    return this.objects.recreate(...args);
  }

  deleteObject(...args: Parameters<KubeAdapter["deleteObject"]>): Promise<boolean> {
    return this.objects.deleteObject(...args);
  }

  getService(...args: Parameters<KubeAdapter["getService"]>) {
    return this.reads.getService(...args);
  }

  listServices(...args: Parameters<KubeAdapter["listServices"]>) {
    return this.reads.listServices(...args);
  }

  getStatefulSet(...args: Parameters<KubeAdapter["getStatefulSet"]>) {
    return this.reads.getStatefulSet(...args);
  }

  listStatefulSets(...args: Parameters<KubeAdapter["listStatefulSets"]>) {
    return this.reads.listStatefulSets(...args);
  }

  listPods(...args: Parameters<KubeAdapter["listPods"]>) {
    return this.reads.listPods(...args);
  }

  getPod(...args: Parameters<KubeAdapter["getPod"]>) {
    return this.reads.getPod(...args);
  }

  listEndpointSlices(...args: Parameters<KubeAdapter["listEndpointSlices"]>) {
    return this.reads.listEndpointSlices(...args);
  }

  listDeployments(...args: Parameters<KubeAdapter["listDeployments"]>) {
    return this.reads.listDeployments(...args);
  }

  deletePod(...args: Parameters<KubeAdapter["deletePod"]>): Promise<void> {
    return this.objects.deletePod(...args);
  }

  exec(...args: Parameters<KubeAdapter["exec"]>): Promise<ExecResult> {
    return this.execs.exec(...args);
  }

  execInteractive(...args: Parameters<KubeAdapter["execInteractive"]>): Promise<InteractiveExec> {
    return this.execs.execInteractive(...args);
  }

  watch(...args: Parameters<KubeAdapter["watch"]>): () => void {
    return this.watches.watch(...args);
  }
}

/** An adapter for the configured cluster. Throws KubeError("cluster-unreachable") when there is none. */
export function createKubeAdapter(opts: { kubeconfigPath?: string; cluster?: ClusterConfig } = {}): KubeAdapter {
  return new ClientNodeKubeAdapter(loadKubeConfig(opts));
}

let cachedAdapter: KubeAdapter | undefined;

/**
 * The process-wide adapter, created on first use. A failure is not cached, so a cluster started
 * after the server (npm run cluster:up) is picked up by the next call.
 */
export function getKubeAdapter(cluster?: ClusterConfig): KubeAdapter {
  cachedAdapter ??= createKubeAdapter(cluster ? { cluster } : {});
  return cachedAdapter;
}
