// replication-topology and replication-data over recorded redis-cli answers (no cluster): the
// solved namespace passes; each way replication goes wrong (a learner's mistake, a pod that is
// down, a server on port 6379 that only pretends to be Redis) fails with the words a learner
// reads; a probe that did not answer is our error (thrown), never a fail.
// replication-topology.test.ts holds the cases about *which* primary a replica's link reaches.
import { beforeAll, describe, expect, it } from "vitest";
import type { LoadedLevel } from "../../levels/level-catalog";
import { replicationData, replicationTopology } from "./redis-checks";
import { level30, recordedContext, runCheck, specOf, type RecordedCluster } from "./test-fixtures/recorded-cluster";
import {
  connectionRefused,
  NS,
  POD_IPS,
  podDnsName,
  primaryInfo,
  READONLY_REPLY,
  redisPod,
  replicaInfo,
  solvedNamespace,
  solvedWorld,
  toolboxPod,
  type ProbeWorld,
  type RedisServer,
} from "./test-fixtures/level-30-recordings";

let level: LoadedLevel;
beforeAll(async () => {
  level = await level30();
});

const [IP0, IP1, IP2] = POD_IPS;
const cutShort = { stdout: "", stderr: "", exitCode: null };

/** The solved world with the Redis servers at some addresses replaced (undefined: nothing listens). */
function redisWorld(servers: Record<string, Partial<RedisServer> | undefined>): ProbeWorld {
  const world = solvedWorld();
  const redis = { ...world.redis };
  for (const [ip, server] of Object.entries(servers)) {
    if (server) redis[ip] = { ...redis[ip]!, ...server };
    else delete redis[ip];
  }
  return { ...world, redis };
}

const infoLines = (info: string) => info.split("\n").filter((l) => /^(role|connected_slaves|slave\d+|master_host|master_port|master_link_status):/.test(l)).map((l) => `  ${l}`);

