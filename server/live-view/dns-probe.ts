/**
 * DNS answers for the live view, asked of the grader's probe agent (`kubequest-probe --serve` in
 * kubequest-system, reached through the API server's pod proxy: see grader/probe.ts), one
 * `--nslookup <name>` per name; it answers one JSON object per name:
 *   {"kind":"nslookup","name":"redis-0.redis.<ns>.svc.cluster.local","exitCode":0,"output":"...","addresses":["10.244.0.7"]}
 * The names are fully qualified and CoreDNS answers every pod alike, so this is what the level's
 * pods see. Asking the agent rather than exec-ing the probe in each learner's toolbox matters
 * under a class: every exec starts a process through the node's container runtime (about 75m of
 * CPU per exec a second on a 2-core kind node), and a class's live views asked several a second.
 */
import { isIP } from "node:net";
import type { LiveDnsAnswer } from "../../lib/protocol/socket-events";
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import { runProbe, type ProbeRecord, type ProbeRequest, type ProbeRunOptions } from "../grader/probe";

/** Names go into argv: only plain DNS names, so nothing can look like an option. */
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The live view shows at most this many per-pod names. */
const MAX_ORDINALS = 10;

/** The names the live view asks about: each workload pod's own name, then the Service's. */
export function dnsNamesFor(p: { namespace: string; serviceName: string; workloadKind: string; workloadName: string; replicas: number }): string[] {
  const zone = `${p.namespace}.svc.cluster.local`;
  const names: string[] = [];
  if (p.workloadKind === "StatefulSet") {
    for (let i = 0; i < Math.min(Math.max(p.replicas, 0), MAX_ORDINALS); i++) names.push(`${p.workloadName}-${i}.${p.serviceName}.${zone}`);
  }
  names.push(`${p.serviceName}.${zone}`);
  return names.filter((n) => n.length <= 253 && DNS_NAME.test(n));
}

function dnsRequests(names: string[]): ProbeRequest[] {
  return names.map((name) => ({ kind: "nslookup" as const, name }));
}

/** What the live view shows beside each name when the agent could not be asked: ours, not the learner's. */
export const DNS_UNASKED = "KubeQuest could not ask DNS just now (a problem on our side, not in your namespace); it asks again shortly";

/** The answers for `names`, asked of the probe agent; every name carries DNS_UNASKED when it could not be asked. */
export async function askDns(kube: KubeAdapter, names: string[], opts?: ProbeRunOptions): Promise<LiveDnsAnswer[]> {
  if (names.length === 0) return [];
  try {
    return dnsAnswersFrom(await runProbe(kube, dnsRequests(names), opts), names);
  } catch {
    return names.map((name) => ({ name, addresses: [], error: DNS_UNASKED, unasked: true }));
  }
}

/** Why a name has no address, in the words nslookup users know (for probes that do not say). */
function errorFrom(output: string, exitCode: number): string {
  if (/NXDOMAIN|can't find|not found/i.test(output)) return "NXDOMAIN";
  if (/timed out|no servers could be reached|timeout/i.test(output)) return "timeout";
  if (/SERVFAIL/i.test(output)) return "SERVFAIL";
  return exitCode > 0 ? `no answer (exit code ${exitCode})` : "no answer";
}

/** One answer per asked name, in the order asked; a name the probe did not report says so. */
export function dnsAnswersFrom(records: readonly ProbeRecord[], names: string[]): LiveDnsAnswer[] {
  const byName = new Map<string, LiveDnsAnswer>();
  for (const record of records) {
    if (record.kind !== "nslookup" || typeof record.name !== "string") continue;
    const name = record.name.replace(/\.$/, "");
    const addresses = [...new Set((record.addresses ?? []).filter((a) => isIP(a) !== 0))].sort();
    // The probe names the failure itself ("NXDOMAIN", "TIMEOUT"); otherwise read its output.
    const error = typeof record.error === "string" && record.error !== "" ? record.error : errorFrom(record.output, record.exitCode);
    byName.set(name, addresses.length > 0 ? { name, addresses } : { name, addresses: [], error });
  }
  return names.map((n) => byName.get(n) ?? { name: n, addresses: [], error: "no answer from the probe" });
}
