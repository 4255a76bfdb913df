/**
 * A level's namespace from birth to deletion: create it (waiting out a previous one still
 * terminating), relabel it only if a guard label still holds (how the warm pool hands a namespace
 * to exactly one learner), list them by label, delete them (optionally waiting until gone).
 * Separate from kube-apply.ts because namespaces are KubeQuest's own bookkeeping, never the
 * learner's YAML.
 *
 * Node only.
 */
import type { CoreV1Api } from "@kubernetes/client-node";
import { KubeError, type KubeAdapter, type ObjectRef } from "./kube-adapter";
import { DELETE_POLL_MS, callKube, orNull, sleep, statusCodeOf } from "./kube-call";
import type { ObjectClient } from "./kube-apply";

/** The KubeAdapter methods this file implements (kube-client.ts forwards them here). */
export const NAMESPACE_METHODS = ["ensureNamespace", "deleteNamespace", "relabelNamespaceIf", "listNamespaces"] as const;

/** The adapter's namespace calls, over CoreV1Api and the ObjectClient. */
export class KubeNamespaces implements Pick<KubeAdapter, (typeof NAMESPACE_METHODS)[number]> {
  constructor(
    private readonly objects: ObjectClient,
    private readonly core: CoreV1Api,
  ) {}

  async ensureNamespace(name: string, labels: Record<string, string>): Promise<void> {
    const ref: ObjectRef = { apiVersion: "v1", kind: "Namespace", name };
    await callKube(`creating namespace ${name}`, async () => {
      const existing = await orNull(this.core.readNamespace({ name }));
      // A namespace being deleted refuses new content; wait until it is gone, then create it afresh.
      if (existing?.metadata?.deletionTimestamp) await this.waitNamespaceGone(name, 120_000);
      await this.objects.serverSideApply(
        { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } },
        { dryRun: false, force: true },
      );
    }, ref);
  }

  private async waitNamespaceGone(name: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await orNull(this.core.readNamespace({ name }))) !== null) {
      if (Date.now() > deadline) {
        throw new KubeError("timeout", `Namespace ${name} is still being deleted after ${Math.round(timeoutMs / 1000)} s.`, {
          action: "Wait a minute and try again; if it stays stuck, check it with kubectl get namespace " + name + " -o yaml.",
        });
      }
      await sleep(DELETE_POLL_MS);
    }
  }

  async deleteNamespace(name: string, opts: { wait?: boolean; timeoutMs?: number } = {}): Promise<void> {
    await callKube(`deleting namespace ${name}`, async () => {
      const deleted = await orNull(this.core.deleteNamespace({ name, propagationPolicy: "Background" }));
      if (deleted === null) return;
      // The namespace is Terminating now, so no controller can add pods back. Its pods are
      // throwaway: removing them without a grace period saves the 30 s a shell that ignores
      // SIGTERM would otherwise hold the deletion for.
      await orNull(this.core.deleteCollectionNamespacedPod({ namespace: name, gracePeriodSeconds: 0 }));
      if (opts.wait) await this.waitNamespaceGone(name, opts.timeoutMs ?? 120_000);
    });
  }

  async relabelNamespaceIf(name: string, guard: { key: string; value: string }, set: Record<string, string>, remove: string[]): Promise<boolean> {
    // JSON Pointer escapes "~" and "/" (label keys have a slash).
    const at = (key: string) => `/metadata/labels/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    const operations = [
      { op: "test", path: at(guard.key), value: guard.value },
      ...remove.map((key) => ({ op: "remove", path: at(key) })),
      ...Object.entries(set).map(([key, value]) => ({ op: "add", path: at(key), value })),
    ];
    return callKube(`relabelling namespace ${name}`, async () => {
      try {
        await this.objects.jsonPatch({ apiVersion: "v1", kind: "Namespace", metadata: { name } }, operations);
        return true;
      } catch (err) {
        // 422: a `test` failed (the guard label changed); 404: the namespace is gone.
        if (statusCodeOf(err) === 422 || statusCodeOf(err) === 404) return false;
        throw err;
      }
    });
  }

  async listNamespaces(labelSelector: string): Promise<{ name: string; labels: Record<string, string>; deleting: boolean }[]> {
    return callKube("listing namespaces", async () => {
      const list = await this.core.listNamespace({ labelSelector });
      return list.items.map((ns) => ({
        name: ns.metadata?.name ?? "",
        labels: { ...(ns.metadata?.labels ?? {}) },
        deleting: Boolean(ns.metadata?.deletionTimestamp) || ns.status?.phase === "Terminating",
      }));
    });
  }
}