describe("replication-topology", () => {
  const check = (cluster: RecordedCluster) => runCheck(replicationTopology, specOf(level, "redis-replication-topology"), recordedContext(level, cluster));
  const replicaFollowing = (host: string, link: "up" | "down" = "up") => ({ info: replicaInfo(host, link) });

  it("passes a primary with both replicas following it by name, showing only the fields that matter", async () => {
    const out = await check({ objects: solvedNamespace(), probe: solvedWorld() });
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence).toEqual([
      "$ redis-cli -h redis-0 INFO replication",
      "  role:master",
      "  connected_slaves:2",
      `  slave0:ip=${podDnsName(1)},port=6379,state=online,offset=1652,lag=0`,
      `  slave1:ip=${podDnsName(2)},port=6379,state=online,offset=1652,lag=0`,
      "$ redis-cli -h redis-1 INFO replication",
      "  role:slave",
      `  master_host:${podDnsName(0)}`,
      "  master_port:6379",
      "  master_link_status:up",
      "  connected_slaves:0",
      `  redis-0 at its current IP ${IP0} lists redis-1 as an online replica (${podDnsName(1)})`,
      "$ redis-cli -h redis-2 INFO replication",
      ...infoLines(replicaInfo(podDnsName(0))),
      `  redis-0 at its current IP ${IP0} lists redis-2 as an online replica (${podDnsName(2)})`,
    ]);
    expect(out.reason).toBeUndefined();
  });

  it("accepts every spelling of redis-0's per-pod name a replica can resolve", async () => {
    // DNS names are case-insensitive: REDIS-0.REDIS resolves to redis-0 like any other spelling.
    for (const host of ["redis-0.redis", `redis-0.redis.${NS}`, `redis-0.redis.${NS}.svc`, `${podDnsName(0)}.`, podDnsName(0).toUpperCase(), "Redis-0.Redis"]) {
      const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP1]: replicaFollowing(host), [IP2]: replicaFollowing(host) }) });
      expect(out.passed, `${host}: ${out.reason}`).toBe(true);
    }
  });

  it("accepts a replica the primary lists by IP (one that announces no name)", async () => {
    const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP0]: { info: primaryInfo([IP1, podDnsName(2)]) } }) });
    expect(out.passed, out.reason).toBe(true);
    expect(out.evidence).toContain(`  redis-0 at its current IP ${IP0} lists redis-1 as an online replica (${IP1})`);
  });

  it("fails replicas that follow redis-0 by its IP address, saying whether it is today's", async () => {
    const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP1]: replicaFollowing(IP0), [IP2]: replicaFollowing("10.244.0.17") }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toBe(
      `redis-1 follows the IP address ${IP0} (redis-0's IP today). Pod IPs change whenever redis-0 is rescheduled, and this replica would then lose its primary for good; follow ${podDnsName(0)} instead; ` +
        `redis-2 follows the IP address 10.244.0.17. Pod IPs change whenever redis-0 is rescheduled, and this replica would then lose its primary for good; follow ${podDnsName(0)} instead.`,
    );
  });

  it("fails replicas following another name than redis-0's per-pod name", async () => {
    const names = ["redis-0", `redis.${NS}.svc.cluster.local`, `redis-0.redis.kq-0000000000-30.svc.cluster.local`, `redis-0.redis-hl.${NS}.svc.cluster.local`, podDnsName(1)];
    for (const host of names) {
      const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP2]: replicaFollowing(host) }) });
      expect(out.passed, host).toBe(false);
      expect(out.reason).toBe(`redis-2 follows ${host}, which is not redis-0's per-pod DNS name ${podDnsName(0)}.`);
    }
  });

  it("fails a replica whose link to the primary is down, or whose link status it does not say", async () => {
    const down = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP1]: replicaFollowing(podDnsName(0), "down") }) });
    expect(down.passed).toBe(false);
    expect(down.evidence).toContain("  master_link_status:down");
    expect(down.reason).toBe("redis-1's link to the primary is down.");
    // Anything can listen on 6379: a "replica" that names the right primary and nothing else.
    const mute = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP1]: { info: `role:slave\nmaster_host:${podDnsName(0)}` } }) });
    expect(mute.reason).toBe("redis-1's link to the primary is unknown.");
  });

  it("fails a replica that names no primary at all", async () => {
    const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP2]: { info: "# Replication\nrole:slave\nmaster_link_status:down" } }) });
    expect(out.reason).toBe(`redis-2 follows (nothing), which is not redis-0's per-pod DNS name ${podDnsName(0)}.`);
  });

  it("fails when redis-0 is not the primary, and replicas that run as primaries", async () => {
    const out = await check({
      objects: solvedNamespace(),
      probe: redisWorld({ [IP0]: { info: replicaInfo(podDnsName(1)) }, [IP1]: { info: primaryInfo([]) }, [IP2]: { info: primaryInfo([]) } }),
    });
    expect(out.passed).toBe(false);
    expect(out.reason).toBe("redis-0 is not the primary (role:slave); redis-1 is not a replica (role:master); redis-2 is not a replica (role:master).");
  });

  it("fails a primary with fewer replicas than the level runs", async () => {
    const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP0]: { info: primaryInfo([podDnsName(1)]) } }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/^redis-0 has 1 connected replicas, expected 2; redis-2 reports its link to \S+ as up, but redis-0 at its current IP 10\.244\.0\.21 does not list redis-2/);
  });

  it("fails a primary that lists more replicas than the level runs", async () => {
    const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP0]: { info: primaryInfo([podDnsName(1), podDnsName(2), "10.244.0.50"]) } }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toBe("redis-0 has 3 connected replicas, expected 2.");
  });

  it("fails a server on redis-0's port that says it is a primary but counts no replicas", async () => {
    const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP0]: { info: "role:master" } }) });
    expect(out.passed).toBe(false);
    expect(out.evidence.slice(0, 2)).toEqual(["$ redis-cli -h redis-0 INFO replication", "  role:master"]);
    expect(out.reason).toMatch(/^redis-0 has 0 connected replicas, expected 2; /);
  });

  it("fails when nothing answers at redis-0, showing redis-cli's own words", async () => {
    const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP0]: undefined }) });
    expect(out.passed).toBe(false);
    expect(out.evidence.slice(0, 2)).toEqual(["$ redis-cli -h redis-0 INFO replication", `  ${connectionRefused(IP0)}`]);
    expect(out.reason).toMatch(/^redis-0 is not the primary \(role:\?\); redis-1 reports its link to \S+ as up, but redis-0 at its current IP 10\.244\.0\.21 does not list redis-1 among its replicas/);
  });

  it("fails a workload pod that was never created, or has no IP to ask", async () => {
    const pods = [redisPod(0), redisPod(1, { ip: null, initWaiting: "PodInitializing" }), toolboxPod()];
    const out = await check({ objects: solvedNamespace({ pods }), probe: solvedWorld() });
    expect(out.passed).toBe(false);
    expect(out.evidence).toContain("redis-1: no INFO replication answer");
    expect(out.evidence).toContain("redis-2: no INFO replication answer");
    expect(out.reason).toBe("redis-1 is not a replica (role:?); redis-2 is not a replica (role:?).");
    const noPrimary = await check({ objects: solvedNamespace({ pods: [redisPod(1), redisPod(2)] }), probe: solvedWorld() });
    expect(noPrimary.reason).toMatch(/^redis-0 is not the primary \(role:\?\); redis-1 reports its link to \S+ as up, but redis-0 at its current IP \(none\) does not list redis-1/);
  });

  it("fails replicas following an IP while redis-0 is gone", async () => {
    const out = await check({ objects: solvedNamespace({ pods: [redisPod(1), redisPod(2)] }), probe: redisWorld({ [IP1]: replicaFollowing(IP0), [IP2]: replicaFollowing(IP0) }) });
    expect(out.passed).toBe(false);
    expect(out.reason).toMatch(/^redis-0 is not the primary \(role:\?\); redis-1 follows the IP address 10\.244\.0\.21\. Pod IPs change/);
  });

  it("shows an empty or blank answer as such", async () => {
    for (const info of ["", "  "]) {
      const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP2]: { info } }) });
      expect(out.evidence.slice(-2)).toEqual(["$ redis-cli -h redis-2 INFO replication", "  (no output)"]);
      expect(out.reason).toBe("redis-2 is not a replica (role:?).");
    }
  });

  it("throws, never fails, when the probe is cut short", async () => {
    await expect(check({ objects: solvedNamespace(), probeExec: cutShort })).rejects.toThrow(/the grader's probe answered HTTP 503/);
  });
});

