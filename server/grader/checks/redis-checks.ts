/** Redis replication, seen from the primary and from each replica. */
import { randomBytes } from "node:crypto";
import type { PodInfo } from "../../kubernetes/kube-adapter";
import { z } from "zod";
import type { ProbeRecord, ProbeRequest } from "../probe";
import { defineCheck, PROBE_CHECK_BUDGET_MS, type CheckImplementation, type GradeView } from "./check-types";
import { noParams } from "./check-params";
import { ordinalDnsName, STATEFULSET_WORKLOAD, statefulSetWorkload } from "./statefulset-workload";

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** `INFO replication` as key/value pairs. */
export function parseInfo(output: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of output.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) fields.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return fields;
}

const SHOWN_INFO_FIELDS = /^(role|connected_slaves|slave\d+|master_host|master_port|master_link_status)$/;

function infoEvidence(podName: string, record: ProbeRecord | undefined): string[] {
  if (!record) return [`${podName}: no INFO replication answer`];
  const lines = record.output
    .split(/\r?\n/)
    .filter((l) => SHOWN_INFO_FIELDS.test(l.split(":")[0] ?? ""))
    .map((l) => `  ${l}`);
  return [`$ redis-cli -h ${podName} INFO replication`, ...(lines.length ? lines : [`  ${record.output.trim() || "(no output)"}`])];
}

/** Is `host` a DNS name that means pod 0 (short or fully qualified, optional trailing dot)? */
export function isPrimaryDnsName(host: string, ctx: GradeView, serviceName: string): boolean {
  const pod0 = `${ctx.workload.name}-0`;
  const fq = `${pod0}.${serviceName}.${ctx.namespace}.svc.cluster.local`;
  // DNS names are case-insensitive: any spelling of the name reaches redis-0.
  const h = host.replace(/\.$/, "").toLowerCase();
  return fq === h || fq.startsWith(`${h}.`) && h.startsWith(`${pod0}.${serviceName}`);
}

/** One `slaveN:ip=…,port=…,state=…` line of a primary's INFO replication. */
export interface ConnectedReplica {
  ip: string;
  port: number | undefined;
  state: string;
}

/** The replicas a primary says are connected to it, from its INFO replication text. */
export function connectedReplicasOf(info: Map<string, string>): ConnectedReplica[] {
  const replicas: ConnectedReplica[] = [];
  for (const [key, value] of info) {
    if (!/^slave\d+$/.test(key)) continue;
    const fields = new Map(value.split(",").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as const));
    replicas.push({ ip: fields.get("ip") ?? "", port: fields.has("port") ? Number(fields.get("port")) : undefined, state: fields.get("state") ?? "" });
  }
  return replicas;
}

/**
 * Workload pods whose /etc/hosts pins names to IPs (spec.hostAliases), as evidence lines and a
 * problem per pod. A pinned name answers from /etc/hosts before DNS is asked, so it keeps
 * pointing at the address written down, whatever happens to the pod behind it.
 */
export function hostAliasProblems(pods: readonly (PodInfo | undefined)[], primaryName: string): { evidence: string[]; problems: string[] } {
  const evidence: string[] = [];
  const problems: string[] = [];
  for (const pod of pods) {
    if (!pod?.hostAliases?.length) continue;
    const pins = pod.hostAliases.map((a) => `${a.hostnames.join(", ") || "(no name)"} → ${a.ip}`);
    evidence.push(`${pod.name}: spec.hostAliases pins ${pins.join("; ")}`);
    const pinsPrimary = pod.hostAliases.some((a) => a.hostnames.some((h) => h.replace(/\.$/, "").startsWith(`${primaryName}.`) || h === primaryName));
    problems.push(
      pinsPrimary
        ? `${pod.name} pins ${primaryName}'s name to an IP with hostAliases. That name now answers from the pod's /etc/hosts, not from DNS: it works only while ${primaryName} keeps that IP, and the moment ${primaryName} is rescheduled (the chaos round deletes it) the replica keeps dialling a dead address. That is the very failure a per-pod DNS name exists to prevent: remove hostAliases from the StatefulSet's pod template and let the headless Service's DNS answer`
        : `${pod.name} carries hostAliases (names pinned to fixed IPs in /etc/hosts). Workload pods of this level must find each other through DNS, which follows pods to their new IPs; remove hostAliases from the StatefulSet's pod template`,
    );
  }
  return { evidence, problems };
}

