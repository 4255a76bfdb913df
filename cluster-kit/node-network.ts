/**
 * The pod network of a multi-node offline cluster. Offline there is no kindnetd (its image
 * cannot be pulled), and the node image bakes one static ptp + host-local CNI config for
 * 10.244.0.0/24: fine for one node, but with several every node would hand out the same IPs and
 * nothing would route pod traffic between them. So after `kind create`, and on every
 * `cluster:up`, this installs in each node a small systemd service
 * (node-network/kubequest-node-net.sh) that does kindnetd's three jobs from the node's own
 * spec.podCIDR and the other nodes' InternalIPs (read with the kubelet's credentials, which
 * node-network/rbac.yaml lets read Node objects): per-node CNI config, routes, and masquerading
 * only what leaves the pod network (pod-to-pod keeps its source IP for NetworkPolicy).
 *
 * Why a unit inside each node rather than routes written once from here: it comes back by
 * itself with a restarted node container (routes and iptables rules do not survive one, and
 * the node may get another address), with no image change (the cold kit build is untouched)
 * and no pod that needs the network to set up the network.
 *
 * Single-node clusters keep the baked config and none of this.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { POD_SUBNET, REPO_ROOT } from "./kit-config";
import { log } from "./step-runner";

const DIR = path.join(REPO_ROOT, "cluster-kit", "node-network");
export const NODE_NET_RBAC = path.join(DIR, "rbac.yaml");
export const NODE_NET_UNIT = "kubequest-node-net";
const SCRIPT_PATH = "/usr/local/bin/kubequest-node-net";
const UNIT_PATH = `/etc/systemd/system/${NODE_NET_UNIT}.service`;
export const CNI_CONFIG_PATH = "/etc/cni/net.d/10-kubequest-ptp.conflist";
/** The `proto` our routes carry (kubequest-node-net.sh). */
const ROUTE_PROTO = "211";

type Kubectl = (args: string[], opts?: { timeoutMs?: number }) => string;

/** The unit for one node: its name and the cluster's pod subnet filled in. */
export function renderNodeNetUnit(template: string, node: string, podSubnet: string): string {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(node)) throw new Error(`not a node name: ${node}`);
  return template.replaceAll("{{node}}", node).replaceAll("{{podSubnet}}", podSubnet);
}

function dockerExec(container: string, argv: string[], input?: string): string {
  return execFileSync("docker", ["exec", ...(input === undefined ? [] : ["-i"]), container, ...argv], {
    encoding: "utf8",
    input,
    stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  }).trim();
}

