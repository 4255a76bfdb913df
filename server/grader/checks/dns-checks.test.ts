// per-pod-dns and service-dns over recorded nslookup answers (no cluster): what the probe is
// asked, what a learner reads for each answer cluster DNS can give, and that a probe that did
// not answer is our error (thrown), never "does not resolve".
import { beforeAll, describe, expect, it } from "vitest";
import type { LoadedLevel } from "../../levels/level-catalog";
import { perPodDns, serviceDns } from "./dns-checks";
import { level30, recordedContext, runCheck, specOf, type RecordedCluster } from "./test-fixtures/recorded-cluster";
import {
  NS,
  nslookupAnswer,
  nslookupNxdomain,
  nslookupTimeout,
  POD_IPS,
  podDnsName,
  redisPod,
  service,
  serviceDnsName,
  statefulSet,
  solvedNamespace,
  solvedWorld,
  toolboxPod,
  VIRTUAL_IP,
  type ProbeWorld,
} from "./test-fixtures/level-30-recordings";

let level: LoadedLevel;
beforeAll(async () => {
  level = await level30();
});

/** The solved world with some DNS answers replaced. */
function dnsWorld(answers: ProbeWorld["dns"]): ProbeWorld {
  const world = solvedWorld();
  return { ...world, dns: { ...world.dns, ...answers } };
}

/** What a solved namespace shows for pod i. */
const podEvidence = (i: number) => [`$ nslookup ${podDnsName(i)}`, `  Name:\t${podDnsName(i)}`, `  Address: ${POD_IPS[i]}`, `  pod redis-${i} has IP ${POD_IPS[i]}`];

const cutShort = { stdout: "", stderr: "", exitCode: null };
const partial = { stdout: JSON.stringify({ kind: "nslookup", name: `${podDnsName(0)}.`, exitCode: 0, output: nslookupAnswer(podDnsName(0), [POD_IPS[0]]).output }) + "\n", stderr: "", exitCode: 0 };

describe("the shared cluster probe", () => {
  it("asks for every per-pod name and the Service's name as absolute names, and INFO from each pod with an IP, in one probe request", async () => {
    const run = recordedContext(level, { objects: solvedNamespace({ pods: [redisPod(0), redisPod(1, { ip: null, initWaiting: "PodInitializing" }), redisPod(2), toolboxPod()] }), probe: solvedWorld() });
    await runCheck(perPodDns, specOf(level, "per-pod-dns"), run);
    await runCheck(serviceDns, specOf(level, "service-dns"), run);
    expect(run.execs).toEqual([
      [
        "kubequest-probe",
        ...["--nslookup", `${podDnsName(0)}.`, "--nslookup", `${podDnsName(1)}.`, "--nslookup", `${podDnsName(2)}.`, "--nslookup", `${serviceDnsName()}.`],
        ...["--redis-info", POD_IPS[0], "--redis-info", POD_IPS[2]],
      ],
    ]);
  });

  it("names pods under the Service the StatefulSet names, when the check names none", async () => {
    const hl = (i: number) => podDnsName(i, "redis-hl");
    const objects = solvedNamespace({ services: [service("redis-hl")] });
    objects.statefulSets[0]!.spec!.serviceName = "redis-hl";
    const world: ProbeWorld = { dns: { ...Object.fromEntries(POD_IPS.map((ip, i) => [hl(i), nslookupAnswer(hl(i), [ip])])), [serviceDnsName("redis-hl")]: nslookupAnswer(serviceDnsName("redis-hl"), POD_IPS) }, redis: {} };
    const run = recordedContext(level, { objects, probe: world });
    const out = await runCheck(perPodDns, { ...specOf(level, "per-pod-dns"), params: undefined }, run);
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence[0]).toBe(`$ nslookup redis-0.redis-hl.${NS}.svc.cluster.local`);
    expect(run.execs[0]).toContain(`redis-hl.${NS}.svc.cluster.local.`);
  });
});

