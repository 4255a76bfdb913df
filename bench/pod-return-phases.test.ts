/** Splitting a chaos round's wait by the new pod's own record (pure). */
import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { podReturnPhases } from "./pod-return-phases";

const T = Date.parse("2026-12-01T14:00:00Z");
const at = (s: number) => new Date(T + s * 1000);

function pod(createdS: number, conditions: [string, number, string?][]): V1Pod {
  return {
    metadata: { name: "redis-0", creationTimestamp: at(createdS) },
    status: { conditions: conditions.map(([type, s, status]) => ({ type, status: status ?? "True", lastTransitionTime: at(s) })) },
  };
}

describe("podReturnPhases", () => {
  it("splits the wait into replaced, scheduled, sandbox, init and ready", () => {
    const p = pod(4, [["PodScheduled", 5], ["PodReadyToStartContainers", 12], ["Initialized", 13], ["ContainersReady", 15], ["Ready", 15]]);
    // The round started 0.4 s into second 0: the API's times are whole seconds.
    expect(podReturnPhases(T + 400, p)).toEqual({ replaced: 4000, scheduled: 1000, sandbox: 7000, init: 1000, ready: 2000 });
  });

  it("folds a moment the cluster does not record into the next phase", () => {
    const p = pod(4, [["PodScheduled", 5], ["Initialized", 13], ["Ready", 15]]);
    expect(podReturnPhases(T, p)).toEqual({ replaced: 4000, scheduled: 1000, sandbox: 0, init: 8000, ready: 2000 });
  });

  it("has nothing to split for a pod that is not Ready", () => {
    expect(podReturnPhases(T, pod(4, [["PodScheduled", 5], ["Ready", 9, "False"]]))).toBeUndefined();
    expect(podReturnPhases(T, { metadata: { name: "redis-0" }, status: { conditions: [{ type: "Ready", status: "True", lastTransitionTime: at(3) }] } })).toBeUndefined();
  });

  it("never counts a phase backwards", () => {
    // A condition time earlier than the pod's creation (clock skew, an odd record) counts as zero.
    const p = pod(4, [["PodScheduled", 3], ["PodReadyToStartContainers", 6], ["Initialized", 6], ["Ready", 8]]);
    expect(podReturnPhases(T, p)).toEqual({ replaced: 4000, scheduled: 0, sandbox: 2000, init: 0, ready: 2000 });
  });
});
