/**
 * The adapter's reads: ping, and get/list of Services, StatefulSets, Pods, EndpointSlices,
 * Deployments and DaemonSets, each answered as one of the small types of kube-adapter.ts (kube-object-mappers.ts
 * does the mapping). Separate from applying and exec because reads change nothing: what the
 * grader and the live view see of a cluster is all here.
 */
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, VersionApi, type Configuration } from "@kubernetes/client-node";
import type { KubeAdapter } from "./kube-adapter";
import { callKube, orNull, withTimeout } from "./kube-call";
import {
  SERVICE_NAME_LABEL,
  byName,
  toDaemonSetInfo,
  toDeploymentInfo,
  toEndpointSliceInfo,
  toPodInfo,
  toServiceInfo,
  toStatefulSetInfo,
} from "./kube-object-mappers";

/** ping() must answer fast: it decides whether the UI says "cluster down". */
const PING_TIMEOUT_MS = 5_000;

/** The KubeAdapter methods this file implements (kube-client.ts forwards them here). */
export const READ_METHODS = ["ping", "getService", "listServices", "getStatefulSet", "listStatefulSets", "listPods", "getPod", "listEndpointSlices", "listDeployments", "getDaemonSet"] as const;

/** The adapter's reads, over client-node's typed APIs. */
export class KubeReads implements Pick<KubeAdapter, (typeof READ_METHODS)[number]> {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly discovery: DiscoveryV1Api;
  private readonly version: VersionApi;

  constructor(config: Configuration) {
    this.core = new CoreV1Api(config);
    this.apps = new AppsV1Api(config);
    this.discovery = new DiscoveryV1Api(config);
    this.version = new VersionApi(config);
  }

  async ping(): Promise<{ version: string }> {
    return callKube("checking the cluster", async () => {
      const info = await withTimeout(this.version.getCode(), PING_TIMEOUT_MS);
      return { version: info.gitVersion };
    });
  }

  async getService(namespace: string, name: string) {
    return callKube(`reading Service ${name}`, async () => {
      const svc = await orNull(this.core.readNamespacedService({ name, namespace }));
      return svc ? toServiceInfo(svc) : null;
    });
  }

  async listServices(namespace: string) {
    return callKube("listing Services", async () => byName((await this.core.listNamespacedService({ namespace })).items.map(toServiceInfo)));
  }

  async getStatefulSet(namespace: string, name: string) {
    return callKube(`reading StatefulSet ${name}`, async () => {
      const sts = await orNull(this.apps.readNamespacedStatefulSet({ name, namespace }));
      return sts ? toStatefulSetInfo(sts) : null;
    });
  }

  async listStatefulSets(namespace: string) {
    return callKube("listing StatefulSets", async () =>
      byName((await this.apps.listNamespacedStatefulSet({ namespace })).items.map(toStatefulSetInfo)),
    );
  }

  async listPods(namespace: string, labelSelector?: string) {
    return callKube("listing pods", async () =>
      byName((await this.core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) })).items.map(toPodInfo)),
    );
  }

  async getPod(namespace: string, name: string) {
    return callKube(`reading pod ${name}`, async () => {
      const pod = await orNull(this.core.readNamespacedPod({ name, namespace }));
      return pod ? toPodInfo(pod) : null;
    });
  }

  async listEndpointSlices(namespace: string, serviceName?: string) {
    return callKube("listing EndpointSlices", async () => {
      const list = await this.discovery.listNamespacedEndpointSlice({
        namespace,
        ...(serviceName ? { labelSelector: `${SERVICE_NAME_LABEL}=${serviceName}` } : {}),
      });
      return byName(list.items.map(toEndpointSliceInfo));
    });
  }

  async listDeployments(namespace: string) {
    return callKube("listing Deployments", async () =>
      byName((await this.apps.listNamespacedDeployment({ namespace })).items.map(toDeploymentInfo)),
    );
  }

  async getDaemonSet(namespace: string, name: string) {
    return callKube(`reading DaemonSet ${name}`, async () => {
      const ds = await orNull(this.apps.readNamespacedDaemonSet({ name, namespace }));
      return ds ? toDaemonSetInfo(ds) : null;
    });
  }
}
