// Each check type a level can name in level.yaml runs its own implementation: a swapped or
// missing entry would grade one thing under another's title. And a level's grader entries are
// held to the library: an unknown type or params that do not fit are refused, naming the field.
// Exactly the types whose verdict reads objects alone run live, each with its own verdict.
import { describe, expect, it } from "vitest";
import type { CheckSpec } from "../../../lib/levels/level-schema";
import { CHECK_LIBRARY, checkSpecProblems, implementationOf, objectVerdictOf, planChecks } from "./check-library";
import { deploymentPodsReady, deploymentPodsReadyNow } from "./deployment-checks";
import { perPodDns, serviceDns } from "./dns-checks";
import { redisFanOut } from "./fan-out-checks";
import { nodeRules } from "./node-rules-check";
import { podsReady, podsReadyNow } from "./pods-ready";
import { replicationData, replicationTopology } from "./redis-checks";
import {
  endpointSliceHostnames,
  endpointSliceHostnamesVerdict,
  serviceHeadless,
  serviceHeadlessVerdict,
  statefulSetServiceName,
  statefulSetServiceNameVerdict,
} from "./service-checks";
import { serviceDnsRecords } from "./service-dns-records";

const expected = {
  "service-headless": serviceHeadless,
  "statefulset-service-name": statefulSetServiceName,
  "pods-ready": podsReady,
  "endpointslice-hostnames": endpointSliceHostnames,
  "per-pod-dns": perPodDns,
  "service-dns": serviceDns,
  "redis-replication-topology": replicationTopology,
  "redis-replication-data": replicationData,
  "deployment-pods-ready": deploymentPodsReady,
  "service-dns-records": serviceDnsRecords,
  "redis-fan-out": redisFanOut,
  "node-rules": nodeRules,
};

const check = (type: string, params?: Record<string, unknown>): CheckSpec => ({ id: `${type}-check`, type, title: "t", explanation: "e", ...(params ? { params } : {}) });

describe("the check library", () => {
  it("files each definition under its own type, and has one for every type this test knows", () => {
    for (const [type, definition] of CHECK_LIBRARY) expect(definition.type).toBe(type);
    expect([...CHECK_LIBRARY.keys()].sort()).toEqual(Object.keys(expected).sort());
  });

  it("runs each type's own implementation", () => {
    for (const [type, implementation] of Object.entries(expected)) {
      expect(implementationOf({ type }), type).toBe(implementation);
    }
  });

  it("runs live exactly the types whose verdict reads objects alone, each with its own verdict", () => {
    const live = Object.fromEntries([...CHECK_LIBRARY.keys()].map((type) => [type, objectVerdictOf({ type })]));
    expect(live).toEqual({
      "service-headless": serviceHeadlessVerdict,
      "statefulset-service-name": statefulSetServiceNameVerdict,
      "pods-ready": podsReadyNow,
      "endpointslice-hostnames": endpointSliceHostnamesVerdict,
      "deployment-pods-ready": deploymentPodsReadyNow,
      // These ask DNS, Redis or the fan-out client from inside the cluster: "Check my work" only.
      "per-pod-dns": undefined,
      "service-dns": undefined,
      "redis-replication-topology": undefined,
      "redis-replication-data": undefined,
      "service-dns-records": undefined,
      "redis-fan-out": undefined,
      // Reads what kube-proxy programmed on the nodes, through the collector: "Check my work" only.
      "node-rules": undefined,
    });
  });

  it("refuses a check type it does not have, listing the known ones", () => {
    expect(checkSpecProblems([check("pods-ready", { timeoutSeconds: 5 }), check("ipvs-rules")])).toEqual([
      { path: "grader[1].type", message: expect.stringMatching(/^"ipvs-rules" is not a check type \(known: [a-z-]+(, [a-z-]+)+\)$/) },
    ]);
  });

  it("refuses params that do not fit the type, at the field a level author writes", () => {
    const problems = checkSpecProblems([
      check("service-headless"),
      check("pods-ready", { timeoutMs: 60 }),
      check("per-pod-dns", { service: "Redis_0" }),
      check("node-rules", { expect: { cache: "there" } }),
      check("node-rules", { expect: {} }),
    ]);
    expect(problems.map((p) => p.path)).toEqual(["grader[1].params.timeoutSeconds", "grader[1].params", "grader[2].params.service", "grader[3].params.expect.cache", "grader[4].params.expect"]);
    expect(problems[1]!.message).toMatch(/timeoutMs/);
    expect(problems[2]!.message).toMatch(/a name is lowercase letters, digits and dashes.*\(for a per-pod-dns check\)/);
    expect(problems[4]!.message).toMatch(/name at least one Service/);
  });

  it("accepts a check with no params whose type takes none, and hands each check its parsed params", () => {
    const planned = planChecks([check("service-headless"), check("redis-replication-data", { timeoutMs: 5000 }), check("node-rules", { expect: { cache: "present" } })]);
    expect(planned.map((c) => [c.definition.type, c.spec.params])).toEqual([
      ["service-headless", undefined],
      ["redis-replication-data", { timeoutMs: 5000 }],
      ["node-rules", { expect: { cache: "present" }, settleSeconds: 15 }],
    ]);
  });

  it("will not plan a level whose checks it refuses", () => {
    expect(() => planChecks([check("nope")])).toThrow(/grader\[0\]\.type: "nope" is not a check type/);
  });
});
