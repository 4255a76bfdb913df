/**
 * The level's workload seen as a StatefulSet (Level 30's Redis): the StatefulSet, the Service
 * that governs it (named by its `serviceName`), its pods by ordinal, and the DNS names a
 * StatefulSet's pods get under a Service. The Service, DNS and Redis checks of StatefulSet levels
 * read this view; the grade context gathers it only for a level whose checks declare it.
 */
import type { EndpointSliceInfo, PodInfo, ServiceInfo, StatefulSetInfo } from "../../kubernetes/kube-adapter";
import { absolute, podDnsName, serviceDnsName } from "../dns-names";
import { DEPLOYMENTS, ENDPOINT_SLICES, PODS, SERVICES, type NamespaceRead } from "../namespace-reads";
import type { ProbeRequest } from "../probe";
import type { GradeView } from "./check-types";

export interface StatefulSetWorkload {
  statefulSet: StatefulSetInfo | null;
  /** The Service the StatefulSet names, or the level's default name when it is missing. */
  governingServiceName: string;
  governingService: ServiceInfo | null;
  services: ServiceInfo[];
  pods: PodInfo[];
  /** The workload's pods, by ordinal (a missing pod leaves a hole). */
  workloadPods: (PodInfo | undefined)[];
  /** The governing Service's EndpointSlices. */
  endpointSlices: EndpointSliceInfo[];
  deployments: { name: string; replicas: number; readyReplicas: number }[];
}

export const STATEFULSET_WORKLOAD: NamespaceRead<StatefulSetWorkload> = {
  name: "statefulSetWorkload",
  async read(s) {
    const { workload } = s.manifest;
    const [statefulSet, services, pods, endpointSlices, deployments] = await Promise.all([
      s.kube.getStatefulSet(s.namespace, workload.name),
      s.get(SERVICES),
      s.get(PODS),
      s.get(ENDPOINT_SLICES),
      s.get(DEPLOYMENTS),
    ]);
    const governingServiceName = statefulSet?.serviceName || workload.defaultServiceName;
    const workloadPods: (PodInfo | undefined)[] = [];
    for (let i = 0; i < workload.replicas; i++) {
      workloadPods.push(
        pods.find((p) => p.name === `${workload.name}-${i}` && p.owner?.kind === "StatefulSet" && p.owner.name === workload.name),
      );
    }
    return {
      statefulSet,
      governingServiceName,
      governingService: services.find((svc) => svc.name === governingServiceName) ?? null,
      services,
      pods,
      workloadPods,
      endpointSlices: endpointSlices.filter((slice) => slice.serviceName === governingServiceName),
      deployments,
    };
  },
};

/** The StatefulSet view of the grade's snapshot. */
export async function statefulSetWorkload(ctx: GradeView): Promise<StatefulSetWorkload> {
  return (await ctx.snapshot()).get(STATEFULSET_WORKLOAD);
}

/** The per-pod DNS name of ordinal i under `service` (the governing Service's by default). */
export function ordinalDnsName(ctx: GradeView, view: StatefulSetWorkload, ordinal: number, service = view.governingServiceName): string {
  return podDnsName(ctx.namespace, `${ctx.workload.name}-${ordinal}`, service);
}

/** The Service's own DNS name (the governing Service's by default). */
export function governingDnsName(ctx: GradeView, view: StatefulSetWorkload, service = view.governingServiceName): string {
  return serviceDnsName(ctx.namespace, service);
}

/**
 * The lookups of one Service's names: each ordinal's name under it, then its own name. The
 * DNS checks ask them for the governing Service and for the Service they name.
 */
export function serviceNameLookups(ctx: GradeView, view: StatefulSetWorkload, service: string): ProbeRequest[] {
  const requests: ProbeRequest[] = [];
  for (let i = 0; i < ctx.workload.replicas; i++) requests.push({ kind: "nslookup", name: absolute(ordinalDnsName(ctx, view, i, service)) });
  requests.push({ kind: "nslookup", name: absolute(governingDnsName(ctx, view, service)) });
  return requests;
}
