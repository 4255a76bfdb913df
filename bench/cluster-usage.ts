/**
 * What one learner costs the cluster, for the load section of `npm run bench` (issue 12: "say
 * what fits, and report the per-learner cost so an operator can size a cluster"). Reads each
 * node's kubelet summary (`/api/v1/nodes/<node>/proxy/stats/summary`, the same numbers
 * metrics-server would aggregate, but with no add-on to install) and sums the CPU, working-set
 * memory and pods of the namespaces asked for. Also reads what those namespaces *reserve*
 * (their pods' requests), since a scheduler sizes by requests, not by use.
 *
 * Pods' own figures leave out what a learner costs outside their pods: an exec (a probe, the
 * live view's DNS question, a grade) is work for the API server, the kubelet and the container
 * runtime, none of it in the pod's cgroup. So every sample also carries the nodes' whole CPU and
 * the part of it outside every pod, and the load section reports what the node as a whole spends
 * per learner.
 *
 * A bench tool, not product code: it talks to the API server with the bench's admin kubeconfig.
 */
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";

export interface UsageSample {
  /** Namespaces that had at least one pod in the summary. */
  namespaces: number;
  pods: number;
  /** Summed usage of every container in those namespaces. */
  cpuMilli: number;
  memoryMb: number;
  /** Summed requests of those namespaces' pods (what the scheduler reserves). */
  requestsCpuMilli: number;
  requestsMemoryMb: number;
  /** The nodes' whole CPU use (control plane, runtime, every pod), summed over nodes. */
  nodeCpuMilli: number;
  /** Of that, what ran outside every pod: the kubelet, the container runtime and its shims (execs, probes, container starts). */
  outsidePodsCpuMilli: number;
}

type Cpu = { usageNanoCores?: number };
export interface KubeletSummary {
  node?: { cpu?: Cpu; systemContainers?: { name: string; cpu?: Cpu }[] };
  pods?: { podRef: { namespace: string; name: string }; cpu?: Cpu; memory?: { workingSetBytes?: number } }[];
}

/** One node's summary: the pods of the namespaces `include` accepts, and the node's own CPU. */
export function summaryUsage(summary: KubeletSummary, include: (namespace: string) => boolean): { namespaces: Set<string>; pods: number; cpuMilli: number; memoryMb: number; nodeCpuMilli: number; outsidePodsCpuMilli: number } {
  const milli = (cpu: Cpu | undefined) => (cpu?.usageNanoCores ?? 0) / 1e6;
  const usage = { namespaces: new Set<string>(), pods: 0, cpuMilli: 0, memoryMb: 0, nodeCpuMilli: milli(summary.node?.cpu), outsidePodsCpuMilli: 0 };
  // The kubelet's "pods" system container is every pod's cgroup (the control plane's static pods
  // too); the rest of the node is the kubelet and the runtime. (kind reports no "runtime" figure.)
  const pods = summary.node?.systemContainers?.find((c) => c.name === "pods");
  if (pods) usage.outsidePodsCpuMilli = Math.max(0, usage.nodeCpuMilli - milli(pods.cpu));
  for (const pod of summary.pods ?? []) {
    if (!include(pod.podRef.namespace)) continue;
    usage.namespaces.add(pod.podRef.namespace);
    usage.pods++;
    usage.cpuMilli += milli(pod.cpu);
    usage.memoryMb += (pod.memory?.workingSetBytes ?? 0) / 1024 ** 2;
  }
  return usage;
}

/** "250m" → 250, "1" → 1000, "1.5" → 1500 (millicores). */
export function cpuToMilli(q: string | undefined): number {
  if (!q) return 0;
  if (q.endsWith("m")) return Number(q.slice(0, -1));
  if (q.endsWith("n")) return Number(q.slice(0, -1)) / 1e6;
  if (q.endsWith("u")) return Number(q.slice(0, -1)) / 1e3;
  return Number(q) * 1000;
}

const MEMORY_UNITS: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 };

/** "32Mi" → 32, "1Gi" → 1024, "134217728" → 128 (MiB). */
export function memoryToMb(q: string | undefined): number {
  if (!q) return 0;
  const m = /^([\d.]+)([A-Za-z]*)$/.exec(q);
  if (!m) return 0;
  const factor = m[2] ? MEMORY_UNITS[m[2]] : 1;
  return factor === undefined ? 0 : (Number(m[1]) * factor) / 1024 ** 2;
}

/** One sample of the summed use and requests of the namespaces `include` accepts, over every node. */
export async function sampleNamespaceUsage(kc: KubeConfig, include: (namespace: string) => boolean): Promise<UsageSample> {
  const core = kc.makeApiClient(CoreV1Api);
  const nodes = (await core.listNode()).items.map((n) => n.metadata!.name!);
  const sample: UsageSample = { namespaces: 0, pods: 0, cpuMilli: 0, memoryMb: 0, requestsCpuMilli: 0, requestsMemoryMb: 0, nodeCpuMilli: 0, outsidePodsCpuMilli: 0 };
  const seen = new Set<string>();
  for (const name of nodes) {
    const raw: unknown = await core.connectGetNodeProxyWithPath({ name, path: "stats/summary" });
    const usage = summaryUsage((typeof raw === "string" ? JSON.parse(raw) : raw) as KubeletSummary, include);
    for (const ns of usage.namespaces) seen.add(ns);
    sample.pods += usage.pods;
    sample.cpuMilli += usage.cpuMilli;
    sample.memoryMb += usage.memoryMb;
    sample.nodeCpuMilli += usage.nodeCpuMilli;
    sample.outsidePodsCpuMilli += usage.outsidePodsCpuMilli;
  }
  sample.namespaces = seen.size;
  const pods = (await core.listPodForAllNamespaces()).items.filter((p) => include(p.metadata?.namespace ?? "") && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
  for (const pod of pods) {
    for (const c of pod.spec?.containers ?? []) {
      sample.requestsCpuMilli += cpuToMilli(c.resources?.requests?.cpu);
      sample.requestsMemoryMb += memoryToMb(c.resources?.requests?.memory);
    }
  }
  return sample;
}
