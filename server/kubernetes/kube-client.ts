/**
 * The KubeAdapter implemented with @kubernetes/client-node, and where the server gets it
 * (createKubeAdapter, getKubeAdapter). Everything it returns is one of the small types of
 * kube-adapter.ts, and everything it throws is a KubeError (see kube-errors.ts).
 *
 * The adapter itself only composes, one concern per file as client-node keeps config, exec and
 * watch apart: kube-config.ts (which cluster, over which connection, as whom), kube-reads.ts,
 * kube-apply.ts (writing objects), kube-namespaces.ts, kube-nodes.ts, kube-secrets.ts,
 * kube-exec.ts, kube-pod-proxy.ts (HTTP to a pod's port) and kube-watch.ts. What stays here is the identity it acts as (asServiceAccount), which needs a
 * whole new adapter.
 *
 * Node only.
 */
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { ClusterConfig } from "../config/server-config";
import { apiConfiguration, impersonatingConfig, loadKubeConfig, sharedAgentOf, type SharedAgent } from "./kube-config";
import type { KubeAdapter } from "./kube-adapter";
import { APPLY_METHODS, KubeApply, ObjectClient } from "./kube-apply";
import { EXEC_METHODS, KubeExec } from "./kube-exec";
import { KubeNamespaces, NAMESPACE_METHODS } from "./kube-namespaces";
import { KubeNodes, NODE_METHODS } from "./kube-nodes";
import { KubePodProxy, POD_PROXY_METHODS } from "./kube-pod-proxy";
import { KubeReads, READ_METHODS } from "./kube-reads";
import { KubeSecrets, SECRET_METHODS } from "./kube-secrets";
import { KubeWatch, WATCH_METHODS } from "./kube-watch";

/** Impersonating adapters kept for reuse (each caches API discovery); the oldest is dropped past this. */
const MAX_IMPERSONATING_ADAPTERS = 200;

/** The named methods of `part`, bound to it: how the adapter hands each call to the file that implements it. */
function forward<P extends object, K extends keyof P>(part: P, names: readonly K[]): Pick<P, K> {
  const picked = {} as Pick<P, K>;
  for (const name of names) {
    const method = part[name];
    picked[name] = typeof method === "function" ? (method.bind(part) as P[K]) : method;
  }
  return picked;
}

/**
 * The adapter for one kubeconfig: every call forwarded to the part that implements it. The
 * object literal is typed KubeAdapter, so a method no part implements does not compile.
 */
function clientNodeKubeAdapter(
  kc: KubeConfig,
  agentOf: SharedAgent = sharedAgentOf(kc),
  /** Set on an adapter that acts as someone else: it makes no further identities. */
  impersonating?: string,
): KubeAdapter {
  const config = apiConfiguration(kc, agentOf);
  const core = new CoreV1Api(config);
  // One ObjectClient, so writes and namespaces share its cache of API discovery.
  const objectClient = new ObjectClient(config);
  const actingAs = new Map<string, KubeAdapter>();

  const adapter: KubeAdapter = {
    ...forward(new KubeReads(config), READ_METHODS),
    ...forward(new KubeNodes(config), NODE_METHODS),
    ...forward(new KubeApply(objectClient, core), APPLY_METHODS),
    ...forward(new KubeNamespaces(objectClient, core), NAMESPACE_METHODS),
    ...forward(new KubeExec(kc), EXEC_METHODS),
    ...forward(new KubePodProxy(kc, agentOf), POD_PROXY_METHODS),
    ...forward(new KubeSecrets(core), SECRET_METHODS),
    ...forward(new KubeWatch(kc), WATCH_METHODS),

    asServiceAccount(namespace: string, name: string): KubeAdapter {
      const username = `system:serviceaccount:${namespace}:${name}`;
      if (impersonating) {
        if (impersonating === username) return adapter;
        throw new Error(`an adapter acting as ${impersonating} cannot act as ${username}`);
      }
      let acting = actingAs.get(username);
      if (acting) {
        // Most recently used last, so the map's first key is the one to drop.
        actingAs.delete(username);
      } else {
        acting = clientNodeKubeAdapter(impersonatingConfig(kc, username), agentOf, username);
        if (actingAs.size >= MAX_IMPERSONATING_ADAPTERS) actingAs.delete(actingAs.keys().next().value!);
      }
      actingAs.set(username, acting);
      return acting;
    },
  };
  return adapter;
}

/** An adapter for the configured cluster. Throws KubeError("cluster-unreachable") when there is none. */
export function createKubeAdapter(opts: { kubeconfigPath?: string; cluster?: ClusterConfig } = {}): KubeAdapter {
  return clientNodeKubeAdapter(loadKubeConfig(opts));
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
