// The grader's probe (images/toolbox/probe, Go) as an agent in the real probe pod, asked through
// the real API server's pod proxy, against real CoreDNS and a real two-pod Redis StatefulSet
// under a headless Service: one request answers nslookup's, dig's and Redis's questions side by
// side, the agent answers nobody without the token, each record reads the way the checks expect (nslookup's
// and redis-cli's text, dig's sections), a name that does not exist is evidence (NXDOMAIN), and a
// Redis that is not there is evidence too (no connection), never an error of ours.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nslookupAddresses } from "../../server/grader/checks/dns-checks";
import { parseInfo } from "../../server/grader/checks/redis-checks";
import { digRecordFor } from "../../server/grader/dig-probe";
import { PROBE_TOKEN_HEADER, runProbe, type ProbeRecord } from "../../server/grader/probe";
import { GRADER_NAMESPACE, PROBE_POD, PROBE_PORT } from "../../server/grader/probe-pod";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { applyYaml, kubectl, scratchNamespace } from "./support/kubectl";

const kube = createKubeAdapter();
const levelDir = path.join(process.cwd(), "levels", "03-networking-and-services", "30-headless-statefulset-dns");
let ns: { name: string; remove: () => void };
let podIps: string[];
const fqdn = (host: string) => `${host}.${ns.name}.svc.cluster.local.`;

beforeAll(async () => {
  ns = scratchNamespace("probe");
  // Level 30's StatefulSet under a headless governing Service (its fix), two pods: a primary and a replica.
  applyYaml(ns.name, "apiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec:\n  clusterIP: None\n  selector: {app: redis}\n  ports: [{name: redis, port: 6379}]\n");
  const statefulSet = readFileSync(path.join(levelDir, "broken", "statefulset.yaml"), "utf8").replace(/replicas: 3/, "replicas: 2");
  applyYaml(ns.name, statefulSet);
  // Not `kubectl wait pod/…`: the pods do not exist yet when the StatefulSet was just applied.
  kubectl(["rollout", "status", "-n", ns.name, "statefulset/redis", "--timeout=240s"], { timeoutMs: 300_000 });
  podIps = [0, 1].map((i) => kubectl(["get", "pod", "-n", ns.name, `redis-${i}`, "-o", "jsonpath={.status.podIP}"]));
}, 300_000);

afterAll(() => ns?.remove());

describe("the grader's probe on the real cluster", () => {
  let records: ProbeRecord[];
  const token = `t${Date.now()}`;

  beforeAll(async () => {
    records = await runProbe(kube, [
      { kind: "nslookup", name: fqdn("redis-0.redis") },
      { kind: "nslookup", name: fqdn("redis") },
      { kind: "nslookup", name: fqdn("nothing-here") },
      { kind: "dig", type: "SRV", name: `_redis._tcp.${fqdn("redis")}` },
      { kind: "redis-info", host: fqdn("redis-0.redis") },
      { kind: "redis-write", host: fqdn("redis-0.redis"), key: "kq:probe", value: token },
      { kind: "redis-wait-key", host: fqdn("redis-1.redis"), key: "kq:probe", value: token, timeoutMs: 15_000 },
      { kind: "redis-write-expect-readonly", host: fqdn("redis-1.redis"), key: "kq:probe" },
      { kind: "redis-info", host: fqdn("nothing-here") },
    ]);
  }, 120_000);

  it("answers every question in the order asked, in one request", () => {
    expect(records.map((r) => r.kind)).toEqual(["nslookup", "nslookup", "nslookup", "dig", "redis-info", "redis-write", "redis-wait-key", "redis-write-expect-readonly", "redis-info"]);
  });

  it("reads DNS answers the way nslookup prints them", () => {
    const [pod0, service, missing] = records;
    expect(pod0!.exitCode).toBe(0);
    expect(nslookupAddresses(pod0!.output)).toEqual([podIps[0]]);
    expect(pod0!.output).toMatch(/^Server:\s+10\.96\.0\.10\nAddress:\s+10\.96\.0\.10#53\n/);
    // The headless Service's own name lists both pods: what Level 30's replicas wait for.
    expect(nslookupAddresses(service!.output).sort()).toEqual([...podIps].sort());
    expect(service!.addresses).toEqual([...podIps].sort());
    expect(missing).toMatchObject({ exitCode: 1, error: "NXDOMAIN", addresses: [] });
    expect(missing!.output).toContain(`** server can't find ${fqdn("nothing-here").replace(/\.$/, "")}: NXDOMAIN`);
  });

  it("gives dig's SRV answer with the pods' names and addresses", () => {
    const srv = digRecordFor(records, `_redis._tcp.${fqdn("redis")}`, "SRV")!;
    expect(srv.status).toBe("NOERROR");
    expect(srv.answers.map((a) => a.data.split(" ")[2])).toEqual(["6379", "6379"]);
    expect(srv.additional.filter((a) => a.type === "A").map((a) => a.data).sort()).toEqual([...podIps].sort());
  });

  it("reads Redis as redis-cli prints it: INFO fields, the write, the replica's copy and its refusal", () => {
    const [, , , , info, write, wait, readonly, absent] = records;
    const fields = parseInfo(info!.output);
    expect(fields.get("role")).toBe("master");
    expect(info!.output).not.toContain("\r");
    expect(info!.replication).toMatchObject({ role: "master" });
    expect(write).toMatchObject({ exitCode: 0, output: "OK", ok: true });
    expect(wait).toMatchObject({ exitCode: 0, output: token, matched: true });
    expect(readonly).toMatchObject({ readonly: true });
    expect(readonly!.output).toMatch(/^READONLY/);
    // Nothing at that name: evidence for the checks (no connection), not a failure of ours.
    expect(absent!.exitCode).toBe(1);
    expect(absent!.output).toMatch(/^Could not connect to Redis at nothing-here\..*:6379: /);
  });
});

describe("the probe agent through the API server", () => {
  const ask = (headers: Record<string, string>) =>
    kube.podProxy(GRADER_NAMESPACE, PROBE_POD, PROBE_PORT, "/probe", {
      method: "POST",
      body: JSON.stringify({ args: ["--redis-write", fqdn("redis-0.redis"), "kq:stranger", "x"] }),
      headers: { "Content-Type": "application/json", ...headers },
      timeoutMs: 10_000,
      maxResponseBytes: 64 * 1024,
    });

  it("answers nobody without the token, and does nothing for them", async () => {
    const attempts: Record<string, string>[] = [{}, { [PROBE_TOKEN_HEADER]: "guess-guess-guess-guess" }];
    for (const headers of attempts) {
      const res = await ask(headers);
      expect(res.status).toBe(401);
      expect(res.body).toContain('"kind":"usage-error"');
    }
    expect(kubectl(["exec", "-n", ns.name, "redis-0", "-c", "redis", "--", "redis-cli", "GET", "kq:stranger"])).toBe("");
  });
});