describe("replication-data", () => {
  const spec = () => specOf(level, "redis-replication-data");
  async function check(cluster: RecordedCluster) {
    const run = recordedContext(level, cluster);
    const out = await runCheck(replicationData, spec(), run);
    return { ...out, execs: run.execs, execTimeouts: run.execTimeouts };
  }
  /** The key and value the check wrote, read back from the probe's argv. */
  const written = (argv: string[] | undefined) => ({ key: argv?.[3] ?? "", value: argv?.[4] ?? "" });

  it("writes a fresh key to redis-0, waits for it on each replica, and expects each replica to refuse a write", async () => {
    const out = await check({ objects: solvedNamespace(), probe: solvedWorld() });
    expect(out.passed, out.reason).toBe(true);
    const { key, value } = written(out.execs[0]);
    expect(key).toMatch(/^kubequest:grade:[0-9a-f]{8}$/);
    expect(value).toMatch(/^[0-9a-f]{16}$/);
    expect(out.execs).toEqual([
      [
        "kubequest-probe",
        ...["--redis-write", IP0, key, value],
        ...["--redis-wait-key", IP1, key, value, "5000", "--redis-wait-key", IP2, key, value, "5000"],
        ...["--redis-write-expect-readonly", IP1, `${key}:replica-write`, "--redis-write-expect-readonly", IP2, `${key}:replica-write`],
      ],
    ]);
    // The exec may take the level's wait and a margin for the probe's own start.
    expect(out.execTimeouts).toEqual([20_000]);
    expect(out.evidence).toEqual([
      `$ redis-cli -h redis-0 SET ${key} ${value}`,
      "  OK",
      `$ redis-cli -h redis-1 GET ${key}   (waiting up to 5000 ms)`,
      `  ${value}`,
      `$ redis-cli -h redis-1 SET ${key}:replica-write x`,
      `  ${READONLY_REPLY}`,
      `$ redis-cli -h redis-2 GET ${key}   (waiting up to 5000 ms)`,
      `  ${value}`,
      `$ redis-cli -h redis-2 SET ${key}:replica-write x`,
      `  ${READONLY_REPLY}`,
    ]);
  });

  it("writes a different key on every grade", async () => {
    const a = written((await check({ objects: solvedNamespace(), probe: solvedWorld() })).execs[0]);
    const b = written((await check({ objects: solvedNamespace(), probe: solvedWorld() })).execs[0]);
    expect(a.key).not.toBe(b.key);
    expect(a.value).not.toBe(b.value);
  });

  it("fails a replica the key never reaches", async () => {
    const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP2]: { receivesWrites: false } }) });
    expect(out.passed).toBe(false);
    expect(out.evidence[7]).toBe("  (no answer)");
    expect(out.reason).toBe("redis-2 did not receive the key within 5000 ms.");
  });

  it("fails a replica that accepts writes: it is a primary of its own", async () => {
    const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP1]: { setReply: "OK", receivesWrites: false } }) });
    expect(out.passed).toBe(false);
    const { key } = written(out.execs[0]);
    expect(out.evidence.slice(2, 6)).toEqual([`$ redis-cli -h redis-1 GET ${key}   (waiting up to 5000 ms)`, "  (no answer)", `$ redis-cli -h redis-1 SET ${key}:replica-write x`, "  OK"]);
    expect(out.reason).toBe("redis-1 did not receive the key within 5000 ms; redis-1 accepted a write: it is not a read-only replica.");
  });

  it("fails when redis-0 refuses the write (it is a replica itself)", async () => {
    const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP0]: { setReply: READONLY_REPLY } }) });
    expect(out.passed).toBe(false);
    expect(out.evidence[1]).toBe(`  ${READONLY_REPLY}`);
    expect(out.reason).toBe("writing to redis-0 failed.");
  });

  it("fails every step when nothing answers, showing redis-cli's words", async () => {
    const out = await check({ objects: solvedNamespace(), probe: redisWorld({ [IP0]: undefined, [IP1]: undefined, [IP2]: undefined }) });
    expect(out.passed).toBe(false);
    expect(out.evidence[1]).toBe(`  ${connectionRefused(IP0)}`);
    expect(out.evidence[3]).toBe(`  ${connectionRefused(IP1)}`);
    expect(out.reason).toBe(
      "writing to redis-0 failed; redis-1 did not receive the key within 5000 ms; redis-1 accepted a write: it is not a read-only replica; redis-2 did not receive the key within 5000 ms; redis-2 accepted a write: it is not a read-only replica.",
    );
  });

  it("says so when the probe's answers are about other hosts (never seen: a defence)", async () => {
    const other = (kind: string) => JSON.stringify({ kind, host: "10.0.0.1", exitCode: 0, output: "" });
    const stdout = ["redis-write", "redis-wait-key", "redis-wait-key", "redis-write-expect-readonly", "redis-write-expect-readonly"].map(other).join("\n");
    const out = await check({ objects: solvedNamespace(), probeExec: { stdout, stderr: "", exitCode: 0 } });
    expect(out.passed).toBe(false);
    expect(out.evidence.filter((l) => l === "  (no answer)")).toHaveLength(5);
    expect(out.reason).toBe(
      "writing to redis-0 failed; redis-1 did not receive the key within 5000 ms; redis-1 accepted a write: it is not a read-only replica; redis-2 did not receive the key within 5000 ms; redis-2 accepted a write: it is not a read-only replica.",
    );
  });

  it("shows blank answers as no answer (a server on 6379 that only pretends to be Redis)", async () => {
    const blank = (kind: string, host: string) => JSON.stringify({ kind, host, exitCode: 0, output: "  " });
    const stdout = [blank("redis-write", IP0), blank("redis-wait-key", IP1), blank("redis-wait-key", IP2), blank("redis-write-expect-readonly", IP1), blank("redis-write-expect-readonly", IP2)].join("\n");
    const out = await check({ objects: solvedNamespace(), probeExec: { stdout, stderr: "", exitCode: 0 } });
    expect(out.passed).toBe(false);
    expect(out.evidence.filter((_, i) => i % 2 === 1)).toEqual(Array(5).fill("  (no answer)"));
  });

  it("fails without probing while a Redis pod has no IP", async () => {
    for (const pods of [
      [redisPod(0, { ip: null, initWaiting: "PodInitializing" }), redisPod(1), redisPod(2)],
      [redisPod(0), redisPod(1), redisPod(2, { ip: null, initWaiting: "PodInitializing" })],
      [redisPod(1), redisPod(2)],
      [redisPod(0), redisPod(1)],
    ]) {
      const out = await check({ objects: solvedNamespace({ pods }), probe: solvedWorld() });
      expect(out).toMatchObject({ passed: false, evidence: ["Some Redis pods have no IP yet"], reason: "Every Redis pod must be running first.", execs: [] });
    }
  });

  it("throws, never fails, when the probe is cut short", async () => {
    await expect(check({ objects: solvedNamespace(), probeExec: cutShort })).rejects.toThrow(/the grader's probe answered HTTP 503/);
  });
});
