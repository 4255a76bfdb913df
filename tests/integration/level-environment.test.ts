// Level environments beyond the happy path (which socket-server.test.ts walks): the idle
// reaper on the real cluster (scoped: it must never reach a developer's environments), and a dead cluster turning into a "failed" status a learner can act on.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { environmentLabels } from "../../server/environments/environment-naming";
import { LevelEnvironments } from "../../server/environments/level-environment";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { getLevelCatalog } from "../../server/levels/level-catalog";
import { testNamespaceLabels } from "../support/test-run-id";

const LEVEL = "headless-statefulset-dns";

describe("level environments", () => {
  // Made in beforeAll, not while the file is collected: listing tests must not need a cluster.
  let kube: ReturnType<typeof createKubeAdapter>;

  beforeAll(() => {
    kube = createKubeAdapter();
  });

  it("reaps only the expired environments in its own scope, never a developer's", async () => {
    const now = Date.now();
    const id = randomUUID().slice(0, 6);
    // The reaper under test is scoped to a label of its own; every namespace below also carries
    // this run's label, so the suite's global teardown deletes them whatever happens here.
    const scope = { "kubequest.dev/reaper-test": `reap-${id}` };
    const run = testNamespaceLabels();
    const old = `kqtest-reap-old-${id}`;
    const young = `kqtest-reap-new-${id}`;
    // Like the grader's kubequest-system: managed by KubeQuest, but no learner's environment.
    const system = `kqtest-reap-sys-${id}`;
    // Like a developer's real environment left from yesterday: expired, but outside the scope.
    const developers = `kqtest-reap-dev-${id}`;
    await kube.ensureNamespace(system, {
      "app.kubernetes.io/managed-by": "kubequest",
      "kubequest.dev/level": "reaper-test",
      "kubequest.dev/created-at": String(Math.floor((now - 48 * 3600_000) / 1000)),
      ...run,
      ...scope,
    });
    await kube.ensureNamespace(old, { ...environmentLabels(randomUUID(), "reaper-test", now - 25 * 3600_000), ...run, ...scope });
    await kube.ensureNamespace(young, { ...environmentLabels(randomUUID(), "reaper-test", now - 3600_000), ...run, ...scope });
    await kube.ensureNamespace(developers, { ...environmentLabels(randomUUID(), "reaper-test", now - 48 * 3600_000), ...run });
    const environments = new LevelEnvironments({ kube: () => kube, levels: getLevelCatalog, ttlMs: 24 * 3600_000, scopeLabels: scope });
    // Exactly one: the reaper reached nothing else on the shared cluster.
    expect(await environments.reapExpired()).toEqual([old]);
    const left = await kube.listNamespaces(`kubequest.dev/test-run=${run["kubequest.dev/test-run"]},kubequest.dev/level=reaper-test`);
    expect(left.find((n) => n.name === old)?.deleting ?? true).toBe(true);
    expect(left.find((n) => n.name === young)?.deleting).toBe(false);
    expect(left.find((n) => n.name === system)?.deleting).toBe(false);
    expect(left.find((n) => n.name === developers)?.deleting).toBe(false);
  });

  it("turns a cluster that does not answer into a failed status saying how to start it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-deadcluster-"));
    const kubeconfig = path.join(dir, "kubeconfig");
    // Port 1 on loopback: nothing listens there.
    fs.writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: dead, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
users: [{name: nobody, user: {token: x}}]
contexts: [{name: dead, context: {cluster: dead, user: nobody}}]
current-context: dead
`,
    );
    try {
      const dead = createKubeAdapter({ kubeconfigPath: kubeconfig });
      const environments = new LevelEnvironments({ kube: () => dead, levels: getLevelCatalog });
      const session = randomUUID();
      const started = await environments.start(session, LEVEL);
      expect(started).toMatchObject({ levelId: LEVEL, phase: "failed" });
      expect(started.message).toMatch(/did not answer.*npm run cluster:up/);
      expect((await environments.open(session, LEVEL)).phase).toBe("failed");
      await expect(environments.requireReady(session, LEVEL)).rejects.toMatchObject({ error: { code: "environment-not-ready" } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says what to do when no kubeconfig exists at all", () => {
    expect(() => createKubeAdapter({ kubeconfigPath: path.join(os.tmpdir(), "kq-no-such-kubeconfig") })).toThrow(/npm run cluster:up|could not be read/);
  });
});
