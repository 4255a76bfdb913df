import { describe, expect, it } from "vitest";
import { nslookupAddresses, nslookupEvidence } from "./dns-checks";
import type { PodInfo } from "../../kubernetes/kube-adapter";
import { connectedReplicasOf, hostAliasProblems, parseInfo } from "./redis-checks";
import { podInfo } from "../../kubernetes/test-fixtures/pod-info";

const answered = `Server:\t\t10.96.0.10
Address:\t10.96.0.10#53

Name:\tredis.kq-1.svc.cluster.local
Address: 10.244.0.7
Name:\tredis.kq-1.svc.cluster.local
Address: 10.244.0.8
`;

describe("nslookup output", () => {
  it("keeps the answer's addresses, not the server's", () => {
    expect(nslookupAddresses(answered)).toEqual(["10.244.0.7", "10.244.0.8"]);
  });

  it("finds no address in an NXDOMAIN answer", () => {
    const nx = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find redis-9.redis.kq-1.svc.cluster.local: NXDOMAIN\n";
    expect(nslookupAddresses(nx)).toEqual([]);
    expect(nslookupEvidence(nx)).toEqual(["** server can't find redis-9.redis.kq-1.svc.cluster.local: NXDOMAIN"]);
  });

  it("shows the answer without the server banner", () => {
    expect(nslookupEvidence(answered)[0]).toBe("Name:\tredis.kq-1.svc.cluster.local");
  });
});

describe("INFO replication", () => {
  it("reads fields from redis-cli's CRLF output", () => {
    const info = parseInfo("# Replication\r\nrole:slave\r\nmaster_host:redis-0.redis.kq-1.svc.cluster.local\r\nmaster_link_status:up\r\n");
    expect(info.get("role")).toBe("slave");
    expect(info.get("master_host")).toBe("redis-0.redis.kq-1.svc.cluster.local");
    expect(info.get("master_link_status")).toBe("up");
    expect(info.has("# Replication")).toBe(false);
  });

  it("keeps the fields and nothing else: no header, no empty line", () => {
    const info = parseInfo("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n\r\n");
    expect([...info]).toEqual([
      ["role", "master"],
      ["connected_slaves", "0"],
    ]);
  });
});

describe("the primary's view of its replicas", () => {
  it("lists each connected replica with its announced name or IP and state", () => {
    const info = parseInfo(
      "# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=redis-1.redis.kq-1.svc.cluster.local,port=6379,state=online,offset=42,lag=0\r\nslave1:ip=10.244.0.9,port=6379,state=wait_bgsave,offset=0,lag=1\r\n",
    );
    expect(connectedReplicasOf(info)).toEqual([
      { ip: "redis-1.redis.kq-1.svc.cluster.local", port: 6379, state: "online" },
      { ip: "10.244.0.9", port: 6379, state: "wait_bgsave" },
    ]);
  });
});

describe("hostAliases on workload pods", () => {
  const pod = (name: string, hostAliases?: PodInfo["hostAliases"]): PodInfo => podInfo({ name, ...(hostAliases ? { hostAliases } : {}) });

  it("refuses a replica that pins the primary's name, explaining why pinning an IP defeats the lesson", () => {
    const { evidence, problems } = hostAliasProblems(
      [pod("redis-0"), pod("redis-1", [{ ip: "10.244.0.7", hostnames: ["redis-0.redis.kq-1.svc.cluster.local"] }]), pod("redis-2")],
      "redis-0",
    );
    expect(evidence).toEqual(["redis-1: spec.hostAliases pins redis-0.redis.kq-1.svc.cluster.local → 10.244.0.7"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/redis-1 pins redis-0's name to an IP with hostAliases/);
    expect(problems[0]).toMatch(/\/etc\/hosts, not from DNS/);
    expect(problems[0]).toMatch(/chaos round deletes it/);
  });

  it("refuses any other pin on a workload pod too, and accepts pods without any", () => {
    expect(hostAliasProblems([pod("redis-0", [{ ip: "1.2.3.4", hostnames: ["cache.example"] }])], "redis-0").problems[0]).toMatch(/find each other through DNS/);
    expect(hostAliasProblems([pod("redis-0"), undefined, pod("redis-2")], "redis-0")).toEqual({ evidence: [], problems: [] });
  });
});

describe("evidence parsers on less usual answers", () => {
  it("does not take a resolver's banner address for an answer when it carries the port as :53 (busybox's nslookup)", () => {
    const busybox = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tredis.kq-1.svc.cluster.local\nAddress: 10.244.0.7\n";
    expect(nslookupAddresses(busybox)).toEqual(["10.244.0.7"]);
  });

  it("drops trailing blanks from the lines it shows", () => {
    expect(nslookupEvidence("Name:\tredis.kq-1.svc.cluster.local   \nAddress: 10.244.0.7\t\n")).toEqual(["Name:\tredis.kq-1.svc.cluster.local", "Address: 10.244.0.7"]);
  });

  it("skips INFO's section headers even when they hold a colon", () => {
    const info = parseInfo("# Replication: primary\nrole:master");
    expect([...info.keys()]).toEqual(["role"]);
  });

  it("reads a replica line without a port, address or state (anything can answer on 6379) as having none", () => {
    expect(connectedReplicasOf(parseInfo("slave0:ip=10.244.0.9,state=online"))).toEqual([{ ip: "10.244.0.9", port: undefined, state: "online" }]);
    expect(connectedReplicasOf(parseInfo("slave0:port=6379"))).toEqual([{ ip: "", port: 6379, state: "" }]);
  });
});

describe("hostAliases with several names and pins", () => {
  const pinned = (hostAliases: NonNullable<PodInfo["hostAliases"]>): PodInfo => podInfo({ name: "redis-1", uid: "u1", hostAliases });

  it("shows every pin and every name, and counts a pin of the primary among others", () => {
    const { evidence, problems } = hostAliasProblems(
      [pinned([{ ip: "10.0.0.5", hostnames: ["cache.example", "db.example"] }, { ip: "10.244.0.7", hostnames: ["metrics.example", "redis-0.redis.kq-1.svc.cluster.local"] }])],
      "redis-0",
    );
    expect(evidence).toEqual(["redis-1: spec.hostAliases pins cache.example, db.example → 10.0.0.5; metrics.example, redis-0.redis.kq-1.svc.cluster.local → 10.244.0.7"]);
    expect(problems[0]).toMatch(/^redis-1 pins redis-0's name to an IP/);
  });

  it("counts the bare pod name as the primary's name, and shows a pin without names", () => {
    expect(hostAliasProblems([pinned([{ ip: "10.244.0.7", hostnames: ["redis-0"] }])], "redis-0").problems[0]).toMatch(/^redis-1 pins redis-0's name/);
    const nameless = hostAliasProblems([pinned([{ ip: "10.244.0.7", hostnames: [] }])], "redis-0");
    expect(nameless.evidence).toEqual(["redis-1: spec.hostAliases pins (no name) → 10.244.0.7"]);
    expect(nameless.problems[0]).toMatch(/^redis-1 carries hostAliases/);
  });
});
