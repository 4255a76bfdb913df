/**
 * The `node-rules` check (issue 14, item 2): what kube-proxy programmed on every node for the
 * level's Services. A level names each Service and whether its NAT rules must be `present` (an
 * ordinary ClusterIP Service: clients connect to its virtual IP and kube-proxy translates every
 * connection to one pod) or `absent` (a headless Service: there is nothing to translate, clients
 * reach the pods themselves). The rules come from the platform's collector in kubequest-system,
 * the same source as the learner's "On the nodes" panel (node-rules/node-rules-reader.ts).
 *
 * The rules follow the Service objects a moment later (kube-proxy syncs after each change).
 * Rules that match the Service as it is now are a verdict at once; rules that belong to an older
 * version of it (a Service just recreated headless) or are not written yet are waited for, up to
 * `settleSeconds`. kube-proxy still behind after that, or node rules that cannot be read, are
 * ours, never the learner's: the check throws, and the runner gives it the error status.
 */
import { z } from "zod";
import type { EndpointSliceInfo, ServiceInfo } from "../../kubernetes/kube-adapter";
import { summarizeRules, type KubeProxyRule } from "../../node-rules/kube-proxy-rules";
import { namespaceRules, nodeRulesReaderOf, NodeRulesUnavailable, type NamespaceNodeRules } from "../../node-rules/node-rules-reader";
import { failureText } from "../grade-failure";
import { ENDPOINT_SLICES, SERVICES, type NamespaceRead } from "../namespace-reads";
import { DEFAULT_CHECK_BUDGET_MS, defineCheck, type CheckImplementation, type CheckOutcome } from "./check-types";
import { objectName } from "./check-params";

const nodeRulesParams = z.strictObject({
  /** Per Service of the level: must kube-proxy have NAT rules for it on every node, or none? */
  expect: z.record(objectName, z.enum(["present", "absent"])).refine((services) => Object.keys(services).length > 0, "name at least one Service, e.g. cache: present"),
  /** How long kube-proxy may take to catch up with a Service that just changed. */
  settleSeconds: z.number().int().min(1).max(120).default(15),
});
type NodeRulesParams = z.infer<typeof nodeRulesParams>;

/** A grade accepts a reading this old: grades running together (a cohort) share one exec per node. */
const GRADE_READING_MAX_AGE_MS = 500;
const POLL_MS = 1_000;

/** The namespace's rules on every node, or why they could not be read. */
export type NodeRulesSeen = { nodes: NamespaceNodeRules[] } | { unavailable: string };

/**
 * The learner's namespace's kube-proxy rules, node by node. A failure is a value, not a throw:
 * the snapshot is shared by all of a level's checks, and only this one needs the nodes.
 */
export const NODE_RULES: NamespaceRead<NodeRulesSeen> = {
  name: "nodeRules",
  async read(s) {
    try {
      return { nodes: namespaceRules(await nodeRulesReaderOf(s.kube).read(GRADE_READING_MAX_AGE_MS), s.namespace) };
    } catch (err) {
      return { unavailable: err instanceof NodeRulesUnavailable ? err.why : failureText(err) };
    }
  },
};

/** kube-proxy is not done with a change yet: worth waiting for, never the learner's fault. */
class KubeProxyBehind extends Error {
  constructor(what: string, seconds: number) {
    super(`kube-proxy has not caught up within ${seconds} s: ${what}`);
    this.name = "KubeProxyBehind";
  }
}

type Finding = { state: "ok" } | { state: "wrong"; reason: string } | { state: "catching-up"; what: string };

const virtualIP = (svc: ServiceInfo | undefined): string | undefined => (svc && svc.clusterIP && svc.clusterIP !== "None" ? svc.clusterIP : undefined);

function readyEndpointsOf(service: string, slices: readonly EndpointSliceInfo[]): number {
  return slices.filter((s) => s.serviceName === service).reduce((n, s) => n + s.endpoints.filter((e) => e.ready).length, 0);
}

