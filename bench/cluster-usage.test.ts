/** The quantity parsing the load bench's sizing figures rest on (pure). */
import { describe, expect, it } from "vitest";
import { cpuToMilli, memoryToMb, summaryUsage } from "./cluster-usage";
import { nodeCpuOfClass, perEnvironmentCost } from "./load-bench";

describe("Kubernetes quantities", () => {
  it("reads CPU in cores, millicores and nanocores", () => {
    expect(cpuToMilli("250m")).toBe(250);
    expect(cpuToMilli("1")).toBe(1000);
    expect(cpuToMilli("1.5")).toBe(1500);
    expect(cpuToMilli("5000000n")).toBe(5);
    expect(cpuToMilli(undefined)).toBe(0);
  });
  it("reads memory in binary and decimal units and plain bytes", () => {
    expect(memoryToMb("32Mi")).toBe(32);
    expect(memoryToMb("1Gi")).toBe(1024);
    expect(memoryToMb("134217728")).toBe(128);
    expect(memoryToMb("1000k")).toBeCloseTo(0.954, 3);
    expect(memoryToMb("12Qi")).toBe(0);
  });
});

describe("one environment's cost", () => {
  const sample = (namespaces: number, cpuMilli: number, memoryMb: number, pods: number, nodeCpuMilli = 0) => ({
    namespaces,
    pods,
    cpuMilli,
    memoryMb,
    requestsCpuMilli: 100 * namespaces,
    requestsMemoryMb: 64 * namespaces,
    nodeCpuMilli,
    outsidePodsCpuMilli: nodeCpuMilli / 4,
  });
  it("uses only the samples with every environment up: mean CPU, peak memory, most pods", () => {
    const cost = perEnvironmentCost([sample(1, 900, 900, 9), sample(2, 100, 200, 6), sample(2, 300, 400, 8)]);
    expect(cost).toEqual({ namespaces: 1, pods: 4, cpuMilli: 100, memoryMb: 200, requestsCpuMilli: 100, requestsMemoryMb: 64, nodeCpuMilli: 0, outsidePodsCpuMilli: 0 });
  });
  it("is undefined with no sample", () => {
    expect(perEnvironmentCost([])).toBeUndefined();
  });
  it("charges each learner its share of what the whole node spent beyond the idle pool, runtime included", () => {
    const idle = sample(3, 60, 10, 8, 400);
    expect(nodeCpuOfClass(idle, [sample(1, 50, 5, 4, 2000), sample(4, 200, 40, 16, 1600), sample(4, 280, 40, 16, 2000)], 4)).toEqual({ idleMilli: 400, classMilli: 1800, outsidePodsMilli: 450, perLearnerMilli: 350 });
    expect(nodeCpuOfClass(undefined, [sample(4, 200, 40, 16, 1600)], 4)).toBeUndefined();
    expect(nodeCpuOfClass(idle, [], 4)).toBeUndefined();
  });
});

describe("a kubelet summary", () => {
  it("sums the asked namespaces' pods and reads the node's whole CPU and the part outside every pod", () => {
    const usage = summaryUsage(
      {
        node: { cpu: { usageNanoCores: 900e6 }, systemContainers: [{ name: "kubelet", cpu: { usageNanoCores: 80e6 } }, { name: "runtime", cpu: { usageNanoCores: 120e6 } }, { name: "pods", cpu: { usageNanoCores: 500e6 } }] },
        pods: [
          { podRef: { namespace: "kq-a", name: "redis-0" }, cpu: { usageNanoCores: 10e6 }, memory: { workingSetBytes: 4 * 1024 ** 2 } },
          { podRef: { namespace: "kq-a", name: "toolbox" }, cpu: { usageNanoCores: 5e6 } },
          { podRef: { namespace: "kube-system", name: "etcd" }, cpu: { usageNanoCores: 300e6 } },
        ],
      },
      (ns) => ns.startsWith("kq-"),
    );
    expect(usage).toEqual({ namespaces: new Set(["kq-a"]), pods: 2, cpuMilli: 15, memoryMb: 4, nodeCpuMilli: 900, outsidePodsCpuMilli: 400 });
  });
});
