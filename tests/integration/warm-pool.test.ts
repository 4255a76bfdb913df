// The warm pool on the real cluster: a start takes a pre-built environment, which is
// indistinguishable from a freshly built one (same objects, same grader verdict, a namespace
// named like any other, labelled as the learner's); two learners racing for the last pooled
// environment never share it; an environment built from older level files is never handed out;
// a refill waits while a learner's own environment is being built (the learner comes first); a
// pool set per level builds only the levels it names, and one lowered gives back the rest at once.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, GradeFinished } from "../../lib/protocol/socket-events";
import { LABELS, learnerHash } from "../../server/environments/environment-naming";
import { Leases } from "../../server/coordination/coordination";
import { MemoryLeaseTable } from "../../server/coordination/memory-coordination";
import { LevelEnvironments, environmentLease } from "../../server/environments/level-environment";
import { POOL_LABELS, type WarmPool } from "../../server/environments/warm-pool";
import { runGrade } from "../../server/grader/run-grade";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import type { KubeAdapter } from "../../server/kubernetes/kube-adapter";
import { getLevelCatalog, type LevelCatalog } from "../../server/levels/level-catalog";
import { testNamespaceLabels, testRunSelector } from "../support/test-run-id";
import { startTestServer } from "./support/test-server";
import { readServerConfig, type ServerConfig, type WarmPoolSizes } from "../../server/config/server-config";
import type { HeldLease } from "../../server/coordination/coordination";
import { GRADE_LEASE_INFO, gradeLease } from "../../server/grader/grade-service";

const LEVEL = "headless-statefulset-dns";
/** One pooled environment of this level, none of the others (as KUBEQUEST_WARM_POOL="30=1"). */
const ONE_OF_LEVEL_30 = { each: 0, levels: { "30": 1 } };

