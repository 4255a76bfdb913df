// redis-fan-out over recorded Level 31 namespaces (no cluster): the grader drops a fresh value
// into the invalidator's inbox and waits for it on each cache pod, in one probe run of its own;
// a pod that never gets it is named with what it still holds. No inbox to write to is the
// learner's state (a fail); a probe run that did not finish is ours (thrown).
import { beforeAll, describe, expect, it } from "vitest";
import type { LoadedLevel } from "../../levels/level-catalog";
import { redisFanOut } from "./fan-out-checks";
import { level31, recordedContext, runCheck, specOf, type RecordedCluster } from "./test-fixtures/recorded-cluster";
import type { NamespaceObjects, ProbeWorld } from "./test-fixtures/level-30-recordings";
import { CACHE_IPS, cachePod, cachePodName, INBOX_IP, invalidatorPod, NS31, solved31, webPod, world31 } from "./test-fixtures/level-31-recordings";

let level: LoadedLevel;
beforeAll(async () => {
  level = await level31();
});

const cluster = (objects: NamespaceObjects, probe: ProbeWorld): RecordedCluster => ({ objects, probe, namespace: NS31 });
async function check(c: RecordedCluster) {
  const run = recordedContext(level, c);
  return { ...(await runCheck(redisFanOut, specOf(level, "redis-fan-out"), run)), execs: run.execs, timeouts: run.execTimeouts };
}

describe("redis-fan-out", () => {
  it("writes a fresh value into the inbox and waits for it on every cache pod, in one run of its own", async () => {
    const first = await check(cluster(solved31(), world31()));
    const second = await check(cluster(solved31(), world31()));
    expect(first.passed, first.reason).toBe(true);
    const argv = first.execs[0]!;
    const token = argv[4]!;
    expect(token).toMatch(/^kq-[0-9a-f]{8}$/);
    expect(second.execs[0]![4]).not.toBe(token);
    expect(argv).toEqual([
      "kubequest-probe",
      ...["--redis-write", INBOX_IP, "catalog:version", token],
      ...CACHE_IPS.flatMap((ip) => ["--redis-wait-key", ip, "catalog:version", token, "4000"]),
    ]);
    expect(first.execs).toHaveLength(1);
    expect(first.timeouts[0]).toBeGreaterThan(4000);
    expect(first.evidence).toEqual([
      `$ redis-cli -h invalidator-7f6b9d8c5-q4w2e SET catalog:version ${token}   (the inbox, ${INBOX_IP})`,
      "  OK",
      ...CACHE_IPS.flatMap((ip, i) => [`$ redis-cli -h ${cachePodName(i)} GET catalog:version   (${ip}, waiting up to 4000 ms)`, `  ${token}`]),
    ]);
  });

  it("names the pods the value never reached and what they still hold", async () => {
    const out = await check(cluster(solved31(), world31({ reached: [1], stale: "v7" })));
    expect(out.passed).toBe(false);
    expect(out.reason).toBe(
      `Within 4 s only 1 of the 3 cache pods received the new catalog:version (${cachePodName(1)}); ${cachePodName(0)} and ${cachePodName(2)} still hold v7. What the inbox of invalidator receives must be written to each pod, not to one of them.`,
    );
    expect(out.evidence).toContain("  v7");
  });

  it("says so when no pod received it, and shows an empty answer as such", async () => {
    const out = await check(cluster(solved31(), world31({ reached: [], stale: "" })));
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/^Within 4 s none of the 3 cache pods received the new catalog:version; .* still hold nothing \(no such key\)\./);
    expect(out.evidence).toContain("  (nothing: no such key)");
  });

  it("fails without writing anything when the invalidator has no ready pod", async () => {
    const out = await check(cluster(solved31({ pods: [cachePod(0), cachePod(1), cachePod(2), invalidatorPod(false), webPod()] }), world31()));
    expect(out.passed).toBe(false);
    expect(out.reason).toBe("Deployment invalidator has no ready pod with an IP: nothing receives a new catalog:version to pass on.");
    expect(out.execs).toEqual([]);
  });

  it("fails when the inbox refuses the write, quoting it", async () => {
    const world = world31();
    delete world.redis[INBOX_IP];
    const out = await check(cluster(solved31(), world));
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/^Writing catalog:version into the inbox of invalidator \(invalidator-7f6b9d8c5-q4w2e\) failed: Could not connect to Redis at 10\.244\.0\.40:6379: Connection refused/);
  });

  it("throws, never fails, when the probe run did not finish", async () => {
    await expect(check({ ...cluster(solved31(), world31()), probeExec: { stdout: "", stderr: "", exitCode: null } })).rejects.toThrow(/the grader.s probe answered HTTP 503/);
  });
});
