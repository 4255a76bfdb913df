// Why: the editor re-asks the cluster exactly when this fingerprint changes (issue 16, item 1).
import { describe, expect, it } from "vitest";
import type { LiveViewSnapshot } from "@/lib/protocol/socket-events";
import { clusterFingerprint } from "./cluster-fingerprint";

function snapshot(over: Partial<LiveViewSnapshot> = {}): LiveViewSnapshot {
  return {
    levelId: "headless-statefulset-dns",
    namespace: "kq-abc",
    services: [{ name: "redis", type: "ClusterIP", clusterIP: "10.96.0.12", selector: { app: "redis", tier: "db" } }],
    statefulSets: [{ name: "redis", serviceName: "redis", replicas: 3, readyReplicas: 1 }],
    endpointSlices: [],
    pods: [{ name: "redis-0", phase: "Running", status: "Running", ready: true, ip: "10.244.0.5", restarts: 0, ordinal: 0 }],
    dns: [],
    updatedAt: "2026-01-01T00:00:00Z",
    ...over,
  };
}

describe("clusterFingerprint", () => {
  it("is empty before the first snapshot", () => {
    expect(clusterFingerprint(null)).toBe("");
  });

  it("changes when a Service is recreated headless", () => {
    const before = clusterFingerprint(snapshot());
    const after = clusterFingerprint(snapshot({ services: [{ name: "redis", type: "ClusterIP", clusterIP: "None", selector: { app: "redis", tier: "db" } }] }));
    expect(after).not.toBe(before);
  });

  it("changes when a Service disappears, or a StatefulSet's serviceName or replicas change", () => {
    const base = clusterFingerprint(snapshot());
    expect(clusterFingerprint(snapshot({ services: [] }))).not.toBe(base);
    expect(clusterFingerprint(snapshot({ statefulSets: [{ name: "redis", serviceName: "other", replicas: 3, readyReplicas: 1 }] }))).not.toBe(base);
    expect(clusterFingerprint(snapshot({ statefulSets: [{ name: "redis", serviceName: "redis", replicas: 2, readyReplicas: 1 }] }))).not.toBe(base);
  });

  it("ignores pod churn, readiness, DNS answers and the snapshot time", () => {
    const base = clusterFingerprint(snapshot());
    const churned = snapshot({
      pods: [],
      statefulSets: [{ name: "redis", serviceName: "redis", replicas: 3, readyReplicas: 3 }],
      dns: [{ name: "redis-0.redis", addresses: ["10.244.0.9"] }],
      updatedAt: "2026-01-01T00:05:00Z",
    });
    expect(clusterFingerprint(churned)).toBe(base);
  });

  it("does not depend on the order of objects or selector keys", () => {
    const a = snapshot({
      services: [
        { name: "a", type: "ClusterIP", clusterIP: "None", selector: { x: "1", y: "2" } },
        { name: "b", type: "ClusterIP", clusterIP: "10.96.0.2", selector: {} },
      ],
    });
    const b = snapshot({
      services: [
        { name: "b", type: "ClusterIP", clusterIP: "10.96.0.2", selector: {} },
        { name: "a", type: "ClusterIP", clusterIP: "None", selector: { y: "2", x: "1" } },
      ],
    });
    expect(clusterFingerprint(a)).toBe(clusterFingerprint(b));
  });
});
