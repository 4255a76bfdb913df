/**
 * The probe agent's side of a fake KubeAdapter (podProxy and the token's Secret), answering each
 * request from a function that takes the probe's command line as the tests' worlds always have
 * (`["kubequest-probe", "--nslookup", …]`) and returns what the probe printed and how it ended.
 * How it ended becomes what the API server's proxy would answer: 200 for a probe that ran to the
 * end, 400 for a refused command line, 503 for a pod killed mid-request (no exit code).
 */
import type { KubeObject } from "../../../../lib/levels/kube-object";
import type { ExecResult, KubeAdapter, PodInfo, PodProxyRequest, PodProxyResponse } from "../../../kubernetes/kube-adapter";
import { podInfo } from "../../../kubernetes/test-fixtures/pod-info";
import { GRADER_NAMESPACE } from "../../probe-pod";
import { PROBE_TOKEN_HEADER } from "../../probe";

/**
 * The probe pod's side of a fake KubeAdapter: the grader applies its pod in kubequest-system and
 * finds it running and ready at once; a delete removes it (made again on next use).
 */
export function probePodFake(): Pick<KubeAdapter, "getPod" | "ensureNamespace" | "apply" | "deletePod"> {
  const pods = new Map<string, PodInfo>();
  return {
    getPod: async (ns: string, name: string) => (ns === GRADER_NAMESPACE ? (pods.get(name) ?? null) : null),
    ensureNamespace: async () => undefined,
    apply: async (ns: string, objects: KubeObject[]) => {
      for (const o of objects) pods.set(o.metadata.name, podInfo({ name: o.metadata.name, uid: `probe-${o.metadata.name}`, ip: "10.244.0.3", labels: { ...(o.metadata.labels ?? {}) } }));
      return objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, action: "created" as const, namespace: ns }));
    },
    deletePod: async (_ns: string, name: string) => void pods.delete(name),
  };
}

export function probeAgentFake(
  answer: (argv: string[], timeoutMs: number) => ExecResult | Promise<ExecResult>,
): Pick<KubeAdapter, "podProxy" | "ensureSecret"> {
  return {
    podProxy: async (_ns: string, pod: string, port: number, path: string, req: PodProxyRequest): Promise<PodProxyResponse> => {
      if (path !== "/probe" || req.method !== "POST") throw new Error(`the fake agent answers POST /probe, not ${req.method} ${path}`);
      if (!req.headers?.[PROBE_TOKEN_HEADER]) return { status: 401, body: '{"kind":"usage-error","message":"no token"}\n' };
      const { args } = JSON.parse(req.body ?? "{}") as { args: string[] };
      const ended = await answer(["kubequest-probe", ...args], req.timeoutMs);
      if (ended.exitCode === null) return { status: 503, body: `error trying to reach service: ${pod}:${port}: ${ended.stderr || "connection reset by peer"}` };
      if (ended.exitCode === 64) return { status: 400, body: ended.stdout };
      return { status: ended.exitCode === 0 ? 200 : 500, body: ended.stdout };
    },
    ensureSecret: async () => ({ token: "a-token-for-the-fake-agent-0123456789" }),
  };
}
