/**
 * Every check type a level can configure, by its `type` in level.yaml: how the grader runs it,
 * and (`fromObjects`) whether its verdict needs only the namespace's Kubernetes objects, which
 * makes it a live check. A new check type that reads only objects declares `fromObjects` here
 * and every level that uses it gets it live, with no change to the grader or the live path.
 */
import type { CheckSpec } from "../../../lib/levels/level-schema";
import type { CheckDefinition, CheckImplementation, ObjectVerdict } from "./check-types";
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

type Library = { [T in CheckSpec["type"]]: CheckDefinition<Extract<CheckSpec, { type: T }>> };

export const CHECK_LIBRARY: Library = {
  "service-headless": { run: serviceHeadless, fromObjects: serviceHeadlessVerdict },
  "statefulset-service-name": { run: statefulSetServiceName, fromObjects: statefulSetServiceNameVerdict },
  "pods-ready": { run: podsReady, fromObjects: podsReadyNow },
  "endpointslice-hostnames": { run: endpointSliceHostnames, fromObjects: endpointSliceHostnamesVerdict },
  // These probe DNS and Redis from a pod inside the cluster: "Check my work" only.
  "per-pod-dns": { run: perPodDns },
  "service-dns": { run: serviceDns },
  "redis-replication-topology": { run: replicationTopology },
  "redis-replication-data": { run: replicationData },
};

function definitionOf(spec: CheckSpec): CheckDefinition {
  return CHECK_LIBRARY[spec.type] as CheckDefinition;
}

export function implementationOf(spec: CheckSpec): CheckImplementation {
  return definitionOf(spec).run;
}

/** The check's verdict from objects alone, when its type has one (then it runs live too). */
export function objectVerdictOf(spec: CheckSpec): ObjectVerdict | undefined {
  return definitionOf(spec).fromObjects;
}