describe("the names clients use, under another Service than the governing one", () => {
  /** Both-services-headless and move-names-to-redis-headless: the StatefulSet now names redis-headless. */
  const movedTo = (redis: "headless" | "virtual" | "gone") => {
    const objects = solvedNamespace({
      statefulSets: [statefulSet({ serviceName: "redis-headless" })],
      services: [...(redis === "gone" ? [] : [service("redis", { clusterIP: redis === "virtual" ? VIRTUAL_IP : "None" })]), service("redis-headless")],
      endpointSlices: [],
    });
    const hl = (i: number) => podDnsName(i, "redis-headless");
    const world: ProbeWorld = {
      dns: {
        ...Object.fromEntries(POD_IPS.map((ip, i) => [hl(i), nslookupAnswer(hl(i), [ip])])),
        [serviceDnsName("redis-headless")]: nslookupAnswer(serviceDnsName("redis-headless"), POD_IPS),
        ...(redis === "gone" ? {} : { [serviceDnsName()]: nslookupAnswer(serviceDnsName(), redis === "virtual" ? [VIRTUAL_IP] : POD_IPS) }),
      },
      redis: solvedWorld().redis,
    };
    return { objects, probe: world };
  };
  const note = " The StatefulSet gives its pods names under redis-headless (its spec.serviceName), not under redis, the Service this level's clients look up.";

  it("looks up the governing Service's names and those of the Service the checks name", async () => {
    const run = recordedContext(level, movedTo("headless"));
    await runCheck(perPodDns, specOf(level, "per-pod-dns"), run);
    const names = run.execs[0]!.filter((_, i, argv) => argv[i - 1] === "--nslookup");
    expect(names).toEqual([0, 1, 2].map((i) => `${podDnsName(i, "redis-headless")}.`).concat(`${serviceDnsName("redis-headless")}.`, [0, 1, 2].map((i) => `${podDnsName(i)}.`), `${serviceDnsName()}.`));
  });

  it("looks up the governing Service's names alone when no check names a Service", async () => {
    const grader = level.manifest.grader.map((c) => (c.type === "per-pod-dns" || c.type === "service-dns" ? { ...c, params: undefined } : c));
    const variant = { ...level, manifest: { ...level.manifest, grader } } as LoadedLevel;
    const run = recordedContext(variant, movedTo("headless"));
    const out = await runCheck(serviceDns, specOf(variant, "service-dns"), run);
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence[0]).toBe(`$ nslookup ${serviceDnsName("redis-headless")}`);
    expect(run.execs[0]!.filter((_, i, argv) => argv[i - 1] === "--nslookup")).toEqual([0, 1, 2].map((i) => `${podDnsName(i, "redis-headless")}.`).concat(`${serviceDnsName("redis-headless")}.`));
  });

  it("looks up a Service named by either DNS check, each once", async () => {
    const named = { "per-pod-dns": "redis-pods", "service-dns": "redis-svc" } as Record<string, string>;
    const grader = level.manifest.grader.map((c) => (named[c.type] ? { ...c, params: { service: named[c.type] } } : c));
    const variant = { ...level, manifest: { ...level.manifest, grader } } as LoadedLevel;
    const run = recordedContext(variant, { objects: solvedNamespace(), probe: solvedWorld() });
    await runCheck(perPodDns, specOf(variant, "per-pod-dns"), run);
    const services = run.execs[0]!.filter((a) => /^redis(-svc|-pods)?\.kq-[^.]+\.svc\.cluster\.local\.$/.test(a));
    // In the order of the level's checks: service-dns comes before per-pod-dns in Level 30.
    expect(services).toEqual([`${serviceDnsName()}.`, `${serviceDnsName("redis-svc")}.`, `${serviceDnsName("redis-pods")}.`]);
  });

  it("fails per-pod names under the Service clients use when the pods have theirs under another, saying so", async () => {
    const out = await runCheck(perPodDns, specOf(level, "per-pod-dns"), recordedContext(level, movedTo("headless")));
    expect(out.passed).toBe(false);
    expect(out.evidence[0]).toBe(`$ nslookup ${podDnsName(0)}`);
    expect(out.reason).toBe(
      `${podDnsName(0)} does not resolve; ${podDnsName(1)} does not resolve; ${podDnsName(2)} does not resolve. Per-pod names exist only under the headless Service the StatefulSet names, for pods that are Ready.${note}`,
    );
  });

  it("fails the Service clients use when it keeps its virtual IP, saying the pods' names live elsewhere", async () => {
    const out = await runCheck(serviceDns, specOf(level, "service-dns"), recordedContext(level, movedTo("virtual")));
    expect(out.passed).toBe(false);
    expect(out.reason).toBe(`${serviceDnsName()} answers with the virtual IP ${VIRTUAL_IP}: Service redis is not headless.${note}`);
  });

  it("fails the Service clients use when it is gone", async () => {
    const out = await runCheck(serviceDns, specOf(level, "service-dns"), recordedContext(level, movedTo("gone")));
    expect(out.passed).toBe(false);
    expect(out.reason).toBe(`${serviceDnsName()} does not resolve.${note}`);
  });
});

