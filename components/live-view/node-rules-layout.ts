/**
 * What the "On the nodes" panel shows, worked out from a `noderules:snapshot` (pure, so it is
 * unit-tested apart from React): one row per node, one column per Service of the namespace side
 * by side, each with its rules or a plain reason why there are none, and the short summary a
 * screen reader hears when it changes.
 */
import type { NodeRuleLine, NodeRulesSnapshot } from "@/lib/protocol/socket-events";

/**
 * "rules": kube-proxy translates the Service here. "stale": rules of a Service that is now
 * headless or gone (kube-proxy removes them at its next sync). "headless", "waiting",
 * "no-virtual-ip": no rules, and why.
 */
export type NodeRulesColumnState = "rules" | "stale" | "headless" | "waiting" | "no-virtual-ip";

export interface NodeRulesColumn {
  service: string;
  /** The Service's cluster IP as the live view read it: "None" (headless), or "" when gone. */
  clusterIP: string;
  state: NodeRulesColumnState;
  /** One line under the Service's name. */
  note: string;
  rules: NodeRuleLine[];
}

export interface NodeRulesRow {
  node: string;
  readAt: string;
  columns: NodeRulesColumn[];
}

export type NodeRulesView =
  | { kind: "waiting" }
  | { kind: "error"; detail: string }
  | { kind: "nodes"; rows: NodeRulesRow[]; summary: string };

export const NODE_RULES_ERROR = "KubeQuest could not read the node rules";
export const HEADLESS_NOTE = "no rules — kube-proxy skips headless Services";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function column(service: string, clusterIP: string | undefined, type: string | undefined, rules: NodeRuleLine[]): NodeRulesColumn {
  const known = clusterIP !== undefined;
  const headless = clusterIP === "None";
  if (rules.length > 0) {
    if (!known) return { service, clusterIP: "", state: "stale", note: `${plural(rules.length, "NAT rule")} of a Service that is gone: kube-proxy removes them at its next sync`, rules };
    if (headless) return { service, clusterIP: "None", state: "stale", note: `${plural(rules.length, "NAT rule")} from before it was headless: kube-proxy removes them at its next sync`, rules };
    return { service, clusterIP, state: "rules", note: `${plural(rules.length, "NAT rule")} for virtual IP ${clusterIP}`, rules };
  }
  if (headless) return { service, clusterIP: "None", state: "headless", note: HEADLESS_NOTE, rules };
  if (known && !clusterIP) return { service, clusterIP: "", state: "no-virtual-ip", note: `no rules — a Service of type ${type ?? "ExternalName"} has no virtual IP`, rules };
  return { service, clusterIP: clusterIP ?? "", state: "waiting", note: "no rules yet — kube-proxy writes them once the Service has ready endpoints", rules };
}

/** Per Service, over all nodes, in words: "cache: NAT rules on 2 of 2 nodes. cache-peers: no rules (headless)." */
function summarize(services: string[], rows: NodeRulesRow[]): string {
  return services
    .map((service) => {
      const cells = rows.map((r) => r.columns.find((c) => c.service === service)!);
      const withRules = cells.filter((c) => c.rules.length > 0).length;
      if (withRules > 0) return `${service}: NAT rules on ${withRules} of ${plural(rows.length, "node")}.`;
      const state = cells[0]?.state;
      return `${service}: no rules${state === "headless" ? " (headless)" : ""}.`;
    })
    .join(" ");
}

export function nodeRulesView(snapshot: NodeRulesSnapshot | null): NodeRulesView {
  if (!snapshot) return { kind: "waiting" };
  if (snapshot.error !== null) return { kind: "error", detail: snapshot.error };
  const byName = new Map(snapshot.services.map((s) => [s.name, s]));
  // The namespace's Services, and any whose old rules are still on a node.
  const services = [...new Set([...byName.keys(), ...snapshot.nodes.flatMap((n) => n.services.map((s) => s.service))])].sort();
  const rows = snapshot.nodes.map((n) => ({
    node: n.node,
    readAt: n.readAt,
    columns: services.map((service) => column(service, byName.get(service)?.clusterIP, byName.get(service)?.type, n.services.find((s) => s.service === service)?.rules ?? [])),
  }));
  return { kind: "nodes", rows, summary: summarize(services, rows) };
}
