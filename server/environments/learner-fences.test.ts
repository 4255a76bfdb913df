// The cluster-wide fences' pure parts: the admission policy file as the server reads it, the
// API server egress policy built from what a cluster reports, and what happens on a cluster
// that forbids KubeQuest to install policies.
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../lib/levels/kube-object";
import { KubeError, type KubeAdapter } from "../kubernetes/kube-adapter";
import { apiServerEgressPolicy, ensureAdmissionPolicies, forgetAdmissionPolicies, readAdmissionPolicies } from "./learner-fences";

describe("readAdmissionPolicies", () => {
  it("reads two policies, each bound to learner namespaces only, denying", () => {
    const objects = readAdmissionPolicies();
    const bindings = objects.filter((o) => o.kind === "ValidatingAdmissionPolicyBinding");
    expect(objects.filter((o) => o.kind === "ValidatingAdmissionPolicy").map((o) => o.metadata.name)).toEqual(["kubequest-learner-services", "kubequest-learner-pods"]);
    expect(bindings).toHaveLength(2);
    for (const b of bindings) {
      expect(b.spec).toMatchObject({
        policyName: b.metadata.name,
        validationActions: ["Deny"],
        matchResources: { namespaceSelector: { matchExpressions: [{ key: "kubequest.dev/session", operator: "Exists" }] } },
      });
    }
    for (const o of objects) expect(o.apiVersion).toBe("admissionregistration.k8s.io/v1");
  });

  it("gives every rule a message that says what to do, and leaves hostAliases alone", () => {
    const text = JSON.stringify(readAdmissionPolicies());
    expect(text).not.toMatch(/hostAliases/);
    const validations = readAdmissionPolicies().flatMap((o) => (o.spec as { validations?: { message?: string; messageExpression?: string }[] }).validations ?? []);
    expect(validations).toHaveLength(7);
    for (const v of validations) expect(v.message ?? v.messageExpression).toMatch(/not allowed in KubeQuest.*(Remove|Use)/);
  });
});

function fakeCluster(opts: { clusterIP?: string; targetPort?: number | string; addresses?: string[] }): KubeAdapter {
  return {
    getService: async () => ({ name: "kubernetes", type: "ClusterIP", clusterIP: opts.clusterIP ?? "10.96.0.1", selector: {}, ports: [{ name: "https", port: 443, targetPort: opts.targetPort ?? 6443 }], uid: "u" }),
    listEndpointSlices: async () => [{ name: "kubernetes", serviceName: "kubernetes", endpoints: (opts.addresses ?? ["172.18.0.2"]).map((a) => ({ addresses: [a], ready: true })) }],
  } as unknown as KubeAdapter;
}

describe("apiServerEgressPolicy", () => {
  it("allows the Service's cluster IP on 443 and each endpoint on its own port", async () => {
    const policy = await apiServerEgressPolicy(fakeCluster({ addresses: ["172.18.0.2", "172.18.0.3", "fd00::2"] }));
    expect(policy).toMatchObject({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "kubequest-allow-api-server" } });
    expect(policy.spec).toEqual({
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        { to: [{ ipBlock: { cidr: "10.96.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
        { to: [{ ipBlock: { cidr: "172.18.0.2/32" } }, { ipBlock: { cidr: "172.18.0.3/32" } }, { ipBlock: { cidr: "fd00::2/128" } }], ports: [{ protocol: "TCP", port: 6443 }] },
      ],
    });
  });

  it("refuses to guess when the cluster names no API server", async () => {
    const cluster = { getService: async () => null, listEndpointSlices: async () => [] } as unknown as KubeAdapter;
    await expect(apiServerEgressPolicy(cluster)).rejects.toThrow(/lists no API server address/);
  });
});

describe("ensureAdmissionPolicies", () => {
  it("applies once per server, and tells the operator what to install where it is forbidden", async () => {
    forgetAdmissionPolicies();
    const applied: KubeObject[][] = [];
    const ok = { applyClusterScoped: async (objects: KubeObject[]) => (applied.push(objects), []) } as unknown as KubeAdapter;
    await ensureAdmissionPolicies(ok);
    await ensureAdmissionPolicies(ok);
    expect(applied).toHaveLength(1);

    forgetAdmissionPolicies();
    const logs: string[] = [];
    const forbidden = {
      applyClusterScoped: () => Promise.reject(new KubeError("forbidden", 'validatingadmissionpolicies "kubequest-learner-services" is forbidden', { status: 403 })),
    } as unknown as KubeAdapter;
    await ensureAdmissionPolicies(forbidden, (m) => logs.push(m));
    expect(logs[0]).toMatch(/An operator must apply server\/environments\/learner-admission-policies\.yaml once \(kubectl apply -f\)/);

    forgetAdmissionPolicies();
    const down = { applyClusterScoped: () => Promise.reject(new KubeError("cluster-unreachable", "down")) } as unknown as KubeAdapter;
    await expect(ensureAdmissionPolicies(down)).rejects.toThrow("down");
    // A failure is not remembered: the next call tries again.
    await ensureAdmissionPolicies(ok);
    expect(applied).toHaveLength(2);
    forgetAdmissionPolicies();
  });
});
