/**
 * DNS questions of a given type (SRV records, whose names start with `_`, and plain A), asked by
 * kubequest-probe's `--dig TYPE NAME` in the grade's one probe request and answered as dig would:
 * the status, the answer and additional sections. Names come from the cluster's objects and the
 * level's manifest and are checked again here (and by the probe); argv items, never a shell line.
 */
export type DigType = "SRV" | "A";

export interface DigRequest {
  kind: "dig";
  type: DigType;
  /** A fully qualified name, with its trailing dot. */
  name: string;
}

/** One resource record of an answer: `name ttl class type data`. */
export interface DigResourceRecord {
  name: string;
  ttl: number;
  type: string;
  /** The record's data as dig prints it, e.g. `0 33 6379 10-244-0-21.cache-peers.ns.svc.cluster.local.`. */
  data: string;
}

/** A dig answer as a probe record (probe.ts): the question, its status, and the answer and additional sections. */
export interface DigRecord {
  kind: "dig";
  name: string;
  type: DigType;
  exitCode: number;
  /** dig's own text for this question. */
  output: string;
  /** `NOERROR`, `NXDOMAIN`, `SERVFAIL`, … */
  status: string;
  answers: DigResourceRecord[];
  additional: DigResourceRecord[];
  [field: string]: unknown;
}

/** DNS labels, the first ones of an SRV name may start with `_` (`_redis._tcp.…`). */
const DIG_NAME = /^(_[a-z0-9][-a-z0-9]{0,62}\.){0,2}[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\.$/;

/** The probe's arguments for one question; anything but a fully qualified DNS name is refused. */
export function digProbeArgs(r: DigRequest): string[] {
  if (!DIG_NAME.test(r.name) || r.name.length > 254) throw new Error(`not a fully qualified DNS name: ${JSON.stringify(r.name)}`);
  return ["--dig", r.type, r.name];
}

const MAX_RESOURCE_RECORDS = 256;

function resourceRecords(value: unknown): DigResourceRecord[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (r): r is DigResourceRecord =>
        typeof r === "object" && r !== null && typeof r.name === "string" && typeof r.ttl === "number" && typeof r.type === "string" && typeof r.data === "string",
    )
    .slice(0, MAX_RESOURCE_RECORDS)
    .map((r) => ({ name: r.name.toLowerCase(), ttl: r.ttl, type: r.type, data: r.data.slice(0, 300) }));
}

/** A dig line of the probe's output as a record, its sections checked and bounded. */
export function digRecordFrom(value: Record<string, unknown>, output: string, exitCode: number): DigRecord | undefined {
  if (typeof value.name !== "string" || (value.type !== "SRV" && value.type !== "A")) return undefined;
  return {
    kind: "dig",
    name: value.name.toLowerCase(),
    type: value.type,
    exitCode,
    output,
    status: typeof value.status === "string" ? value.status : "UNKNOWN",
    answers: resourceRecords(value.answers),
    additional: resourceRecords(value.additional),
  };
}

/**
 * A question no DNS server answered (the probe's exit code 9, as dig's) is our failure to gather
 * evidence, never the learner's: their Services cannot stop cluster DNS from answering.
 */
export function digRecordProblem(record: DigRecord): string | undefined {
  if (record.exitCode === 0) return undefined;
  const why = record.output.split("\n").filter((l) => /error|timed out|reached|refused/i.test(l)).slice(-2).join(" ").slice(0, 300) || `exit code ${record.exitCode}`;
  return `cluster DNS did not answer the grader's question ${record.type} ${record.name}: ${why}`;
}

/** The record of the question `name` of `type` (a trailing dot or not), if any. */
export function digRecordFor(records: readonly { kind: string; [field: string]: unknown }[], name: string, type: DigType): DigRecord | undefined {
  const wanted = (name.endsWith(".") ? name : `${name}.`).toLowerCase();
  return records.find((r): r is DigRecord => r.kind === "dig" && r.name === wanted && r.type === type);
}

/** Evidence lines of a dig record: the question, the status, the answers (and the addresses of the targets). */
export function digEvidence(record: DigRecord | undefined, name: string, type: DigType): string[] {
  const lines = [`$ dig ${type} ${name.replace(/\.$/, "")}`];
  if (!record) return [...lines, "  (no answer recorded)"];
  lines.push(`  status: ${record.status}`);
  for (const a of record.answers) lines.push(`  ${a.name} ${a.ttl} IN ${a.type} ${a.data}`);
  if (record.answers.length === 0) lines.push("  (no records in the answer)");
  for (const a of record.additional.filter((r) => r.type === "A" || r.type === "AAAA")) lines.push(`  additional: ${a.name} IN ${a.type} ${a.data}`);
  return lines;
}
