/**
 * Asks `kubequest-probe` (shipped in the toolbox image, images/toolbox/probe), running as an
 * agent in the grader's probe pod, through the API server's pod proxy: one request gathers every
 * DNS answer (nslookup's and dig's) and Redis reply a grade needs. Arguments are the probe's own
 * command line, never a shell line; names come from the cluster's own objects and are validated
 * again by the probe.
 */
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import { digProbeArgs, digRecordFrom, digRecordProblem, type DigRecord, type DigRequest } from "./dig-probe";
import { GraderInfrastructureError } from "./grade-failure";
import { ensureProbePod, GRADER_NAMESPACE, PROBE_POD, PROBE_PORT, resetProbePodCache } from "./probe-pod";

/** The header the agent checks its token in (images/toolbox/probe/serve.go). */
export const PROBE_TOKEN_HEADER = "X-KubeQuest-Probe-Token";

/**
 * Caps on what the probe's output may bring into a grade. The probe talks to the learner's
 * pods, and a learner can put anything behind port 6379: whatever it answers is evidence we
 * show, store with the grade and send over the socket, so it is bounded here.
 */
export const PROBE_LIMITS = {
  /** Bytes of the probe's answer read; a longer one is our error (the probe never writes that much). */
  execOutputBytes: 256 * 1024,
  /** Characters of one record's `output` kept as evidence. */
  recordOutputChars: 4096,
  /** Records kept from one run (a grade asks for fewer than twenty). */
  records: 100,
};

export type ProbeRequest =
  | { kind: "nslookup"; name: string }
  | { kind: "redis-info"; host: string }
  | { kind: "redis-write"; host: string; key: string; value: string }
  | { kind: "redis-wait-key"; host: string; key: string; value: string; timeoutMs: number }
  | { kind: "redis-write-expect-readonly"; host: string; key: string }
  | DigRequest;

/** One line of the probe's output. Fields beyond these are kept but unused. */
export interface ProbeRecord {
  kind: string;
  exitCode: number;
  /** The tool's own words: the nslookup answer, the INFO replication text, a reply. */
  output: string;
  name?: string;
  host?: string;
  key?: string;
  addresses?: string[];
  [field: string]: unknown;
}

export function probeArgv(requests: readonly ProbeRequest[]): string[] {
  const argv = ["kubequest-probe"];
  for (const r of requests) {
    switch (r.kind) {
      case "nslookup":
        argv.push("--nslookup", r.name);
        break;
      case "redis-info":
        argv.push("--redis-info", r.host);
        break;
      case "redis-write":
        argv.push("--redis-write", r.host, r.key, r.value);
        break;
      case "redis-wait-key":
        argv.push("--redis-wait-key", r.host, r.key, r.value, String(r.timeoutMs));
        break;
      case "redis-write-expect-readonly":
        argv.push("--redis-write-expect-readonly", r.host, r.key);
        break;
      case "dig":
        argv.push(...digProbeArgs(r));
        break;
    }
  }
  return argv;
}

/** Cuts a tool's output to the evidence cap, saying so. */
function capOutput(text: string): string {
  if (text.length <= PROBE_LIMITS.recordOutputChars) return text;
  return `${text.slice(0, PROBE_LIMITS.recordOutputChars)}\n[… ${text.length - PROBE_LIMITS.recordOutputChars} more characters not shown]`;
}

/** Parses the probe's JSON lines; anything else becomes a record the grader can show. */
export function parseProbeOutput(stdout: string): ProbeRecord[] {
  const records: ProbeRecord[] = [];
  for (const line of stdout.split("\n")) {
    if (records.length >= PROBE_LIMITS.records) break;
    const trimmed = line.trim();
    if (!trimmed) continue;
    try {
      const value = JSON.parse(trimmed) as Record<string, unknown>;
      if (typeof value.kind !== "string") continue;
      const exitCode = typeof value.exitCode === "number" ? value.exitCode : -1;
      const output = typeof value.output === "string" ? capOutput(value.output) : "";
      if (value.kind === "dig") {
        const dig = digRecordFrom(value, output, exitCode);
        records.push(dig ?? { kind: "unparsed", exitCode: -1, output: capOutput(trimmed) });
        continue;
      }
      records.push({
        ...value,
        kind: value.kind,
        exitCode,
        output,
        addresses: Array.isArray(value.addresses) ? value.addresses.filter((a): a is string => typeof a === "string").slice(0, 64) : undefined,
      });
    } catch {
      records.push({ kind: "unparsed", exitCode: -1, output: capOutput(trimmed) });
    }
  }
  return records;
}

/**
 * Did the probe answer every request? The agent answers 200 with one line per request; anything
 * else (the pod gone or not ready: the API server's 502/503; a refused token; an answer cut
 * short) is our failure to gather evidence, never the learner's.
 */
export function probeRunProblem(requests: readonly ProbeRequest[], status: number, records: ProbeRecord[], body: string): string | undefined {
  const said = (records.find((r) => r.kind === "usage-error")?.message as string | undefined) ?? body.trim().split("\n").slice(0, 2).join(" ").slice(0, 300);
  if (status !== 200) return `the grader's probe answered HTTP ${status}: ${said || "no answer"}`;
  const answered = records.filter((r) => r.kind !== "unparsed" && r.kind !== "usage-error").length;
  if (answered < requests.length) return `the grader's probe answered ${answered} of ${requests.length} requests: ${said || "no answer"}`;
  return undefined;
}

export interface ProbeRunOptions {
  /** Bound of the request itself. */
  timeoutMs?: number;
  /** How long the probe pod may take to be ready, when it must be (re)created. */
  podReadyTimeoutMs?: number;
  /** The probe pod to use (the server's by default). */
  podName?: string;
  /** The wait after a new probe pod is ready (see ensureProbePod). */
  podSettleMs?: number;
}

/**
 * One run of the probe: throws GraderInfrastructureError (or a KubeError) when it could not
 * gather everything. Records come back in the order of `requests`' kinds: the script's, then dig's.
 */
export async function runProbe(kube: KubeAdapter, requests: ProbeRequest[], opts: ProbeRunOptions = {}): Promise<ProbeRecord[]> {
  const podName = opts.podName ?? PROBE_POD;
  const token = await ensureProbePod(kube, { timeoutMs: opts.podReadyTimeoutMs, name: podName, settleMs: opts.podSettleMs });
  const fail = (problem: string): never => {
    // The pod may be gone or going: look at it afresh before the next try.
    resetProbePodCache(podName);
    throw new GraderInfrastructureError(problem);
  };
  if (requests.length === 0) return [];
  const argv = probeArgv(requests).slice(1);
  const result = await kube
    .podProxy(GRADER_NAMESPACE, podName, PROBE_PORT, "/probe", {
      method: "POST",
      body: JSON.stringify({ args: argv }),
      headers: { "Content-Type": "application/json", [PROBE_TOKEN_HEADER]: token },
      timeoutMs: opts.timeoutMs ?? 20_000,
      maxResponseBytes: PROBE_LIMITS.execOutputBytes,
    })
    .catch((err: unknown) => {
      resetProbePodCache(podName);
      throw err;
    });
  const records = parseProbeOutput(result.body);
  const problem =
    probeRunProblem(requests, result.status, records, result.body) ??
    records.flatMap((r) => (r.kind === "dig" ? (digRecordProblem(r as DigRecord) ?? []) : []))[0];
  return problem ? fail(problem) : records;
}
