// service-dns-records over recorded Level 31 namespaces and recorded nslookup and dig answers
// (no cluster): what the probe is asked, and what a learner reads for each answer cluster DNS
// gives a ClusterIP Service and a headless one, for the Service ordinary clients use (it must
// keep its virtual IP) and for the one the invalidator reads (it must list every pod).
import { beforeAll, describe, expect, it } from "vitest";
import type { LoadedLevel } from "../../levels/level-catalog";
import { serviceDnsRecords } from "./service-dns-records";
import { level31, recordedContext, runCheck, type RecordedCluster } from "./test-fixtures/recorded-cluster";
import type { NamespaceObjects, ProbeWorld } from "./test-fixtures/level-30-recordings";
import { nslookupAnswer } from "./test-fixtures/level-30-recordings";
import { podsSrv, TIMED_OUT } from "./test-fixtures/dig-recordings";
import { broken31, CACHE_IPS, CACHE_VIP, cachePod, cacheService, dnsName, invalidatorPod, NS31, PEERS_VIP, solved31, srvName, webPod, world31 } from "./test-fixtures/level-31-recordings";
import { planChecks } from "./check-library";
import type { CheckSpecOf } from "./check-types";

let level: LoadedLevel;
beforeAll(async () => {
  level = await level31();
});

/** The level's check `id`, its params parsed as the grade does. */
function specById(id: string): CheckSpecOf<never> {
  const planned = planChecks(level.manifest.grader).find((c) => c.spec.id === id);
  if (!planned) throw new Error(`Level 31 has no check ${id}`);
  return planned.spec as CheckSpecOf<never>;
}

const cluster = (objects: NamespaceObjects, probe: ProbeWorld): RecordedCluster => ({ objects, probe, namespace: NS31 });
const vipCheck = (c: RecordedCluster) => runCheck(serviceDnsRecords, specById("cache-keeps-virtual-ip"), recordedContext(level, c));
const peersCheck = (c: RecordedCluster) => runCheck(serviceDnsRecords, specById("peers-list-every-pod"), recordedContext(level, c));

describe("the probe requests of the DNS records checks", () => {
  it("asks every A and SRV name of the level's checks once, as absolute names, in the grade's one shared probe request", async () => {
    const run = recordedContext(level, cluster(solved31(), world31()));
    await runCheck(serviceDnsRecords, specById("cache-keeps-virtual-ip"), run);
    await runCheck(serviceDnsRecords, specById("peers-list-every-pod"), run);
    expect(run.execs).toEqual([
      ["kubequest-probe", "--nslookup", `${dnsName("cache")}.`, "--dig", "SRV", `${srvName("cache")}.`, "--nslookup", `${dnsName("cache-peers")}.`, "--dig", "SRV", `${srvName("cache-peers")}.`],
    ]);
  });
});

describe("service-dns-records: a Service that must keep its virtual IP", () => {
  it("passes when the name answers the virtual IP and SRV names the Service itself, showing both answers", async () => {
    const out = await vipCheck(cluster(solved31(), world31()));
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence).toEqual([
      `Service cache: spec.clusterIP = ${CACHE_VIP}, ports redis 6379`,
      `$ nslookup ${dnsName("cache")}`,
      `  Name:\t${dnsName("cache")}`,
      `  Address: ${CACHE_VIP}`,
      `$ dig SRV ${srvName("cache")}`,
      "  status: NOERROR",
      `  ${srvName("cache")}. 30 IN SRV 0 100 6379 ${dnsName("cache")}.`,
      `  additional: ${dnsName("cache")}. IN A ${CACHE_VIP}`,
    ]);
  });

  it("fails a headless Service: its clients would each have to pick a pod", async () => {
    const objects = solved31({ services: [cacheService("cache", { clusterIP: "None" }), cacheService("cache-peers")] });
    const out = await vipCheck(cluster(objects, world31({ cache: "headless" })));
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(
      new RegExp(`^${dnsName("cache").replace(/\./g, "\\.")} answers with the pod IPs 10\\.244\\.0\\.31, 10\\.244\\.0\\.32, 10\\.244\\.0\\.33: Service cache is headless, so each of its clients must pick a pod by itself`),
    );
    expect(out.reason).toMatch(/names 3 targets, not the Service itself/);
    expect(out.evidence[0]).toBe("Service cache: spec.clusterIP = None, ports redis 6379");
  });

  it("fails when the Service is gone", async () => {
    const objects = solved31({ services: [cacheService("cache-peers")] });
    const world = world31();
    delete world.dns[dnsName("cache")];
    delete world.srv![srvName("cache")];
    const out = await vipCheck(cluster(objects, world));
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/^There is no Service cache: /);
    expect(out.evidence[0]).toBe("Service cache: not found");
  });

  it("fails when the port the clients look up has another name: there is no SRV record for it", async () => {
    const objects = solved31({ services: [cacheService("cache", { ports: [{ name: "tcp", port: 6379 }] }), cacheService("cache-peers")] });
    const world = world31();
    delete world.srv![srvName("cache")];
    const out = await vipCheck(cluster(objects, world));
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/Service cache has no port named redis \(its ports: tcp 6379\)/);
    expect(out.evidence).toContain("  status: NXDOMAIN");
  });
});

