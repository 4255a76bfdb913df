/**
 * Every pod of the StatefulSet workload Ready: the grader's run waits for it (bounded, with
 * progress on the way); the live check gives the verdict of the moment, from the same objects,
 * without waiting.
 */
import { z } from "zod";
import type { LevelManifest } from "../../../lib/levels/level-schema";
import { defineCheck, type CheckImplementation, type CheckOutcome, type ObjectVerdict } from "./check-types";
import { timeoutSeconds } from "./check-params";
import { STATEFULSET_WORKLOAD, statefulSetWorkload, type StatefulSetWorkload } from "./statefulset-workload";

const podsReadyParams = z.strictObject({ timeoutSeconds });
type PodsReadyParams = z.infer<typeof podsReadyParams>;

/** The verdict on the pods as `snap` shows them; `waitedSeconds` null: now, without having waited. */
function podsVerdict(snap: StatefulSetWorkload, workload: LevelManifest["workload"], waitedSeconds: number | null): CheckOutcome {
  const evidence = snap.workloadPods.map((p, i) =>
    p
      ? `${p.name}: ${p.status}, ready=${p.ready}, IP ${p.ip ?? "(none)"}, restarts ${p.restarts}`
      : `${workload.name}-${i}: not created`,
  );
  const notReady = snap.workloadPods.findIndex((p) => !p?.ready || p.deleting);
  if (notReady === -1) return { passed: true, evidence };
  const stuck = snap.workloadPods[notReady];
  const name = `${workload.name}-${notReady}`;
  // Only a pod that is initialising (STATUS Init:…) is held up by an init container: a pod
  // that was never scheduled has not started one, and its logs would be empty.
  const waiting = stuck?.status.startsWith("Init:") ? stuck.initContainers.find((c) => !c.ready) : undefined;
  const reason = !stuck
    ? `${name} ${waitedSeconds === null ? "has not been created yet" : "was never created"}: a StatefulSet creates pods in order and waits for each to be Ready before the next.`
    : waiting
      ? `${name} is stuck in its init container ${waiting.name} (${stuck.status}). Read why with: kubectl logs ${name} -c ${waiting.name}`
      : `${name} is ${stuck.status} and not Ready ${waitedSeconds === null ? "yet" : `after ${waitedSeconds} s`}. Look at kubectl describe pod ${name} and its logs.`;
  return { passed: false, evidence, reason };
}

/** Live: are all pods Ready now? */
export const podsReadyNow: ObjectVerdict<PodsReadyParams> = ({ snapshot, workload }) => podsVerdict(snapshot.get(STATEFULSET_WORKLOAD), workload, null);

export const podsReady: CheckImplementation<PodsReadyParams> = async ({ ctx, spec, progress }) => {
  const timeoutMs = spec.params.timeoutSeconds * 1000;
  const started = Date.now();
  let snap = await statefulSetWorkload(ctx);
  for (;;) {
    const ready = snap.workloadPods.filter((p) => p?.ready && !p.deleting).length;
    const total = ctx.workload.replicas;
    if (ready === total) break;
    const waited = Date.now() - started;
    if (waited >= timeoutMs) break;
    progress(`${ready}/${total} pods ready, ${Math.round(waited / 1000)} s of ${spec.params.timeoutSeconds} s`);
    await new Promise((r) => setTimeout(r, 1000));
    snap = (await ctx.refresh()).get(STATEFULSET_WORKLOAD);
  }
  return podsVerdict(snap, ctx.workload, spec.params.timeoutSeconds);
};

/** All `workload.replicas` pods of the StatefulSet workload become Ready within `timeoutSeconds`. */
export const podsReadyCheck = defineCheck({
  type: "pods-ready",
  params: podsReadyParams,
  reads: [STATEFULSET_WORKLOAD],
  budgetMs: (params) => params.timeoutSeconds * 1000 + 10_000,
  run: podsReady,
  fromObjects: podsReadyNow,
});
