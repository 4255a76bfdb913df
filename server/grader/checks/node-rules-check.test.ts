// node-rules over recorded Level 31 namespaces and recorded nat tables (no cluster), through a
// real GradeContext: the rules kube-proxy programmed for each Service on each node against what
// the level wants (`cache` present, `cache-peers` absent), rules of another namespace that do not
// count, kube-proxy catching up with a Service just recreated, and what is ours, not the
// learner's: node rules that cannot be read and kube-proxy that never catches up give the
// grader's error status, never a fail.
import { beforeAll, describe, expect, it } from "vitest";
import type { LoadedLevel } from "../../levels/level-catalog";
import { runGrade } from "../run-grade";
import { planChecks } from "./check-library";
import type { CheckSpecOf } from "./check-types";
import { nodeRules } from "./node-rules-check";
import { level31, recordedContext, runCheck, type RecordedCluster } from "./test-fixtures/recorded-cluster";
import type { NamespaceObjects } from "./test-fixtures/level-30-recordings";
import { broken31, CACHE_VIP, cacheService, NS31, PEERS_VIP, solved31 } from "./test-fixtures/level-31-recordings";
import { cacheRules, cacheSlice, natTable } from "./test-fixtures/node-rules-recordings";

let level: LoadedLevel;
let spec: CheckSpecOf<never>;
beforeAll(async () => {
  level = await level31();
  spec = planChecks(level.manifest.grader).find((c) => c.spec.id === "only-cache-has-node-rules")!.spec as CheckSpecOf<never>;
});

const NODES = ["kubequest-control-plane", "kubequest-worker"];
const withSlices = (objects: NamespaceObjects): NamespaceObjects => ({ ...objects, endpointSlices: [cacheSlice("cache"), cacheSlice("cache-peers")] });
/** The same table on every node. */
const everyNode = (table: string) => Object.fromEntries(NODES.map((n) => [n, table]));
const check = (cluster: RecordedCluster, settleSeconds?: number) => {
  const run = recordedContext(level, { namespace: NS31, ...cluster });
  const params = settleSeconds ? { ...(spec.params as object), settleSeconds } : spec.params;
  return { run, out: runCheck(nodeRules, { ...spec, params } as CheckSpecOf<never>, run) };
};

