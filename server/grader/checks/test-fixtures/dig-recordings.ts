/**
 * dig's answers to SRV questions as the toolbox's dig (BIND 9.18, Debian bookworm) prints them
 * with `+nocmd +nostats` in the grader's probe pod, one block per question, for CoreDNS 1.12
 * answering a ClusterIP Service, a headless Service over three Deployment pods (targets named
 * after the pods' dashed IPs, with their addresses in the additional section), a name that does
 * not exist, and a question that got no reply. Recorded on the kind cluster (dig warns about
 * `.local` after each "Got answer:", tabs as dig prints them); `{ns}` stands for the namespace.
 *
 * The grader's probe now asks these questions itself (kubequest-probe --dig) and prints each as a
 * JSON record; `digProbeLine` turns a recorded block into the line the probe prints for it, so
 * the checks' tests keep reading what the real cluster answered.
 */
import type { DigRecord, DigResourceRecord, DigType } from "../../dig-probe";

export const VIRTUAL_SRV = `;; Got answer:
;; WARNING: .local is reserved for Multicast DNS
;; You are currently testing what happens when an mDNS query is leaked to DNS
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 60263
;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2
;; WARNING: recursion requested but not available

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; COOKIE: 534e0e590fbd5d8b (echoed)
;; QUESTION SECTION:
;_redis._tcp.cache.{ns}.svc.cluster.local. IN SRV

;; ANSWER SECTION:
_redis._tcp.cache.{ns}.svc.cluster.local. 30 IN	SRV 0 100 6379 cache.{ns}.svc.cluster.local.

;; ADDITIONAL SECTION:
cache.{ns}.svc.cluster.local. 30 IN A 10.96.201.14

`;

/** Recorded with the pods at 10.244.0.112–114, renumbered to .21–.23; the answers come in no particular order. */
export const HEADLESS_SRV = `;; Got answer:
;; WARNING: .local is reserved for Multicast DNS
;; You are currently testing what happens when an mDNS query is leaked to DNS
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 42115
;; flags: qr aa rd; QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 4
;; WARNING: recursion requested but not available

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; COOKIE: 534e0e590fbd5d8b (echoed)
;; QUESTION SECTION:
;_redis._tcp.cache-peers.{ns}.svc.cluster.local.	IN SRV

;; ANSWER SECTION:
_redis._tcp.cache-peers.{ns}.svc.cluster.local.	30 IN SRV 0 33 6379 10-244-0-22.cache-peers.{ns}.svc.cluster.local.
_redis._tcp.cache-peers.{ns}.svc.cluster.local.	30 IN SRV 0 33 6379 10-244-0-23.cache-peers.{ns}.svc.cluster.local.
_redis._tcp.cache-peers.{ns}.svc.cluster.local.	30 IN SRV 0 33 6379 10-244-0-21.cache-peers.{ns}.svc.cluster.local.

;; ADDITIONAL SECTION:
10-244-0-21.cache-peers.{ns}.svc.cluster.local. 30 IN A 10.244.0.21
10-244-0-22.cache-peers.{ns}.svc.cluster.local. 30 IN A 10.244.0.22
10-244-0-23.cache-peers.{ns}.svc.cluster.local. 30 IN A 10.244.0.23

`;

/** Recorded for a port the kubernetes Service does not have, renamed. */
export const NXDOMAIN_SRV = `;; Got answer:
;; WARNING: .local is reserved for Multicast DNS
;; You are currently testing what happens when an mDNS query is leaked to DNS
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 61904
;; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; WARNING: recursion requested but not available

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; COOKIE: 8d7c61a2f0e3b945 (echoed)
;; QUESTION SECTION:
;_redis._tcp.nothing.{ns}.svc.cluster.local. IN SRV

;; AUTHORITY SECTION:
cluster.local.		30	IN	SOA	ns.dns.cluster.local. hostmaster.cluster.local. 1764493923 7200 1800 86400 30

`;

