// The collector's DaemonSet as the server applies it (the node access it gets, and nothing more),
// where its image comes from, and what happens on a cluster without kube-proxy or one that
// forbids KubeQuest to install it.
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../lib/levels/kube-object";
import { KubeError, type DaemonSetInfo, type KubeAdapter } from "../kubernetes/kube-adapter";
import { collectorDaemonSet, ensureNodeRulesCollector, forgetNodeRulesCollector, installNodeRulesCollector } from "./node-rules-collector";

const PROXY_IMAGE = "registry.k8s.io/kube-proxy:v1.34.4";

type PodSpec = {
  hostNetwork: boolean;
  hostPID?: boolean;
  automountServiceAccountToken: boolean;
  tolerations: unknown[];
  volumes?: unknown[];
  containers: { image: string; imagePullPolicy: string; command: string[]; resources: { requests: object; limits: object }; securityContext: { capabilities: { drop: string[]; add: string[] }; privileged: boolean; allowPrivilegeEscalation: boolean } }[];
};

function podSpecOf(ds: KubeObject): PodSpec {
  return (ds.spec as { template: { spec: PodSpec } }).template.spec;
}

describe("collectorDaemonSet", () => {
  const ds = collectorDaemonSet(PROXY_IMAGE);
  const spec = podSpecOf(ds);
  const container = spec.containers[0]!;

  it("runs the cluster's kube-proxy image, already on the node, idling in a sleep loop", () => {
    expect(ds).toMatchObject({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "node-rules-collector" } });
    expect(spec.containers).toHaveLength(1);
    expect(container.image).toBe(PROXY_IMAGE);
    expect(container.imagePullPolicy).toBe("IfNotPresent");
    expect(container.command.join(" ")).toMatch(/while true; do sleep \d+/);
  });

  it("shares the node's network and keeps only NET_ADMIN and NET_RAW, with no token, host PID or volumes", () => {
    expect(spec.hostNetwork).toBe(true);
    expect(spec.hostPID).toBeUndefined();
    expect(spec.volumes).toBeUndefined();
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW"] } });
  });

  it("tolerates every taint (the control plane too) and asks for little", () => {
    expect(spec.tolerations).toEqual([{ operator: "Exists" }]);
    expect(container.resources).toEqual({ requests: { cpu: "5m", memory: "16Mi" }, limits: { cpu: "250m", memory: "64Mi" } });
  });
});

function fakeCluster(proxy: DaemonSetInfo | null, apply: (ns: string, objects: KubeObject[]) => Promise<unknown>) {
  const namespaces: string[] = [];
  const kube = {
    getDaemonSet: async (ns: string, name: string) => (ns === "kube-system" && name === "kube-proxy" ? proxy : null),
    ensureNamespace: async (ns: string) => void namespaces.push(ns),
    apply,
  } as unknown as KubeAdapter;
  return { kube, namespaces };
}

const kubeProxy: DaemonSetInfo = { name: "kube-proxy", images: [PROXY_IMAGE], desired: 1, ready: 1 };

describe("installNodeRulesCollector", () => {
  it("applies the DaemonSet in kubequest-system with the image kube-proxy runs", async () => {
    const applied: [string, KubeObject[]][] = [];
    const { kube, namespaces } = fakeCluster(kubeProxy, async (ns, objects) => applied.push([ns, objects]));
    await installNodeRulesCollector(kube);
    expect(namespaces).toEqual(["kubequest-system"]);
    expect(applied).toHaveLength(1);
    expect(applied[0]![0]).toBe("kubequest-system");
    expect(podSpecOf(applied[0]![1][0]!).containers[0]!.image).toBe(PROXY_IMAGE);
  });

  it("says so when the cluster has no kube-proxy DaemonSet to borrow an image from", async () => {
    const { kube } = fakeCluster(null, async () => []);
    await expect(installNodeRulesCollector(kube)).rejects.toThrow(/no kube-system\/kube-proxy DaemonSet/);
  });
});

describe("ensureNodeRulesCollector", () => {
  it("installs once per server, warns once where it is forbidden, and tries again after any other failure, never rejecting", async () => {
    forgetNodeRulesCollector();
    let applies = 0;
    const ok = fakeCluster(kubeProxy, async () => (applies++, [])).kube;
    await ensureNodeRulesCollector(ok);
    await ensureNodeRulesCollector(ok);
    expect(applies).toBe(1);

    forgetNodeRulesCollector();
    const warnings: string[] = [];
    const forbidden = fakeCluster(kubeProxy, () => Promise.reject(new KubeError("forbidden", 'daemonsets.apps is forbidden', { status: 403 }))).kube;
    await ensureNodeRulesCollector(forbidden, (m) => warnings.push(m));
    await ensureNodeRulesCollector(forbidden, (m) => warnings.push(m));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/may not install its node-rules collector.*could not read the node rules/);

    forgetNodeRulesCollector();
    const failing = fakeCluster(kubeProxy, () => Promise.reject(new KubeError("cluster-error", "etcd timed out"))).kube;
    await ensureNodeRulesCollector(failing, (m) => warnings.push(m));
    expect(warnings.at(-1)).toMatch(/installing the node-rules collector failed.*etcd timed out/);
    // Not remembered: the next call tries again.
    await ensureNodeRulesCollector(ok);
    expect(applies).toBe(2);
    forgetNodeRulesCollector();
  });
});
