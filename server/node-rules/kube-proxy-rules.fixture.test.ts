// The parser on a real table: `iptables-save -t nat` as the node-rules collector printed it on
// the kind cluster's node (kube-proxy v1.34.4, iptables mode, nft backend), captured into
// test-fixtures/iptables-save-nat.txt with a Level 31-like namespace `kq-fixture-31` on it:
// Deployment `cache` (three pods, 10.244.0.38-40), `cache` a ClusterIP Service on its named port
// `redis` (10.96.107.245), `cache-peers` headless over the same pods, and `web` a ClusterIP
// Service on an unnamed port (10.96.70.97). The table also holds the cluster's own Services,
// the CNI's and Docker's chains and kube-proxy's other chains.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeRule, parseNatTable, rulesByService, summarizeRules } from "./kube-proxy-rules";

const TABLE = readFileSync(path.join(__dirname, "test-fixtures/iptables-save-nat.txt"), "utf8");
const NS = "kq-fixture-31";
const { rules, problem } = parseNatTable(TABLE);

describe("the nat table of a kind node", () => {
  it("is whole, and yields kube-proxy's Service rules only: 51 of its 84 rules", () => {
    expect(problem).toBeUndefined();
    expect(TABLE.split("\n").filter((l) => l.startsWith("-A "))).toHaveLength(84);
    expect(rules).toHaveLength(51);
    expect(new Set(rules.map((r) => r.chain.replace(/-[A-Z0-9]{16}$/, "")))).toEqual(new Set(["KUBE-SERVICES", "KUBE-SVC", "KUBE-SEP"]));
    // Nothing of the CNI's, Docker's or kube-proxy's other chains, nor its last KUBE-SERVICES rule.
    expect(rules.map((r) => r.text).join("\n")).not.toMatch(/CNI-|DOCKER|KUBE-POSTROUTING -|-A KUBE-NODEPORTS|service nodeports/);
    expect([...new Set(rules.map((r) => r.namespace))].sort()).toEqual(["default", "kq-fixture-31", "kube-system"]);
  });

  it("has the ClusterIP Services of the namespace and nothing for the headless one", () => {
    const mine = rulesByService(rules, NS);
    expect([...mine.keys()]).toEqual(["cache", "web"]);
    const endpoints = ["10.244.0.38:6379", "10.244.0.39:6379", "10.244.0.40:6379"];
    expect(summarizeRules(mine.get("cache")!)).toEqual({ clusterIPs: ["10.96.107.245"], endpoints });
    expect(summarizeRules(mine.get("web")!)).toEqual({ clusterIPs: ["10.96.70.97"], endpoints });
    // One entry, a masquerade mark and one jump per pod, and two rules per pod's own chain.
    const chains = mine.get("cache")!.map((r) => r.chain.replace(/-[A-Z0-9]{16}$/, ""));
    expect(chains.filter((c) => c === "KUBE-SERVICES")).toHaveLength(1);
    expect(chains.filter((c) => c === "KUBE-SVC")).toHaveLength(4);
    expect(chains.filter((c) => c === "KUBE-SEP")).toHaveLength(6);
    expect(new Set(mine.get("cache")!.map((r) => r.port))).toEqual(new Set(["redis"]));
    expect(new Set(mine.get("web")!.map((r) => r.port))).toEqual(new Set([""]));
  });

  it("says, rule by rule, how a connection to cache's virtual IP reaches one pod", () => {
    const cache = rulesByService(rules, NS).get("cache")!;
    const said = cache.map((r) => `${r.chain.replace(/-[A-Z0-9]{16}$/, "")}: ${describeRule(r)}`);
    expect(said).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^KUBE-SERVICES: connections to 10\.96\.107\.245:6379 go to KUBE-SVC-[A-Z0-9]{16}$/),
        "KUBE-SVC: marks connections from outside the pod network for masquerading",
        expect.stringMatching(/^KUBE-SVC: sends 1 in 3 connections to KUBE-SEP-[A-Z0-9]{16} \(10\.244\.0\.38:6379\)$/),
        expect.stringMatching(/^KUBE-SVC: sends 1 in 2 connections to KUBE-SEP-[A-Z0-9]{16} \(10\.244\.0\.39:6379\)$/),
        expect.stringMatching(/^KUBE-SVC: sends the remaining connections to KUBE-SEP-[A-Z0-9]{16} \(10\.244\.0\.40:6379\)$/),
        "KUBE-SEP: rewrites the destination to the pod at 10.244.0.38:6379",
        "KUBE-SEP: marks a pod's connection to itself for masquerading",
      ]),
    );
  });

  it("reads the cluster's own Services too, each port apart", () => {
    const dns = rulesByService(rules, "kube-system").get("kube-dns")!;
    expect([...new Set(dns.map((r) => r.port))].sort()).toEqual(["dns", "dns-tcp", "metrics"]);
    expect(summarizeRules(rulesByService(rules, "default").get("kubernetes")!)).toEqual({ clusterIPs: ["10.96.0.1"], endpoints: ["172.18.0.2:6443"] });
  });
});
