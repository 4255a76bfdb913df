// Each check type a level can name in level.yaml runs its own implementation: a swapped or
// missing entry would grade one thing under another's title.
import { describe, expect, it } from "vitest";
import type { CheckSpec } from "../../../lib/levels/level-schema";
import { checkSpecSchema } from "../../../lib/levels/level-schema";
import { CHECK_LIBRARY, implementationOf } from "./check-library";
import { perPodDns, serviceDns } from "./dns-checks";
import { podsReady } from "./pods-ready";
import { replicationData, replicationTopology } from "./redis-checks";
import { endpointSliceHostnames, serviceHeadless, statefulSetServiceName } from "./service-checks";

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

  it("runs each type's own implementation", () => {
    for (const [type, implementation] of Object.entries(expected)) {
      expect(implementationOf({ type } as CheckSpec), type).toBe(implementation);
    }
  });
});
