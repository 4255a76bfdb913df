/** The quantity parsing the load bench's sizing figures rest on (pure). */
import { describe, expect, it } from "vitest";
import { cpuToMilli, memoryToMb } from "./cluster-usage";
import { perEnvironmentCost } from "./load-bench";

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
  const sample = (namespaces: number, cpuMilli: number, memoryMb: number, pods: number) => ({ namespaces, pods, cpuMilli, memoryMb, requestsCpuMilli: 100 * namespaces, requestsMemoryMb: 64 * namespaces });
  it("uses only the samples with every environment up: mean CPU, peak memory, most pods", () => {
    const cost = perEnvironmentCost([sample(1, 900, 900, 9), sample(2, 100, 200, 6), sample(2, 300, 400, 8)]);
    expect(cost).toEqual({ namespaces: 1, pods: 4, cpuMilli: 100, memoryMb: 200, requestsCpuMilli: 100, requestsMemoryMb: 64 });
  });
  it("is undefined with no sample", () => {
    expect(perEnvironmentCost([])).toBeUndefined();
  });
});
