/**
 * What kube-proxy programmed on a node for Services, read from `iptables-save -t nat`: the pure
 * parser behind the "On the nodes" panel and the `node-rules` check (issue 14, item 2).
 *
 * kube-proxy (iptables mode) writes three kinds of chains for a Service port with ready
 * endpoints: a jump in KUBE-SERVICES matching the cluster IP, a KUBE-SVC-<hash> chain that picks
 * one endpoint, and a KUBE-SEP-<hash> chain per endpoint that rewrites the destination (DNAT).
 * Each rule carries a comment naming the Service port, `"<namespace>/<name>:<port> …"`, which is
 * the only way to tell whose a rule is: the chain names are hashes. A headless Service gets none
 * of them (nothing to translate), nor does one without ready endpoints.
 *
 * Only those lines are kept, and only by their comment, so the caller can hand a learner the
 * lines of their own namespace and nothing of anyone else's. Pure: no cluster, no clock.
 */

/** The chains kube-proxy writes per Service port (KUBE-NODEPORTS etc. are not learners' business). */
const SERVICE_CHAIN = /^(KUBE-SERVICES|KUBE-SVC-[A-Z0-9]+|KUBE-SEP-[A-Z0-9]+)$/;

const LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
/** kube-proxy's ServicePortName: `namespace/name` plus `:port` when the port has a name; then its note. */
const SERVICE_PORT_COMMENT = new RegExp(`^(${LABEL})/(${LABEL})(?::(${LABEL}))?(?: (.*))?$`);

/** One NAT rule kube-proxy wrote for a Service port. */
export interface KubeProxyRule {
  /** The chain it is appended to: KUBE-SERVICES, KUBE-SVC-…, KUBE-SEP-… */
  chain: string;
  /** Whose rule it is, from kube-proxy's comment. */
  namespace: string;
  service: string;
  /** The Service port's name; "" for an unnamed port. */
  port: string;
  /** What the rule does, from the `-j` target: KUBE-SVC-…, KUBE-SEP-…, DNAT, KUBE-MARK-MASQ. */
  target: string;
  /** On KUBE-SERVICES' cluster-IP jump: the virtual IP it matches (`-d <ip>/32`). */
  clusterIP?: string;
  /** On a KUBE-SEP DNAT: the pod address it sends the connection to (`--to-destination`). */
  endpoint?: string;
  /** The rest of kube-proxy's comment: "cluster IP", "-> 10.244.0.31:6379", or "". */
  note: string;
  /** The destination port it matches (`--dport`), if any. */
  dport?: string;
  /** The share of connections a KUBE-SVC jump takes (`--probability`), if it is random. */
  probability?: number;
  /** The line exactly as iptables-save printed it. */
  text: string;
}

export interface NatTable {
  rules: KubeProxyRule[];
  /** Set when the text is not a whole nat table (cut short, an error message): then nothing it lacks can be trusted. */
  problem?: string;
}

/**
 * Splits an iptables-save rule into its words. iptables-save quotes a value with anything but
 * letters, digits, `-` and `_` in it, escaping `"`, `\` and `'` with a backslash inside quotes.
 */
export function ruleWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " ") i++;
    if (i >= line.length) break;
    let word = "";
    if (line[i] === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\" && i + 1 < line.length) i++;
        word += line[i];
        i++;
      }
      i++;
    } else {
      while (i < line.length && line[i] !== " ") word += line[i++];
    }
    words.push(word);
  }
  return words;
}

/** The value after `flag` among `words`, if the flag is there. */
function after(words: readonly string[], flag: string): string | undefined {
  const at = words.indexOf(flag);
  return at === -1 ? undefined : words[at + 1];
}

