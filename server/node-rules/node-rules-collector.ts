/**
 * The node-rules collector: a DaemonSet of KubeQuest's own in `kubequest-system`, one pod per
 * node, from which the server reads what kube-proxy programmed there (`iptables-save -t nat`,
 * see node-rules-reader.ts). It exists so that learners see the node's rules without any access
 * to a node: their RBAC stops at their own namespace, and kubequest-system (like the grader's
 * probe pod there) is out of their reach.
 *
 * There is no container registry, so the collector runs the image the cluster's own kube-proxy
 * runs (read from its DaemonSet at install time): it is on every node already, and it carries
 * iptables-save with the backend choice kube-proxy itself uses. The pod shares the node's
 * network namespace (that is where kube-proxy's rules are) and keeps only the two capabilities
 * reading them needs, NET_ADMIN and NET_RAW.
 *
 * Installed like KubeQuest's admission policies: at server start and before every new
 * environment, idempotently (server-side apply), once per server unless it failed.
 *
 * Node only.
 */
import type { KubeObject } from "../../lib/levels/kube-object";
import { KubeError, type KubeAdapter } from "../kubernetes/kube-adapter";
import { moduleLogger } from "../logging/logger";
import { GRADER_NAMESPACE } from "../grader/probe-pod";

const log = moduleLogger("node-rules");

export const COLLECTOR_NAME = "node-rules-collector";
export const COLLECTOR_CONTAINER = "collector";
const ROLE_LABEL = "kubequest.dev/role";
/** Selects the collector's pods in kubequest-system. */
export const COLLECTOR_SELECTOR = `${ROLE_LABEL}=${COLLECTOR_NAME}`;

/** Where the cluster's kube-proxy is, whose image the collector borrows. */
export const KUBE_PROXY = { namespace: "kube-system", name: "kube-proxy" } as const;

/** The collector's DaemonSet, running `image` (the cluster's kube-proxy image). */
export function collectorDaemonSet(image: string): KubeObject {
  const labels = { "app.kubernetes.io/part-of": "kubequest", [ROLE_LABEL]: COLLECTOR_NAME };
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: COLLECTOR_NAME, labels },
    spec: {
      selector: { matchLabels: { [ROLE_LABEL]: COLLECTOR_NAME } },
      template: {
        metadata: { labels },
        spec: {
          // kube-proxy's rules live in the node's network namespace.
          hostNetwork: true,
          dnsPolicy: "ClusterFirstWithHostNet",
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 2,
          // Every node, the control plane included (kube-proxy's own DaemonSet tolerates all taints too).
          tolerations: [{ operator: "Exists" }],
          nodeSelector: { "kubernetes.io/os": "linux" },
          containers: [
            {
              name: COLLECTOR_CONTAINER,
              image,
              // No registry: the image must already be on the node, where kube-proxy runs it.
              imagePullPolicy: "IfNotPresent",
              // Idles until the server execs iptables-save; a TERM ends it at once.
              command: ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done"],
              resources: { requests: { cpu: "5m", memory: "16Mi" }, limits: { cpu: "250m", memory: "64Mi" } },
              securityContext: {
                // Root with no capabilities but the two that reading the tables takes (the
                // legacy backend opens a raw socket, both backends ask the kernel as an admin).
                runAsUser: 0,
                privileged: false,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW"] },
                // Writable: the image's iptables wrapper records the backend it picked on first use.
                readOnlyRootFilesystem: false,
              },
            },
          ],
        },
      },
    },
  };
}

/** The image of the cluster's kube-proxy, or a KubeError saying why there is none to borrow. */
export async function kubeProxyImage(kube: Pick<KubeAdapter, "getDaemonSet">): Promise<string> {
  const proxy = await kube.getDaemonSet(KUBE_PROXY.namespace, KUBE_PROXY.name);
  const image = proxy?.images[0];
  if (!image) {
    throw new KubeError("not-found", `This cluster has no ${KUBE_PROXY.namespace}/${KUBE_PROXY.name} DaemonSet, so KubeQuest cannot show what kube-proxy programmed on the nodes.`, {
      action: "Run KubeQuest on a cluster whose kube-proxy runs as a DaemonSet in iptables mode (npm run cluster:up makes one).",
    });
  }
  return image;
}

/** Applies the collector (and its namespace) with the cluster's kube-proxy image. Throws what the cluster answers. */
export async function installNodeRulesCollector(kube: Pick<KubeAdapter, "getDaemonSet" | "ensureNamespace" | "apply">): Promise<void> {
  const image = await kubeProxyImage(kube);
  await kube.ensureNamespace(GRADER_NAMESPACE, { "app.kubernetes.io/managed-by": "kubequest" });
  await kube.apply(GRADER_NAMESPACE, [collectorDaemonSet(image)], { force: true });
}

let installed: Promise<void> | undefined;

/**
 * Installs the collector once per server (again after a failure). Never rejects: without the
 * collector a level still runs, and the panel and the node-rules check say that KubeQuest could
 * not read the node rules. Why it failed is logged (a cluster that forbids it: once, as a warning).
 */
export function ensureNodeRulesCollector(kube: Pick<KubeAdapter, "getDaemonSet" | "ensureNamespace" | "apply">, warn: (message: string) => void = (m) => log.warn(m)): Promise<void> {
  installed ??= installNodeRulesCollector(kube).catch((err: unknown) => {
    if (err instanceof KubeError && err.code === "forbidden") {
      // Told once: asking again would be refused again.
      warn(`KubeQuest may not install its node-rules collector on this cluster (${err.message}). The "On the nodes" panel and node-rules checks will say they could not read the node rules.`);
      return;
    }
    installed = undefined;
    // A stopped cluster is normal in development; the next environment tries again.
    if (!(err instanceof KubeError && err.code === "cluster-unreachable")) {
      warn(`installing the node-rules collector failed (tried again with the next environment): ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return installed;
}

/** Forget that the collector was installed (tests that delete it). */
export function forgetNodeRulesCollector(): void {
  installed = undefined;
}
