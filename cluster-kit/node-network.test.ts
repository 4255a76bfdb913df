// The multi-node pod network's pure parts: what counts as "every node has its network", which
// pods got an address before their node had its own config, and the unit rendered per node.
// The service itself runs in the nodes; these keep the kit's checks of it honest.
import { spawnSync } from "node:child_process";
import yaml from "js-yaml";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { nodeContainers, POD_SUBNET, REPO_ROOT } from "./kit-config";
import { ipInCidr, NODE_NET_RBAC, nodeNetworkGap, podsOutsideTheirNode, renderNodeNetUnit, type NodeAddressing } from "./node-network";

const nodes: NodeAddressing[] = [
  { name: "kubequest-control-plane", podCIDR: "10.244.0.0/24", internalIP: "172.18.0.2" },
  { name: "kubequest-worker", podCIDR: "10.244.2.0/24", internalIP: "172.18.0.3" },
  { name: "kubequest-worker2", podCIDR: "10.244.1.0/24", internalIP: "172.18.0.4" },
];
const cni = (cidr: string) => `{ "ranges": [[{ "subnet": "${cidr}" }]] }`;
const routes = (...lines: string[]) => lines.join("\n");

describe("nodeContainers", () => {
  it("names the control plane and kind's workers as kind does", () => {
    expect(nodeContainers(1)).toEqual(["kubequest-control-plane"]);
    expect(nodeContainers(3)).toEqual(["kubequest-control-plane", "kubequest-worker", "kubequest-worker2"]);
  });
});

