/**
 * A client that must pass each value it receives on to every pod of the workload (Level 31's
 * invalidator), checked by its outcome: the grader drops a fresh value into the client's inbox,
 * a Redis in one of its pods, and reads it back from each workload pod directly. A pod that
 * never gets it is named with what it still holds. The writes make this a probe run of the
 * check's own, never shared or started early.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { DEPLOYMENTS, PODS, podsOfDeployment, WORKLOAD_PODS } from "../namespace-reads";
import type { ProbeRecord } from "../probe";
import { defineCheck, type CheckImplementation } from "./check-types";
import { objectName, redisKey } from "./check-params";

const redisFanOutParams = z.strictObject({
  /** The Deployment whose pod runs the Redis (port 6379) that receives new values. */
  inbox: objectName,
  /** The key the client watches there and writes into every workload pod. */
  key: redisKey,
  /** How long each pod may take to receive the value. */
  timeoutMs: z.number().int().min(100).max(30_000),
});
type RedisFanOutParams = z.infer<typeof redisFanOutParams>;

const shown = (value: string) => (value === "" ? "(nothing: no such key)" : value);

function joinNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

export const redisFanOut: CheckImplementation<RedisFanOutParams> = async ({ ctx, spec }) => {
  const { inbox, key, timeoutMs } = spec.params;
  const snapshot = await ctx.snapshot();
  const deployment = snapshot.get(DEPLOYMENTS).find((d) => d.name === inbox);
  const inboxPod = podsOfDeployment(deployment, snapshot.get(PODS)).find((p) => p.ready && !p.deleting && p.ip);
  if (!inboxPod?.ip) {
    return {
      passed: false,
      evidence: [deployment ? `Deployment ${inbox}: no ready pod with an IP` : `Deployment ${inbox}: not found`],
      reason: `Deployment ${inbox} has no ready pod with an IP: nothing receives a new ${key} to pass on.`,
    };
  }
  const targets = snapshot.get(WORKLOAD_PODS).filter((p) => p.ready && !p.deleting && p.ip);
  const what = `${ctx.workload.name} pods`;
  if (targets.length === 0) {
    return { passed: false, evidence: [`No ready pod of ${ctx.workload.kind} ${ctx.workload.name}`], reason: `No pod of ${ctx.workload.kind} ${ctx.workload.name} is ready to receive anything.` };
  }

  const token = `kq-${randomBytes(4).toString("hex")}`;
  const records = await ctx.probe(
    "fan-out",
    [{ kind: "redis-write", host: inboxPod.ip, key, value: token }, ...targets.map((p) => ({ kind: "redis-wait-key" as const, host: p.ip!, key, value: token, timeoutMs }))],
    timeoutMs + 15_000,
  );
  const byHost = (kind: string, host: string): ProbeRecord | undefined => records.find((r) => r.kind === kind && r.host === host);

  const write = byHost("redis-write", inboxPod.ip);
  const evidence = [`$ redis-cli -h ${inboxPod.name} SET ${key} ${token}   (the inbox, ${inboxPod.ip})`, `  ${write?.output.trim() || "(no answer)"}`];
  if (write?.ok !== true) {
    return { passed: false, evidence, reason: `Writing ${key} into the inbox of ${inbox} (${inboxPod.name}) failed: ${write?.output.trim() || "no answer"}.` };
  }
  const received: string[] = [];
  const missed: { name: string; holds: string }[] = [];
  for (const pod of targets) {
    const read = byHost("redis-wait-key", pod.ip!);
    const holds = read?.output.trim() ?? "";
    evidence.push(`$ redis-cli -h ${pod.name} GET ${key}   (${pod.ip}, waiting up to ${timeoutMs} ms)`, `  ${shown(holds)}`);
    if (read?.matched === true) received.push(pod.name);
    else missed.push({ name: pod.name, holds });
  }
  if (missed.length === 0) return { passed: true, evidence };

  const seconds = Math.round(timeoutMs / 100) / 10;
  const got = received.length === 0 ? `none of the ${targets.length} ${what} received the new ${key}` : `only ${received.length} of the ${targets.length} ${what} received the new ${key} (${joinNames(received)})`;
  const values = [...new Set(missed.map((m) => m.holds))];
  const hold = values.length === 1 ? shown(values[0]!).replace("(nothing: no such key)", "nothing (no such key)") : `older values (${values.map(shown).join(", ")})`;
  return {
    passed: false,
    evidence,
    reason: `Within ${seconds} s ${got}; ${joinNames(missed.map((m) => m.name))} still ${missed.length === 1 ? "holds" : "hold"} ${hold}. What the inbox of ${inbox} receives must be written to each pod, not to one of them.`,
  };
};

/**
 * A value written to `key` in the Redis of Deployment `inbox`'s pod reaches every ready pod of
 * the level's workload within `timeoutMs`, read from each pod directly.
 */
export const redisFanOutCheck = defineCheck({
  type: "redis-fan-out",
  params: redisFanOutParams,
  reads: [DEPLOYMENTS, PODS, WORKLOAD_PODS],
  budgetMs: (params) => params.timeoutMs + 20_000,
  run: redisFanOut,
});
