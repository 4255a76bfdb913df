/**
 * What cluster DNS answers for a Service, asked from inside the cluster: the A record of its
 * name and the SRV records of one of its named ports. A level says which of the two answers a
 * Service's clients need: `virtual-ip` (one stable address, kube-proxy picks a pod per
 * connection: what ordinary clients use) or `workload-pods` (every ready pod of the level's
 * workload, one SRV target each: what a client that reaches every pod itself needs).
 */
import { z } from "zod";
import type { PodInfo, ServiceInfo } from "../../kubernetes/kube-adapter";
import { digEvidence, digRecordFor, type DigRecord } from "../dig-probe";
import { absolute, serviceDnsName, srvName } from "../dns-names";
import { readyPodIPs, selectorMatches, SERVICES, WORKLOAD_PODS } from "../namespace-reads";
import type { ProbeRecord } from "../probe";
import { defineCheck, PROBE_CHECK_BUDGET_MS, type CheckImplementation } from "./check-types";
import { objectName, portName } from "./check-params";
import { nslookupAddresses, nslookupEvidence } from "./dns-checks";

const serviceDnsRecordsParams = z.strictObject({
  /** The Service whose names are asked. */
  service: objectName,
  /** The named port whose SRV records are asked (`_<port>._tcp.<service>…`). */
  port: portName,
  /** What the answers must be: the Service's virtual IP, or every ready pod of the workload. */
  answers: z.enum(["virtual-ip", "workload-pods"]),
});
type ServiceDnsRecordsParams = z.infer<typeof serviceDnsRecordsParams>;

const formatSelector = (s: Record<string, string>) => Object.entries(s).map(([k, v]) => `${k}=${v}`).join(",") || "(none)";

function formatPorts(svc: ServiceInfo): string {
  if (svc.ports.length === 0) return "no ports";
  return `ports ${svc.ports.map((p) => `${p.name || "(unnamed)"} ${p.port}`).join(", ")}`;
}

/** SRV data `priority weight port target`. */
function srvTargets(record: DigRecord | undefined): { port: number; target: string; addresses: string[] }[] {
  if (!record) return [];
  return record.answers
    .filter((a) => a.type === "SRV")
    .map((a) => {
      const [, , port, target = ""] = a.data.split(/\s+/);
      const name = target.toLowerCase();
      const addresses = record.additional.filter((r) => r.type === "A" && r.name === name).map((r) => r.data);
      return { port: Number(port), target: name, addresses };
    });
}

function nslookupOf(records: readonly ProbeRecord[], name: string): ProbeRecord | undefined {
  return records.find((r) => r.kind === "nslookup" && (r.name === name || r.name === `${name}.`));
}

/** Why the SRV name has no records, when the Service's ports explain it. */
function missingPortProblem(svc: ServiceInfo, port: string): string | undefined {
  if (svc.ports.some((p) => p.name === port)) return undefined;
  const has = svc.ports.length === 0 ? "it has no ports" : `its ports: ${svc.ports.map((p) => `${p.name || "(unnamed)"} ${p.port}`).join(", ")}`;
  return `Service ${svc.name} has no port named ${port} (${has}): SRV records are named after a Service's ports, so a client that discovers them through SRV finds nothing.`;
}

