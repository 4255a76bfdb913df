/**
 * kube-router, the offline kit's NetworkPolicy enforcer, in one place: its two kit steps (the
 * binary from the Go module proxy, the image on debian:bookworm-slim) and its installation into
 * the running cluster. Kept apart from offline-kit.ts and cluster.ts so that each of them wires
 * it in with one call, and so that it imports neither (cluster.ts would make a cycle).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  CLUSTER_NAME,
  KIT_CACHE,
  KUBE_ROUTER_IMAGE,
  KUBE_ROUTER_MANIFEST,
  KUBE_ROUTER_VERSION,
  KUBEQUEST_HOME,
  REPO_ROOT,
  STEPS_DIR,
} from "./kit-config";
import { clusterContainerIds } from "./node-containers";
import { inputsKey, log, runLogged, type CachedStep } from "./step-runner";

const script = path.join(STEPS_DIR, "build-kube-router.sh");
export const KUBE_ROUTER_BIN_DIR = path.join(KIT_CACHE, `kube-router-${KUBE_ROUTER_VERSION}`);

/** The binary, cached by version and script (for runCachedStep). */
export function kubeRouterBinaryStep(): CachedStep {
  return {
    name: `kube-router ${KUBE_ROUTER_VERSION} (NetworkPolicy enforcer)`,
    outDir: KUBE_ROUTER_BIN_DIR,
    key: inputsKey([script], [KUBE_ROUTER_VERSION]),
    run: (dir) => runLogged("kube-router", "bash", [script, "binary", KUBE_ROUTER_VERSION, dir]).then(() => undefined),
  };
}

/**
 * The image step (for offline-kit's ensureImage): keyed by its Dockerfile, the shared iptables
 * backend picker, the binary's own key and the Debian base's key it is built FROM.
 */
export function kubeRouterImageStep(debianKey: string): { name: string; tag: string; key: string; build: () => Promise<string> } {
  return {
    name: "kube-router image",
    tag: KUBE_ROUTER_IMAGE,
    key: inputsKey(
      [
        script,
        path.join(REPO_ROOT, "cluster-kit/images/kube-router/Dockerfile"),
        path.join(REPO_ROOT, "cluster-kit/images/kube-proxy/iptables-select-backend"),
        path.join(KUBE_ROUTER_BIN_DIR, ".kit-key"),
      ],
      [debianKey],
    ),
    build: () => runLogged("kube-router-image", "bash", [script, "image", KUBE_ROUTER_BIN_DIR, KUBE_ROUTER_IMAGE]),
  };
}

function docker(args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Pod-template annotation naming the image ID: a rebuilt image under the same tag rolls the pods. */
export const IMAGE_ID_ANNOTATION = "kubequest.dev/image-id";

/**
 * Loads the image into the node (unless this node already got this very image: `kind load`
 * saves the whole image before checking, 14 s), applies the DaemonSet and RBAC, stamps the
 * image ID on the pod template, and waits until every node runs it: its readiness means the
 * first full sync of the firewall rules ran. Idempotent: nothing restarts when nothing changed.
 * `kubectl` runs against the kit's cluster (cluster.ts's own helper).
 */
export async function installKubeRouter(
  kind: string,
  kubectl: (args: string[], opts?: { timeoutMs?: number }) => string,
): Promise<void> {
  const stamp = path.join(KUBEQUEST_HOME, "loaded-kube-router.json");
  const imageId = docker(["image", "inspect", "-f", "{{.Id}}", KUBE_ROUTER_IMAGE]);
  // Every node's container: `kind load` loads into all of them, and a new worker needs it too.
  const wanted = JSON.stringify({ nodes: clusterContainerIds(), image: imageId });
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== wanted) {
    await runLogged("kind load kube-router", kind, ["load", "docker-image", "--name", CLUSTER_NAME, KUBE_ROUTER_IMAGE]);
    writeFileSync(stamp, wanted);
  }
  kubectl(["apply", "-f", KUBE_ROUTER_MANIFEST]);
  // Without this a rebuilt image (same tag, new ID) would be loaded and never run: pods only
  // restart when their template changes. A patch, so later applies of the file keep it.
  const annotations = { [IMAGE_ID_ANNOTATION]: imageId.replace(/^sha256:/, "").slice(0, 12) };
  kubectl(["-n", "kube-system", "patch", "daemonset/kube-router", "--type=merge", "-p", JSON.stringify({ spec: { template: { metadata: { annotations } } } })]);
  kubectl(["-n", "kube-system", "rollout", "status", "daemonset/kube-router", "--timeout=120s"], { timeoutMs: 150_000 });
  log(`  kube-router enforces NetworkPolicy (${KUBE_ROUTER_IMAGE})`);
}
