/**
 * Carries out a level's declared steps (its solution, or one of its wrong fixes) against a
 * learner namespace, through the Kubernetes adapter: what a learner would do by hand, done by
 * a script, so tests and `npm run levels:verify` can prove a level's grader right. Steps act as
 * the namespace's learner ServiceAccount, so a solution that needs more than a learner's rights
 * (or trips KubeQuest's admission rules) fails here instead of in front of a learner.
 */
import type { LevelStep } from "../../lib/levels/level-schema";
import type { KubeAdapter, PodInfo } from "../kubernetes/kube-adapter";
import { podsOfDeployment } from "../grader/namespace-reads";
import { NAMESPACE_PLACEHOLDER, type LoadedLevel } from "../levels/level-catalog";
import { learnerServiceAccountOf } from "../yaml/learner-yaml";

/** The level's toolbox pod (the platform's one Pod), where a learner's kubectl runs. */
function toolboxPodOf(level: LoadedLevel, namespace: string): string {
  return level.platformObjects(namespace).find((o) => o.kind === "Pod")?.metadata.name ?? "toolbox";
}

const POD_IP = /\{\{podIP:([a-z0-9]([-a-z0-9]*[a-z0-9])?)\}\}/g;

/** The apiVersion of the kinds a step may delete by name. */
const API_VERSIONS: Record<string, string> = {
  StatefulSet: "apps/v1",
  Deployment: "apps/v1",
  Service: "v1",
  Pod: "v1",
  ConfigMap: "v1",
};

export interface StepLog {
  step: LevelStep;
  description: string;
  durationMs: number;
}

export function describeStep(step: LevelStep): string {
  switch (step.action) {
    case "apply":
      return `apply ${step.file}`;
    case "recreate":
      return `recreate from ${step.file}`;
    case "terminalApply":
      return `kubectl apply -f ${step.file} in the terminal`;
    case "kubectl":
      return `kubectl ${step.args.join(" ")}`;
    case "delete":
      return `delete ${step.kind} ${step.name}`;
    case "waitReady":
      return `wait up to ${step.timeoutSeconds} s for the workload's pods to be Ready`;
    case "waitRollout":
      return `wait up to ${step.timeoutSeconds} s for the workload's rolling update to finish`;
    case "exec":
      return `exec in ${step.pod}: ${step.command.join(" ")}`;
  }
}

async function resolvePlaceholders(kube: KubeAdapter, namespace: string, argv: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const arg of argv) {
    let resolved = arg;
    for (const match of arg.matchAll(POD_IP)) {
      const pod = await kube.getPod(namespace, match[1]!);
      if (!pod?.ip) throw new Error(`pod ${match[1]} has no IP, so {{podIP:${match[1]}}} cannot be filled in`);
      resolved = resolved.replace(match[0], pod.ip);
    }
    out.push(resolved);
  }
  return out;
}