export const replicationTopology: CheckImplementation = async ({ ctx }) => {
  const snap = await statefulSetWorkload(ctx);
  const records = await ctx.sharedProbe();
  const infoFor = (ip: string | undefined) => records.find((r) => r.kind === "redis-info" && r.host === ip);
  const primaryName = `${ctx.workload.name}-0`;
  const pinned = hostAliasProblems(snap.workloadPods, primaryName);
  const evidence: string[] = [...pinned.evidence];
  const problems: string[] = [...pinned.problems];
  const replicas = ctx.workload.replicas;
  const primaryPod = snap.workloadPods[0];
  // Read at the primary's current IP: the replicas it lists are connected to *that* process.
  const primaryInfo = parseInfo(infoFor(primaryPod?.ip)?.output ?? "");
  const connected = connectedReplicasOf(primaryInfo);
  snap.workloadPods.forEach((pod, i) => {
    const name = `${ctx.workload.name}-${i}`;
    const record = infoFor(pod?.ip);
    evidence.push(...infoEvidence(name, record));
    const info = parseInfo(record?.output ?? "");
    if (i === 0) {
      if (info.get("role") !== "master") problems.push(`${name} is not the primary (role:${info.get("role") ?? "?"})`);
      else if (Number(info.get("connected_slaves")) !== replicas - 1) {
        problems.push(`${name} has ${info.get("connected_slaves") ?? 0} connected replicas, expected ${replicas - 1}`);
      }
      return;
    }
    const host = info.get("master_host") ?? "";
    if (info.get("role") !== "slave") problems.push(`${name} is not a replica (role:${info.get("role") ?? "?"})`);
    else if (IPV4.test(host)) {
      const today = host === primaryPod?.ip ? ` (redis-0's IP today)` : "";
      problems.push(
        `${name} follows the IP address ${host}${today}. Pod IPs change whenever redis-0 is rescheduled, and this replica would then lose its primary for good; follow ${ordinalDnsName(ctx, snap, 0)} instead`,
      );
    } else if (!isPrimaryDnsName(host, ctx, snap.governingServiceName)) {
      problems.push(`${name} follows ${host || "(nothing)"}, which is not redis-0's per-pod DNS name ${ordinalDnsName(ctx, snap, 0)}`);
    } else if (info.get("master_link_status") !== "up") {
      problems.push(`${name}'s link to the primary is ${info.get("master_link_status") ?? "unknown"}`);
    } else {
      // The name is right and the link is up; but up to *what*? Only the primary at its current
      // IP can say the link reaches it: it must list this replica (by its announced name or its
      // IP). A replica still linked to an old address (pinned, cached) is not listed. Any state
      // counts (a replica that just synced may still show send_bulk for a moment): being listed
      // at all means connected to this very process.
      const me = connected.find((r) => r.ip === pod?.ip || r.ip === ordinalDnsName(ctx, snap, i));
      if (me) evidence.push(`  ${primaryName} at its current IP ${primaryPod?.ip ?? "?"} lists ${name} as ${me.state === "online" ? "an online replica" : `a replica (${me.state})`} (${me.ip})`);
      else {
        problems.push(
          `${name} reports its link to ${host} as up, but ${primaryName} at its current IP ${primaryPod?.ip ?? "(none)"} does not list ${name} among its replicas: the link reaches some other address, not today's ${primaryName}`,
        );
      }
    }
  });
  if (problems.length === 0) return { passed: true, evidence };
  return { passed: false, evidence, reason: `${problems.join("; ")}.` };
};

