/**
 * Raw API objects (client-node's generated classes) turned into the small types of
 * kube-adapter.ts. Pure functions: the only place that knows where Kubernetes keeps a field.
 */
import type {
  V1ContainerStatus,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Pod,
  V1Service,
  V1StatefulSet,
} from "@kubernetes/client-node";
import type { ContainerStatusInfo, DaemonSetInfo, DeploymentInfo, EndpointSliceInfo, PodInfo, ServiceInfo, StatefulSetInfo } from "./kube-adapter";
import { podStatusColumn } from "./pod-status";

/** The label Kubernetes puts on every EndpointSlice to name its Service. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

function containerInfo(c: V1ContainerStatus): ContainerStatusInfo {
  const { running, waiting, terminated } = c.state ?? {};
  const state = running ? "running" : waiting ? "waiting" : terminated ? "terminated" : "unknown";
  const reason = waiting?.reason ?? terminated?.reason;
  return { name: c.name, ready: c.ready, restartCount: c.restartCount ?? 0, state, ...(reason ? { reason } : {}) };
}

/** Containers the kubelet has not reported yet still show up, as waiting. */
function containersOf(specNames: string[], statuses: V1ContainerStatus[] | undefined): ContainerStatusInfo[] {
  const byName = new Map((statuses ?? []).map((s) => [s.name, s]));
  return specNames.map((name) => {
    const s = byName.get(name);
    return s ? containerInfo(s) : { name, ready: false, restartCount: 0, state: "waiting" };
  });
}

function isoDate(value: Date | string | undefined): string {
  if (value instanceof Date) return value.toISOString();
  return value ?? "";
}

export function toPodInfo(pod: V1Pod): PodInfo {
  const meta = pod.metadata ?? {};
  const owner = meta.ownerReferences?.find((r) => r.controller) ?? meta.ownerReferences?.[0];
  const column = podStatusColumn(pod);
  return {
    name: meta.name ?? "",
    uid: meta.uid ?? "",
    phase: pod.status?.phase ?? "Unknown",
    status: column.status,
    ready: pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    ...(pod.status?.podIP ? { ip: pod.status.podIP } : {}),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    labels: { ...(meta.labels ?? {}) },
    ...(owner ? { owner: { kind: owner.kind, name: owner.name } } : {}),
    ...(pod.spec?.hostname ? { hostname: pod.spec.hostname } : {}),
    ...(pod.spec?.subdomain ? { subdomain: pod.spec.subdomain } : {}),
    ...(pod.spec?.hostAliases?.length
      ? { hostAliases: pod.spec.hostAliases.map((a) => ({ ip: a.ip ?? "", hostnames: [...(a.hostnames ?? [])] })) }
      : {}),
    restarts: column.restarts,
    initContainers: containersOf(
      (pod.spec?.initContainers ?? []).map((c) => c.name),
      pod.status?.initContainerStatuses,
    ),
    containers: containersOf(
      (pod.spec?.containers ?? []).map((c) => c.name),
      pod.status?.containerStatuses,
    ),
    deleting: Boolean(meta.deletionTimestamp),
    createdAt: isoDate(meta.creationTimestamp),
  };
}

export function toServiceInfo(svc: V1Service): ServiceInfo {
  return {
    name: svc.metadata?.name ?? "",
    type: svc.spec?.type ?? "ClusterIP",
    clusterIP: svc.spec?.clusterIP ?? "",
    selector: { ...(svc.spec?.selector ?? {}) },
    ports: (svc.spec?.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: p.port,
      ...(p.targetPort !== undefined ? { targetPort: p.targetPort as number | string } : {}),
    })),
    uid: svc.metadata?.uid ?? "",
  };
}

export function toStatefulSetInfo(sts: V1StatefulSet): StatefulSetInfo {
  return {
    name: sts.metadata?.name ?? "",
    serviceName: sts.spec?.serviceName ?? "",
    // The API defaults replicas to 1 when the manifest leaves it out.
    replicas: sts.spec?.replicas ?? 1,
    readyReplicas: sts.status?.readyReplicas ?? 0,
    selector: { ...(sts.spec?.selector?.matchLabels ?? {}) },
    uid: sts.metadata?.uid ?? "",
  };
}

export function toEndpointSliceInfo(slice: V1EndpointSlice): EndpointSliceInfo {
  return {
    name: slice.metadata?.name ?? "",
    serviceName: slice.metadata?.labels?.[SERVICE_NAME_LABEL] ?? "",
    endpoints: (slice.endpoints ?? []).map((e) => ({
      addresses: [...e.addresses],
      ...(e.hostname ? { hostname: e.hostname } : {}),
      // The API says an unset `ready` is to be read as ready.
      ready: e.conditions?.ready !== false,
      ...(e.targetRef?.kind === "Pod" && e.targetRef.name ? { targetPod: e.targetRef.name } : {}),
    })),
  };
}

export function toDeploymentInfo(dep: V1Deployment): DeploymentInfo {
  return {
    name: dep.metadata?.name ?? "",
    replicas: dep.spec?.replicas ?? 1,
    readyReplicas: dep.status?.readyReplicas ?? 0,
    selector: { ...(dep.spec?.selector?.matchLabels ?? {}) },
  };
}

export function toDaemonSetInfo(ds: V1DaemonSet): DaemonSetInfo {
  return {
    name: ds.metadata?.name ?? "",
    images: (ds.spec?.template.spec?.containers ?? []).map((c) => c.image ?? ""),
    desired: ds.status?.desiredNumberScheduled ?? 0,
    ready: ds.status?.numberReady ?? 0,
  };
}

export function byName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
}
