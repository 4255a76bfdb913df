/**
 * Runs `kubequest-probe` (shipped in the toolbox image) in the grader's probe pod: one exec
 * gathers every DNS answer and Redis reply a grade needs. Arguments are argv items, never a
 * shell line; names come from the cluster's own objects and are validated again by the script.
 */
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import { ensureProbePod, GRADER_NAMESPACE, PROBE_POD, resetProbePodCache } from "./probe-pod";

export type ProbeRequest =
  | { kind: "nslookup"; name: string }
  | { kind: "redis-info"; host: string }
  | { kind: "redis-write"; host: string; key: string; value: string }
  | { kind: "redis-wait-key"; host: string; key: string; value: string; timeoutMs: number }
  | { kind: "redis-write-expect-readonly"; host: string; key: string };

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

export function probeArgv(requests: ProbeRequest[]): string[] {
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
    }
  }
  return argv;
}

/** Parses the probe's JSON lines; anything else becomes a record the grader can show. */
export function parseProbeOutput(stdout: string): ProbeRecord[] {
  const records: ProbeRecord[] = [];
  for (const line of stdout.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    try {
      const value = JSON.parse(trimmed) as Record<string, unknown>;
      if (typeof value.kind !== "string") continue;
      records.push({
        ...value,
        kind: value.kind,
        exitCode: typeof value.exitCode === "number" ? value.exitCode : -1,
        output: typeof value.output === "string" ? value.output : "",
        addresses: Array.isArray(value.addresses) ? value.addresses.filter((a): a is string => typeof a === "string") : undefined,
      });
    } catch {
      records.push({ kind: "unparsed", exitCode: -1, output: trimmed });
    }
  }
  return records;
}

export class ProbeFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProbeFailed";
  }
}

export async function runProbe(kube: KubeAdapter, requests: ProbeRequest[], timeoutMs = 20_000): Promise<ProbeRecord[]> {
  await ensureProbePod(kube);
  const result = await kube.exec(GRADER_NAMESPACE, PROBE_POD, "probe", probeArgv(requests), { timeoutMs }).catch((err: unknown) => {
    resetProbePodCache();
    throw err;
  });
  const records = parseProbeOutput(result.stdout);
  if (records.length === 0) {
    throw new ProbeFailed(
      `the grader's probe printed nothing (exit code ${result.exitCode ?? "none"}): ${result.stderr.trim().slice(0, 300) || "no error output"}`,
    );
  }
  return records;
}
