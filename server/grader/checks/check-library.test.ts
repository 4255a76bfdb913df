// Each check type a level can name in level.yaml runs its own implementation: a swapped or
// missing entry would grade one thing under another's title.
import { describe, expect, it } from "vitest";
import type { CheckSpec } from "../../../lib/levels/level-schema";
import { checkSpecSchema } from "../../../lib/levels/level-schema";
import { CHECK_LIBRARY, implementationOf, objectVerdictOf } from "./check-library";
import { perPodDns, serviceDns } from "./dns-checks";
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

const expected = {
  "service-headless": serviceHeadless,
  "statefulset-service-name": statefulSetServiceName,
  "pods-ready": podsReady,
  "endpointslice-hostnames": endpointSliceHostnames,
  "per-pod-dns": perPodDns,
  "service-dns": serviceDns,
  "redis-replication-topology": replicationTopology,
  "redis-replication-data": replicationData,
};

describe("the check library", () => {
  it("has an implementation for every check type of the level schema, and no other", () => {
    const schemaTypes = checkSpecSchema.options.map((o) => o.shape.type.value).sort();
    expect(Object.keys(CHECK_LIBRARY).sort()).toEqual(schemaTypes);
  });

  it("runs live exactly the types whose verdict reads objects alone, each with its own verdict", () => {
    const live = Object.fromEntries(Object.keys(CHECK_LIBRARY).map((type) => [type, objectVerdictOf({ type } as CheckSpec)]));
    expect(live).toEqual({
      "service-headless": serviceHeadlessVerdict,
      "statefulset-service-name": statefulSetServiceNameVerdict,
      "pods-ready": podsReadyNow,
      "endpointslice-hostnames": endpointSliceHostnamesVerdict,
      // These ask DNS or Redis from inside the cluster: "Check my work" only.
      "per-pod-dns": undefined,
      "service-dns": undefined,
      "redis-replication-topology": undefined,
      "redis-replication-data": undefined,
    });
  });

  it("runs each type's own implementation", () => {
    for (const [type, implementation] of Object.entries(expected)) {
      expect(implementationOf({ type } as CheckSpec), type).toBe(implementation);
    }
  });
});
