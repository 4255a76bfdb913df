// Why: the live view's text alternative must agree with the picture (issue 16, item 10: it said
// "no per-pod DNS names exist" while the view showed redis-0.redis resolving).
import { describe, expect, it } from "vitest";
import type { LiveViewSnapshot } from "@/lib/protocol/socket-events";
import { describeSnapshot } from "./describe-snapshot";

const snapshot: LiveViewSnapshot = {
  levelId: "headless-statefulset-dns",
  namespace: "kq-abc",
  services: [{ name: "redis", type: "ClusterIP", clusterIP: "10.96.0.12", selector: { app: "redis" } }],
  statefulSets: [{ name: "redis", serviceName: "redis", replicas: 3, readyReplicas: 1 }],
  endpointSlices: [],
  pods: [{ name: "redis-0", phase: "Running", status: "Running", ready: true, ip: "10.244.0.5", restarts: 0, ordinal: 0 }],
  dns: [
    { name: "redis-0.redis", addresses: ["10.244.0.5"] },
    { name: "redis", addresses: ["10.96.0.12"] },
  ],
  updatedAt: "2026-01-01T00:00:00Z",
};

describe("describeSnapshot", () => {
  it("does not deny per-pod names that the DNS answers show resolving", () => {
    const text = describeSnapshot(snapshot).join(" ");
    expect(text).not.toMatch(/no per-pod DNS names exist/);
    expect(text).toContain("Service redis (ClusterIP) has cluster IP 10.96.0.12: it is not headless");
    expect(text).toContain("DNS redis-0.redis resolves to 10.244.0.5.");
  });

  it("says where each pod runs, when it has a node", () => {
    const placed = { ...snapshot, pods: [{ ...snapshot.pods[0]!, nodeName: "kubequest-control-plane" }] };
    expect(describeSnapshot(placed)).toContain("Pod redis-0: Running, ready, IP 10.244.0.5, on node kubequest-control-plane.");
    expect(describeSnapshot(snapshot)).toContain("Pod redis-0: Running, ready, IP 10.244.0.5.");
  });

  it("says a headless Service gives pods names of their own", () => {
    const headless = { ...snapshot, services: [{ ...snapshot.services[0]!, clusterIP: "None" }] };
    expect(describeSnapshot(headless)[0]).toMatch(/is headless: clusterIP None/);
  });
});
