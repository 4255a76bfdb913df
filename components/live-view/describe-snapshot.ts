/**
 * The live view in words: the text alternative of the picture for screen readers, and the
 * one-line description of the SVG.
 */
import type { LiveViewSnapshot } from "@/lib/protocol/socket-events";
import { dnsPodName, isHeadless } from "./live-view-layout";

export function describeSnapshot(snapshot: LiveViewSnapshot): string[] {
  const lines: string[] = [];
  if (snapshot.services.length === 0) lines.push("There is no Service in the namespace.");
  for (const service of snapshot.services) {
    lines.push(
      isHeadless(service)
        ? `Service ${service.name} (${service.type}) is headless: clusterIP None, so DNS returns pod addresses and StatefulSet pods get names of their own.`
        : // What the DNS answers below show is the truth; this says only what the Service promises.
          `Service ${service.name} (${service.type}) has cluster IP ${service.clusterIP}: it is not headless, so its name answers with that one virtual address and no pod is promised a name of its own.`,
    );
  }
  for (const slice of snapshot.endpointSlices) {
    if (slice.endpoints.length === 0) {
      lines.push(`EndpointSlice ${slice.name} of Service ${slice.serviceName} has no endpoints.`);
      continue;
    }
    const list = slice.endpoints
      .map((e) => `${e.ip} (${e.hostname ? `hostname ${e.hostname}` : "no hostname"}, ${e.ready ? "ready" : "not ready"})`)
      .join("; ");
    lines.push(`EndpointSlice ${slice.name} of Service ${slice.serviceName}: ${list}.`);
  }
  for (const sts of snapshot.statefulSets) {
    lines.push(
      `StatefulSet ${sts.name}, serviceName ${sts.serviceName}: ${sts.readyReplicas} of ${sts.replicas} replicas ready.`,
    );
  }
  if (snapshot.pods.length === 0) lines.push("There are no pods yet.");
  for (const pod of snapshot.pods) {
    lines.push(
      `Pod ${pod.name}: ${pod.status}, ${pod.ready ? "ready" : "not ready"}, ${pod.ip ? `IP ${pod.ip}` : "no IP yet"}${
        pod.nodeName ? `, on node ${pod.nodeName}` : ""
      }${pod.restarts > 0 ? `, ${pod.restarts} restarts` : ""}.`,
    );
  }
  for (const answer of snapshot.dns) {
    lines.push(
      answer.error
        ? `DNS ${answer.name}: ${answer.error}.`
        : answer.addresses.length > 0
          ? `DNS ${answer.name} resolves to ${answer.addresses.join(", ")}.`
          : `DNS ${answer.name}: no answer.`,
    );
  }
  return lines;
}

/** " on 2 of 3 nodes" on a cluster of several nodes, else nothing. */
function spread(snapshot: LiveViewSnapshot): string {
  if (!snapshot.nodes || snapshot.nodes.length < 2) return "";
  const used = new Set(snapshot.pods.map((p) => p.nodeName).filter(Boolean)).size;
  return ` on ${used} of ${snapshot.nodes.length} nodes`;
}

/** One sentence for the picture's <desc>. */
export function summarizeSnapshot(snapshot: LiveViewSnapshot): string {
  const headless = snapshot.services.filter(isHeadless).length;
  const ready = snapshot.pods.filter((p) => p.ready).length;
  const resolved = snapshot.dns.filter((d) => !d.error && d.addresses.length > 0).length;
  const podNames = new Set(snapshot.pods.map((p) => p.name));
  const perPod = snapshot.dns.filter((d) => podNames.has(dnsPodName(d))).length;
  return [
    `${snapshot.services.length} ${snapshot.services.length === 1 ? "Service" : "Services"} (${headless} headless)`,
    `${ready} of ${snapshot.pods.length} pods ready${spread(snapshot)}`,
    perPod > 0 || snapshot.dns.length > 0 ? `${resolved} of ${snapshot.dns.length} DNS names resolve` : null,
  ]
    .filter(Boolean)
    .join(", ")
    .concat(".");
}
