// dig's text cut into one record per question: the SRV answers of a ClusterIP and of a headless
// Service, a name that does not exist, and a question that got no reply (our failure, never a
// verdict). The argv refuses anything but fully qualified DNS names.
import { describe, expect, it } from "vitest";
import { digArgv, digEvidence, digRecordFor, digRunProblem, parseDigOutput, type DigRequest } from "./dig-probe";
import { digOutput, HEADLESS_SRV, NXDOMAIN_SRV, TIMED_OUT, VIRTUAL_SRV } from "./checks/test-fixtures/dig-recordings";

const NS = "kq-dig";
const requests: DigRequest[] = [
  { kind: "dig", type: "SRV", name: `_redis._tcp.cache.${NS}.svc.cluster.local.` },
  { kind: "dig", type: "SRV", name: `_redis._tcp.cache-peers.${NS}.svc.cluster.local.` },
  { kind: "dig", type: "SRV", name: `_redis._tcp.nothing.${NS}.svc.cluster.local.` },
];

describe("digArgv", () => {
  it("asks every question in one bounded dig run", () => {
    expect(digArgv(requests)).toEqual(["dig", "+nocmd", "+nostats", "+time=2", "+tries=2", ...requests.flatMap((r) => [r.name, "SRV"])]);
  });

  it("refuses anything but a fully qualified DNS name", () => {
    for (const name of ["cache.kq-dig.svc.cluster.local", "-x.example.", "a b.example.", "+short.", "@10.0.0.1.", "$(id).example.", "_a._b._c.example."]) {
      expect(() => digArgv([{ kind: "dig", type: "SRV", name }]), name).toThrow(/not a fully qualified DNS name/);
    }
  });
});

describe("parseDigOutput", () => {
  const records = parseDigOutput(digOutput(NS, [VIRTUAL_SRV, HEADLESS_SRV, NXDOMAIN_SRV]));

  it("keeps one record per question, with its status and sections", () => {
    expect(records.map((r) => [r.name, r.type, r.status, r.answers.length, r.additional.length])).toEqual([
      [`_redis._tcp.cache.${NS}.svc.cluster.local.`, "SRV", "NOERROR", 1, 1],
      [`_redis._tcp.cache-peers.${NS}.svc.cluster.local.`, "SRV", "NOERROR", 3, 3],
      [`_redis._tcp.nothing.${NS}.svc.cluster.local.`, "SRV", "NXDOMAIN", 0, 0],
    ]);
  });

  it("reads SRV data and the targets' addresses", () => {
    const peers = digRecordFor(records, `_redis._tcp.cache-peers.${NS}.svc.cluster.local`, "SRV")!;
    // In the order CoreDNS gave them, which is no particular order.
    expect(peers.answers[0]).toEqual({ name: `_redis._tcp.cache-peers.${NS}.svc.cluster.local.`, ttl: 30, type: "SRV", data: `0 33 6379 10-244-0-22.cache-peers.${NS}.svc.cluster.local.` });
    expect(peers.answers.map((a) => a.data.split(" ")[3])).toEqual(["22", "23", "21"].map((n) => `10-244-0-${n}.cache-peers.${NS}.svc.cluster.local.`));
    expect(peers.additional.map((a) => a.data)).toEqual(["10.244.0.21", "10.244.0.22", "10.244.0.23"]);
    expect(peers.output).toMatch(/^;; ->>HEADER<<- opcode: QUERY, status: NOERROR/);
    expect(peers.output).not.toMatch(/Got answer/);
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
});

describe("digRunProblem", () => {
  it("accepts a run that answered every question, NXDOMAIN included (that is evidence)", () => {
    const out = digOutput(NS, [VIRTUAL_SRV, HEADLESS_SRV, NXDOMAIN_SRV]);
    expect(digRunProblem(requests, 0, parseDigOutput(out), "", out)).toBeUndefined();
  });

  it("calls a question without a reply our problem, saying why", () => {
    const out = digOutput(NS, [VIRTUAL_SRV, TIMED_OUT, NXDOMAIN_SRV]);
    expect(digRunProblem(requests, 9, parseDigOutput(out), "", out)).toMatch(/answered 2 of 3 questions \(exit code 9\): .*timed out/);
    expect(digRunProblem(requests, null, [], "", "")).toMatch(/did not finish/);
  });
});