/** A step file's objects with `{{namespace}}` and `{{podIP:<pod>}}` filled in (each pod looked up once). */
export async function fillPlaceholders<T>(kube: KubeAdapter, namespace: string, value: T): Promise<T> {
  const ips = new Map<string, string>();
  const collect = (v: unknown): void => {
    if (typeof v === "string") for (const m of v.matchAll(POD_IP)) ips.set(m[1]!, "");
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(collect);
  };
  collect(value);
  for (const pod of ips.keys()) {
    const info = await kube.getPod(namespace, pod);
    if (!info?.ip) throw new Error(`pod ${pod} has no IP, so {{podIP:${pod}}} cannot be filled in`);
    ips.set(pod, info.ip);
  }
  const fill = (v: unknown): unknown => {
    if (typeof v === "string") return v.split(NAMESPACE_PLACEHOLDER).join(namespace).replace(POD_IP, (_m, pod: string) => ips.get(pod)!);
    if (Array.isArray(v)) return v.map(fill);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(value) as T;
}

/** How many of the workload's pods are Ready and staying: a StatefulSet's by ordinal name, a Deployment's by its selector. */
async function readyWorkloadPods(kube: KubeAdapter, level: LoadedLevel, namespace: string): Promise<number> {
  const { kind, name, replicas } = level.manifest.workload;
  const pods = await kube.listPods(namespace);
  const staying = (p: PodInfo | undefined) => Boolean(p?.ready && !p.deleting);
  if (kind === "Deployment") {
    const deployment = (await kube.listDeployments(namespace)).find((d) => d.name === name);
    return podsOfDeployment(deployment, pods).filter(staying).length;
  }
  return Array.from({ length: replicas }, (_, i) => pods.find((p) => p.name === `${name}-${i}`)).filter(staying).length;
}

export async function waitWorkloadReady(kube: KubeAdapter, level: LoadedLevel, namespace: string, timeoutMs: number): Promise<void> {
  const { name, replicas } = level.manifest.workload;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await readyWorkloadPods(kube, level, namespace);
    if (ready >= replicas) return;
    if (Date.now() > deadline) {
      throw new Error(`only ${ready}/${replicas} pods of ${name} were Ready after ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function runLevelSteps(
  kube: KubeAdapter,
  level: LoadedLevel,
  namespace: string,
  steps: LevelStep[],
  onStep?: (log: StepLog) => void,
): Promise<StepLog[]> {
  const logs: StepLog[] = [];
  const learner = kube.asServiceAccount(namespace, learnerServiceAccountOf(level.platformObjects(namespace)));
  for (const step of steps) {
    const started = Date.now();
    switch (step.action) {
      // The terminal's `kubectl apply` is a server-side apply as the learner, like the editor's.
      case "apply":
      case "terminalApply":
        await learner.apply(namespace, await fillPlaceholders(kube, namespace, level.readObjects(step.file)), { force: true });
        break;
      case "recreate":
        await learner.recreate(namespace, await fillPlaceholders(kube, namespace, level.readObjects(step.file)));
        break;
      case "delete": {
        const apiVersion = API_VERSIONS[step.kind];
        if (!apiVersion) throw new Error(`a delete step cannot name kind ${step.kind}`);
        await learner.deleteObject(namespace, { apiVersion, kind: step.kind, name: step.name }, { wait: true });
        break;
      }
      case "waitReady":
        await waitWorkloadReady(kube, level, namespace, step.timeoutSeconds * 1000);
        break;
      case "kubectl": {
        // The toolbox's kubectl, with the learner's own rights.
        const argv = ["kubectl", ...step.args];
        const result = await kube.exec(namespace, toolboxPodOf(level, namespace), undefined, argv, { timeoutMs: 300_000 });
        if (result.exitCode !== 0) throw new Error(`${argv.join(" ")} exited with ${result.exitCode}: ${result.stderr || result.stdout}`);
        break;
      }
      case "waitRollout": {
        // The toolbox's kubectl, as a learner would: it knows every kind's rollout rules
        // (a StatefulSet's partition included).
        const { kind, name } = level.manifest.workload;
        const argv = ["kubectl", "rollout", "status", `${kind.toLowerCase()}/${name}`, `--timeout=${step.timeoutSeconds}s`];
        const result = await kube.exec(namespace, toolboxPodOf(level, namespace), undefined, argv, { timeoutMs: step.timeoutSeconds * 1000 + 15_000 });
        if (result.exitCode !== 0) throw new Error(`${argv.join(" ")} exited with ${result.exitCode}: ${result.stderr || result.stdout}`);
        break;
      }
      case "exec": {
        const argv = await resolvePlaceholders(kube, namespace, step.command);
        const result = await learner.exec(namespace, step.pod, step.container, argv, { timeoutMs: 30_000 });
        if (result.exitCode !== 0) {
          throw new Error(`exec in ${step.pod} (${argv.join(" ")}) exited with ${result.exitCode}: ${result.stderr || result.stdout}`);
        }
        break;
      }
    }
    const log = { step, description: describeStep(step), durationMs: Date.now() - started };
    logs.push(log);
    onStep?.(log);
  }
  return logs;
}
