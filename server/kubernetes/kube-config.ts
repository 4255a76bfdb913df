/**
 * How KubeQuest reaches the cluster: which kubeconfig it loads, the one keep-alive HTTPS agent
 * and time bound every API request gets, and the kubeconfig that acts as a ServiceAccount.
 * Kept apart from the calls themselves (as @kubernetes/client-node keeps KubeConfig apart from
 * its APIs) so that "which cluster, as whom, over which connection" is answered in one place.
 *
 * Node only.
 */
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import {
  KubeConfig,
  ServerConfiguration,
  createConfiguration,
  type Configuration,
  type Middleware,
  type RequestContext,
} from "@kubernetes/client-node";
import { clusterConfigFrom, type ClusterConfig } from "../config/server-config";
import { KubeError } from "./kube-adapter";
import { START_CLUSTER_ACTION } from "./kube-errors";
import { createApiServerAgent } from "./api-server-agent";

/** Any single API request; a healthy local API server answers in milliseconds. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Finds the cluster: `KUBECONFIG` when set, else `<KUBEQUEST_HOME>/kubeconfig` (written by
 * `npm run cluster:up`; ~/.kubequest by default), else the in-cluster service account, as the
 * configuration (config/server-config.ts) says. Throws KubeError("cluster-unreachable") saying
 * what to do when none is usable.
 */
export function loadKubeConfig(opts: { kubeconfigPath?: string; cluster?: ClusterConfig } = {}): KubeConfig {
  const kc = new KubeConfig();
  const cluster = opts.cluster ?? clusterConfigFrom();
  const fromEnv = cluster.kubeconfigEnv;
  const defaultKubeconfig = cluster.defaultKubeconfig;
  let source: string;
  try {
    if (opts.kubeconfigPath) {
      source = opts.kubeconfigPath;
      kc.loadFromFile(opts.kubeconfigPath);
    } else if (fromEnv) {
      source = `KUBECONFIG=${fromEnv}`;
      // Every file of a colon-separated KUBECONFIG is merged, like kubectl: the first file's
      // current context wins.
      const [first, ...more] = fromEnv.split(path.delimiter).filter(Boolean);
      kc.loadFromFile(first ?? fromEnv);
      for (const file of more) {
        const next = new KubeConfig();
        next.loadFromFile(file);
        kc.mergeConfig(next, true);
      }
    } else if (fs.existsSync(defaultKubeconfig)) {
      source = defaultKubeconfig;
      kc.loadFromFile(defaultKubeconfig);
    } else if (cluster.inCluster) {
      source = "the in-cluster service account";
      kc.loadFromCluster();
    } else {
      throw new KubeError("cluster-unreachable", `No Kubernetes cluster is configured: ${defaultKubeconfig} does not exist and KUBECONFIG is not set.`, {
        action: START_CLUSTER_ACTION,
      });
    }
  } catch (err) {
    if (err instanceof KubeError) throw err;
    throw new KubeError("cluster-unreachable", `The kubeconfig could not be read (${(err as Error).message}).`, {
      action: START_CLUSTER_ACTION,
    });
  }
  if (!kc.getCurrentCluster()) {
    throw new KubeError("cluster-unreachable", `The kubeconfig from ${source} names no current cluster.`, { action: START_CLUSTER_ACTION });
  }
  return kc;
}

/**
 * client-node gives every request a fresh https.Agent, i.e. a new TCP and TLS handshake per
 * call. Starting a level makes a few dozen calls, so one keep-alive agent (same TLS options,
 * never queueing: see api-server-agent.ts) is shared; every request also gets a time bound,
 * which client-node does not set.
 */
export type SharedAgent = () => Promise<https.Agent | undefined>;

/** One keep-alive agent per cluster connection, shared by the adapter and the identities it acts as. */
export function sharedAgentOf(kc: KubeConfig): SharedAgent {
  let shared: Promise<https.Agent | undefined> | undefined;
  const buildAgent = async (): Promise<https.Agent | undefined> => {
    const cluster = kc.getCurrentCluster();
    if (!cluster || cluster.proxyUrl || !cluster.server.startsWith("https:")) return undefined;
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    if (!(opts.agent instanceof https.Agent)) return undefined;
    return createApiServerAgent(opts.agent.options);
  };
  return () => (shared ??= buildAgent().catch(() => undefined));
}

function requestMiddleware(agentOf: SharedAgent): Middleware {
  return {
    async pre(ctx: RequestContext): Promise<RequestContext> {
      const agent = await agentOf();
      if (agent) ctx.setAgent(agent);
      if (!ctx.getSignal()) ctx.setSignal(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
      return ctx;
    },
    post: async (rsp) => rsp,
  };
}

export function apiConfiguration(kc: KubeConfig, agentOf: SharedAgent): Configuration {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeError("cluster-unreachable", "The kubeconfig names no current cluster.", { action: START_CLUSTER_ACTION });
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [requestMiddleware(agentOf)],
  });
}

/**
 * The same kubeconfig, asking the API server to act as `username` (the Impersonate-User header,
 * which client-node sends for a user's `as`). The API server then authorizes and admits every
 * request as that identity; for a ServiceAccount's name it adds the account's groups itself.
 */
export function impersonatingConfig(kc: KubeConfig, username: string): KubeConfig {
  const current = kc.getCurrentUser();
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kc.clusters,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
    users: kc.users.map((u) => (u.name === current?.name ? { ...u, impersonateUser: username } : u)),
  });
  return copy;
}
