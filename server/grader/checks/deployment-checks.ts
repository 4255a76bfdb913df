/**
 * Checks on a Deployment workload (Level 31's cache): a bounded wait until its pods are Ready,
 * with progress on the way. A Deployment's pods have random names, so they are found by the
 * Deployment's selector and their ReplicaSet owner, never by ordinal as a StatefulSet's are.
 */
import { z } from "zod";
import type { PodInfo } from "../../kubernetes/kube-adapter";
import { DEPLOYMENT_WORKLOAD, type DeploymentWorkload } from "../namespace-reads";
import { defineCheck, type CheckImplementation, type CheckOutcome, type ObjectVerdict } from "./check-types";
import { timeoutSeconds } from "./check-params";

const deploymentPodsReadyParams = z.strictObject({ timeoutSeconds });
type DeploymentPodsReadyParams = z.infer<typeof deploymentPodsReadyParams>;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function podLine(p: PodInfo): string {
  return `${p.name}: ${p.status}, ready=${p.ready}, IP ${p.ip ?? "(none)"}, restarts ${p.restarts}`;
}

function evidenceOf(w: DeploymentWorkload): string[] {
  if (!w.deployment) return [`Deployment ${w.name}: not found`];
  return [`Deployment ${w.name}: spec.replicas ${w.deployment.replicas}, ${w.deployment.readyReplicas} ready`, ...w.pods.map(podLine)];
}

/**
 * The verdict on one look, or undefined while it is worth waiting; `seconds` null: the verdict
 * of the moment (a live check), without having waited.
 */
function verdict(w: DeploymentWorkload, want: number, timedOut: boolean, seconds: number | null): CheckOutcome | undefined {
  const evidence = evidenceOf(w);
  if (!w.deployment) return { passed: false, evidence, reason: `There is no Deployment ${w.name}: nothing runs the level's pods.` };
  if (w.deployment.replicas < want) {
    return {
      passed: false,
      evidence,
      reason: `Deployment ${w.name} asks for ${plural(w.deployment.replicas, "pod")} (spec.replicas), and this level needs ${want}: every one of them must be there to receive what the invalidator sends.`,
    };
  }
  const present = w.pods.filter((p) => !p.deleting);
  const ready = present.filter((p) => p.ready);
  if (ready.length >= want) return { passed: true, evidence };
  if (!timedOut) return undefined;
  const stuck = present.find((p) => !p.ready);
  const when = seconds === null ? "yet" : `after ${seconds} s`;
  const reason = stuck
    ? `${stuck.name} is ${stuck.status} and not Ready ${when}. Look at kubectl describe pod ${stuck.name} and its logs.`
    : `Only ${ready.length} of the ${want} pods of Deployment ${w.name} ${ready.length === 1 ? "is" : "are"} there and Ready ${when}. Look at kubectl describe deployment ${w.name} and the events of its ReplicaSet.`;
  return { passed: false, evidence, reason };
}

export const deploymentPodsReady: CheckImplementation<DeploymentPodsReadyParams> = async ({ ctx, spec, progress }) => {
  const seconds = spec.params.timeoutSeconds;
  const want = ctx.workload.replicas;
  const started = Date.now();
  let workload = (await ctx.snapshot()).get(DEPLOYMENT_WORKLOAD);
  for (;;) {
    const waited = Date.now() - started;
    const outcome = verdict(workload, want, waited >= seconds * 1000, seconds);
    if (outcome) return outcome;
    const ready = workload.pods.filter((p) => p.ready && !p.deleting).length;
    progress(`${ready}/${want} pods of Deployment ${workload.name} ready, ${Math.round(waited / 1000)} s of ${seconds} s`);
    await new Promise((r) => setTimeout(r, 1000));
    workload = (await ctx.refresh()).get(DEPLOYMENT_WORKLOAD);
  }
};

/** Live: are enough pods Ready now? */
export const deploymentPodsReadyNow: ObjectVerdict<DeploymentPodsReadyParams> = ({ snapshot, workload }) =>
  verdict(snapshot.get(DEPLOYMENT_WORKLOAD), workload.replicas, true, null) as CheckOutcome;

/**
 * At least `workload.replicas` pods of the level's Deployment are Ready within `timeoutSeconds`,
 * and the Deployment asks for that many (fewer fails at once: waiting would not change it).
 */
export const deploymentPodsReadyCheck = defineCheck({
  type: "deployment-pods-ready",
  params: deploymentPodsReadyParams,
  reads: [DEPLOYMENT_WORKLOAD],
  budgetMs: (params) => params.timeoutSeconds * 1000 + 10_000,
  run: deploymentPodsReady,
  fromObjects: deploymentPodsReadyNow,
});
