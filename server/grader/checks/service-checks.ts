/**
 * Checks on the Service objects: headless, governing the StatefulSet, EndpointSlice hostnames.
 * Each verdict reads only the namespace's objects, so the same function grades ("Check my work",
 * over the grade's snapshot) and runs live (over the live view's reads).
 */
import { selectorMatches } from "../namespace-reads";
import { defineObjectCheck, type ObjectVerdict } from "./check-types";
import { noParams } from "./check-params";
import { STATEFULSET_WORKLOAD } from "./statefulset-workload";

const formatSelector = (s: Record<string, string>) =>
  Object.keys(s).length ? Object.entries(s).map(([k, v]) => `${k}=${v}`).join(",") : "(none)";

export const serviceHeadlessVerdict: ObjectVerdict<unknown> = ({ snapshot, workload }) => {
  const snap = snapshot.get(STATEFULSET_WORKLOAD);
  const evidence: string[] = [];
  if (snap.statefulSet) {
    evidence.push(`StatefulSet ${snap.statefulSet.name}: spec.serviceName = ${snap.statefulSet.serviceName || "(empty)"}`);
  } else {
    evidence.push(`No StatefulSet ${workload.name}: looking at the level's Service ${snap.governingServiceName}`);
  }
  const svc = snap.governingService;
  if (!svc) {
    return {
      passed: false,
      evidence: [...evidence, `Service ${snap.governingServiceName}: not found`],
      // What is wrong, not how to fix it: the how is in the level's hints, which cost XP.
      reason: `There is no Service named ${snap.governingServiceName}, so no pod can have a DNS name under it.`,
    };
  }
  evidence.push(`Service ${svc.name}: type ${svc.type}, spec.clusterIP = ${svc.clusterIP || "(empty)"}`);
  const otherHeadless = snap.services.filter((s) => s.name !== svc.name && s.clusterIP === "None");
  for (const s of otherHeadless) evidence.push(`Service ${s.name}: spec.clusterIP = None (headless)`);
  if (svc.clusterIP === "None") return { passed: true, evidence };
  const reason =
    otherHeadless.length > 0
      ? `Service ${otherHeadless.map((s) => s.name).join(", ")} is headless, but the StatefulSet names ${svc.name} in spec.serviceName, and only that Service gives its pods DNS names.`
      : svc.type === "ExternalName"
        ? `Service ${svc.name} is of type ExternalName: DNS answers with an alias to another name and publishes no per-pod names.`
        : `Service ${svc.name} has the virtual IP ${svc.clusterIP}, so DNS answers with that one address and publishes no per-pod names.`;
  return { passed: false, evidence, reason };
};

export const statefulSetServiceNameVerdict: ObjectVerdict<unknown> = ({ snapshot, workload }) => {
  const snap = snapshot.get(STATEFULSET_WORKLOAD);
  const sts = snap.statefulSet;
  if (!sts) {
    const deployment = snap.deployments.find((d) => d.name === workload.name);
    const evidence = [`StatefulSet ${workload.name}: not found`];
    if (deployment) evidence.push(`Deployment ${deployment.name}: ${deployment.readyReplicas}/${deployment.replicas} ready`);
    return {
      passed: false,
      evidence,
      reason: deployment
        ? `A Deployment's pods get random names (like ${deployment.name}-7c9f8-x2lqp) and no per-pod DNS records, so replicas cannot name their primary.`
        : `The StatefulSet ${workload.name} is gone. Apply statefulset.yaml again.`,
    };
  }
  const evidence = [`StatefulSet ${sts.name}: spec.serviceName = ${sts.serviceName}, spec.selector ${formatSelector(sts.selector)}`];
  const svc = snap.governingService;
  if (!svc) {
    return { passed: false, evidence: [...evidence, `Service ${sts.serviceName}: not found`], reason: `spec.serviceName names ${sts.serviceName}, which does not exist.` };
  }
  evidence.push(`Service ${svc.name}: selector ${formatSelector(svc.selector)}`);
  const stsPods = snap.pods.filter((p) => p.owner?.kind === "StatefulSet" && p.owner.name === sts.name);
  const selected = snap.pods.filter((p) => selectorMatches(svc.selector, p.labels));
  evidence.push(`Pods of the StatefulSet: ${stsPods.map((p) => p.name).join(", ") || "(none yet)"}`);
  evidence.push(`Pods the Service selects: ${selected.map((p) => p.name).join(", ") || "(none)"}`);
  const missing = stsPods.filter((p) => !selected.includes(p));
  // The pods decide: a Service may select on any label of the pod template, not only on the
  // StatefulSet's matchLabels (a subset of them). Before any pod exists, matchLabels are the
  // only labels its pods are sure to carry.
  const selectsPods = stsPods.length > 0 ? missing.length === 0 : selectorMatches(svc.selector, sts.selector);
  if (!selectsPods) {
    return {
      passed: false,
      evidence,
      reason: `The Service's selector ${formatSelector(svc.selector)} does not match the StatefulSet's pod labels ${formatSelector(sts.selector)}, so its EndpointSlices stay empty and no pod gets a DNS record. Use the pods' own labels.`,
    };
  }
  // Pods the selector matches beyond the StatefulSet's are caught where they show: in the
  // Service's EndpointSlices, as endpoints without a hostname.
  return { passed: true, evidence };
};