describe("warm pool", () => {
  let kube: KubeAdapter;
  let catalog: LevelCatalog;
  /** This file's own pool scope (plus the run's label, so the suite's teardown removes all). */
  let scope: Record<string, string>;
  let pooled: LevelEnvironments;
  let cold: LevelEnvironments;

  beforeAll(async () => {
    kube = createKubeAdapter();
    catalog = await getLevelCatalog();
    scope = { ...testNamespaceLabels(), "kubequest.dev/pool-test": `pool-${randomUUID().slice(0, 6)}` };
    pooled = new LevelEnvironments({ kube: () => kube, levels: async () => catalog, scopeLabels: scope, warmPoolSize: ONE_OF_LEVEL_30 });
    cold = new LevelEnvironments({ kube: () => kube, levels: async () => catalog, scopeLabels: scope, warmPoolSize: 0 });
  });

  afterAll(async () => {
    await pooled?.pool.drain();
  });

  const poolNamespaces = async (extra = "", level = LEVEL) =>
    (await kube.listNamespaces(`${POOL_LABELS.pool}=${level},kubequest.dev/pool-test=${scope["kubequest.dev/pool-test"]}${extra}`)).filter((n) => !n.deleting);

  /**
   * While `held` is held, a refill of `pool` builds nothing: no pool namespace in `pooledNow()`
   * for 3 s (long enough for one to appear had it not waited: it makes one in ~0.2 s) and the
   * refill still running; once released, the refill builds, and `pooledNow()` has one.
   */
  async function expectRefillWaitsFor(held: HeldLease, pool: WarmPool, pooledNow: () => Promise<unknown[]>, why: string): Promise<void> {
    let refilled = false;
    const refill = pool.refill().then(() => (refilled = true));
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await pooledNow(), `no pool namespace while ${why}`).toEqual([]);
    expect(refilled).toBe(false);
    await held.release();
    await refill;
    expect(await pooledNow()).toHaveLength(1);
  }

  /** This run's server configuration with `warmPool` as its pool setting. */
  function configWithPool(warmPool: WarmPoolSizes): ServerConfig {
    const base = readServerConfig();
    return { ...base, environments: { ...base.environments, warmPool } };
  }

  async function objectsOf(namespace: string): Promise<string[]> {
    const snapshot = await kube.getStatefulSet(namespace, "redis");
    const services = (await kube.listServices(namespace)).map((s) => `Service ${s.name} ${s.type} clusterIP=${s.clusterIP === "None" ? "None" : "virtual"}`);
    const pods = (await kube.listPods(namespace)).map((p) => `Pod ${p.name}`);
    return [`StatefulSet ${snapshot?.name} serviceName=${snapshot?.serviceName}`, ...services, ...pods].sort();
  }

  /**
   * Waits until the broken state has settled: the StatefulSet controller made redis-1 (only
   * once redis-0 is ready; it then waits forever in its init container). A pooled environment
   * is older than a fresh one, so they are compared in that same settled shape, not mid-start.
   */
  async function settled(namespace: string): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const pods = (await kube.listPods(namespace)).map((p) => p.name);
      if (pods.includes("redis-0") && pods.includes("redis-1")) return;
      if (Date.now() > deadline) throw new Error(`${namespace}: redis-1 never appeared (pods: ${pods.join(", ")})`);
      // Polling pace of a wait for a positive state.
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async function grade(namespace: string): Promise<CheckResult | undefined> {
    const finished: GradeFinished = await runGrade({
      kube,
      level: catalog.get(LEVEL)!,
      namespace,
      round: "main",
      onStarted: () => undefined,
      onCheck: () => undefined,
    });
    expect(finished.outcome).toBe("fail");
    return finished.results.find((r) => r.status === "fail");
  }

  it("hands a learner a pre-built environment that is indistinguishable from a fresh one", async () => {
    await pooled.pool.refill();
    const [ready] = await poolNamespaces(`,${POOL_LABELS.ready}=true`);
    expect(ready, "the refill built one ready environment").toBeDefined();

    const learner = randomUUID();
    const status = await pooled.start(learner, LEVEL);
    expect(status).toMatchObject({ phase: "ready", namespace: ready!.name });
    // Named and labelled like any learner's: kq-<10 hex>-<level number>, their session, no pool marks.
    expect(status.namespace).toMatch(/^kq-[0-9a-f]{10}-30$/);
    const [mine] = await kube.listNamespaces(`${LABELS.session}=${learnerHash(learner)},${LABELS.level}=${LEVEL}`);
    expect(mine?.name).toBe(ready!.name);
    expect(Object.keys(mine!.labels).filter((k) => (Object.values(POOL_LABELS) as string[]).includes(k))).toEqual([]);
    expect(Number(mine!.labels[LABELS.createdAt]) * 1000).toBeGreaterThan(Date.now() - 60_000);
    // Every other path finds it under its own name: the terminal, the editor, the grader, a reset.
    expect(await pooled.namespaceOf(learner, LEVEL)).toBe(ready!.name);
    expect((await pooled.requireReady(learner, LEVEL)).namespace).toBe(ready!.name);

    // A fresh environment of another learner, built the ordinary way.
    const other = randomUUID();
    const fresh = await cold.start(other, LEVEL);
    expect(fresh.phase).toBe("ready");
    expect(fresh.namespace).not.toBe(ready!.name);
    await Promise.all([settled(ready!.name), settled(fresh.namespace!)]);
    expect(await objectsOf(ready!.name)).toEqual(await objectsOf(fresh.namespace!));
    // The grader cannot tell them apart either: both fail where the broken state fails, saying the same.
    const [a, b] = [await grade(ready!.name), await grade(fresh.namespace!)];
    expect(a?.id).toBe("service-headless");
    expect(a?.reason?.replace(/\d+\.\d+\.\d+\.\d+/g, "IP")).toBe(b?.reason?.replace(/\d+\.\d+\.\d+\.\d+/g, "IP"));

    // A reset rebuilds it under the name it had.
    const reset = await pooled.reset(learner, LEVEL);
    expect(reset).toMatchObject({ phase: "ready", namespace: ready!.name });
    await cold.abandon(other, LEVEL);
    await pooled.abandon(learner, LEVEL);
  });

  it("gives the last pooled environment to exactly one of two learners starting together", async () => {
    await pooled.pool.refill();
    const ready = await poolNamespaces(`,${POOL_LABELS.ready}=true`);
    expect(ready).toHaveLength(1);
    // Two servers' worth of claims at once (each LevelEnvironments is what one instance runs).
    // Not the leader: its claim starts no refill of its own that could outlive this test.
    const second = new LevelEnvironments({ kube: () => kube, levels: async () => catalog, scopeLabels: scope, warmPoolSize: ONE_OF_LEVEL_30, mayRefillPool: () => false });
    const [x, y] = [randomUUID(), randomUUID()];
    const [sx, sy] = await Promise.all([pooled.start(x, LEVEL), second.start(y, LEVEL)]);
    expect([sx.phase, sy.phase]).toEqual(["ready", "ready"]);
    expect(sx.namespace).not.toBe(sy.namespace);
    expect([sx.namespace, sy.namespace].filter((n) => n === ready[0]!.name)).toHaveLength(1);
    await pooled.abandon(x, LEVEL);
    await second.abandon(y, LEVEL);
  });

  it("never hands out an environment built from older level files, and replaces it", async () => {
    await pooled.pool.refill();
    const [ready] = await poolNamespaces(`,${POOL_LABELS.ready}=true`);
    expect(ready).toBeDefined();
    // As if the level's files changed since it was built.
    expect(await kube.relabelNamespaceIf(ready!.name, { key: POOL_LABELS.pool, value: LEVEL }, { [POOL_LABELS.build]: "0000000000000000" }, [])).toBe(true);
    const learner = randomUUID();
    const status = await pooled.start(learner, LEVEL);
    expect(status.phase).toBe("ready");
    expect(status.namespace).not.toBe(ready!.name);
    await pooled.pool.refill();
    const after = await kube.listNamespaces(`${POOL_LABELS.pool}=${LEVEL},kubequest.dev/pool-test=${scope["kubequest.dev/pool-test"]}`);
    expect(after.find((n) => n.name === ready!.name)?.deleting ?? true).toBe(true);
    await pooled.abandon(learner, LEVEL);
  });

  it("builds nothing for the pool while a learner's environment is being built, then refills", async () => {
    // One lease table for the "instance" that starts learners and the pool that refills: a start
    // in progress there is what a refill must see (with PostgreSQL, on any instance).
    const leases = new Leases(new MemoryLeaseTable(), { instanceId: "pool-test", leaseMs: 15_000, pollMs: 50 });
    const polite = new LevelEnvironments({ kube: () => kube, levels: async () => catalog, scopeLabels: scope, warmPoolSize: ONE_OF_LEVEL_30, leases });
    await polite.pool.drain();
    // As a learner's cold start holds it for as long as their environment is being built.
    const learnerBuild = await leases.tryAcquire(environmentLease(randomUUID(), LEVEL), "provisioning");
    expect(learnerBuild).not.toBeNull();
    await expectRefillWaitsFor(learnerBuild!, polite.pool, () => poolNamespaces(`,${POOL_LABELS.ready}=true`), "the learner's build runs");
  });

  it("pools only the levels its setting names, and gives back what is beyond a lowered setting at once", async () => {
    await pooled.pool.refill();
    const others = catalog.list().filter((l) => l.manifest.id !== LEVEL);
    expect(others.length).toBeGreaterThan(0);
    expect(await poolNamespaces(`,${POOL_LABELS.ready}=true`)).toHaveLength(1);
    for (const other of others) expect(await poolNamespaces("", other.manifest.id), `no pool for level ${other.manifest.number}`).toEqual([]);
    // The operator turns the pool off (or names another level): the next refill retires it,
    // without waiting for it to age out (it would idle on the node until then).
    const lowered = new LevelEnvironments({ kube: () => kube, levels: async () => catalog, scopeLabels: scope, warmPoolSize: { each: 0, levels: { "31": 0 } } });
    await lowered.pool.refill();
    expect(await poolNamespaces()).toEqual([]);
  });

  it("on a server, lets a learner's grading run go first (the chaos round waits for their pod)", async () => {
    const server = await startTestServer({ name: "kq-pool-grade-", config: configWithPool(ONE_OF_LEVEL_30) });
    const { environments, coordination } = server.kq.services;
    // The server's pool is the run's (its scope is the run's label), without this file's own.
    const serverPool = async () =>
      (await kube.listNamespaces(`${POOL_LABELS.pool}=${LEVEL},${testRunSelector(process.env.KUBEQUEST_TEST_RUN!)}`)).filter(
        (n) => !n.deleting && !("kubequest.dev/pool-test" in n.labels),
      );
    try {
      await environments.pool.refill();
      expect(await serverPool()).toHaveLength(1);
      // A grading run in progress, as GradeService holds it (on any instance, with PostgreSQL).
      const grading = await coordination.leases.tryAcquire(gradeLease(`kq-${randomUUID().slice(0, 10)}-30`), GRADE_LEASE_INFO);
      expect(grading).not.toBeNull();
      await environments.pool.drain();
      await expectRefillWaitsFor(grading!, environments.pool, serverPool, "the grading run goes on");
    } finally {
      // Closed first: its leader's refill must not build again after the drain.
      await server.close();
      await environments.pool.drain().catch(() => undefined);
    }
  });

  it("refuses to start a server whose pool setting names a level no level has", async () => {
    const started = await startTestServer({ name: "kq-pool-typo-", config: configWithPool({ each: 0, levels: { "29": 2 } }) }).catch((err: Error) => err);
    if (!(started instanceof Error)) await started.close();
    expect(started).toBeInstanceOf(Error);
    expect((started as Error).message).toMatch(/KUBEQUEST_WARM_POOL names "29", which no level has; the levels are 30 \(headless-statefulset-dns\), 31/);
  });
});