export const serviceDnsRecords: CheckImplementation<ServiceDnsRecordsParams> = async ({ ctx, spec }) => {
  const { service, port, answers } = spec.params;
  const snapshot = await ctx.snapshot();
  const records = await ctx.sharedProbe();
  const svc = snapshot.get(SERVICES).find((s) => s.name === service);
  const workloadPods = snapshot.get(WORKLOAD_PODS);
  const name = serviceDnsName(ctx.namespace, service);
  const srv = srvName(ctx.namespace, service, port);

  const evidence: string[] = [svc ? `Service ${service}: spec.clusterIP = ${svc.clusterIP || "(empty)"}, ${formatPorts(svc)}` : `Service ${service}: not found`];
  const a = nslookupOf(records, name);
  const addresses = a ? [...new Set(nslookupAddresses(a.output))].sort() : [];
  evidence.push(`$ nslookup ${name}`, ...(a ? nslookupEvidence(a.output).map((l) => `  ${l}`) : ["  (no answer recorded)"]));
  const podIPs = readyPodIPs(workloadPods);
  if (answers === "workload-pods") evidence.push(`  the ready pods of ${ctx.workload.kind} ${ctx.workload.name}: ${podIPs.join(", ") || "(none)"}`);
  const srvRecord = digRecordFor(records, srv, "SRV");
  evidence.push(...digEvidence(srvRecord, srv, "SRV"));
  const targets = srvTargets(srvRecord);

  if (!svc) {
    return { passed: false, evidence, reason: `There is no Service ${service}: the name ${name} answers nothing, and the clients that use it reach no pod.` };
  }
  const problems: string[] = [];
  const portProblem = targets.length === 0 ? missingPortProblem(svc, port) : undefined;
  const headless = svc.clusterIP === "None";

  if (answers === "virtual-ip") {
    if (headless) {
      problems.push(
        `${name} answers with ${addresses.length ? `the pod IPs ${addresses.join(", ")}` : "nothing"}: Service ${service} is headless, so each of its clients must pick a pod by itself, and kube-proxy no longer spreads their connections behind one stable address.`,
      );
    } else if (addresses.join() !== svc.clusterIP) {
      problems.push(`${name} answers ${addresses.join(", ") || "nothing"}, not the Service's virtual IP ${svc.clusterIP}.`);
    }
    const servicePort = svc.ports.find((p) => p.name === port)?.port;
    const only = targets[0];
    if (portProblem) problems.push(portProblem);
    else if (targets.length === 0) problems.push(`${srv} has no SRV record.`);
    else if (targets.length !== 1 || only!.target !== absolute(name) || only!.port !== servicePort) {
      problems.push(`${srv} names ${targets.length === 1 ? "1 target" : `${targets.length} targets`}, not the Service itself (${absolute(name)} on port ${servicePort ?? "?"}).`);
    }
  } else {
    const strangers = addresses.filter((ip) => !podIPs.includes(ip));
    if (!headless) {
      problems.push(`${name} answers with the virtual IP ${addresses.join(", ") || svc.clusterIP}: Service ${service} is not headless, so a client asking for it learns one address and never the pods behind it.`);
      if (targets.length === 1 && targets[0]!.target === absolute(name)) problems.push(`${srv} names 1 target, the Service itself (${absolute(name)}), not one per pod.`);
    } else if (addresses.length === 0) {
      const selected = workloadPods.filter((p) => !p.deleting && p.ready && selectorMatches(svc.selector, p.labels));
      problems.push(
        selected.length === 0
          ? `${name} does not resolve: Service ${service} selects no ready pod (its selector ${formatSelector(svc.selector)}; the pods of ${ctx.workload.kind} ${ctx.workload.name} carry ${labelsOf(workloadPods)}).`
          : `${name} does not resolve.`,
      );
    } else if (addresses.join() !== podIPs.join()) {
      problems.push(
        `${name} answers ${addresses.join(", ")}, not exactly the IPs of the ready pods of ${ctx.workload.kind} ${ctx.workload.name} (${podIPs.join(", ") || "none"})${strangers.length ? `: ${strangers.join(", ")} ${strangers.length === 1 ? "is" : "are"} not one of them` : ""}.`,
      );
    }
    if (headless) {
      const targetIPs = targets.flatMap((t) => t.addresses).sort();
      if (portProblem) problems.push(portProblem);
      else if (targets.length === 0) problems.push(`${srv} has no SRV record.`);
      else if (targets.length !== podIPs.length || targetIPs.join() !== podIPs.join()) {
        problems.push(`${srv} lists ${targets.length === 1 ? "1 target" : `${targets.length} targets`}, not one per ready pod (at ${targetIPs.join(", ") || "no address"}; the pods: ${podIPs.join(", ") || "none"}).`);
      }
    }
  }
  if (problems.length === 0) return { passed: true, evidence };
  return { passed: false, evidence, reason: problems.join(" ") };
};

/** The labels the workload's pods share, for a reason that compares them with a selector. */
function labelsOf(pods: readonly PodInfo[]): string {
  const first = pods[0];
  if (!first) return "(no pods)";
  const shared = Object.entries(first.labels).filter(([k, v]) => k !== "pod-template-hash" && pods.every((p) => p.labels[k] === v));
  return shared.map(([k, v]) => `${k}=${v}`).join(",") || "(no labels)";
}

/**
 * From inside the cluster, `<service>.<namespace>.svc.cluster.local` and the SRV records of its
 * port `port` answer what `answers` says: the Service's virtual IP and itself as the only SRV
 * target, or the IP of every ready pod of the level's workload and one SRV target per pod.
 */
export const serviceDnsRecordsCheck = defineCheck({
  type: "service-dns-records",
  params: serviceDnsRecordsParams,
  reads: [SERVICES, WORKLOAD_PODS],
  sharedProbes: ({ params, ctx }) => [
    { kind: "nslookup", name: absolute(serviceDnsName(ctx.namespace, params.service)) },
    { kind: "dig", type: "SRV", name: absolute(srvName(ctx.namespace, params.service, params.port)) },
  ],
  budgetMs: () => PROBE_CHECK_BUDGET_MS,
  run: serviceDnsRecords,
});
