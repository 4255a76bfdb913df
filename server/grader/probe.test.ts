// The probe's output as the grader reads it: an incomplete run is our failure, never a verdict,
// and whatever a learner's pod answers is capped before it becomes evidence.
import { describe, expect, it } from "vitest";
import { parseProbeOutput, PROBE_LIMITS, probeRunProblem, type ProbeRequest } from "./probe";

const requests: ProbeRequest[] = [
  { kind: "nslookup", name: "redis-0.redis.kq-1.svc.cluster.local." },
  { kind: "redis-info", host: "10.244.0.7" },
];
const line = (o: object) => JSON.stringify(o);
const complete = [
  line({ kind: "nslookup", name: "redis-0.redis.kq-1.svc.cluster.local.", exitCode: 0, output: "Name: x\nAddress: 10.244.0.7" }),
  line({ kind: "redis-info", host: "10.244.0.7", exitCode: 0, output: "role:master" }),
].join("\n");

describe("probeRunProblem", () => {
  it("accepts an answer with one record per request (a tool's own failure is evidence, not a problem)", () => {
    const records = parseProbeOutput(complete.replace('"exitCode":0,"output":"role:master"', '"exitCode":1,"output":"Could not connect to Redis"'));
    expect(probeRunProblem(requests, 200, records, complete)).toBeUndefined();
  });

  it("calls the API server's answer for a pod it could not reach (killed, not ready) our problem", () => {
    const body = "error trying to reach service: dial tcp 10.244.0.9:8080: connect: connection refused";
    expect(probeRunProblem(requests, 503, parseProbeOutput(body), body)).toMatch(/answered HTTP 503: error trying to reach service/);
  });

  it("calls a refused token or command line our problem, in the agent's words", () => {
    const body = '{"kind":"usage-error","message":"this probe answers the KubeQuest server only (X-KubeQuest-Probe-Token)"}\n';
    expect(probeRunProblem(requests, 401, parseProbeOutput(body), body)).toBe("the grader's probe answered HTTP 401: this probe answers the KubeQuest server only (X-KubeQuest-Probe-Token)");
  });

  it("calls missing answers our problem, even when the status looks fine", () => {
    const records = parseProbeOutput(complete.split("\n")[0]!);
    expect(probeRunProblem(requests, 200, records, "")).toMatch(/answered 1 of 2 requests/);
    expect(probeRunProblem(requests, 200, parseProbeOutput('{"kind":"nslookup"\n{"kind":"redis-'), "")).toMatch(/answered 0 of 2/);
  });
});

describe("parseProbeOutput caps", () => {
  it("cuts a huge answer from a learner's pod to the evidence cap, saying so", () => {
    const huge = "role:master\n" + "x".repeat(1_000_000);
    const [record] = parseProbeOutput(line({ kind: "redis-info", host: "10.244.0.7", exitCode: 0, output: huge }));
    expect(record!.output.length).toBeLessThan(PROBE_LIMITS.recordOutputChars + 100);
    expect(record!.output).toMatch(/^role:master/);
    expect(record!.output).toMatch(/more characters not shown\]$/);
  });

  it("keeps at most the record cap, however many lines come back", () => {
    const many = Array.from({ length: 5000 }, () => line({ kind: "nslookup", exitCode: 0, output: "" })).join("\n");
    expect(parseProbeOutput(many)).toHaveLength(PROBE_LIMITS.records);
  });
});
