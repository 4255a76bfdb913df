/**
 * DNS answers as the level's pods see them, asked from inside the namespace: one exec into the
 * toolbox running its probe script, `kubequest-probe --nslookup <name> ...`, which prints one
 * JSON object per line:
 *   {"kind":"nslookup","name":"redis-0.redis.<ns>.svc.cluster.local","exitCode":0,"output":"...","addresses":["10.244.0.7"]}
 * The script belongs to the toolbox image; argv and line parsing are the grader's (probe.ts).
 */
import { isIP } from "node:net";
import type { LiveDnsAnswer } from "../../lib/protocol/socket-events";
import { parseProbeOutput, probeArgv } from "../grader/probe";

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

export function dnsProbeArgv(names: string[]): string[] {
  return probeArgv(names.map((name) => ({ kind: "nslookup" as const, name })));
}

/** Why a name has no address, in the words nslookup users know (for probes that do not say). */
function errorFrom(output: string, exitCode: number): string {
  if (/NXDOMAIN|can't find|not found/i.test(output)) return "NXDOMAIN";
  if (/timed out|no servers could be reached|timeout/i.test(output)) return "timeout";
  if (/SERVFAIL/i.test(output)) return "SERVFAIL";
  return exitCode > 0 ? `no answer (exit code ${exitCode})` : "no answer";
}

/** One answer per asked name, in the order asked; a name the probe did not report says so. */
export function parseDnsProbeOutput(stdout: string, names: string[]): LiveDnsAnswer[] {
  const byName = new Map<string, LiveDnsAnswer>();
  for (const record of parseProbeOutput(stdout)) {
    if (record.kind !== "nslookup" || typeof record.name !== "string") continue;
    const name = record.name.replace(/\.$/, "");
    const addresses = [...new Set((record.addresses ?? []).filter((a) => isIP(a) !== 0))].sort();
    // The probe names the failure itself ("NXDOMAIN", "TIMEOUT"); otherwise read its output.
    const error = typeof record.error === "string" && record.error !== "" ? record.error : errorFrom(record.output, record.exitCode);
    byName.set(name, addresses.length > 0 ? { name, addresses } : { name, addresses: [], error });
  }
  return names.map((n) => byName.get(n) ?? { name: n, addresses: [], error: "no answer from the probe" });
}
