/** DNS as seen from inside the cluster: a StatefulSet's per-pod names and its Service's own name. */
import { z } from "zod";
import type { ProbeRecord } from "../probe";
import { defineCheck, PROBE_CHECK_BUDGET_MS, type CheckImplementation, type ProbePlan } from "./check-types";
import { objectName } from "./check-params";
import { governingDnsName, ordinalDnsName, serviceNameLookups, STATEFULSET_WORKLOAD, statefulSetWorkload, type StatefulSetWorkload } from "./statefulset-workload";

/** The DNS checks may name the Service whose names clients use, when it is not simply the governing one. */
const dnsParams = z.strictObject({ service: objectName.optional() }).optional();
type DnsParams = z.infer<typeof dnsParams>;

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
function notGoverningNote(snap: StatefulSetWorkload, service: string): string {
  if (service === snap.governingServiceName) return "";
  return ` The StatefulSet gives its pods names under ${snap.governingServiceName} (its spec.serviceName), not under ${service}, the Service this level's clients look up.`;
}

/** Both DNS checks ask for the names under the governing Service and under the one they name. */
function dnsLookups({ snapshot, params, ctx }: ProbePlan<DnsParams>) {
  const view = snapshot.get(STATEFULSET_WORKLOAD);
  return [...serviceNameLookups(ctx, view, view.governingServiceName), ...serviceNameLookups(ctx, view, params?.service ?? view.governingServiceName)];
}

export const perPodDns: CheckImplementation<DnsParams> = async ({ ctx, spec }) => {
  const snap = await statefulSetWorkload(ctx);
  const records = await ctx.sharedProbe();
  const service = spec.params?.service ?? snap.governingServiceName;
  const evidence: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < ctx.workload.replicas; i++) {
    const name = ordinalDnsName(ctx, snap, i, service);
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

export const serviceDns: CheckImplementation<DnsParams> = async ({ ctx, spec }) => {
  const snap = await statefulSetWorkload(ctx);
  const records = await ctx.sharedProbe();
  const service = spec.params?.service ?? snap.governingServiceName;
  const name = governingDnsName(ctx, snap, service);
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

/**
 * From inside the cluster, `<pod>.<service>.<namespace>.svc.cluster.local` resolves to that
 * pod's current IP, for every workload pod. `service` is the name the level's clients use (its
 * objectives promise those names); by default the governing Service's.
 */
export const perPodDnsCheck = defineCheck({
  type: "per-pod-dns",
  params: dnsParams,
  reads: [STATEFULSET_WORKLOAD],
  sharedProbes: dnsLookups,
  budgetMs: () => PROBE_CHECK_BUDGET_MS,
  run: perPodDns,
});

/**
 * From inside the cluster, `<service>.<namespace>.svc.cluster.local` resolves to exactly the pod
 * IPs of the workload (no virtual IP). `service` as for per-pod-dns.
 */
export const serviceDnsCheck = defineCheck({
  type: "service-dns",
  params: dnsParams,
  reads: [STATEFULSET_WORKLOAD],
  sharedProbes: dnsLookups,
  budgetMs: () => PROBE_CHECK_BUDGET_MS,
  run: serviceDns,
});