describe("service-dns-records: a Service that must list every pod of the workload", () => {
  it("passes when the name answers every ready pod's IP and SRV has one target per pod", async () => {
    const out = await peersCheck(cluster(solved31(), world31()));
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence.slice(0, 2)).toEqual(["Service cache-peers: spec.clusterIP = None, ports redis 6379", `$ nslookup ${dnsName("cache-peers")}`]);
    expect(out.evidence).toContain(`  the ready pods of Deployment cache: ${CACHE_IPS.join(", ")}`);
    expect(out.evidence).toContain(`  ${srvName("cache-peers")}. 30 IN SRV 0 33 6379 10-244-0-31.${dnsName("cache-peers")}.`);
  });

  it("fails the untouched start: the Service has a virtual IP, and SRV names only the Service", async () => {
    const out = await peersCheck(cluster(broken31(), world31({ peers: "virtual" })));
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(new RegExp(`^${dnsName("cache-peers").replace(/\./g, "\\.")} answers with the virtual IP ${PEERS_VIP.replace(/\./g, "\\.")}: Service cache-peers is not headless, so a client asking for it learns one address and never the pods behind it\\.`));
    expect(out.reason).toMatch(new RegExp(`${srvName("cache-peers").replace(/\./g, "\\.")} names 1 target, the Service itself`));
    // What the level declares for its broken state.
    expect(out.reason).toMatch(/cache-peers\.[a-z0-9-]+\.svc\.cluster\.local answers with the virtual IP [0-9.]+/);
  });

  it("fails a headless Service without ports: no SRV record for a port it does not have", async () => {
    const objects = solved31({ services: [cacheService("cache"), cacheService("cache-peers", { ports: [] })] });
    const out = await peersCheck(cluster(objects, world31({ peers: "no-ports" })));
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/Service cache-peers has no port named redis \(it has no ports\): SRV records are named after a Service's ports/);
    expect(out.reason).not.toMatch(/answers with the virtual IP/);
    expect(out.evidence[0]).toBe("Service cache-peers: spec.clusterIP = None, no ports");
  });

  it("fails a headless Service whose selector matches no pod, saying which labels the pods carry", async () => {
    const objects = solved31({ services: [cacheService("cache"), cacheService("cache-peers", { selector: { app: "cache-peers" } })] });
    const out = await peersCheck(cluster(objects, world31({ peers: "nxdomain" })));
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(new RegExp(`^${dnsName("cache-peers").replace(/\./g, "\\.")} does not resolve: Service cache-peers selects no ready pod \\(its selector app=cache-peers; the pods of Deployment cache carry app=cache\\)`));
  });

  it("leaves out a pod that is not Ready, as cluster DNS does", async () => {
    const objects = solved31({ pods: [cachePod(0), cachePod(1), cachePod(2, { ready: false }), invalidatorPod(), webPod()] });
    const world = world31();
    world.dns[dnsName("cache-peers")] = nslookupAnswer(dnsName("cache-peers"), CACHE_IPS.slice(0, 2));
    world.srv![srvName("cache-peers")] = podsSrv(srvName("cache-peers"), dnsName("cache-peers"), CACHE_IPS.slice(0, 2));
    const out = await peersCheck(cluster(objects, world));
    expect(out.passed, out.reason).toBe(true);
  });

  it("fails when the name also answers a pod that is not the workload's", async () => {
    const objects = solved31({ services: [cacheService("cache"), cacheService("cache-peers", { selector: { tier: "shop" } })] });
    const world = world31();
    const answered = [...CACHE_IPS, "10.244.0.41"];
    world.dns[dnsName("cache-peers")] = nslookupAnswer(dnsName("cache-peers"), answered);
    world.srv![srvName("cache-peers")] = podsSrv(srvName("cache-peers"), dnsName("cache-peers"), answered);
    const out = await peersCheck(cluster(objects, world));
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/answers 10\.244\.0\.31, 10\.244\.0\.32, 10\.244\.0\.33, 10\.244\.0\.41, not exactly the IPs of the ready pods of Deployment cache \(10\.244\.0\.31, 10\.244\.0\.32, 10\.244\.0\.33\): 10\.244\.0\.41 is not one of them/);
    expect(out.reason).toMatch(/lists 4 targets, not one per ready pod/);
  });

  it("does not call an SRV question that cluster DNS never answered a learner's failure", async () => {
    const world = world31();
    world.srv![srvName("cache-peers")] = TIMED_OUT;
    await expect(peersCheck(cluster(solved31(), world))).rejects.toThrow(/cluster DNS did not answer the grader's question SRV _redis\._tcp\.cache-peers\..*timed out/);
  });

  it("does not call a probe that gave no answer a learner's failure: the run is ours to retry", async () => {
    const c = { ...cluster(solved31(), world31()), probeExec: { stdout: "", stderr: "", exitCode: null } };
    await expect(peersCheck(c)).rejects.toThrow(/the grader.s probe answered HTTP 503/);
  });
});
