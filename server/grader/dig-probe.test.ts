// DNS questions asked through the probe's --dig: the argv refuses anything but fully qualified
// names; the probe's records (here made from dig's text recorded on the kind cluster: a ClusterIP
// Service, a headless one, a name that does not exist, a question that got no reply) are read
// back with their sections checked and bounded; no reply is our failure, never a verdict.
import { describe, expect, it } from "vitest";
import { digEvidence, digProbeArgs, digRecordFor, digRecordFrom, digRecordProblem, type DigRecord, type DigRequest } from "./dig-probe";
import { HEADLESS_SRV, NXDOMAIN_SRV, TIMED_OUT, VIRTUAL_SRV, digProbeLine } from "./checks/test-fixtures/dig-recordings";
import { parseProbeOutput, probeArgv } from "./probe";

const NS = "kq-dig";
const requests: DigRequest[] = [
  { kind: "dig", type: "SRV", name: `_redis._tcp.cache.${NS}.svc.cluster.local.` },
  { kind: "dig", type: "SRV", name: `_redis._tcp.cache-peers.${NS}.svc.cluster.local.` },
  { kind: "dig", type: "SRV", name: `_redis._tcp.nothing.${NS}.svc.cluster.local.` },
];
const blocks = [VIRTUAL_SRV, HEADLESS_SRV, NXDOMAIN_SRV];
const stdout = requests.map((r, i) => digProbeLine(NS, r.name, r.type, blocks[i]!)).join("\n");

describe("digProbeArgs", () => {
  it("asks every question in the grade's one probe run, beside the other requests", () => {
    expect(probeArgv([{ kind: "nslookup", name: "a.b." }, ...requests])).toEqual([
      "kubequest-probe",
      "--nslookup",
      "a.b.",
      ...requests.flatMap((r) => ["--dig", "SRV", r.name]),
    ]);
  });

  it("refuses anything but a fully qualified DNS name", () => {
    for (const name of ["cache.kq-dig.svc.cluster.local", "-x.example.", "a b.example.", "+short.", "@10.0.0.1.", "$(id).example.", "_a._b._c.example.", "--help."]) {
      expect(() => digProbeArgs({ kind: "dig", type: "SRV", name }), name).toThrow(/not a fully qualified DNS name/);
    }
  });
});

describe("the probe's dig records", () => {
  const records = parseProbeOutput(stdout) as DigRecord[];

  it("keeps one record per question, with its status and sections", () => {
    expect(records.map((r) => [r.kind, r.name, r.type, r.status, r.answers.length, r.additional.length])).toEqual([
      ["dig", `_redis._tcp.cache.${NS}.svc.cluster.local.`, "SRV", "NOERROR", 1, 1],
      ["dig", `_redis._tcp.cache-peers.${NS}.svc.cluster.local.`, "SRV", "NOERROR", 3, 3],
      ["dig", `_redis._tcp.nothing.${NS}.svc.cluster.local.`, "SRV", "NXDOMAIN", 0, 0],
    ]);
  });

  it("reads SRV data and the targets' addresses", () => {
    const peers = digRecordFor(records, `_redis._tcp.cache-peers.${NS}.svc.cluster.local`, "SRV")!;
    // In the order CoreDNS gave them, which is no particular order.
    expect(peers.answers[0]).toEqual({ name: `_redis._tcp.cache-peers.${NS}.svc.cluster.local.`, ttl: 30, type: "SRV", data: `0 33 6379 10-244-0-22.cache-peers.${NS}.svc.cluster.local.` });
    expect(peers.answers.map((a) => a.data.split(" ")[3])).toEqual(["22", "23", "21"].map((n) => `10-244-0-${n}.cache-peers.${NS}.svc.cluster.local.`));
    expect(peers.additional.map((a) => a.data)).toEqual(["10.244.0.21", "10.244.0.22", "10.244.0.23"]);
  });

  it("shows a learner the question, the status and the records", () => {
    const virtual = digRecordFor(records, `_redis._tcp.cache.${NS}.svc.cluster.local.`, "SRV");
    expect(digEvidence(virtual, `_redis._tcp.cache.${NS}.svc.cluster.local.`, "SRV")).toEqual([
      `$ dig SRV _redis._tcp.cache.${NS}.svc.cluster.local`,
      "  status: NOERROR",
      `  _redis._tcp.cache.${NS}.svc.cluster.local. 30 IN SRV 0 100 6379 cache.${NS}.svc.cluster.local.`,
      `  additional: cache.${NS}.svc.cluster.local. IN A 10.96.201.14`,
    ]);
    expect(digEvidence(undefined, "x.example.", "SRV")).toEqual(["$ dig SRV x.example", "  (no answer recorded)"]);
  });

  it("drops malformed resource records and bounds how many are kept", () => {
    const junk = { name: "a.", ttl: "30", type: "A", data: "1.2.3.4" };
    const many = Array.from({ length: 1000 }, (_, i) => ({ name: `t${i}.`, ttl: 5, type: "A", data: "10.0.0.1" }));
    const record = digRecordFrom({ kind: "dig", name: "A.Example.", type: "A", answers: [junk, 7, null, ...many], additional: "nope" }, "", 0)!;
    expect(record.name).toBe("a.example.");
    expect(record.answers).toHaveLength(256);
    expect(record.answers[0]).toEqual({ name: "t0.", ttl: 5, type: "A", data: "10.0.0.1" });
    expect(record.additional).toEqual([]);
    expect(digRecordFrom({ kind: "dig", name: "a.", type: "MX" }, "", 0)).toBeUndefined();
    expect(parseProbeOutput(JSON.stringify({ kind: "dig", type: "SRV" }))[0]!.kind).toBe("unparsed");
  });
});

describe("digRecordProblem", () => {
  it("takes an answer, NXDOMAIN included, as evidence", () => {
    for (const r of parseProbeOutput(stdout) as DigRecord[]) expect(digRecordProblem(r)).toBeUndefined();
  });

  it("calls a question without a reply our problem, saying why", () => {
    const [timedOut] = parseProbeOutput(digProbeLine(NS, requests[1]!.name, "SRV", TIMED_OUT)) as DigRecord[];
    expect(timedOut!.exitCode).toBe(9);
    expect(digRecordProblem(timedOut!)).toMatch(new RegExp(`^cluster DNS did not answer the grader's question SRV _redis._tcp.cache-peers.${NS}.svc.cluster.local.: .*timed out`));
  });
});
