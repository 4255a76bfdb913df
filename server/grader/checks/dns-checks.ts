/** DNS as seen from inside the cluster: per-pod names and the Service's own name. */
import { clusterProbe, type ClusterSnapshot } from "../grade-context";
import type { ProbeRecord } from "../probe";
import type { CheckImplementation } from "./check-types";
import type { DnsCheckSpec } from "./spec-types";

/** Addresses of the answer section of nslookup's output (not the server's own address). */
export function nslookupAddresses(output: string): string[] {
  const addresses: string[] = [];
  let inAnswer = false;
  for (const line of output.split("\n")) {
    if (/^Name:\s/.test(line)) inAnswer = true;
    const m = /^Address:\s*([0-9a-f.:]+)\s*$/i.exec(line.trim());
    if (inAnswer && m?.[1]) addresses.push(m[1]);
  }
  return addresses;
}

/** The lines of nslookup's output worth showing: the answer or the error, not the server banner. */
export function nslookupEvidence(output: string): string[] {
  return output
    .split("\n")
    .map((l) => l.replace(/\s+$/, ""))
    .filter((l) => l.trim() && !/^Server:/.test(l) && !/^Address:\s*\S+#\d+/.test(l));
}

function lookup(records: ProbeRecord[], name: string): ProbeRecord | undefined {
  return records.find((r) => r.kind === "nslookup" && (r.name === name || r.name === `${name}.`));
}

/** Said when the names clients use live under another Service than the governing one. */
function notGoverningNote(snap: ClusterSnapshot, service: string): string {
  if (service === snap.governingServiceName) return "";
  return ` The StatefulSet gives its pods names under ${snap.governingServiceName} (its spec.serviceName), not under ${service}, the Service this level's clients look up.`;
}

export const perPodDns: CheckImplementation<DnsCheckSpec> = async ({ ctx, spec }) => {
  const { snap, records } = await clusterProbe(ctx);
  const service = spec.params?.service ?? snap.governingServiceName;
  const evidence: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < ctx.workload.replicas; i++) {
    const name = ctx.podDnsName(snap, i, service);
    const pod = snap.workloadPods[i];
    const record = lookup(records, name);
    const addresses = record ? nslookupAddresses(record.output) : [];
    evidence.push(`$ nslookup ${name}`);
    evidence.push(...(record ? nslookupEvidence(record.output).map((l) => `  ${l}`) : ["  (no answer recorded)"]));
    evidence.push(`  pod ${ctx.workload.name}-${i} has IP ${pod?.ip ?? "(none)"}`);
    if (addresses.length === 0) problems.push(`${name} does not resolve`);
    else if (!pod?.ip || addresses.length !== 1 || addresses[0] !== pod.ip) {
      problems.push(`${name} resolves to ${addresses.join(", ")}, not to the pod's IP ${pod?.ip ?? "(none)"}`);
    }
  }
  if (problems.length === 0) return { passed: true, evidence };
  return {
    passed: false,
    evidence,
    reason: `${problems.join("; ")}. Per-pod names exist only under the headless Service the StatefulSet names, for pods that are Ready.${notGoverningNote(snap, service)}`,
  };
};

export const serviceDns: CheckImplementation<DnsCheckSpec> = async ({ ctx, spec }) => {
  const { snap, records } = await clusterProbe(ctx);
  const service = spec.params?.service ?? snap.governingServiceName;
  const name = ctx.serviceDnsName(snap, service);
  const record = lookup(records, name);
  const addresses = record ? nslookupAddresses(record.output).sort() : [];
  const podIPs = snap.workloadPods.flatMap((p) => (p?.ip ? [p.ip] : [])).sort();
  const evidence = [`$ nslookup ${name}`, ...(record ? nslookupEvidence(record.output).map((l) => `  ${l}`) : ["  (no answer)"])];
  evidence.push(`  the pods' IPs: ${podIPs.join(", ") || "(none)"}`);
  if (addresses.length > 0 && addresses.join() === podIPs.join()) return { passed: true, evidence };
  const virtual = snap.services.find((s) => s.name === service)?.clusterIP;
  const reason =
    addresses.length === 1 && virtual && addresses[0] === virtual
      ? `${name} answers with the virtual IP ${virtual}: Service ${service} is not headless.`
      : addresses.length === 0
        ? `${name} does not resolve.`
        : `${name} answers ${addresses.join(", ")}, which is not exactly the set of pod IPs.`;
  return { passed: false, evidence, reason: `${reason}${notGoverningNote(snap, service)}` };
};
