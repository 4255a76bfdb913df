/** Every check type a level can configure, by its `type` in level.yaml. */
import type { CheckSpec } from "../../../lib/levels/level-schema";
import type { CheckImplementation } from "./check-types";
import { perPodDns, serviceDns } from "./dns-checks";
import { podsReady } from "./pods-ready";
import { replicationData, replicationTopology } from "./redis-checks";
import { endpointSliceHostnames, serviceHeadless, statefulSetServiceName } from "./service-checks";

type Library = { [T in CheckSpec["type"]]: CheckImplementation<Extract<CheckSpec, { type: T }>> };

export const CHECK_LIBRARY: Library = {
  "service-headless": serviceHeadless,
  "statefulset-service-name": statefulSetServiceName,
  "pods-ready": podsReady,
  "endpointslice-hostnames": endpointSliceHostnames,
  "per-pod-dns": perPodDns,
  "service-dns": serviceDns,
  "redis-replication-topology": replicationTopology,
  "redis-replication-data": replicationData,
};

export function implementationOf(spec: CheckSpec): CheckImplementation {
  return CHECK_LIBRARY[spec.type] as CheckImplementation;
}