describe("nodeNetworkGap", () => {
  const worker = nodes[1]!;
  const complete = routes("10.244.0.0/24 via 172.18.0.2 dev eth0 proto 211", "10.244.1.0/24 via 172.18.0.4 dev eth0 proto 211");

  it("is null when the node's CNI config is its own and it routes to every other node's pods", () => {
    expect(nodeNetworkGap(worker, nodes, cni("10.244.2.0/24"), complete)).toBeNull();
  });

  it("names a node still on the node image's shared config", () => {
    expect(nodeNetworkGap(worker, nodes, cni("10.244.0.0/24"), complete)).toMatch(/kubequest-worker's CNI config is not for its pod CIDR 10.244.2.0\/24/);
  });

  it("names a missing route, and a route via an old address", () => {
    expect(nodeNetworkGap(worker, nodes, cni("10.244.2.0/24"), routes("10.244.0.0/24 via 172.18.0.2 dev eth0 proto 211"))).toMatch(/no route to kubequest-worker2's pods \(10.244.1.0\/24 via 172.18.0.4\)/);
    expect(nodeNetworkGap(worker, nodes, cni("10.244.2.0/24"), routes("10.244.0.0/24 via 172.18.0.2 dev eth0", "10.244.1.0/24 via 172.18.0.9 dev eth0"))).toMatch(/kubequest-worker2/);
  });

  it("waits for a node without a pod CIDR", () => {
    expect(nodeNetworkGap({ ...worker, podCIDR: "" }, nodes, cni("10.244.2.0/24"), complete)).toMatch(/no pod CIDR yet/);
  });
});

describe("ipInCidr", () => {
  it("matches by prefix", () => {
    expect(ipInCidr("10.244.1.7", "10.244.1.0/24")).toBe(true);
    expect(ipInCidr("10.244.0.7", "10.244.1.0/24")).toBe(false);
    expect(ipInCidr("10.244.200.1", POD_SUBNET)).toBe(true);
    expect(ipInCidr("10.96.0.10", POD_SUBNET)).toBe(false);
    expect(ipInCidr("1.2.3.4", "0.0.0.0/0")).toBe(true);
    expect(ipInCidr("fd00::1", "10.0.0.0/8")).toBe(false);
  });
});

describe("podsOutsideTheirNode", () => {
  const pod = (name: string, nodeName: string, podIP: string, extra: { hostNetwork?: boolean; owned?: boolean } = {}) => ({
    namespace: "kube-system",
    name,
    nodeName,
    podIP,
    hostNetwork: extra.hostNetwork ?? false,
    owned: extra.owned ?? true,
  });

  it("names the controller-owned pods addressed outside their node's pod CIDR, and nothing else", () => {
    const pods = [
      pod("coredns-a", "kubequest-worker", "10.244.0.3"),
      pod("coredns-b", "kubequest-control-plane", "10.244.0.4"),
      pod("kube-proxy-x", "kubequest-worker", "172.18.0.3", { hostNetwork: true }),
      pod("static", "kubequest-worker", "10.244.0.9", { owned: false }),
      pod("fine", "kubequest-worker2", "10.244.1.5"),
    ];
    expect(podsOutsideTheirNode(pods, nodes).map((p) => p.name)).toEqual(["coredns-a"]);
  });
});

describe("renderNodeNetUnit", () => {
  const template = readFileSync(path.join(REPO_ROOT, "cluster-kit/node-network/kubequest-node-net.service"), "utf8");

  it("runs the script for this node and the cluster's pod subnet", () => {
    expect(renderNodeNetUnit(template, "kubequest-worker2", POD_SUBNET)).toContain("ExecStart=/usr/local/bin/kubequest-node-net kubequest-worker2 10.244.0.0/16\n");
  });

  it("refuses a name that is not a node's", () => {
    expect(() => renderNodeNetUnit(template, "x; rm -rf /", POD_SUBNET)).toThrow(/not a node name/);
  });
});

describe("the node network script", () => {
  const script = readFileSync(path.join(REPO_ROOT, "cluster-kit/node-network/kubequest-node-net.sh"), "utf8");
  const baked = readFileSync(path.join(REPO_ROOT, "cluster-kit/steps/build-node-image.sh"), "utf8");

  it("writes the node image's CNI file (so no second config competes with it), with masquerading left to its own rule", () => {
    expect(baked).toContain("/etc/cni/net.d/10-kubequest-ptp.conflist");
    expect(script).toContain('conf="${KUBEQUEST_CNI_CONF:-/etc/cni/net.d/10-kubequest-ptp.conflist}"');
    expect(script).toContain('"ipMasq": false');
    // Pod-to-pod across nodes keeps its source: the rules that say so are checked by the stubbed pass below.
  });
});

describe("the node network script, one pass on a worker (kubectl, ip and iptables stubbed)", () => {
  const script = path.join(REPO_ROOT, "cluster-kit/node-network/kubequest-node-net.sh");

  /** Runs `--once` as kubequest-worker with the given node list and existing routes; returns the calls made and the CNI file. */
  function onePass(nodeLines: string, existingRoutes: string, existingRules = false, outcome: "succeeds" | "fails" = "succeeds") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "kq-node-net-"));
    try {
      const calls = path.join(dir, "calls");
      writeFileSync(calls, "");
      const stub = (name: string, body: string) => {
        writeFileSync(path.join(dir, name), `#!/bin/bash\necho "${name} $*" >> "${calls}"\n${body}\n`);
        chmodSync(path.join(dir, name), 0o755);
      };
      stub("kubectl", `printf '%b' '${nodeLines.replaceAll("\n", "\\n")}'`);
      stub("ip", `if [ "$2" = show ]; then printf '%b' '${existingRoutes.replaceAll("\n", "\\n")}'; fi`);
      stub("iptables", existingRules ? "exit 0" : 'case " $* " in *" -C "*) exit 1 ;; esac; exit 0');
      const conf = path.join(dir, "10-kubequest-ptp.conflist");
      const pass = spawnSync("bash", [script, "kubequest-worker", POD_SUBNET, "--once"], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, KUBEQUEST_CNI_CONF: conf }, encoding: "utf8" });
      if ((pass.status === 0) !== (outcome === "succeeds")) throw new Error(`the pass exited ${pass.status}, expected it to ${outcome === "succeeds" ? "succeed" : "fail"}: ${pass.stderr}`);
      let cniConfig = "";
      try {
        cniConfig = readFileSync(conf, "utf8");
      } catch {
        // not written
      }
      return { calls: readFileSync(calls, "utf8").split("\n").filter((l) => !l.startsWith("kubectl")), cniConfig };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const nodeList = "kubequest-control-plane,10.244.0.0/24,172.18.0.2\nkubequest-worker,10.244.2.0/24,172.18.0.3\nkubequest-worker2,10.244.1.0/24,172.18.0.4\n";

  it("writes its own pod CIDR, routes to the other two nodes' pods, drops a gone node's route, and masquerades only traffic leaving the pod network", () => {
    const { calls, cniConfig } = onePass(nodeList, "10.244.1.0/24 via 172.18.0.4 dev eth0\n10.244.3.0/24 via 172.18.0.5 dev eth0\n");
    expect(JSON.parse(cniConfig)).toMatchObject({ plugins: [{ type: "ptp", ipMasq: false, ipam: { ranges: [[{ subnet: "10.244.2.0/24" }]] } }, { type: "portmap" }] });
    expect(calls).toContain("ip route replace 10.244.0.0/24 via 172.18.0.2 proto 211");
    expect(calls).toContain("ip route replace 10.244.1.0/24 via 172.18.0.4 proto 211");
    expect(calls.filter((c) => c.includes("10.244.2.0/24"))).toEqual([]);
    expect(calls).toContain("ip route del 10.244.3.0/24 proto 211");
    expect(calls).not.toContain("ip route del 10.244.1.0/24 proto 211");
    expect(calls).toContain("iptables -w -t nat -A KUBEQUEST-MASQ -d 10.244.0.0/16 -j RETURN");
    expect(calls).toContain("iptables -w -t nat -A KUBEQUEST-MASQ -j MASQUERADE");
    expect(calls).toContain("iptables -w -t nat -A POSTROUTING -s 10.244.0.0/16 -m comment --comment kubequest: pod traffic leaving the pod network -j KUBEQUEST-MASQ");
    // The RETURN for pod destinations comes before the MASQUERADE.
    expect(calls.indexOf("iptables -w -t nat -A KUBEQUEST-MASQ -d 10.244.0.0/16 -j RETURN")).toBeLessThan(calls.indexOf("iptables -w -t nat -A KUBEQUEST-MASQ -j MASQUERADE"));
  });

  it("adds no rule twice", () => {
    const { calls } = onePass(nodeList, "", true);
    expect(calls.filter((c) => c.includes(" -A "))).toEqual([]);
  });

  it("fails the pass, with no CNI config and no masquerading, while its node has no pod CIDR yet (routes to the other nodes' pods are already right)", () => {
    const { calls, cniConfig } = onePass("kubequest-worker,,172.18.0.3\nkubequest-control-plane,10.244.0.0/24,172.18.0.2\n", "", false, "fails");
    expect(cniConfig).toBe("");
    expect(calls.filter((c) => c.startsWith("iptables"))).toEqual([]);
    expect(calls.filter((c) => c.startsWith("ip route replace"))).toEqual(["ip route replace 10.244.0.0/24 via 172.18.0.2 proto 211"]);
  });
});

describe("the nodes' right to read Node objects (node-network/rbac.yaml)", () => {
  interface Doc {
    kind: string;
    rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    subjects?: { kind: string; name: string }[];
    roleRef?: { name: string };
  }
  const docs = yaml.loadAll(readFileSync(NODE_NET_RBAC, "utf8")) as Doc[];

  it("grants reading nodes and nothing else, to the nodes' group only", () => {
    const role = docs.find((d) => d.kind === "ClusterRole")!;
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] }]);
    const binding = docs.find((d) => d.kind === "ClusterRoleBinding")!;
    expect(binding.subjects).toEqual([{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "system:nodes" }]);
    expect(binding.roleRef?.name).toBe("kubequest:node-net");
  });
});
