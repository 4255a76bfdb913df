/**
 * A `PodInfo` for unit tests: a running, ready pod with no containers listed, with only what a
 * test cares about given. One place for the defaults, so a new PodInfo field is added once.
 */
import type { PodInfo } from "../kube-adapter";

export function podInfo(fields: Partial<PodInfo> & { name: string }): PodInfo {
  return {
    uid: fields.name,
    phase: "Running",
    status: "Running",
    ready: true,
    labels: {},
    restarts: 0,
    initContainers: [],
    containers: [],
    deleting: false,
    createdAt: "",
    ...fields,
  };
}
