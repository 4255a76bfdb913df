// Level environments beyond the happy path (which socket-server.test.ts walks): the idle
// reaper on the real cluster, and a dead cluster turning into a "failed" status a learner can act on.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { environmentLabels } from "../../server/environments/environment-naming";
import { LevelEnvironments } from "../../server/environments/level-environment";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { getLevelCatalog } from "../../server/levels/level-catalog";

const LEVEL = "headless-statefulset-dns";

describe("level environments", () => {
  const kube = createKubeAdapter();
  const created: string[] = [];

  afterAll(async () => {
    for (const ns of created) await kube.deleteNamespace(ns).catch(() => undefined);
  });

  it("reaps environments older than the TTL and leaves younger ones", async () => {
    const now = Date.now();
    const old = `kqtest-reap-old-${randomUUID().slice(0, 6)}`;
    const young = `kqtest-reap-new-${randomUUID().slice(0, 6)}`;
    // Like the grader's kubequest-system: managed by KubeQuest, but no learner's environment.
    const system = `kqtest-reap-sys-${randomUUID().slice(0, 6)}`;
    created.push(old, young, system);
    await kube.ensureNamespace(system, {
      "app.kubernetes.io/managed-by": "kubequest",
      "kubequest.dev/level": "reaper-test",
      "kubequest.dev/created-at": String(Math.floor((now - 48 * 3600_000) / 1000)),
      "kubequest.dev/test": "true",
    });
    await kube.ensureNamespace(old, { ...environmentLabels(randomUUID(), "reaper-test", now - 25 * 3600_000), "kubequest.dev/test": "true" });
    await kube.ensureNamespace(young, { ...environmentLabels(randomUUID(), "reaper-test", now - 3600_000), "kubequest.dev/test": "true" });
    const environments = new LevelEnvironments({ kube: () => kube, levels: getLevelCatalog, ttlMs: 24 * 3600_000 });
    const reaped = await environments.reapExpired();
    expect(reaped).toContain(old);
    expect(reaped).not.toContain(young);
    expect(reaped).not.toContain(system);
    const left = await kube.listNamespaces("kubequest.dev/level=reaper-test");
    expect(left.find((n) => n.name === old)?.deleting ?? true).toBe(true);
    expect(left.find((n) => n.name === young)?.deleting).toBe(false);
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