/** The rule a line of the nat table is, when kube-proxy wrote it for a Service port. */
export function parseRule(line: string): KubeProxyRule | undefined {
  if (!line.startsWith("-A ")) return undefined;
  const words = ruleWords(line);
  const chain = words[1] ?? "";
  if (!SERVICE_CHAIN.test(chain)) return undefined;
  const comment = after(words, "--comment");
  const owner = comment === undefined ? null : SERVICE_PORT_COMMENT.exec(comment);
  if (!owner) return undefined;
  const [, namespace, service, port = "", note = ""] = owner;
  const destination = after(words, "-d");
  const clusterIP = chain === "KUBE-SERVICES" && note === "cluster IP" && destination ? destination.replace(/\/32$|\/128$/, "") : undefined;
  const endpoint = after(words, "--to-destination");
  const dport = after(words, "--dport");
  const probability = Number(after(words, "--probability"));
  return {
    chain,
    namespace: namespace!,
    service: service!,
    port,
    target: after(words, "-j") ?? "",
    ...(clusterIP ? { clusterIP } : {}),
    ...(endpoint ? { endpoint } : {}),
    note,
    ...(dport ? { dport } : {}),
    ...(probability > 0 && probability < 1 ? { probability } : {}),
    text: line,
  };
}

/** What a rule does, in a few words a learner can follow from chain to chain. */
export function describeRule(rule: KubeProxyRule): string {
  const picked = /^-> (\S+)$/.exec(rule.note)?.[1];
  if (rule.chain === "KUBE-SERVICES" && rule.clusterIP) return `connections to ${rule.clusterIP}${rule.dport ? `:${rule.dport}` : ""} go to ${rule.target}`;
  if (rule.target === "KUBE-MARK-MASQ") {
    return rule.chain.startsWith("KUBE-SEP-") ? "marks a pod's connection to itself for masquerading" : "marks connections from outside the pod network for masquerading";
  }
  if (rule.target.startsWith("KUBE-SEP-")) {
    const share = rule.probability ? `1 in ${Math.round(1 / rule.probability)} connections` : "the remaining connections";
    return `sends ${share} to ${rule.target}${picked ? ` (${picked})` : ""}`;
  }
  if (rule.target === "DNAT" && rule.endpoint) return `rewrites the destination to the pod at ${rule.endpoint}`;
  return `jumps to ${rule.target}`;
}

/**
 * The Service rules of `iptables-save -t nat` output. The output must hold the nat table from
 * its `*nat` header to its `COMMIT`: anything less (an exec cut short, a truncated stream)
 * is reported as a problem, since a rule missing from it proves nothing.
 */
export function parseNatTable(text: string): NatTable {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const start = lines.indexOf("*nat");
  if (start === -1) return { rules: [], problem: "the output holds no nat table (no *nat line)" };
  const end = lines.indexOf("COMMIT", start);
  if (end === -1) return { rules: [], problem: "the nat table ends without COMMIT: the output was cut short" };
  const rules: KubeProxyRule[] = [];
  for (const line of lines.slice(start + 1, end)) {
    const rule = parseRule(line);
    if (rule) rules.push(rule);
  }
  return { rules };
}

/** The rules of one namespace's Services, grouped by Service name (sorted), in table order within each. */
export function rulesByService(rules: readonly KubeProxyRule[], namespace: string): Map<string, KubeProxyRule[]> {
  const grouped = new Map<string, KubeProxyRule[]>();
  for (const rule of rules) {
    if (rule.namespace !== namespace) continue;
    const list = grouped.get(rule.service) ?? [];
    list.push(rule);
    grouped.set(rule.service, list);
  }
  return new Map([...grouped].sort(([a], [b]) => a.localeCompare(b)));
}

/** What a Service's rules say in short: the virtual IPs they match and the endpoints they send to. */
export function summarizeRules(rules: readonly KubeProxyRule[]): { clusterIPs: string[]; endpoints: string[] } {
  const unique = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => v !== undefined))].sort();
  return { clusterIPs: unique(rules.map((r) => r.clusterIP)), endpoints: unique(rules.map((r) => r.endpoint)) };
}
