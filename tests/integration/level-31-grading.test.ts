// Level 31 graded against the real cluster: the broken state (and the lab's facts it rests on,
// seen from a learner's terminal, and kube-proxy's rules for cache-peers' virtual IP on every
// node), the solution and a second grade, and every declared wrong fix failing at its declared
// check with its declared evidence.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evidencePattern } from "../../lib/levels/level-schema";
import type { CheckResult, GradeFinished } from "../../lib/protocol/socket-events";
import { LevelEnvironments } from "../../server/environments/level-environment";
import { runGrade } from "../../server/grader/run-grade";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import type { KubeAdapter } from "../../server/kubernetes/kube-adapter";
import { loadLevelCatalog, type LoadedLevel } from "../../server/levels/level-catalog";
import { runLevelSteps } from "../../server/level-steps/run-level-steps";
import { kubectl } from "./support/kubectl";

const LEVEL_ID = "clusterip-and-headless";

let kube: KubeAdapter;
let level: LoadedLevel;
let envs: LevelEnvironments;
const namespaces: string[] = [];

/** A fresh broken environment for a new anonymous learner, once the invalidator has looked up its peers. */
async function freshEnvironment(): Promise<string> {
  const status = await envs.start(randomUUID(), LEVEL_ID);
  expect(status.phase, status.message).toBe("ready");
  namespaces.push(status.namespace!);
  const ns = status.namespace!;
  await until("the invalidator to look up its peers", () => /looked up SRV/.test(attempt(() => kubectl(["logs", "-n", ns, "deployment/invalidator", "-c", "fan-out"]))));
  return ns;
}

/** The command's output, or "" while it fails (a pod not created yet). */
function attempt(run: () => string): string {
  try {
    return run();
  } catch {
    return "";
  }
}

