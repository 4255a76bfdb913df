/**
 * DNS questions kubequest-probe cannot ask (SRV records, whose names start with `_`), put to
 * `dig` in the grader's probe pod: the toolbox image ships it (dnsutils), so no image changes.
 * All of a run's questions go in one `dig` exec (dig takes several queries on one command line),
 * and its text is cut back into one record per question. Names come from the cluster's objects
 * and the level's manifest and are checked again here; argv items, never a shell line.
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

/** The argv of one dig run: each question asked once, bounded (2 s per try, 2 tries). */
export function digArgv(requests: readonly DigRequest[]): string[] {
  const argv = ["dig", "+nocmd", "+nostats", "+time=2", "+tries=2"];
  for (const r of requests) {
    if (!DIG_NAME.test(r.name) || r.name.length > 254) throw new Error(`not a fully qualified DNS name: ${JSON.stringify(r.name)}`);
    argv.push(r.name, r.type);
  }
  return argv;
}

function parseResourceRecord(line: string): DigResourceRecord | undefined {
  const m = /^(\S+)\s+(\d+)\s+IN\s+([A-Z]+)\s+(.*)$/.exec(line.trim());
  if (!m) return undefined;
  return { name: m[1]!.toLowerCase(), ttl: Number(m[2]), type: m[3]!, data: m[4]!.trim() };
}

/**
 * Cuts dig's output into one record per question it answered (a question that got no reply,
 * a timeout, has no block and so no record). Each record keeps its block as `output`.
 */
export function parseDigOutput(stdout: string): DigRecord[] {
  const records: DigRecord[] = [];
  const blocks = stdout.split(/^(?=;; ->>HEADER<<-)/m).filter((b) => b.startsWith(";; ->>HEADER<<-"));
  for (const block of blocks) {
    const status = /status: ([A-Z]+)/.exec(block)?.[1] ?? "UNKNOWN";
    const question = /^;; QUESTION SECTION:\n;(\S+)\s+IN\s+([A-Z]+)/m.exec(block);
    if (!question) continue;
    const section = (title: string): DigResourceRecord[] => {
      const m = new RegExp(`^;; ${title} SECTION:\\n((?:[^\\n]+\\n?)*)`, "m").exec(block);
      return (m?.[1] ?? "").split("\n").flatMap((line) => parseResourceRecord(line) ?? []);
    };
    // The block up to the next question's "Got answer" (and the warnings dig prints after it).
    const output = block.split(/\n;; Got answer:/)[0]!.trimEnd();
    records.push({
      kind: "dig",
      name: question[1]!.toLowerCase(),
      type: question[2] as DigType,
      exitCode: 0,
      output,
      status,
      answers: section("ANSWER"),
      additional: section("ADDITIONAL"),
    });
  }
  return records;
}

/** Did dig answer every question? Anything less is our failure to gather evidence, never the learner's. */
export function digRunProblem(requests: readonly DigRequest[], exitCode: number | null, records: readonly DigRecord[], stderr: string, stdout: string): string | undefined {
  const answered = requests.filter((r) => records.some((rec) => rec.name === r.name.toLowerCase() && rec.type === r.type)).length;
  if (answered === requests.length) return undefined;
  const why = `${stderr}\n${stdout}`.split("\n").filter((l) => /error|timed out|reached|refused/i.test(l)).slice(-3).join(" ").slice(0, 300) || "no error output";
  return exitCode === null
    ? `the grader's dig did not finish: ${why}`
    : `the grader's dig answered ${answered} of ${requests.length} questions (exit code ${exitCode}): ${why}`;
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
