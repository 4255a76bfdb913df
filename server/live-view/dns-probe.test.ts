import { describe, expect, it } from "vitest";
import { dnsNamesFor, dnsProbeArgv, parseDnsProbeOutput } from "./dns-probe";

const ns = "kq-dfb22e3f87-30";

describe("dnsNamesFor", () => {
  it("asks for each StatefulSet pod's own name, then the Service", () => {
    expect(dnsNamesFor({ namespace: ns, serviceName: "redis", workloadKind: "StatefulSet", workloadName: "redis", replicas: 3 })).toEqual([
      `redis-0.redis.${ns}.svc.cluster.local`,
      `redis-1.redis.${ns}.svc.cluster.local`,
      `redis-2.redis.${ns}.svc.cluster.local`,
      `redis.${ns}.svc.cluster.local`,
    ]);
  });

  it("asks only for the Service of a Deployment, caps replicas and drops names that could read as options", () => {
    expect(dnsNamesFor({ namespace: ns, serviceName: "web", workloadKind: "Deployment", workloadName: "web", replicas: 3 })).toEqual([`web.${ns}.svc.cluster.local`]);
    expect(dnsNamesFor({ namespace: ns, serviceName: "redis", workloadKind: "StatefulSet", workloadName: "redis", replicas: 50 })).toHaveLength(11);
    expect(dnsNamesFor({ namespace: ns, serviceName: "-x", workloadKind: "Deployment", workloadName: "web", replicas: 1 })).toEqual([]);
  });

  it("builds the probe's argv", () => {
    expect(dnsProbeArgv(["a.b", "c.d"])).toEqual(["kubequest-probe", "--nslookup", "a.b", "--nslookup", "c.d"]);
  });
});

describe("parseDnsProbeOutput", () => {
  const names = [`redis-0.redis.${ns}.svc.cluster.local`, `redis-1.redis.${ns}.svc.cluster.local`, `redis.${ns}.svc.cluster.local`];

  it("reads addresses and errors per name, in the order asked", () => {
    const stdout = [
      JSON.stringify({ kind: "nslookup", name: names[2], exitCode: 0, output: "Name: ...", addresses: ["10.96.0.12"] }),
      JSON.stringify({ kind: "nslookup", name: names[0], exitCode: 1, output: `** server can't find ${names[0]}: NXDOMAIN`, addresses: [] }),
      "some banner the script printed",
      "{not json",
      JSON.stringify({ kind: "other", name: names[1] }),
    ].join("\n");
    expect(parseDnsProbeOutput(stdout, names)).toEqual([
      { name: names[0], addresses: [], error: "NXDOMAIN" },
      { name: names[1], addresses: [], error: "no answer from the probe" },
      { name: names[2], addresses: ["10.96.0.12"] },
    ]);
  });

  it("keeps only real IP addresses, sorted and unique, and tells timeouts apart", () => {
    const stdout = [
      JSON.stringify({ kind: "nslookup", name: `${names[2]}.`, exitCode: 0, addresses: ["10.244.0.9", "10.244.0.7", "10.244.0.9", "not-an-ip", 42] }),
      JSON.stringify({ kind: "nslookup", name: names[0], exitCode: 1, output: ";; connection timed out; no servers could be reached" }),
    ].join("\n");
    const answers = parseDnsProbeOutput(stdout, names);
    expect(answers[2]).toEqual({ name: names[2], addresses: ["10.244.0.7", "10.244.0.9"] });
    expect(answers[0]!.error).toBe("timeout");
  });

  it("prefers the probe's own error field", () => {
    const stdout = JSON.stringify({ kind: "nslookup", name: names[0], exitCode: 1, output: "...", addresses: [], error: "SERVFAIL" });
    expect(parseDnsProbeOutput(stdout, names)[0]).toEqual({ name: names[0], addresses: [], error: "SERVFAIL" });
  });
});
