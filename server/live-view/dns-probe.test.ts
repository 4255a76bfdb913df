import { describe, expect, it } from "vitest";
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import { probeAgentFake, probePodFake } from "../grader/checks/test-fixtures/probe-agent-fake";
import { parseProbeOutput } from "../grader/probe";
import { askDns, DNS_UNASKED, dnsAnswersFrom, dnsNamesFor } from "./dns-probe";

const parseDnsProbeOutput = (stdout: string, names: string[]) => dnsAnswersFrom(parseProbeOutput(stdout), names);

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
});

describe("askDns", () => {
  const names = [`redis-0.redis.${ns}.svc.cluster.local`, `redis.${ns}.svc.cluster.local`];

  /** The probe pod made on first use and ready at once, its agent answering from `answer`. */
  function clusterWithAgent(answer: Parameters<typeof probeAgentFake>[0]) {
    const asked: string[][] = [];
    const kube = {
      ...probePodFake(),
      exec: async () => {
        throw new Error("the live view asks the probe agent, never an exec into a learner's pod");
      },
      ...probeAgentFake((argv, timeoutMs) => (asked.push(argv), answer(argv, timeoutMs))),
    } as unknown as KubeAdapter;
    return { kube, asked };
  }

  it("asks the probe agent, one --nslookup per name, and reads its answers", async () => {
    const { kube, asked } = clusterWithAgent((argv) => ({
      stdout: argv.filter((_, i) => argv[i - 1] === "--nslookup").map((name) => JSON.stringify({ kind: "nslookup", name, exitCode: 0, addresses: ["10.244.0.9"] })).join("\n"),
      stderr: "",
      exitCode: 0,
    }));
    expect(await askDns(kube, names, { podName: "probe-live-1", podSettleMs: 0 })).toEqual(names.map((name) => ({ name, addresses: ["10.244.0.9"] })));
    expect(asked).toEqual([["kubequest-probe", "--nslookup", names[0], "--nslookup", names[1]]]);
  });

  it("says per name that we could not ask when the agent does not answer, not that DNS failed", async () => {
    // A pod killed mid-request: the API server's proxy answers 503.
    const { kube } = clusterWithAgent(() => ({ stdout: "", stderr: "connection reset by peer", exitCode: null }));
    const answers = await askDns(kube, names, { podName: "probe-live-2", podSettleMs: 0 });
    expect(answers).toEqual(names.map((name) => ({ name, addresses: [], error: DNS_UNASKED, unasked: true })));
    expect(DNS_UNASKED).toMatch(/our side, not in your namespace/);
  });

  it("asks nothing for no names", async () => {
    const { kube, asked } = clusterWithAgent(() => {
      throw new Error("not asked");
    });
    expect(await askDns(kube, [])).toEqual([]);
    expect(asked).toEqual([]);
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