const replicationDataParams = z.strictObject({ timeoutMs: z.number().int().min(100).max(60_000) });
type ReplicationDataParams = z.infer<typeof replicationDataParams>;

export const replicationData: CheckImplementation<ReplicationDataParams> = async ({ ctx, spec }) => {
  const snap = await statefulSetWorkload(ctx);
  const primary = snap.workloadPods[0];
  const replicas = snap.workloadPods.slice(1);
  const key = `kubequest:grade:${randomBytes(4).toString("hex")}`;
  const value = randomBytes(8).toString("hex");
  if (!primary?.ip || replicas.some((p) => !p?.ip)) {
    return { passed: false, evidence: ["Some Redis pods have no IP yet"], reason: "Every Redis pod must be running first." };
  }
  const records = await ctx.probe(
    "data",
    [
      { kind: "redis-write", host: primary.ip, key, value },
      ...replicas.map((p) => ({ kind: "redis-wait-key" as const, host: p!.ip!, key, value, timeoutMs: spec.params.timeoutMs })),
      ...replicas.map((p) => ({ kind: "redis-write-expect-readonly" as const, host: p!.ip!, key: `${key}:replica-write` })),
    ],
    spec.params.timeoutMs + 15_000,
  );
  const byHost = (kind: string, ip: string) => records.find((r) => r.kind === kind && r.host === ip);
  const evidence: string[] = [];
  const problems: string[] = [];
  const write = byHost("redis-write", primary.ip);
  evidence.push(`$ redis-cli -h ${primary.name} SET ${key} ${value}`, `  ${write?.output.trim() || "(no answer)"}`);
  if (!write || write.ok !== true) problems.push(`writing to ${primary.name} failed`);
  for (const pod of replicas) {
    const read = byHost("redis-wait-key", pod!.ip!);
    evidence.push(`$ redis-cli -h ${pod!.name} GET ${key}   (waiting up to ${spec.params.timeoutMs} ms)`);
    evidence.push(`  ${read?.output.trim() || "(no answer)"}`);
    if (!read || read.matched !== true) problems.push(`${pod!.name} did not receive the key within ${spec.params.timeoutMs} ms`);
    const ro = byHost("redis-write-expect-readonly", pod!.ip!);
    evidence.push(`$ redis-cli -h ${pod!.name} SET ${key}:replica-write x`, `  ${ro?.output.trim() || "(no answer)"}`);
    if (!ro || ro.readonly !== true) problems.push(`${pod!.name} accepted a write: it is not a read-only replica`);
  }
  if (problems.length === 0) return { passed: true, evidence };
  return { passed: false, evidence, reason: `${problems.join("; ")}.` };
};

/**
 * Redis `INFO replication`: pod ordinal 0 is a master with `replicas - 1` connected replicas;
 * every other pod is a replica whose `master_host` is pod 0's per-pod DNS name (not an IP) with
 * `master_link_status:up`.
 */
export const replicationTopologyCheck = defineCheck({
  type: "redis-replication-topology",
  params: noParams,
  reads: [STATEFULSET_WORKLOAD],
  // INFO replication of every workload pod that has an IP, in the grade's shared probe run.
  sharedProbes: ({ snapshot }): ProbeRequest[] =>
    snapshot.get(STATEFULSET_WORKLOAD).workloadPods.flatMap((pod) => (pod?.ip ? [{ kind: "redis-info" as const, host: pod.ip }] : [])),
  budgetMs: () => PROBE_CHECK_BUDGET_MS,
  run: replicationTopology,
});

/**
 * A key written to the primary is readable on every replica within `timeoutMs`, and a write sent
 * to a replica is refused as read-only. Its writes are its own probe run, never shared.
 */
export const replicationDataCheck = defineCheck({
  type: "redis-replication-data",
  params: replicationDataParams,
  reads: [STATEFULSET_WORKLOAD],
  budgetMs: (params) => params.timeoutMs + 20_000,
  run: replicationData,
});