describe("per-pod-dns", () => {
  const check = (cluster: RecordedCluster) => runCheck(perPodDns, specOf(level, "per-pod-dns"), recordedContext(level, cluster));

  it("passes when each pod's name answers with exactly that pod's IP, showing the answers without the server banner", async () => {
    const out = await check({ objects: solvedNamespace(), probe: solvedWorld() });
    expect(out).toEqual({ passed: true, evidence: [...podEvidence(0), ...podEvidence(1), ...podEvidence(2)], progress: [] });
  });

  it("fails the broken start, where no per-pod name exists (NXDOMAIN)", async () => {
    const world = dnsWorld(Object.fromEntries([0, 1, 2].map((i) => [podDnsName(i), nslookupNxdomain(podDnsName(i))])));
    const out = await check({ objects: solvedNamespace(), probe: world });
    expect(out.passed).toBe(false);
    expect(out.evidence.slice(0, 3)).toEqual([`$ nslookup ${podDnsName(0)}`, `  ** server can't find ${podDnsName(0)}: NXDOMAIN`, "  pod redis-0 has IP 10.244.0.21"]);
    expect(out.reason).toBe(
      `${podDnsName(0)} does not resolve; ${podDnsName(1)} does not resolve; ${podDnsName(2)} does not resolve. Per-pod names exist only under the headless Service the StatefulSet names, for pods that are Ready.`,
    );
  });

  it("fails a name that answers with an address the pod no longer has", async () => {
    const out = await check({ objects: solvedNamespace(), probe: dnsWorld({ [podDnsName(0)]: nslookupAnswer(podDnsName(0), ["10.244.0.17"]) }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(new RegExp(`^${podDnsName(0).replace(/\./g, "\\.")} resolves to 10\\.244\\.0\\.17, not to the pod's IP 10\\.244\\.0\\.21\\. Per-pod names`));
  });

  it("fails a name that answers with the pod's IP and another one", async () => {
    const out = await check({ objects: solvedNamespace(), probe: dnsWorld({ [podDnsName(1)]: nslookupAnswer(podDnsName(1), [POD_IPS[1], "10.244.0.40"]) }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/^redis-1\.\S+ resolves to 10\.244\.0\.22, 10\.244\.0\.40, not to the pod's IP 10\.244\.0\.22\. /);
  });

  it("fails a name that still answers for a pod that has no IP", async () => {
    const pods = [redisPod(0), redisPod(1), redisPod(2, { ip: null, initWaiting: "PodInitializing" }), toolboxPod()];
    const out = await check({ objects: solvedNamespace({ pods }), probe: solvedWorld() });
    expect(out.passed).toBe(false);
    expect(out.evidence).toContain("  pod redis-2 has IP (none)");
    expect(out.reason).toMatch(/^redis-2\.\S+ resolves to 10\.244\.0\.23, not to the pod's IP \(none\)\. /);
  });

  it("fails a name that still answers for a pod that is gone (cluster DNS caches answers for 30 s)", async () => {
    const out = await check({ objects: solvedNamespace({ pods: [redisPod(0), redisPod(1), toolboxPod()] }), probe: solvedWorld() });
    expect(out.passed).toBe(false);
    expect(out.evidence.slice(8)).toEqual([`$ nslookup ${podDnsName(2)}`, `  Name:\t${podDnsName(2)}`, "  Address: 10.244.0.23", "  pod redis-2 has IP (none)"]);
    expect(out.reason).toMatch(/^redis-2\.\S+ resolves to 10\.244\.0\.23, not to the pod's IP \(none\)\. /);
  });

  it("reads answers recorded under the name without its trailing dot", async () => {
    const lines = [0, 1, 2].map((i) => JSON.stringify({ kind: "nslookup", name: podDnsName(i), exitCode: 0, output: nslookupAnswer(podDnsName(i), [POD_IPS[i]!]).output }));
    const stdout = [...lines, ...[0, 1, 2, 3].map(() => JSON.stringify({ kind: "redis-info", host: "x", exitCode: 1, output: "" }))].join("\n");
    const out = await check({ objects: solvedNamespace(), probeExec: { stdout, stderr: "", exitCode: 0 } });
    expect(out.passed, out.reason).toBe(true);
  });

  it("fails a name cluster DNS never answered, showing the resolver's words", async () => {
    const out = await check({ objects: solvedNamespace(), probe: dnsWorld({ [podDnsName(2)]: nslookupTimeout }) });
    expect(out.passed).toBe(false);
    expect(out.evidence.slice(8, 12)).toEqual([
      `$ nslookup ${podDnsName(2)}`,
      "  ;; communications error to 10.96.0.10#53: timed out",
      "  ;; communications error to 10.96.0.10#53: timed out",
      "  ;; no servers could be reached",
    ]);
    expect(out.reason).toMatch(/^redis-2\.\S+ does not resolve\. /);
  });

  it("says so when the probe's answers name none of the pods (never seen: a defence)", async () => {
    const other = (i: number) => JSON.stringify({ kind: "nslookup", name: `other-${i}.`, exitCode: 0, output: nslookupAnswer(`other-${i}`, ["10.0.0.1"]).output });
    const stdout = [0, 1, 2, 3, 4, 5, 6].map(other).join("\n");
    const out = await check({ objects: solvedNamespace(), probeExec: { stdout, stderr: "", exitCode: 0 } });
    expect(out.passed).toBe(false);
    expect(out.evidence.slice(0, 3)).toEqual([`$ nslookup ${podDnsName(0)}`, "  (no answer recorded)", "  pod redis-0 has IP 10.244.0.21"]);
    expect(out.reason).toMatch(/^redis-0\.\S+ does not resolve; /);
  });

  it("throws, never fails, when the probe is cut short or answers only part of what it was asked", async () => {
    await expect(check({ objects: solvedNamespace(), probeExec: cutShort })).rejects.toThrow(/the grader's probe answered HTTP 503: error trying to reach service/);
    await expect(check({ objects: solvedNamespace(), probeExec: partial })).rejects.toThrow(/the grader's probe answered 1 of 7 requests/);
  });
});

describe("service-dns", () => {
  const check = (cluster: RecordedCluster) => runCheck(serviceDns, specOf(level, "service-dns"), recordedContext(level, cluster));
  const answerEvidence = (addresses: readonly string[]) => addresses.flatMap((a) => [`  Name:\t${serviceDnsName()}`, `  Address: ${a}`]);

  it("passes when the Service's name answers with exactly the pods' IPs", async () => {
    const out = await check({ objects: solvedNamespace(), probe: solvedWorld() });
    expect(out).toEqual({
      passed: true,
      evidence: [`$ nslookup ${serviceDnsName()}`, ...answerEvidence(POD_IPS), "  the pods' IPs: 10.244.0.21, 10.244.0.22, 10.244.0.23"],
      progress: [],
    });
  });

  it("passes whatever order DNS lists the addresses in", async () => {
    const shuffled = [POD_IPS[2], POD_IPS[0], POD_IPS[1]];
    const out = await check({ objects: solvedNamespace(), probe: dnsWorld({ [serviceDnsName()]: nslookupAnswer(serviceDnsName(), shuffled) }) });
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence.slice(1, 7)).toEqual(answerEvidence(shuffled));
  });

  it("compares sets, whatever the order of the pods' IPs (redis-0 back from the chaos round with a higher one)", async () => {
    const pods = [redisPod(0, { ip: "10.244.0.30" }), redisPod(1), redisPod(2), toolboxPod()];
    const answer = nslookupAnswer(serviceDnsName(), [POD_IPS[1], POD_IPS[2], "10.244.0.30"]);
    const out = await check({ objects: solvedNamespace({ pods }), probe: dnsWorld({ [serviceDnsName()]: answer }) });
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence.at(-1)).toBe("  the pods' IPs: 10.244.0.22, 10.244.0.23, 10.244.0.30");
  });

  it("fails the broken start: one answer, the Service's virtual IP", async () => {
    // Another Service, listed first, must not be taken for the one whose name was looked up.
    const objects = solvedNamespace({ services: [service("cache", { clusterIP: "10.96.0.99" }), service("redis", { clusterIP: VIRTUAL_IP })] });
    const out = await check({ objects, probe: dnsWorld({ [serviceDnsName()]: nslookupAnswer(serviceDnsName(), [VIRTUAL_IP]) }) });
    expect(out.passed).toBe(false);
    expect(out.evidence).toEqual([`$ nslookup ${serviceDnsName()}`, ...answerEvidence([VIRTUAL_IP]), "  the pods' IPs: 10.244.0.21, 10.244.0.22, 10.244.0.23"]);
    expect(out.reason).toBe(`${serviceDnsName()} answers with the virtual IP ${VIRTUAL_IP}: Service redis is not headless.`);
  });

  it("fails one answer that is neither the virtual IP nor the set of pods", async () => {
    const objects = solvedNamespace({ services: [service("redis", { clusterIP: VIRTUAL_IP })] });
    const stale = await check({ objects, probe: dnsWorld({ [serviceDnsName()]: nslookupAnswer(serviceDnsName(), ["10.96.0.77"]) }) });
    expect(stale.reason).toBe(`${serviceDnsName()} answers 10.96.0.77, which is not exactly the set of pod IPs.`);
    const onePod = await check({ objects: solvedNamespace(), probe: dnsWorld({ [serviceDnsName()]: nslookupAnswer(serviceDnsName(), [POD_IPS[0]]) }) });
    expect(onePod.passed).toBe(false);
    expect(onePod.reason).toBe(`${serviceDnsName()} answers 10.244.0.21, which is not exactly the set of pod IPs.`);
  });

  it("fails an answer missing a pod, or with an address that is no pod's", async () => {
    const missing = await check({ objects: solvedNamespace(), probe: dnsWorld({ [serviceDnsName()]: nslookupAnswer(serviceDnsName(), [POD_IPS[0], POD_IPS[1]]) }) });
    expect(missing.passed).toBe(false);
    expect(missing.reason).toBe(`${serviceDnsName()} answers 10.244.0.21, 10.244.0.22, which is not exactly the set of pod IPs.`);
    const extra = await check({ objects: solvedNamespace(), probe: dnsWorld({ [serviceDnsName()]: nslookupAnswer(serviceDnsName(), [...POD_IPS, "10.244.0.9"]) }) });
    expect(extra.passed).toBe(false);
    expect(extra.reason).toBe(`${serviceDnsName()} answers 10.244.0.21, 10.244.0.22, 10.244.0.23, 10.244.0.9, which is not exactly the set of pod IPs.`);
  });

  it("fails a name that does not resolve, and one that answers while no pod has an IP", async () => {
    const gone = await check({ objects: solvedNamespace(), probe: dnsWorld({ [serviceDnsName()]: nslookupNxdomain(serviceDnsName()) }) });
    expect(gone.passed).toBe(false);
    expect(gone.evidence.slice(1)).toEqual([`  ** server can't find ${serviceDnsName()}: NXDOMAIN`, "  the pods' IPs: 10.244.0.21, 10.244.0.22, 10.244.0.23"]);
    expect(gone.reason).toBe(`${serviceDnsName()} does not resolve.`);
    const noPods = await check({ objects: solvedNamespace({ pods: [toolboxPod()] }), probe: solvedWorld() });
    expect(noPods.passed).toBe(false);
    expect(noPods.evidence.at(-1)).toBe("  the pods' IPs: (none)");
    const neither = await check({ objects: solvedNamespace({ pods: [toolboxPod()] }), probe: dnsWorld({ [serviceDnsName()]: nslookupNxdomain(serviceDnsName()) }) });
    expect(neither.passed).toBe(false);
    expect(neither.reason).toBe(`${serviceDnsName()} does not resolve.`);
  });

  it("fails a deleted Service's name, which does not resolve", async () => {
    const out = await check({ objects: solvedNamespace({ services: [] }), probe: dnsWorld({ [serviceDnsName()]: nslookupNxdomain(serviceDnsName()) }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toBe(`${serviceDnsName()} does not resolve.`);
  });

  it("says so when the probe's answers do not include the Service's name (never seen: a defence)", async () => {
    const stdout = [0, 1, 2, 3, 4, 5, 6].map((i) => JSON.stringify({ kind: "nslookup", name: `other-${i}.`, exitCode: 1, output: "" })).join("\n");
    const out = await check({ objects: solvedNamespace(), probeExec: { stdout, stderr: "", exitCode: 0 } });
    expect(out.passed).toBe(false);
    expect(out.evidence.slice(0, 2)).toEqual([`$ nslookup ${serviceDnsName()}`, "  (no answer)"]);
    expect(out.reason).toBe(`${serviceDnsName()} does not resolve.`);
  });

  it("throws, never fails, when the probe is cut short or answers only part of what it was asked", async () => {
    await expect(check({ objects: solvedNamespace(), probeExec: cutShort })).rejects.toThrow(/the grader's probe answered HTTP 503/);
    await expect(check({ objects: solvedNamespace(), probeExec: partial })).rejects.toThrow(/answered 1 of 7 requests/);
  });
});