/** One Service on one node against what the level wants. */
function judge(node: string, name: string, want: "present" | "absent", svc: ServiceInfo | undefined, rules: readonly KubeProxyRule[], readyEndpoints: number): Finding {
  const { clusterIPs } = summarizeRules(rules);
  const ip = virtualIP(svc);
  const current = ip !== undefined && clusterIPs.includes(ip);
  if (want === "absent") {
    if (rules.length === 0) return { state: "ok" };
    if (current) {
      return {
        state: "wrong",
        reason: `kube-proxy programmed NAT rules for Service ${name} on node ${node}: every connection to its virtual IP ${ip} is translated to one of its pods, picked by kube-proxy, so a client of ${name} reaches one pod per connection.`,
      };
    }
    return { state: "catching-up", what: `node ${node} still has rules for the earlier virtual IP ${clusterIPs.join(", ") || "(none)"} of Service ${name}` };
  }
  if (current) return { state: "ok" };
  if (!svc) return { state: "wrong", reason: `There is no Service ${name}, so kube-proxy has nothing to translate for it on node ${node}.` };
  if (svc.clusterIP === "None") {
    return { state: "wrong", reason: `Service ${name} is headless, so kube-proxy programmed no rules for it on node ${node}: there is no virtual IP for ordinary clients to connect to.` };
  }
  if (!ip) return { state: "wrong", reason: `Service ${name} is of type ${svc.type} and has no virtual IP, so kube-proxy programmed no rules for it on node ${node}.` };
  if (readyEndpoints === 0) return { state: "wrong", reason: `Service ${name} has no ready endpoints, so kube-proxy programmed no rules for its virtual IP ${ip} on node ${node}: a connection to it goes nowhere.` };
  return { state: "catching-up", what: `node ${node} has no rules yet for the virtual IP ${ip} of Service ${name}` };
}

function serviceLine(name: string, svc: ServiceInfo | undefined, rules: readonly KubeProxyRule[]): string[] {
  const kind = !svc ? "not found" : svc.clusterIP === "None" ? "headless" : virtualIP(svc) ? `virtual IP ${svc.clusterIP}` : `type ${svc.type}`;
  if (rules.length === 0) return [`  Service ${name} (${kind}): no NAT rules`];
  const { clusterIPs, endpoints } = summarizeRules(rules);
  const entry = rules.filter((r) => r.chain === "KUBE-SERVICES").map((r) => `    ${r.text}`);
  return [`  Service ${name} (${kind}): ${rules.length} NAT rules, ${clusterIPs.join(", ") || "(no cluster IP)"} → ${endpoints.join(", ") || "(no endpoint)"}`, ...entry];
}

/** The verdict on one reading of every node, or what kube-proxy has yet to catch up with. */
export function nodeRulesVerdict(
  params: Pick<NodeRulesParams, "expect">,
  services: readonly ServiceInfo[],
  slices: readonly EndpointSliceInfo[],
  nodes: readonly NamespaceNodeRules[],
): { outcome: CheckOutcome } | { catchingUp: string[]; evidence: string[] } {
  const evidence: string[] = [];
  const wrong: string[] = [];
  const catchingUp: string[] = [];
  for (const node of nodes) {
    evidence.push(`On node ${node.node}:`);
    for (const [name, want] of Object.entries(params.expect)) {
      const svc = services.find((s) => s.name === name);
      const rules = node.services.get(name) ?? [];
      evidence.push(...serviceLine(name, svc, rules));
      const finding = judge(node.node, name, want, svc, rules, readyEndpointsOf(name, slices));
      if (finding.state === "wrong") wrong.push(finding.reason);
      if (finding.state === "catching-up") catchingUp.push(finding.what);
    }
  }
  if (wrong.length > 0) return { outcome: { passed: false, evidence, reason: [...new Set(wrong)].join(" ") } };
  if (catchingUp.length > 0) return { catchingUp, evidence };
  return { outcome: { passed: true, evidence } };
}

export const nodeRules: CheckImplementation<NodeRulesParams> = async ({ ctx, spec, progress }) => {
  const { settleSeconds } = spec.params;
  const started = Date.now();
  let snapshot = await ctx.snapshot();
  for (;;) {
    const seen = snapshot.get(NODE_RULES);
    const waited = Date.now() - started;
    const late = waited >= settleSeconds * 1000;
    const clock = `${Math.round(waited / 1000)} s of ${settleSeconds} s`;
    if ("unavailable" in seen) {
      if (late) throw new NodeRulesUnavailable(seen.unavailable);
      progress(`reading the node rules again (${seen.unavailable}), ${clock}`);
    } else {
      const verdict = nodeRulesVerdict(spec.params, snapshot.get(SERVICES), snapshot.get(ENDPOINT_SLICES), seen.nodes);
      if ("outcome" in verdict) return verdict.outcome;
      if (late) throw new KubeProxyBehind(verdict.catchingUp.join("; "), settleSeconds);
      progress(`waiting for kube-proxy: ${verdict.catchingUp[0]}, ${clock}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
    snapshot = await ctx.refresh();
  }
};

/**
 * For each Service of `expect`, kube-proxy has NAT rules for its current virtual IP on every
 * node (`present`) or none at all (`absent`).
 */
export const nodeRulesCheck = defineCheck({
  type: "node-rules",
  params: nodeRulesParams,
  reads: [SERVICES, ENDPOINT_SLICES, NODE_RULES],
  budgetMs: (params) => params.settleSeconds * 1000 + DEFAULT_CHECK_BUDGET_MS,
  run: nodeRules,
});
