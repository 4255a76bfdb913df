/**
 * The fences of learner namespaces that the per-namespace `levels/_platform/` files cannot
 * express on their own: KubeQuest's cluster-wide admission policies (one YAML file, applied
 * idempotently at server start and before every new environment, so they exist on the offline
 * kit and on any cluster reached through a kubeconfig), and the NetworkPolicy letting the
 * learner's pods reach the API server, whose addresses differ from cluster to cluster.
 *
 * Node only.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { KubeObject } from "../../lib/levels/kube-object";
import { KubeError, type KubeAdapter } from "../kubernetes/kube-adapter";
import { parseKubeObjects } from "../levels/level-yaml";
import { moduleLogger } from "../logging/logger";

const log = moduleLogger("environments");

/** The file an operator applies by hand where KubeQuest may not create cluster-wide objects. */
export const ADMISSION_POLICIES_FILE = path.join(__dirname, "learner-admission-policies.yaml");

export function readAdmissionPolicies(file: string = ADMISSION_POLICIES_FILE): KubeObject[] {
  return parseKubeObjects(readFileSync(file, "utf8"), path.basename(file));
}

let installed: Promise<void> | undefined;

/**
 * Applies the admission policies once per server (again after a failure). A cluster that
 * forbids KubeQuest to write them is told about once, with what the operator must install;
 * environments still start there, relying on what the operator installed.
 */
export function ensureAdmissionPolicies(kube: KubeAdapter, warn: (message: string) => void = (m) => log.warn(m)): Promise<void> {
  installed ??= (async () => {
    try {
      await kube.applyClusterScoped(readAdmissionPolicies());
    } catch (err) {
      if (err instanceof KubeError && err.code === "forbidden") {
        warn(
          `KubeQuest may not install its admission policies on this cluster (${err.message}). ` +
            `An operator must apply ${path.relative(process.cwd(), ADMISSION_POLICIES_FILE)} once (kubectl apply -f), or learners can create externalIPs and NodePort Services.`,
        );
        return;
      }
      throw err;
    }
  })();
  installed.catch(() => {
    installed = undefined;
  });
  return installed;
}

/** Forget that the policies were applied (tests that delete them). */
export function forgetAdmissionPolicies(): void {
  installed = undefined;
}

export const API_SERVER_POLICY = "kubequest-allow-api-server";

/**
 * Egress from every pod of a learner namespace to the API server (the toolbox's kubectl),
 * by address: the `kubernetes` Service's cluster IP on its port, for implementations that judge
 * traffic before kube-proxy's translation, and each API server endpoint on its own port, for
 * those that judge it after (most of them).
 */
export async function apiServerEgressPolicy(kube: KubeAdapter): Promise<KubeObject> {
  const [service, slices] = await Promise.all([kube.getService("default", "kubernetes"), kube.listEndpointSlices("default", "kubernetes")]);
  const rules: { to: { ipBlock: { cidr: string } }[]; ports: { protocol: "TCP"; port: number }[] }[] = [];
  const cidr = (ip: string): string => (ip.includes(":") ? `${ip}/128` : `${ip}/32`);
  const servicePort = service?.ports.find((p) => p.name === "https") ?? service?.ports[0];
  if (service && servicePort && service.clusterIP && service.clusterIP !== "None") {
    rules.push({ to: [{ ipBlock: { cidr: cidr(service.clusterIP) } }], ports: [{ protocol: "TCP", port: servicePort.port }] });
  }
  const endpointPort = typeof servicePort?.targetPort === "number" ? servicePort.targetPort : servicePort?.port;
  const addresses = [...new Set(slices.flatMap((s) => s.endpoints.flatMap((e) => e.addresses)))];
  if (endpointPort && addresses.length > 0) {
    rules.push({ to: addresses.map((ip) => ({ ipBlock: { cidr: cidr(ip) } })), ports: [{ protocol: "TCP", port: endpointPort }] });
  }
  if (rules.length === 0) {
    throw new KubeError("cluster-error", "The cluster's default/kubernetes Service lists no API server address, so learner pods could not be allowed to reach it.", {
      action: "Check kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes; the API server should list itself there.",
    });
  }
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: API_SERVER_POLICY, labels: { "app.kubernetes.io/part-of": "kubequest" } },
    spec: { podSelector: {}, policyTypes: ["Egress"], egress: rules },
  };
}
