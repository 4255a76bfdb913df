/**
 * The "On the nodes" panel's data (issue 14, item 2): while a learner's live view is open on a
 * level that shows the panel (`panels: [node-rules]`), kube-proxy's rules for that namespace's
 * Services on every node, read every few seconds and sent to the namespace's sockets as
 * `noderules:snapshot` when they change (and every 10 s regardless).
 *
 * It follows the live view (a NamespaceObjectsListener, like the live checks): a namespace is
 * fed from its first read until nobody looks at it, and each read of its objects re-sends the
 * panel with the Services as they are now. One timer serves every watched namespace and each
 * tick makes one reading of the nodes through the shared reader (node-rules-reader.ts), so
 * many learners cost one exec per node per tick. The namespace is the environment's, which the
 * server chose for the learner's session; nothing the browser says picks it.
 *
 * Node only.
 */
import type { NodeRulesSnapshot } from "../../lib/protocol/socket-events";
import type { ReadyEnvironment } from "../environments/level-environment";
import { KubeError, type ServiceInfo } from "../kubernetes/kube-adapter";
import type { NamespaceLists, NamespaceObjectsListener } from "../live-view/namespace-live-view";
import { moduleLogger } from "../logging/logger";
import { describeRule } from "./kube-proxy-rules";
import { namespaceRules, nodeRulesReaderOf, NodeRulesUnavailable, type NodeRulesCluster, type NodeRulesReading } from "./node-rules-reader";

const log = moduleLogger("node-rules");

/** How often the nodes are read while someone looks. */
export const NODE_RULES_REFRESH_MS = 2_500;
/**
 * A reading that changes nothing the panel shows is not sent, except this often, so the panel's
 * "read at" stays honest (and an instructor watching the learner is not sent the same thing,
 * access-checked, every tick).
 */
export const NODE_RULES_RESEND_MS = 10_000;

/** What the panel is built from: a reading of the nodes, or why there is none. */
export type NodeRulesResult = { reading: NodeRulesReading } | { error: string };

/** The panel of one namespace: its Services, and each node's rules for them (only this namespace's). */
export function nodeRulesSnapshot(env: Pick<ReadyEnvironment, "namespace" | "level">, services: readonly ServiceInfo[], result: NodeRulesResult, now: Date): NodeRulesSnapshot {
  const base = {
    levelId: env.level.manifest.id,
    namespace: env.namespace,
    services: services.map((s) => ({ name: s.name, type: s.type, clusterIP: s.clusterIP })),
    updatedAt: now.toISOString(),
  };
  if ("error" in result) return { ...base, nodes: [], error: result.error };
  return {
    ...base,
    nodes: namespaceRules(result.reading, env.namespace).map((n) => ({
      node: n.node,
      services: [...n.services].map(([service, rules]) => ({ service, rules: rules.map((r) => ({ chain: r.chain, summary: describeRule(r), text: r.text })) })),
      readAt: n.readAt.toISOString(),
    })),
    error: null,
  };
}

export interface NodeRulesFeedOptions {
  kube: () => NodeRulesCluster;
  /** Sends the panel to everyone looking at the namespace (this instance's sockets). */
  emit(namespace: string, snapshot: NodeRulesSnapshot): void;
  refreshMs?: number;
  resendMs?: number;
}

interface Watched {
  env: ReadyEnvironment;
  services: ServiceInfo[];
  last?: NodeRulesSnapshot;
  /** What `last` shows, without its times. */
  lastKey?: string;
}

/** What a snapshot shows, apart from when it was read and sent. */
function contentKey(snapshot: NodeRulesSnapshot): string {
  return JSON.stringify({ ...snapshot, updatedAt: undefined, nodes: snapshot.nodes.map((n) => ({ ...n, readAt: undefined })) });
}

export class NodeRulesFeed implements NamespaceObjectsListener {
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private latest: NodeRulesResult | undefined;
  private reading: Promise<void> | undefined;
  private readonly refreshMs: number;
  private readonly resendMs: number;

  constructor(private readonly opts: NodeRulesFeedOptions) {
    this.refreshMs = opts.refreshMs ?? NODE_RULES_REFRESH_MS;
    this.resendMs = opts.resendMs ?? NODE_RULES_RESEND_MS;
  }

  objectsRead(env: ReadyEnvironment, lists: NamespaceLists): Promise<void> | void {
    if (!env.level.manifest.panels.includes("node-rules")) return;
    const known = this.watched.get(env.namespace);
    this.watched.set(env.namespace, { ...known, env, services: lists.services });
    if (!this.timer) {
      this.timer = setInterval(() => void this.refresh(), this.refreshMs);
      this.timer.unref();
    }
    // The Services changed: show them with the last reading now, and read the nodes again soon.
    if (this.latest) this.send(env.namespace);
    if (!known) return this.refresh();
  }

  resend(namespace: string): void {
    const last = this.watched.get(namespace)?.last;
    if (last) this.opts.emit(namespace, last);
  }

  stopped(namespace: string): void {
    this.watched.delete(namespace);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      // Nobody looks: the next viewer starts from a fresh reading, not an old one.
      this.latest = undefined;
    }
  }

  /** Stops the timer (the server's close). */
  stopAll(): void {
    for (const namespace of [...this.watched.keys()]) this.stopped(namespace);
  }

  /** The panel last sent for the namespace (null before the first, or once nobody looks). */
  lastSent(namespace: string): NodeRulesSnapshot | null {
    return this.watched.get(namespace)?.last ?? null;
  }

  /** One reading of the nodes for every watched namespace (a tick while one runs joins it). */
  refresh(): Promise<void> {
    this.reading ??= (async () => {
      try {
        // Half a tick: a grade's reading just made is fresh enough to show.
        this.latest = { reading: await nodeRulesReaderOf(this.opts.kube()).read(this.refreshMs / 2) };
      } catch (err) {
        // The reader's own errors and the cluster's (KubeErrors) are in words; anything else is a bug.
        if (!(err instanceof NodeRulesUnavailable) && !(err instanceof KubeError)) log.error({ err }, "reading the node rules failed");
        this.latest = { error: err instanceof NodeRulesUnavailable ? err.why : err instanceof Error ? err.message : String(err) };
      }
      for (const namespace of this.watched.keys()) this.send(namespace);
    })().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** Sends the namespace's panel if it shows something new, or the last one sent is getting old. */
  private send(namespace: string): void {
    const watched = this.watched.get(namespace);
    if (!watched || !this.latest) return;
    const now = new Date();
    const snapshot = nodeRulesSnapshot(watched.env, watched.services, this.latest, now);
    const key = contentKey(snapshot);
    if (watched.last && key === watched.lastKey && now.getTime() - Date.parse(watched.last.updatedAt) < this.resendMs) return;
    watched.last = snapshot;
    watched.lastKey = key;
    this.opts.emit(namespace, snapshot);
  }
}
