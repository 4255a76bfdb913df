// The `waitReady` step waits for the level's workload, whichever kind it is: a StatefulSet's
// pods by their ordinal names, a Deployment's (random names) by its selector and ReplicaSet
// owner; terminating pods and look-alikes never count. Pure logic over a scripted adapter.
import { describe, expect, it } from "vitest";
import type { DeploymentInfo, KubeAdapter, PodInfo } from "../kubernetes/kube-adapter";
import type { LoadedLevel } from "../levels/level-catalog";
import { waitWorkloadReady } from "./run-level-steps";
import { podInfo } from "../kubernetes/test-fixtures/pod-info";

function pod(name: string, labels: Record<string, string>, owner: { kind: string; name: string } | undefined, ready = true, deleting = false): PodInfo {
  return podInfo({ name, ready, ip: "10.244.0.9", labels, ...(owner ? { owner } : {}), deleting });
}

function levelWith(kind: "StatefulSet" | "Deployment", name: string, replicas: number): LoadedLevel {
  return { manifest: { workload: { kind, name, replicas, defaultServiceName: name } } } as unknown as LoadedLevel;
}

/** An adapter whose pods change with each look (the last stays). */
function cluster(looks: PodInfo[][], deployments: DeploymentInfo[] = []) {
  let n = 0;
  const kube = {
    listPods: async () => looks[Math.min(n++, looks.length - 1)]!,
    listDeployments: async () => deployments,
  } as unknown as KubeAdapter;
  return kube;
}

const cacheDeployment: DeploymentInfo = { name: "cache", replicas: 2, readyReplicas: 2, selector: { app: "cache" } };
const cachePod = (suffix: string, ready = true, deleting = false) => pod(`cache-5d8c7b6f9-${suffix}`, { app: "cache", "pod-template-hash": "5d8c7b6f9" }, { kind: "ReplicaSet", name: "cache-5d8c7b6f9" }, ready, deleting);

describe("waitWorkloadReady", () => {
  it("waits for a Deployment's own pods, found by its selector", async () => {
    const kube = cluster([[cachePod("a"), cachePod("b", false)], [cachePod("a"), cachePod("b")]], [cacheDeployment]);
    await expect(waitWorkloadReady(kube, levelWith("Deployment", "cache", 2), "ns", 5_000)).resolves.toBeUndefined();
  });

  it("does not count a Deployment's terminating pods, or a bare pod with its label", async () => {
    const kube = cluster([[cachePod("a"), cachePod("b", true, true), pod("cache-debug", { app: "cache" }, undefined)]], [cacheDeployment]);
    await expect(waitWorkloadReady(kube, levelWith("Deployment", "cache", 2), "ns", 600)).rejects.toThrow(/only 1\/2 pods of cache were Ready/);
  });

  it("waits for a StatefulSet's pods by ordinal", async () => {
    const sts = (i: number, ready = true) => pod(`redis-${i}`, { app: "redis" }, { kind: "StatefulSet", name: "redis" }, ready);
    await expect(waitWorkloadReady(cluster([[sts(0), sts(1, false)], [sts(0), sts(1)]]), levelWith("StatefulSet", "redis", 2), "ns", 5_000)).resolves.toBeUndefined();
    await expect(waitWorkloadReady(cluster([[sts(0)]]), levelWith("StatefulSet", "redis", 2), "ns", 600)).rejects.toThrow(/only 1\/2 pods of redis/);
  });
});