describe("node-rules: what kube-proxy programmed on each node", () => {
  it("passes with rules for cache's virtual IP on every node and none for cache-peers, listing each node", async () => {
    const { run, out } = check({ objects: withSlices(solved31()), nodeTables: everyNode(natTable([cacheRules("cache", CACHE_VIP)])) });
    const outcome = await out;
    expect(outcome.passed, outcome.reason).toBe(true);
    expect(outcome.evidence).toEqual(
      NODES.flatMap((node) => [
        `On node ${node}:`,
        `  Service cache (virtual IP ${CACHE_VIP}): 11 NAT rules, ${CACHE_VIP} → 10.244.0.31:6379, 10.244.0.32:6379, 10.244.0.33:6379`,
        expect.stringMatching(new RegExp(`^    -A KUBE-SERVICES -d ${CACHE_VIP}/32 -p tcp -m comment --comment "${NS31}/cache:redis cluster IP" -m tcp --dport 6379 -j KUBE-SVC-[A-Z2-7]{16}$`)),
        "  Service cache-peers (headless): no NAT rules",
      ]),
    );
    expect(run.nodeReadings()).toBe(1);
  });

  it("fails the broken start at once: cache-peers' virtual IP is translated on the nodes", async () => {
    const table = natTable([cacheRules("cache", CACHE_VIP), cacheRules("cache-peers", PEERS_VIP)]);
    const { run, out } = check({ objects: withSlices(broken31()), nodeTables: everyNode(table) });
    const outcome = await out;
    expect(outcome.passed).toBe(false);
    expect(outcome.reason).toBe(
      NODES.map((node) => `kube-proxy programmed NAT rules for Service cache-peers on node ${node}: every connection to its virtual IP ${PEERS_VIP} is translated to one of its pods, picked by kube-proxy, so a client of cache-peers reaches one pod per connection.`).join(" "),
    );
    expect(outcome.evidence).toContain(`  Service cache-peers (virtual IP ${PEERS_VIP}): 11 NAT rules, ${PEERS_VIP} → 10.244.0.31:6379, 10.244.0.32:6379, 10.244.0.33:6379`);
    // The rules match the Service as it is: nothing to wait for.
    expect(outcome.progress).toEqual([]);
    expect(run.nodeReadings()).toBe(1);
  });

  it("counts only the learner's namespace: another namespace's cache-peers with a virtual IP changes nothing", async () => {
    const table = natTable([cacheRules("cache", CACHE_VIP), cacheRules("cache-peers", "10.96.9.9", "kq-someone-else-31")]);
    const outcome = await check({ objects: withSlices(solved31()), nodeTables: everyNode(table) }).out;
    expect(outcome.passed, outcome.reason).toBe(true);
    expect(outcome.evidence.join("\n")).not.toContain("kq-someone-else-31");
  });

  it("fails both Services headless (nothing for ordinary clients), and a cache with no ready pod", async () => {
    const headless = await check({
      objects: withSlices(solved31({ services: [cacheService("cache", { clusterIP: "None" }), cacheService("cache-peers")] })),
      nodeTables: everyNode(natTable([])),
    }).out;
    expect(headless.passed).toBe(false);
    expect(headless.reason).toMatch(/^Service cache is headless, so kube-proxy programmed no rules for it on node kubequest-control-plane: there is no virtual IP for ordinary clients/);
    const noEndpoints = await check({ objects: solved31(), nodeTables: everyNode(natTable([])) }).out;
    expect(noEndpoints.reason).toMatch(new RegExp(`^Service cache has no ready endpoints, so kube-proxy programmed no rules for its virtual IP ${CACHE_VIP}`));
  });

  it("waits for kube-proxy to drop the rules of cache-peers' old virtual IP after it was recreated headless", async () => {
    const stale = natTable([cacheRules("cache", CACHE_VIP), cacheRules("cache-peers", PEERS_VIP)]);
    const caughtUp = natTable([cacheRules("cache", CACHE_VIP)]);
    const { run, out } = check({ objects: withSlices(solved31()), nodeTables: (reading) => everyNode(reading < 3 ? stale : caughtUp) }, 30);
    const outcome = await out;
    expect(outcome.passed, outcome.reason).toBe(true);
    expect(outcome.progress[0]).toMatch(new RegExp(`^waiting for kube-proxy: node kubequest-control-plane still has rules for the earlier virtual IP ${PEERS_VIP.replace(/\./g, "\\.")} of Service cache-peers, \\d+ s of 30 s$`));
    expect(run.nodeReadings()).toBe(3);
  });

  it("waits for kube-proxy to write the rules of a Service that just got its pods", async () => {
    const { out } = check({ objects: withSlices(solved31()), nodeTables: (reading) => everyNode(natTable(reading < 2 ? [] : [cacheRules("cache", CACHE_VIP)])) }, 30);
    const outcome = await out;
    expect(outcome.passed, outcome.reason).toBe(true);
    expect(outcome.progress[0]).toMatch(new RegExp(`^waiting for kube-proxy: node kubequest-control-plane has no rules yet for the virtual IP ${CACHE_VIP.replace(/\./g, "\\.")} of Service cache,`));
  });
});

describe("node-rules: what is ours is an error, never a fail", () => {
  it("throws when kube-proxy does not catch up in time", async () => {
    const stale = natTable([cacheRules("cache", CACHE_VIP), cacheRules("cache-peers", PEERS_VIP)]);
    await expect(check({ objects: withSlices(solved31()), nodeTables: everyNode(stale) }, 1).out).rejects.toThrow(
      /^kube-proxy has not caught up within 1 s: node kubequest-control-plane still has rules for the earlier virtual IP [0-9.]+ of Service cache-peers/,
    );
  });

  it.each([
    ["the collector is not installed", {}, /the node rules could not be read: the node-rules-collector DaemonSet is not installed in kubequest-system/],
    ["iptables-save fails on a node", { nodeTables: { stdout: "", stderr: "Permission denied (you must be root)", exitCode: 4 } }, /the node rules could not be read: iptables-save on node kubequest-control-plane exited with 4: Permission denied/],
  ] as const)("throws when %s", async (_case, cluster, message) => {
    await expect(check({ objects: withSlices(solved31()), ...cluster }, 1).out).rejects.toThrow(message);
  });

  it("is graded as an error, not a fail: no verdict on the learner", async () => {
    const run = recordedContext(level, { namespace: NS31, objects: withSlices(solved31()) });
    const onlyNodeRules = { ...level, manifest: { ...level.manifest, grader: level.manifest.grader.filter((c) => c.id === "only-cache-has-node-rules").map((c) => ({ ...c, params: { ...c.params, settleSeconds: 1 } })) } };
    const finished = await runGrade({ kube: run.kube, level: onlyNodeRules, namespace: NS31, round: "main", onStarted: () => undefined, onCheck: () => undefined, maxCheckBudgetMs: 1_500 });
    expect(finished.outcome).toBe("error");
    expect(finished.results[0]).toMatchObject({ id: "only-cache-has-node-rules", status: "error", evidence: [expect.stringMatching(/^KubeQuest could not finish this check: the node rules could not be read: /)] });
  });
});
