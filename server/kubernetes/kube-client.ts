/**
 * The KubeAdapter implemented with @kubernetes/client-node, and where the server gets it
 * (createKubeAdapter, getKubeAdapter). Everything it returns is one of the small types of
 * kube-adapter.ts, and everything it throws is a KubeError (see kube-errors.ts).
 *
 * The adapter itself only composes, one concern per file as client-node keeps config, exec and
 * watch apart: kube-config.ts (which cluster, over which connection, as whom), kube-reads.ts,
 * kube-apply.ts (writing objects), kube-namespaces.ts, kube-exec.ts and kube-watch.ts. What stays
 * here is the identity it acts as (asServiceAccount), which needs a whole new adapter.
 *
 * Node only.
 */
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { ClusterConfig } from "../config/server-config";
import { apiConfiguration, impersonatingConfig, loadKubeConfig, sharedAgentOf, type SharedAgent } from "./kube-config";
import type { KubeAdapter } from "./kube-adapter";
import { KubeApply, ObjectClient } from "./kube-apply";
import { KubeExec } from "./kube-exec";
import { KubeNamespaces } from "./kube-namespaces";
import { KubeReads } from "./kube-reads";
import { KubeWatch } from "./kube-watch";

/** Impersonating adapters kept for reuse (each caches API discovery); the oldest is dropped past this. */
const MAX_IMPERSONATING_ADAPTERS = 200;

class ClientNodeKubeAdapter implements KubeAdapter {
  private readonly reads: KubeReads;
  private readonly objects: KubeApply;
  private readonly namespaces: KubeNamespaces;
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
    const core = new CoreV1Api(config);
    // One ObjectClient, so writes and namespaces share its cache of API discovery.
    const objectClient = new ObjectClient(config);
    this.reads = new KubeReads(config);
    this.objects = new KubeApply(objectClient, core);
    this.namespaces = new KubeNamespaces(objectClient, core);
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

  applyClusterScoped(...args: Parameters<KubeAdapter["applyClusterScoped"]>): ReturnType<KubeAdapter["applyClusterScoped"]> {
    return this.objects.applyClusterScoped(...args);
  }

  readOpenApiV3(...args: Parameters<KubeAdapter["readOpenApiV3"]>): ReturnType<KubeAdapter["readOpenApiV3"]> {
    return this.objects.readOpenApiV3(...args);
  }

  ping(): ReturnType<KubeAdapter["ping"]> {
    return this.reads.ping();
  }

  ensureNamespace(...args: Parameters<KubeAdapter["ensureNamespace"]>): ReturnType<KubeAdapter["ensureNamespace"]> {
    return this.namespaces.ensureNamespace(...args);
  }

  deleteNamespace(...args: Parameters<KubeAdapter["deleteNamespace"]>): ReturnType<KubeAdapter["deleteNamespace"]> {
    return this.namespaces.deleteNamespace(...args);
  }

  relabelNamespaceIf(...args: Parameters<KubeAdapter["relabelNamespaceIf"]>): ReturnType<KubeAdapter["relabelNamespaceIf"]> {
    return this.namespaces.relabelNamespaceIf(...args);
  }

  listNamespaces(...args: Parameters<KubeAdapter["listNamespaces"]>): ReturnType<KubeAdapter["listNamespaces"]> {
    return this.namespaces.listNamespaces(...args);
  }

  apply(...args: Parameters<KubeAdapter["apply"]>): ReturnType<KubeAdapter["apply"]> {
    return this.objects.apply(...args);
  }

  recreate(...args: Parameters<KubeAdapter["recreate"]>): ReturnType<KubeAdapter["recreate"]> {
    return this.objects.recreate(...args);
  }

  deleteObject(...args: Parameters<KubeAdapter["deleteObject"]>): ReturnType<KubeAdapter["deleteObject"]> {
    return this.objects.deleteObject(...args);
  }

  getService(...args: Parameters<KubeAdapter["getService"]>): ReturnType<KubeAdapter["getService"]> {
    return this.reads.getService(...args);
  }

  listServices(...args: Parameters<KubeAdapter["listServices"]>): ReturnType<KubeAdapter["listServices"]> {
    return this.reads.listServices(...args);
  }

  getStatefulSet(...args: Parameters<KubeAdapter["getStatefulSet"]>): ReturnType<KubeAdapter["getStatefulSet"]> {
    return this.reads.getStatefulSet(...args);
  }

  listStatefulSets(...args: Parameters<KubeAdapter["listStatefulSets"]>): ReturnType<KubeAdapter["listStatefulSets"]> {
    return this.reads.listStatefulSets(...args);
  }

  listPods(...args: Parameters<KubeAdapter["listPods"]>): ReturnType<KubeAdapter["listPods"]> {
    return this.reads.listPods(...args);
  }

  getPod(...args: Parameters<KubeAdapter["getPod"]>): ReturnType<KubeAdapter["getPod"]> {
    return this.reads.getPod(...args);
  }

  listEndpointSlices(...args: Parameters<KubeAdapter["listEndpointSlices"]>): ReturnType<KubeAdapter["listEndpointSlices"]> {
    return this.reads.listEndpointSlices(...args);
  }

  listDeployments(...args: Parameters<KubeAdapter["listDeployments"]>): ReturnType<KubeAdapter["listDeployments"]> {
    return this.reads.listDeployments(...args);
  }

  deletePod(...args: Parameters<KubeAdapter["deletePod"]>): ReturnType<KubeAdapter["deletePod"]> {
    return this.objects.deletePod(...args);
  }

  exec(...args: Parameters<KubeAdapter["exec"]>): ReturnType<KubeAdapter["exec"]> {
    return this.execs.exec(...args);
  }

  execInteractive(...args: Parameters<KubeAdapter["execInteractive"]>): ReturnType<KubeAdapter["execInteractive"]> {
    return this.execs.execInteractive(...args);
  }

  watch(...args: Parameters<KubeAdapter["watch"]>): ReturnType<KubeAdapter["watch"]> {
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
