/**
 * Reads what kube-proxy programmed on every node: `iptables-save -t nat` exec'd in the
 * node-rules collector's pod on each node (node-rules-collector.ts), parsed by kube-proxy-rules.ts.
 * The "On the nodes" panel and the `node-rules` check both read through here, so what a learner
 * watches and what the grader judges come from one source.
 *
 * One reader per cluster adapter (`nodeRulesReaderOf`), shared by every learner: a reading is
 * cached per node and reused by whoever asks within `maxAgeMs` (an exec still running counts),
 * so N learners watching their panels cost one exec per node per refresh, not N.
 *
 * A reading is whole or it is an error: a node whose collector is missing, not ready, or whose
 * iptables-save failed or was cut short makes the read throw NodeRulesUnavailable, since a rule
 * missing from a partial table proves nothing. Which rules a learner may see is decided by the
 * caller (`namespaceRules`), from the namespace of the learner's server-side session.
 *
 * Node only.
 */
import type { KubeAdapter, PodInfo } from "../kubernetes/kube-adapter";
import { GRADER_NAMESPACE } from "../grader/probe-pod";
import { COLLECTOR_CONTAINER, COLLECTOR_NAME, COLLECTOR_SELECTOR } from "./node-rules-collector";
import { parseNatTable, rulesByService, type KubeProxyRule } from "./kube-proxy-rules";

/** What the reader asks of the cluster. */
export type NodeRulesCluster = Pick<KubeAdapter, "getDaemonSet" | "listPods" | "exec">;

/** The node rules could not be read (ours to fix, never the learner's): the panel says so, the check errs. */
export class NodeRulesUnavailable extends Error {
  constructor(readonly why: string) {
    super(`the node rules could not be read: ${why}`);
    this.name = "NodeRulesUnavailable";
  }
}

/** kube-proxy's Service rules on one node, as read at `readAt`. */
export interface NodeTable {
  node: string;
  /** The collector pod it was read in. */
  pod: string;
  rules: KubeProxyRule[];
  readAt: Date;
}

export interface NodeRulesReading {
  /** Every node the collector runs on, by name. */
  nodes: NodeTable[];
}

/** How long iptables-save may take in one pod (it prints the table in well under a second). */
const EXEC_TIMEOUT_MS = 10_000;
/** What one exec may print: kube-proxy writes a few lines per Service port and endpoint. */
const MAX_TABLE_BYTES = 1024 * 1024;

interface Cached<T> {
  startedAt: number;
  value: Promise<T>;
}

/** The collector pods to read, one per node; throws when some node has none ready. */
async function collectorsOf(kube: NodeRulesCluster): Promise<PodInfo[]> {
  const [daemonSet, pods] = await Promise.all([kube.getDaemonSet(GRADER_NAMESPACE, COLLECTOR_NAME), kube.listPods(GRADER_NAMESPACE, COLLECTOR_SELECTOR)]);
  if (!daemonSet) throw new NodeRulesUnavailable(`the ${COLLECTOR_NAME} DaemonSet is not installed in ${GRADER_NAMESPACE}`);
  if (daemonSet.desired === 0) throw new NodeRulesUnavailable(`the ${COLLECTOR_NAME} DaemonSet runs on no node`);
  const byNode = new Map<string, PodInfo>();
  for (const pod of pods) {
    if (!pod.ready || pod.deleting || !pod.nodeName) continue;
    // During a rollout a node may briefly have two: either reads the same table.
    if (!byNode.has(pod.nodeName)) byNode.set(pod.nodeName, pod);
  }
  if (byNode.size < daemonSet.desired) {
    throw new NodeRulesUnavailable(`the ${COLLECTOR_NAME} is ready on ${byNode.size} of ${daemonSet.desired} node(s)`);
  }
  return [...byNode.values()].sort((a, b) => a.nodeName!.localeCompare(b.nodeName!));
}

export class NodeRulesReader {
  /** "collectors" and one entry per node ("node:<name>"). */
  private readonly cache = new Map<string, Cached<unknown>>();
  private readonly now: () => number;

  constructor(
    private readonly kube: NodeRulesCluster,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Every node's rules, each read at most `maxAgeMs` ago (or being read since then). Throws
   * NodeRulesUnavailable when any node cannot be read.
   */
  async read(maxAgeMs: number): Promise<NodeRulesReading> {
    const collectors = await this.fresh("collectors", maxAgeMs, () => collectorsOf(this.kube));
    const nodes = await Promise.all(collectors.map((pod) => this.fresh(`node:${pod.nodeName!}`, maxAgeMs, () => this.readNode(pod))));
    return { nodes };
  }

  /** The value cached under `key` if it was started within `maxAgeMs`, or a new one (a failed one is forgotten). */
  private fresh<T>(key: string, maxAgeMs: number, load: () => Promise<T>): Promise<T> {
    const cached = this.cache.get(key) as Cached<T> | undefined;
    if (cached && cached.startedAt >= this.now() - maxAgeMs) return cached.value;
    const entry: Cached<T> = { startedAt: this.now(), value: load() };
    this.cache.set(key, entry);
    entry.value.catch(() => {
      if (this.cache.get(key) === entry) this.cache.delete(key);
    });
    return entry.value;
  }

  private async readNode(pod: PodInfo): Promise<NodeTable> {
    const node = pod.nodeName!;
    let result;
    try {
      result = await this.kube.exec(GRADER_NAMESPACE, pod.name, COLLECTOR_CONTAINER, ["iptables-save", "-t", "nat"], { timeoutMs: EXEC_TIMEOUT_MS, maxOutputBytes: MAX_TABLE_BYTES });
    } catch (err) {
      throw new NodeRulesUnavailable(`reading node ${node} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (result.exitCode !== 0) {
      const why = result.stderr.trim().split("\n").slice(-2).join(" ").slice(0, 300) || "no error output";
      throw new NodeRulesUnavailable(`iptables-save on node ${node} ${result.exitCode === null ? "did not finish" : `exited with ${result.exitCode}`}: ${why}`);
    }
    const table = parseNatTable(result.stdout);
    if (table.problem) throw new NodeRulesUnavailable(`iptables-save on node ${node}: ${table.problem}`);
    return { node, pod: pod.name, rules: table.rules, readAt: new Date(this.now()) };
  }
}

/** One reader per cluster adapter: the grader and every learner's panel share its cache. */
const readers = new WeakMap<NodeRulesCluster, NodeRulesReader>();

export function nodeRulesReaderOf(kube: NodeRulesCluster): NodeRulesReader {
  let reader = readers.get(kube);
  if (!reader) {
    reader = new NodeRulesReader(kube);
    readers.set(kube, reader);
  }
  return reader;
}

/** One namespace's rules on one node, by Service. */
export interface NamespaceNodeRules {
  node: string;
  services: Map<string, KubeProxyRule[]>;
  readAt: Date;
}

/** The part of a reading that is about `namespace`'s Services, and nothing of any other namespace. */
export function namespaceRules(reading: NodeRulesReading, namespace: string): NamespaceNodeRules[] {
  return reading.nodes.map((n) => ({ node: n.node, services: rulesByService(n.rules, namespace), readAt: n.readAt }));
}
