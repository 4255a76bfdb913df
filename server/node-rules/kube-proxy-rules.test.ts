// The parser of `iptables-save -t nat`, on the edge cases of iptables-save's quoting and
// kube-proxy's comments. The rules of a real cluster are in kube-proxy-rules.fixture.test.ts.
import { describe, expect, it } from "vitest";
import { describeRule, parseNatTable, parseRule, ruleWords, rulesByService, summarizeRules } from "./kube-proxy-rules";

describe("ruleWords", () => {
  it("keeps a quoted value whole and undoes iptables-save's escapes", () => {
    expect(ruleWords('-A X -m comment --comment "a b \\"c\\" \\\\ d" -j Y')).toEqual(["-A", "X", "-m", "comment", "--comment", 'a b "c" \\ d', "-j", "Y"]);
    expect(ruleWords("-A X  -j  Y ")).toEqual(["-A", "X", "-j", "Y"]);
  });
});

describe("parseRule", () => {
  it("reads whose rule it is from kube-proxy's comment, with or without a port name", () => {
    expect(parseRule('-A KUBE-SEP-ZXCVBNMASDFGHJKL -p tcp -m comment --comment "kq-1/cache:redis" -m tcp -j DNAT --to-destination 10.244.0.31:6379')).toMatchObject({
      chain: "KUBE-SEP-ZXCVBNMASDFGHJKL",
      namespace: "kq-1",
      service: "cache",
      port: "redis",
      target: "DNAT",
      endpoint: "10.244.0.31:6379",
    });
    expect(parseRule('-A KUBE-SERVICES -d 10.96.3.4/32 -p tcp -m comment --comment "kq-1/web cluster IP" -m tcp --dport 80 -j KUBE-SVC-QWERTYUIOPASDFGH')).toMatchObject({
      namespace: "kq-1",
      service: "web",
      port: "",
      clusterIP: "10.96.3.4",
      target: "KUBE-SVC-QWERTYUIOPASDFGH",
    });
  });

  it("ignores chains that are not a Service's, comments that name no Service port, and lines that are not rules", () => {
    expect(parseRule('-A KUBE-NODEPORTS -p tcp -m comment --comment "kq-1/cache:redis" -m tcp --dport 30001 -j KUBE-EXT-AAAA')).toBeUndefined();
    expect(parseRule('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS')).toBeUndefined();
    expect(parseRule("-A KUBE-POSTROUTING -j MASQUERADE --random-fully")).toBeUndefined();
    expect(parseRule(":KUBE-SVC-QWERTYUIOPASDFGH - [0:0]")).toBeUndefined();
    expect(parseRule('-A KUBE-SVC-QWERTYUIOPASDFGH -m comment --comment "Kq/Cache:redis" -j KUBE-SEP-A')).toBeUndefined();
  });
});

describe("parseNatTable", () => {
  it("refuses anything but a whole nat table: a rule missing from a partial one proves nothing", () => {
    expect(parseNatTable("").problem).toMatch(/no nat table/);
    expect(parseNatTable('*nat\n-A KUBE-SERVICES -d 10.96.3.4/32 -m comment --comment "a/b cluster IP" -j KUBE-SVC-A\n').problem).toMatch(/without COMMIT/);
    expect(parseNatTable("*nat\nCOMMIT\n")).toEqual({ rules: [] });
  });
});

describe("rulesByService and summarizeRules", () => {
  it("groups one namespace's rules by Service and says where they send connections", () => {
    const { rules } = parseNatTable(
      [
        "*nat",
        '-A KUBE-SERVICES -d 10.96.3.4/32 -p tcp -m comment --comment "kq-1/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-W',
        '-A KUBE-SERVICES -d 10.96.3.9/32 -p tcp -m comment --comment "kq-2/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-X',
        '-A KUBE-SERVICES -d 10.96.3.5/32 -p tcp -m comment --comment "kq-1/api:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-A',
        '-A KUBE-SEP-B -p tcp -m comment --comment "kq-1/web:http" -m tcp -j DNAT --to-destination 10.244.0.8:8080',
        '-A KUBE-SEP-C -p tcp -m comment --comment "kq-1/web:http" -m tcp -j DNAT --to-destination 10.244.0.7:8080',
        "COMMIT",
      ].join("\n"),
    );
    const mine = rulesByService(rules, "kq-1");
    expect([...mine.keys()]).toEqual(["api", "web"]);
    expect(summarizeRules(mine.get("web")!)).toEqual({ clusterIPs: ["10.96.3.4"], endpoints: ["10.244.0.7:8080", "10.244.0.8:8080"] });
  });
});

describe("describeRule", () => {
  it("says what each of kube-proxy's rules does, from the cluster IP to the pod", () => {
    const said = [
      '-A KUBE-SERVICES -d 10.96.3.4/32 -p tcp -m comment --comment "kq-1/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-W',
      '-A KUBE-SVC-W ! -s 10.244.0.0/16 -d 10.96.3.4/32 -p tcp -m comment --comment "kq-1/web:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
      '-A KUBE-SVC-W -m comment --comment "kq-1/web:http -> 10.244.0.7:8080" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-B',
      '-A KUBE-SVC-W -m comment --comment "kq-1/web:http -> 10.244.0.8:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-C',
      '-A KUBE-SVC-W -m comment --comment "kq-1/web:http -> 10.244.0.9:8080" -j KUBE-SEP-D',
      '-A KUBE-SEP-B -s 10.244.0.7/32 -m comment --comment "kq-1/web:http" -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-B -p tcp -m comment --comment "kq-1/web:http" -m tcp -j DNAT --to-destination 10.244.0.7:8080',
    ].map((line) => describeRule(parseRule(line)!));
    expect(said).toEqual([
      "connections to 10.96.3.4:80 go to KUBE-SVC-W",
      "marks connections from outside the pod network for masquerading",
      "sends 1 in 3 connections to KUBE-SEP-B (10.244.0.7:8080)",
      "sends 1 in 2 connections to KUBE-SEP-C (10.244.0.8:8080)",
      "sends the remaining connections to KUBE-SEP-D (10.244.0.9:8080)",
      "marks a pod's connection to itself for masquerading",
      "rewrites the destination to the pod at 10.244.0.7:8080",
    ]);
  });
});
