/**
 * Pins and paths of the cluster kit. One place to change a version.
 *
 * Why these pins: Kubernetes 1.34 is the last minor whose kubelet accepts a cgroup v1 host by
 * default (failCgroupV1 turns true in 1.35), and kind v0.30.0 is the last release with a
 * bookworm base that kind's own CI ran on cgroup v1. Our VMs are cgroup v1.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { clusterConfigFrom } from "../server/config/server-config";

export const KIND_VERSION = "v0.30.0";
/** Newest v1.34 patch the Go module proxy serves for k8s.io/kubernetes. */
export const KUBERNETES_VERSION = "v1.34.4";
/** The node image kind v0.30.0 uses by default, for machines that can reach a registry. */
export const UPSTREAM_NODE_IMAGE =
  "kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a";

export const CLUSTER_NAME = "kubequest";
export const NODE_CONTAINER = `${CLUSTER_NAME}-control-plane`;

/** `cluster:up -- --nodes N`: a control plane plus N-1 workers, as in the headless-services lab (3). */
export const MAX_NODES = 5;
/**
 * The node containers kind makes for `nodes` nodes, control plane first: kind names its workers
 * <cluster>-worker, <cluster>-worker2, <cluster>-worker3, … (and the container is the node's name).
 */
export function nodeContainers(nodes: number): string[] {
  return [NODE_CONTAINER, ...Array.from({ length: nodes - 1 }, (_, i) => `${CLUSTER_NAME}-worker${i === 0 ? "" : i + 1}`)];
}
/** The cluster's pod network; each node gets a /24 of it. Keep in step with podSubnet in cluster-kit/kind-config.yaml. */
export const POD_SUBNET = "10.244.0.0/16";

/** Where built binaries and images' inputs are cached, keyed by version (outside the repo). */
export const KIT_CACHE = process.env.KUBEQUEST_KIT_CACHE ?? path.join(os.homedir(), ".cache", "kubequest", "kit");
/** Where the kubeconfig and run-time state live: the server reads the same setting (one reader). */
const cluster = clusterConfigFrom();
export const KUBEQUEST_HOME = cluster.home;
export const KUBECONFIG_PATH = cluster.defaultKubeconfig;
export const LOG_DIR = path.join(KIT_CACHE, "..", "logs");

/**
 * The repository root: the nearest folder upward from the working directory that holds the
 * cluster kit. (Not `import.meta`: Playwright loads this file as CommonJS, tsx as ESM.)
 */
function findRepoRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "cluster-kit", "kit-config.ts"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`run KubeQuest's commands from inside its repository (not found above ${from})`);
  }
}
export const REPO_ROOT = findRepoRoot(process.cwd());
export const STEPS_DIR = path.join(REPO_ROOT, "cluster-kit", "steps");

/**
 * Images the levels run. Tags are pinned and manifests use imagePullPolicy IfNotPresent:
 * with no registry, `:latest` (pull policy Always) could never start.
 */
export interface LevelImage {
  tag: string;
  /** Build context, relative to the repo root. */
  context: string;
  /** Files the build context needs that are made by the kit, e.g. kubectl for the toolbox. */
  needsKubectl?: boolean;
  /** The grader's probe, built from images/toolbox/probe (Go) into the context as `kubequest-probe`. */
  needsProbe?: boolean;
}
export const LEVEL_IMAGES: LevelImage[] = [
  { tag: "kubequest/redis:7.0.15-2", context: "images/redis" },
  { tag: "kubequest/toolbox:1.34.4-3", context: "images/toolbox", needsKubectl: true, needsProbe: true },
];

/**
 * kube-router, the offline kit's NetworkPolicy enforcer (firewall controller only): v2.1.0 is
 * the only version the Go module proxy serves; cluster-kit/steps/build-kube-router.sh builds it
 * with patched dependencies. The image tag's suffix is our revision: bump it when the image's
 * inputs change, since pods keep running an image whose tag they already have.
 */
export const KUBE_ROUTER_VERSION = "v2.1.0";
export const KUBE_ROUTER_IMAGE = `kubequest/kube-router:${KUBE_ROUTER_VERSION}-1`;
/** DaemonSet + RBAC applied to kube-system once the node is Ready. */
export const KUBE_ROUTER_MANIFEST = path.join(REPO_ROOT, "cluster-kit", "kube-router.yaml");
