/**
 * Why: the editor's problems come from a dry run against the cluster, so an answer is only true
 * for the cluster it was asked of. After the learner recreates the Service headless, the same
 * text that was refused ("clusterIP can't be changed in place") is now exactly what the cluster
 * holds; keeping the old answer would tell them to undo the fix. The editor keys its validation
 * cache by this fingerprint of what the live view shows, so any change to the objects a dry run
 * compares against makes it ask again.
 */
import type { LiveViewSnapshot } from "@/lib/protocol/socket-events";

/**
 * The parts of the namespace a dry run of the editor's objects depends on: each Service's type,
 * cluster IP and selector, each StatefulSet's serviceName and replicas. Pod churn (ready,
 * restarts, IPs) is left out on purpose: it changes every few seconds while pods start, and
 * re-validating on each change would spend the learner's request budget for nothing.
 * Stable under reordering; "" before the first snapshot.
 */
export function clusterFingerprint(snapshot: Pick<LiveViewSnapshot, "namespace" | "services" | "statefulSets"> | null): string {
  if (!snapshot) return "";
  const services = snapshot.services
    .map((s) => {
      const selector = Object.entries(s.selector)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
      return `svc:${s.name}:${s.type}:${s.clusterIP}:${selector}`;
    })
    .sort();
  const statefulSets = snapshot.statefulSets.map((s) => `sts:${s.name}:${s.serviceName}:${s.replicas}`).sort();
  return [`ns:${snapshot.namespace}`, ...services, ...statefulSets].join("|");
}
