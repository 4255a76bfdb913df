/**
 * The probe agent's side of a fake KubeAdapter (podProxy and the token's Secret), answering each
 * request from a function that takes the probe's command line as the tests' worlds always have
 * (`["kubequest-probe", "--nslookup", …]`) and returns what the probe printed and how it ended.
 * How it ended becomes what the API server's proxy would answer: 200 for a probe that ran to the
 * end, 400 for a refused command line, 503 for a pod killed mid-request (no exit code).
 */
import type { ExecResult, KubeAdapter, PodProxyRequest, PodProxyResponse } from "../../../kubernetes/kube-adapter";
import { PROBE_TOKEN_HEADER } from "../../probe";

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