export const endpointSliceHostnamesVerdict: ObjectVerdict<unknown> = ({ snapshot, workload }) => {
  const snap = snapshot.get(STATEFULSET_WORKLOAD);
  const evidence: string[] = [];
  const endpoints = snap.endpointSlices.flatMap((s) => s.endpoints.map((e) => ({ ...e, slice: s.name })));
  if (snap.endpointSlices.length === 0) evidence.push(`No EndpointSlice for Service ${snap.governingServiceName}`);
  for (const e of endpoints) {
    evidence.push(
      `${e.slice}: ${e.addresses.join(",")} hostname=${e.hostname ?? "(none)"} ready=${e.ready}${e.targetPod ? ` pod=${e.targetPod}` : ""}`,
    );
  }
  const problems: string[] = [];
  const strangerProblems: string[] = [];
  const isWorkloadEntry = (e: (typeof endpoints)[number]) =>
    snap.workloadPods.some((pod, i) => e.targetPod === `${workload.name}-${i}` || (pod?.ip !== undefined && e.addresses.includes(pod.ip)));
  snap.workloadPods.forEach((pod, i) => {
    const name = `${workload.name}-${i}`;
    const entry = endpoints.find((e) => e.targetPod === name || (pod?.ip !== undefined && e.addresses.includes(pod.ip)));
    if (!entry) problems.push(`${name} is not listed`);
    else if (entry.hostname !== name) problems.push(`${name} is listed without hostname ${name}`);
    else if (!entry.ready) problems.push(`${name} is listed but not ready`);
  });
  const strangers = endpoints.filter((e) => !isWorkloadEntry(e));
  if (strangers.length > 0) {
    const who = strangers.map((e) => `${e.targetPod ?? e.addresses.join(",")} (hostname ${e.hostname ?? "(none)"})`).join(", ");
    strangerProblems.push(
      `The Service also lists ${who}, which ${strangers.length === 1 ? "is" : "are"} not a pod of StatefulSet ${workload.name}: its selector matches ${strangers.length === 1 ? "that pod" : "those pods"} too, so their addresses are mixed into the Service's DNS answer and a client looking for the members reaches a stranger. Remove the label from ${strangers.length === 1 ? "it" : "them"}, or narrow the selector to the StatefulSet's pods`,
    );
  }
  if (problems.length === 0 && strangerProblems.length === 0) return { passed: true, evidence };
  const own = problems.length
    ? [`${problems.join("; ")}. The endpoints controller writes each pod's hostname only for the Service named in the StatefulSet's serviceName, and only lists Ready pods.`]
    : [];
  return { passed: false, evidence, reason: [...own, ...strangerProblems.map((p) => `${p}.`)].join(" ") };
};

/**
 * The Service named by the workload's `spec.serviceName` (or `workload.defaultServiceName` when
 * the workload is missing) exists and has `clusterIP: None`.
 */
export const serviceHeadlessCheck = defineObjectCheck({ type: "service-headless", params: noParams, reads: [STATEFULSET_WORKLOAD], fromObjects: serviceHeadlessVerdict });

/**
 * The StatefulSet `workload.name` exists, and its `spec.serviceName` names an existing headless
 * Service whose selector matches the StatefulSet's pod template labels.
 */
export const statefulSetServiceNameCheck = defineObjectCheck({ type: "statefulset-service-name", params: noParams, reads: [STATEFULSET_WORKLOAD], fromObjects: statefulSetServiceNameVerdict });

/**
 * The EndpointSlices of the governing Service list every workload pod as ready, each with
 * `hostname` equal to the pod's name (what cluster DNS builds per-pod records from).
 */
export const endpointSliceHostnamesCheck = defineObjectCheck({ type: "endpointslice-hostnames", params: noParams, reads: [STATEFULSET_WORKLOAD], fromObjects: endpointSliceHostnamesVerdict });

/** The grader's runs of the three checks (over the grade's snapshot). */
export const serviceHeadless = serviceHeadlessCheck.run;
export const statefulSetServiceName = statefulSetServiceNameCheck.run;
export const endpointSliceHostnames = endpointSliceHostnamesCheck.run;