/** Polls `check` once a second until it holds; fails after `timeoutMs`. */
async function until(what: string, check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function grade(namespace: string) {
  const streamed: CheckResult[] = [];
  const finished: GradeFinished = await runGrade({ kube, level, namespace, round: "main", onStarted: () => {}, onCheck: (r) => streamed.push(r) });
  const firstFailure = finished.results.find((r) => r.status === "fail" || r.status === "error");
  return { finished, streamed, firstFailure };
}

/** What each cache pod holds under `key`, by pod name (a learner's `kubectl exec … redis-cli GET`). */
async function cacheValues(ns: string, key: string): Promise<string[]> {
  const pods = (await kube.listPods(ns)).filter((p) => p.labels.app === "cache" && !p.deleting);
  return Promise.all(pods.map(async (p) => (await kube.exec(ns, p.name, "redis", ["redis-cli", "--raw", "GET", key])).stdout.trim()));
}

beforeAll(async () => {
  kube = createKubeAdapter();
  const catalog = await loadLevelCatalog();
  level = catalog.get(LEVEL_ID)!;
  envs = new LevelEnvironments({ kube: () => kube, levels: async () => catalog });
});

afterAll(async () => {
  await Promise.all(namespaces.map((ns) => kube.deleteNamespace(ns).catch(() => undefined)));
});

describe("Level 31 against the real cluster", () => {
  it("starts broken: the invalidator finds one peer, a published version lands on one cache pod, and the grade fails at kube-proxy's rules for cache-peers' virtual IP", async () => {
    const ns = await freshEnvironment();
    const log = kubectl(["logs", "-n", ns, "deployment/invalidator", "-c", "fan-out"]);
    expect(log).toMatch(new RegExp(`1 peer\\(s\\) cache-peers\\.${ns}\\.svc\\.cluster\\.local\\.:6379`));

    // As a learner would see it: one version, written once through the virtual IP, lands on one pod.
    const version = `v-${randomUUID().slice(0, 8)}`;
    kubectl(["exec", "-n", ns, "deployment/invalidator", "-c", "inbox", "--", "redis-cli", "SET", "catalog:version", version]);
    await until("the invalidator to write the version", () => attempt(() => kubectl(["logs", "-n", ns, "deployment/invalidator", "-c", "fan-out"])).includes(`catalog version ${version}: written to 1 peer(s)`));
    expect((await cacheValues(ns, "catalog:version")).filter((v) => v === version)).toHaveLength(1);

    const { finished, firstFailure } = await grade(ns);
    expect(finished.results.map((r) => [r.id, r.status])).toEqual([
      ["cache-pods-ready", "pass"],
      ["cache-keeps-virtual-ip", "pass"],
      ["only-cache-has-node-rules", "fail"],
      ["peers-list-every-pod", "skipped"],
      ["versions-reach-every-pod", "skipped"],
    ]);
    const peersIP = (await kube.getService(ns, "cache-peers"))!.clusterIP;
    const cacheIP = (await kube.getService(ns, "cache"))!.clusterIP;
    expect(firstFailure?.reason).toMatch(new RegExp(`^kube-proxy programmed NAT rules for Service cache-peers on node \\S+: every connection to its virtual IP ${peersIP.replace(/\./g, "\\.")} is translated`));
    // Every node, both Services: the evidence names what was found where.
    const evidence = firstFailure!.evidence.join("\n");
    for (const node of kubectl(["get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"]).split(" ")) expect(evidence).toContain(`On node ${node}:`);
    expect(evidence).toMatch(new RegExp(`Service cache \\(virtual IP ${cacheIP.replace(/\./g, "\\.")}\\): \\d+ NAT rules`));
    expect(evidence).toMatch(new RegExp(`Service cache-peers \\(virtual IP ${peersIP.replace(/\./g, "\\.")}\\): \\d+ NAT rules`));
    expect([...firstFailure!.evidence, firstFailure!.reason].join("\n")).toMatch(evidencePattern(level.manifest.brokenState.evidence));
    // The free feedback says what is wrong, not the fix (that is what the paid hints are for).
    expect(firstFailure?.hint).not.toMatch(/clusterIP: None|Recreate|rollout restart/);
  });

  it("passes every check after the solution, and again when re-graded; the pods' SRV targets are named after their IPs, with no hostname in the EndpointSlice", async () => {
    const ns = await freshEnvironment();
    await runLevelSteps(kube, level, ns, level.manifest.solution);
    const { finished, firstFailure } = await grade(ns);
    expect(firstFailure, JSON.stringify(firstFailure, null, 2)).toBeUndefined();
    expect(finished.results.map((r) => r.status)).toEqual(["pass", "pass", "pass", "pass", "pass"]);
    expect(finished.debrief).toContain("headless");

    // kube-proxy translates cache's virtual IP, and has nothing for cache-peers, on every node.
    const onNodes = finished.results.find((r) => r.id === "only-cache-has-node-rules")!.evidence;
    const nodeCount = kubectl(["get", "nodes", "-o", "name"]).split("\n").length;
    expect(onNodes.filter((l) => /^On node /.test(l))).toHaveLength(nodeCount);
    expect(onNodes.filter((l) => l === "  Service cache-peers (headless): no NAT rules")).toHaveLength(nodeCount);
    expect(onNodes.filter((l) => new RegExp(`^  Service cache \\(virtual IP [0-9.]+\\): \\d+ NAT rules, [0-9.]+ → (10\\.[0-9.]+:6379, ){2}10\\.[0-9.]+:6379$`).test(l))).toHaveLength(nodeCount);

    const peers = finished.results.find((r) => r.id === "peers-list-every-pod")!.evidence.join("\n");
    const podIPs = (await kube.listPods(ns)).filter((p) => p.labels.app === "cache" && p.ready).map((p) => p.ip!);
    expect(podIPs).toHaveLength(3);
    for (const ip of podIPs) expect(peers).toContain(`${ip.split(".").join("-")}.cache-peers.${ns}.svc.cluster.local.`);
    const vip = finished.results.find((r) => r.id === "cache-keeps-virtual-ip")!.evidence.join("\n");
    expect(vip).toContain(`Address: ${(await kube.getService(ns, "cache"))!.clusterIP}`);
    expect(vip).toMatch(new RegExp(`IN SRV 0 100 6379 cache\\.${ns}\\.svc\\.cluster\\.local\\.`));
    const slices = await kube.listEndpointSlices(ns, "cache-peers");
    expect(slices.flatMap((s) => s.endpoints).map((e) => e.hostname)).toEqual([undefined, undefined, undefined]);

    const again = await grade(ns);
    expect(again.firstFailure, JSON.stringify(again.firstFailure, null, 2)).toBeUndefined();
  });

  it.each(["both-services-headless", "peers-without-ports", "peers-selector-by-name", "invalidator-not-restarted", "one-cache-pod"])(
    "fails the wrong fix %s at its declared check, with its declared evidence",
    async (id) => {
      const fix = level.manifest.wrongFixes.find((f) => f.id === id)!;
      const ns = await freshEnvironment();
      await runLevelSteps(kube, level, ns, fix.steps);
      const { finished, firstFailure } = await grade(ns);
      expect(finished.outcome).toBe("fail");
      expect(firstFailure?.id).toBe(fix.failsAt);
      expect([...(firstFailure?.evidence ?? []), firstFailure?.reason ?? ""].join("\n")).toMatch(evidencePattern(fix.evidence));
      if (id === "peers-without-ports") {
        // A headless Service without ports still lists its pods; only the SRV records are gone.
        expect(firstFailure?.evidence.join("\n")).toContain("status: NXDOMAIN");
        expect(firstFailure?.reason).not.toMatch(/does not resolve/);
      }
    },
  );
});
