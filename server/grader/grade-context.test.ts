// The grade context gathers what the level's checks declare and nothing else: the reads they
// list (each once per snapshot, shared between checks and with reads built on them), and their
// shared probe requests in one run (none when no check asks). Checks here are made-up
// definitions, so nothing of Level 30 is involved.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { KubeObject } from "../../lib/levels/kube-object";
import type { LevelManifest } from "../../lib/levels/level-schema";
import type { ExecResult, KubeAdapter, PodInfo, ServiceInfo } from "../kubernetes/kube-adapter";
import type { CheckDefinition, PlannedCheck } from "./checks/check-types";
import { GradeContext } from "./grade-context";
import { PODS, SERVICES, type NamespaceRead } from "./namespace-reads";
import type { ProbeRequest } from "./probe";
import { podInfo } from "../kubernetes/test-fixtures/pod-info";
import { probeAgentFake } from "./checks/test-fixtures/probe-agent-fake";

const NS = "kq-ctx";

function pod(name: string, ip: string): PodInfo {
  return podInfo({ name, ip });
}

const service: ServiceInfo = { name: "web", type: "ClusterIP", clusterIP: "10.96.0.9", selector: { app: "web" }, ports: [{ name: "http", port: 80 }], uid: "s" };

/** A namespace in memory that counts every call, and a probe that echoes what it was asked. */
function countingCluster() {
  const calls: string[] = [];
  const execs: string[][] = [];
  const probePods = new Map<string, PodInfo>();
  const count = <T>(name: string, value: T) => async () => {
    calls.push(name);
    return value;
  };
  const kube = {
    listServices: count("listServices", [service]),
    listPods: count("listPods", [pod("web-1", "10.244.0.5")]),
    listEndpointSlices: count("listEndpointSlices", []),
    listDeployments: count("listDeployments", []),
    getStatefulSet: count("getStatefulSet", null),
    getPod: async (_ns: string, name: string) => probePods.get(name) ?? null,
    ensureNamespace: async () => undefined,
    apply: async (_ns: string, objects: KubeObject[]) => {
      for (const o of objects) probePods.set(o.metadata.name, { ...pod(o.metadata.name, "10.244.9.9"), labels: { ...(o.metadata.labels ?? {}) } });
      return [];
    },
    deletePod: async () => undefined,
    ...probeAgentFake((argv): ExecResult => {
      execs.push(argv);
      const lines: string[] = [];
      for (let i = 1; i < argv.length; i += 2) lines.push(JSON.stringify({ kind: "nslookup", name: argv[i + 1], exitCode: 0, output: `asked ${argv[i + 1]}` }));
      return { stdout: lines.join("\n"), stderr: "", exitCode: 0 };
    }),
  } as unknown as KubeAdapter;
  return { kube, calls, execs };
}

let probeN = 0;
function contextWith(kube: KubeAdapter, definitions: CheckDefinition<unknown>[]): GradeContext {
  const checks: PlannedCheck[] = definitions.map((definition, i) => ({ definition, spec: { id: `c${i}`, type: definition.type, title: "t", explanation: "e", params: undefined } }));
  const level = { manifest: { id: "made-up", workload: { kind: "Deployment", name: "web", replicas: 1, defaultServiceName: "web" }, grader: [] } as unknown as LevelManifest };
  const ctx = new GradeContext(kube, level, NS, { checks, probePod: `probe-ctx-${++probeN}`, probePodSettleMs: 0 });
  ctx.setBudget(0);
  return ctx;
}

const check = (type: string, reads: NamespaceRead<unknown>[], probes?: ProbeRequest[]): CheckDefinition<unknown> => ({
  type,
  params: z.unknown(),
  reads,
  ...(probes ? { sharedProbes: () => probes } : {}),
  run: async () => ({ passed: true, evidence: [] }),
});

/** A read built on another: the web Service's pods, as a made-up check type might define it. */
const SERVICE_POD_COUNT: NamespaceRead<number> = {
  name: "servicePodCount",
  read: async (s) => {
    const [services, pods] = await Promise.all([s.get(SERVICES), s.get(PODS)]);
    return services.length + pods.length;
  },
};

describe("GradeContext", () => {
  it("reads only what the level's checks declare, and refuses a read none declared", async () => {
    const { kube, calls } = countingCluster();
    const ctx = contextWith(kube, [check("a", [SERVICES]), check("b", [SERVICES])]);
    const snapshot = await ctx.snapshot();
    expect(snapshot.get(SERVICES)).toEqual([service]);
    expect(calls).toEqual(["listServices"]);
    expect(() => snapshot.get(PODS)).toThrow(/no check of level made-up declares the read "pods"/);
  });

  it("runs each read once per snapshot, also when another read builds on it, and again after a refresh", async () => {
    const { kube, calls } = countingCluster();
    const ctx = contextWith(kube, [check("a", [SERVICE_POD_COUNT]), check("b", [PODS, SERVICES])]);
    expect((await ctx.snapshot()).get(SERVICE_POD_COUNT)).toBe(2);
    await ctx.snapshot();
    expect([...calls].sort()).toEqual(["listPods", "listServices"]);
    await ctx.refresh();
    expect([...calls].sort()).toEqual(["listPods", "listPods", "listServices", "listServices"]);
  });

  it("runs the shared probe requests of all the level's checks in one run, in check order, each once", async () => {
    const { kube, execs } = countingCluster();
    const a: ProbeRequest = { kind: "nslookup", name: "a.example." };
    const b: ProbeRequest = { kind: "nslookup", name: "b.example." };
    const ctx = contextWith(kube, [check("first", [], [b]), check("plain", [SERVICES]), check("second", [], [a, b])]);
    const records = await ctx.sharedProbe();
    expect(execs).toEqual([["kubequest-probe", "--nslookup", "b.example.", "--nslookup", "a.example."]]);
    expect(records.map((r) => r.name)).toEqual(["b.example.", "a.example."]);
    await ctx.sharedProbe();
    expect(execs).toHaveLength(1);
  });

  it("runs no probe, and starts none early, when no check of the level asks for one", async () => {
    const { kube, execs } = countingCluster();
    const ctx = contextWith(kube, [check("plain", [SERVICES])]);
    await ctx.prefetch();
    expect(await ctx.sharedProbe()).toEqual([]);
    expect(execs).toEqual([]);
  });
});