export const TIMED_OUT = `;; communications error to 10.96.0.10#53: timed out
;; communications error to 10.96.0.10#53: timed out
;; no servers could be reached

`;

/** The stdout of one dig run over these blocks, for namespace `ns`. */
export function digOutput(ns: string, blocks: string[]): string {
  return blocks.join("").split("{ns}").join(ns);
}

// Builders in the same format, for namespaces the tests make up.

function header(status: string, id: number, answers: number, authority: number, additional: number): string {
  return `;; Got answer:
;; WARNING: .local is reserved for Multicast DNS
;; You are currently testing what happens when an mDNS query is leaked to DNS
;; ->>HEADER<<- opcode: QUERY, status: ${status}, id: ${id}
;; flags: qr aa rd; QUERY: 1, ANSWER: ${answers}, AUTHORITY: ${authority}, ADDITIONAL: ${additional + 1}
;; WARNING: recursion requested but not available

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; COOKIE: 2a9e4f7c1d3b5e60 (echoed)
`;
}

/** The SRV answer of a Service with a virtual IP: one target, the Service's own name. */
export function virtualSrv(srvName: string, serviceName: string, virtualIP: string, port = 6379): string {
  return `${header("NOERROR", 24787, 1, 0, 1)};; QUESTION SECTION:
;${srvName}. IN SRV

;; ANSWER SECTION:
${srvName}. 30 IN SRV 0 100 ${port} ${serviceName}.

;; ADDITIONAL SECTION:
${serviceName}. 30 IN A ${virtualIP}

`;
}

/** The SRV answer of a headless Service over pods without hostnames: targets named after their dashed IPs. */
export function podsSrv(srvName: string, serviceName: string, ips: readonly string[], port = 6379): string {
  const target = (ip: string) => `${ip.split(".").join("-")}.${serviceName}.`;
  const weight = ips.length ? Math.floor(100 / ips.length) : 0;
  return `${header("NOERROR", 4411, ips.length, 0, ips.length)};; QUESTION SECTION:
;${srvName}. IN SRV

;; ANSWER SECTION:
${ips.map((ip) => `${srvName}. 30 IN SRV 0 ${weight} ${port} ${target(ip)}`).join("\n")}

;; ADDITIONAL SECTION:
${ips.map((ip) => `${target(ip)} 30 IN A ${ip}`).join("\n")}

`;
}

/** A name that does not exist. */
export function nxdomainSrv(srvName: string): string {
  return `${header("NXDOMAIN", 61904, 0, 1, 0)};; QUESTION SECTION:
;${srvName}. IN SRV

;; AUTHORITY SECTION:
cluster.local.		30	IN	SOA	ns.dns.cluster.local. hostmaster.cluster.local. 1764493923 7200 1800 86400 30

`;
}

// dig's text back into records (what the probe's --dig prints for the same answer).

function parseResourceRecord(line: string): DigResourceRecord | undefined {
  const m = /^(\S+)\s+(\d+)\s+IN\s+([A-Z]+)\s+(.*)$/.exec(line.trim());
  if (!m) return undefined;
  return { name: m[1]!.toLowerCase(), ttl: Number(m[2]), type: m[3]!, data: m[4]!.trim() };
}

/**
 * Cuts dig's output into one record per question it answered (a question that got no reply,
 * a timeout, has no block and so no record). Each record keeps its block as `output`.
 */
function digRecordsFromText(stdout: string): DigRecord[] {
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

/** The probe's JSON line for one recorded block: no reply (TIMED_OUT) is exit code 9, as dig's. */
export function digProbeLine(ns: string, name: string, type: DigType, block: string): string {
  const record = digRecordsFromText(digOutput(ns, [block]))[0];
  if (record) return JSON.stringify({ ...record, durationMs: 3 });
  const output = digOutput(ns, [block]).trim();
  return JSON.stringify({ kind: "dig", name: name.toLowerCase(), type, exitCode: 9, output, status: "TIMEOUT", answers: [], additional: [], durationMs: 2000 });
}