/** Writes `content` to `file` in the node unless it is there already; true when it wrote. */
function writeInNode(container: string, file: string, content: string, mode: string): boolean {
  let current: string | undefined;
  try {
    current = execFileSync("docker", ["exec", container, "cat", file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    // not there yet
  }
  if (current === content) return false;
  dockerExec(container, ["sh", "-c", `cat > "$1.tmp" && chmod ${mode} "$1.tmp" && mv "$1.tmp" "$1"`, "sh", file], content);
  return true;
}

/**
 * Installs (or updates) the service in every node container and starts it; idempotent. First
 * the RBAC that lets the nodes' kubelet identity read Node objects (node-network/rbac.yaml):
 * since 1.34 the Node authorizer alone lets a kubelet read only its own.
 */
export function installNodeNetwork(containers: readonly string[], kubectl: Kubectl): void {
  kubectl(["apply", "-f", NODE_NET_RBAC]);
  const script = readFileSync(path.join(DIR, "kubequest-node-net.sh"), "utf8");
  const unitTemplate = readFileSync(path.join(DIR, "kubequest-node-net.service"), "utf8");
  for (const container of containers) {
    const changed = [
      writeInNode(container, SCRIPT_PATH, script, "0755"),
      writeInNode(container, UNIT_PATH, renderNodeNetUnit(unitTemplate, container, POD_SUBNET), "0644"),
    ].some(Boolean);
    if (changed) {
      dockerExec(container, ["systemctl", "daemon-reload"]);
      dockerExec(container, ["systemctl", "enable", NODE_NET_UNIT]);
      dockerExec(container, ["systemctl", "restart", NODE_NET_UNIT]);
    } else {
      dockerExec(container, ["systemctl", "enable", "--now", NODE_NET_UNIT]);
    }
  }
}

export interface NodeAddressing {
  name: string;
  podCIDR: string;
  internalIP: string;
}

/** Every node's name, pod CIDR and InternalIP, as the API server has them. */
export function readNodes(kubectl: Kubectl): NodeAddressing[] {
  // Comma-separated, as in kubequest-node-net.sh: a missing pod CIDR is an empty field.
  const out = kubectl(["get", "nodes", "-o", 'jsonpath={range .items[*]}{.metadata.name}{","}{.spec.podCIDR}{","}{.status.addresses[?(@.type=="InternalIP")].address}{"\\n"}{end}']);
  return out
    .split("\n")
    .map((line) => line.trim().split(","))
    .filter((f) => f[0])
    .map(([name, podCIDR, internalIP]) => ({ name: name!, podCIDR: podCIDR ?? "", internalIP: internalIP ?? "" }));
}

/** What is still missing on one node for the pod network to be whole, or null when nothing is. */
export function nodeNetworkGap(node: NodeAddressing, all: readonly NodeAddressing[], cniConfig: string, routes: string): string | null {
  if (!node.podCIDR) return `${node.name} has no pod CIDR yet`;
  if (!cniConfig.includes(`"subnet": "${node.podCIDR}"`)) return `${node.name}'s CNI config is not for its pod CIDR ${node.podCIDR}`;
  for (const other of all) {
    if (other.name === node.name) continue;
    const route = `${other.podCIDR} via ${other.internalIP} `;
    if (!other.podCIDR || !other.internalIP || !`${routes}\n`.split("\n").some((l) => `${l} `.startsWith(route))) {
      return `${node.name} has no route to ${other.name}'s pods (${other.podCIDR || "no CIDR yet"} via ${other.internalIP || "?"})`;
    }
  }
  return null;
}

/** One look at every node: null when each has its CNI config and a route to every other node's pods. */
export function nodeNetworkStatus(kubectl: Kubectl, containers: readonly string[]): string | null {
  const nodes = readNodes(kubectl);
  const missing = containers.filter((c) => !nodes.some((n) => n.name === c));
  if (missing.length > 0) return `not registered yet: ${missing.join(", ")}`;
  for (const node of nodes) {
    const cni = dockerExec(node.name, ["sh", "-c", `cat ${CNI_CONFIG_PATH} 2>/dev/null || true`]);
    const routes = dockerExec(node.name, ["ip", "route", "show", "proto", ROUTE_PROTO]);
    const gap = nodeNetworkGap(node, nodes, cni, routes);
    if (gap) return gap;
  }
  return null;
}

/** Whether an IPv4 address lies in a CIDR. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const toInt = (a: string) => a.split(".").reduce((n, octet) => (n << 8) + Number(octet), 0) >>> 0;
  const bits = Number(bitsText);
  if (!base || !Number.isInteger(bits) || bits < 0 || bits > 32 || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toInt(ip) & mask) === (toInt(base) & mask);
}

export interface PodAddressing {
  namespace: string;
  name: string;
  nodeName?: string;
  podIP?: string;
  hostNetwork: boolean;
  owned: boolean;
}

/**
 * Pods that got an address before their node had its own CNI config (a new cluster's first
 * seconds: the node image's shared 10.244.0.0/24), which another node may hand out again.
 * Only those a controller will make again are named (deleting them is the repair).
 */
export function podsOutsideTheirNode(pods: readonly PodAddressing[], nodes: readonly NodeAddressing[]): PodAddressing[] {
  const cidrOf = new Map(nodes.map((n) => [n.name, n.podCIDR]));
  return pods.filter((p) => {
    const cidr = p.nodeName ? cidrOf.get(p.nodeName) : undefined;
    return !p.hostNetwork && p.owned && p.podIP !== undefined && cidr !== undefined && cidr !== "" && !ipInCidr(p.podIP, cidr);
  });
}

interface PodListJson {
  items: {
    metadata: { namespace: string; name: string; ownerReferences?: unknown[] };
    spec: { nodeName?: string; hostNetwork?: boolean };
    status: { podIP?: string };
  }[];
}

/** Deletes (so their controllers make them again) the pods whose address is not their node's. */
export function repairPodAddresses(kubectl: Kubectl): number {
  const list = JSON.parse(kubectl(["get", "pods", "--all-namespaces", "-o", "json"], { timeoutMs: 60_000 })) as PodListJson;
  const pods: PodAddressing[] = list.items.map((p) => ({
    namespace: p.metadata.namespace,
    name: p.metadata.name,
    nodeName: p.spec.nodeName,
    podIP: p.status.podIP,
    hostNetwork: p.spec.hostNetwork === true,
    owned: (p.metadata.ownerReferences ?? []).length > 0,
  }));
  const wrong = podsOutsideTheirNode(pods, readNodes(kubectl));
  for (const pod of wrong) {
    log(`  ${pod.namespace}/${pod.name} got ${pod.podIP} before ${pod.nodeName} had its own pod CIDR: deleting it so it is made again`);
    kubectl(["-n", pod.namespace, "delete", "pod", pod.name, "--wait=false"]);
  }
  return wrong.length;
}
