/**
 * The KubeAdapter implemented with @kubernetes/client-node: the one module that talks to the
 * Kubernetes API. Everything it returns is one of the small types of kube-adapter.ts, and
 * everything it throws is a KubeError (see kube-errors.ts).
 *
 * Node only.
 */
import {
  CoreV1Api,
  HttpMethod,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from "@kubernetes/client-node";
import type { KubeObject } from "../../lib/levels/kube-object";
import type { ClusterConfig } from "../config/server-config";
import { apiConfiguration, impersonatingConfig, loadKubeConfig, sharedAgentOf, type SharedAgent } from "./kube-config";
import {
  KubeError,
  type AppliedObject,
  type ExecResult,
  type InteractiveExec,
  type KubeAdapter,
  type ObjectRef,
} from "./kube-adapter";
import { toKubeError } from "./kube-errors";
import { DELETE_POLL_MS, callKube, orNull, sleep, statusCodeOf } from "./kube-call";
import { KubeExec } from "./kube-exec";
import { KubeReads } from "./kube-reads";
import { KubeWatch } from "./kube-watch";

/** Who owns the fields KubeQuest applies (server-side apply's field manager). */
export const FIELD_MANAGER = "kubequest";



/** Fields the API server sets; a manifest copied from `kubectl get -o yaml` carries them and apply would refuse them. */
const SERVER_SET_METADATA = ["resourceVersion", "uid", "creationTimestamp", "generation", "selfLink", "managedFields"] as const;

/** Impersonating adapters kept for reuse (each caches API discovery); the oldest is dropped past this. */
const MAX_IMPERSONATING_ADAPTERS = 200;

/**
 * KubernetesObjectApi plus the two calls KubeQuest needs that it does not offer as such.
 *
 * `patch()` serialises the object through client-node's typed models, which silently drops every
 * field the model does not know: a learner's misspelt `clusterIp` would vanish and the apply would
 * "succeed". The apply here sends the object exactly as written (same path, headers and
 * discovery as `patch(..., PatchStrategy.ServerSideApply)`) with `fieldValidation=Strict`, so the
 * API server names the unknown field instead.
 */
class ObjectClient extends KubernetesObjectApi {
  /** The resource of a kind from API discovery (cached per apiVersion); undefined when unknown. */
  async lookup(apiVersion: string, kind: string): Promise<{ namespaced: boolean; plural: string } | undefined> {
    const r = await this.resource(apiVersion, kind);
    return r ? { namespaced: r.namespaced, plural: r.name } : undefined;
  }

  async serverSideApply(obj: KubernetesObject, opts: { dryRun: boolean; force: boolean }): Promise<KubernetesObject> {
    const ctx = this.configuration.baseServer.makeRequestContext(await this.specUriPath(obj, "patch"), HttpMethod.PATCH);
    ctx.setHeaderParam("Accept", "application/json");
    ctx.setHeaderParam("Content-Type", PatchStrategy.ServerSideApply);
    ctx.setQueryParam("fieldManager", FIELD_MANAGER);
    ctx.setQueryParam("fieldValidation", "Strict");
    if (opts.dryRun) ctx.setQueryParam("dryRun", "All");
    if (opts.force) ctx.setQueryParam("force", "true");
    ctx.setBody(JSON.stringify(obj));
    return this.requestPromise(ctx);
  }

  /** A JSON Patch (RFC 6902) of one object: its `test` operations make the change conditional. */
  async jsonPatch(obj: KubernetesObject, operations: object[]): Promise<KubernetesObject> {
    const ctx = this.configuration.baseServer.makeRequestContext(await this.specUriPath(obj, "patch"), HttpMethod.PATCH);
    ctx.setHeaderParam("Accept", "application/json");
    ctx.setHeaderParam("Content-Type", PatchStrategy.JsonPatch);
    ctx.setQueryParam("fieldManager", FIELD_MANAGER);
    ctx.setBody(JSON.stringify(operations));
    return this.requestPromise(ctx);
  }

  /**
   * A dry-run create: runs validation and admission (quota, Pod Security) for the object as if it
   * were new. An object that passes and already exists answers 409 AlreadyExists.
   */
  async dryRunCreate(obj: KubernetesObject): Promise<void> {
    const ctx = this.configuration.baseServer.makeRequestContext(await this.specUriPath(obj, "create"), HttpMethod.POST);
    ctx.setHeaderParam("Accept", "application/json");
    ctx.setHeaderParam("Content-Type", "application/json");
    ctx.setQueryParam("fieldManager", FIELD_MANAGER);
    ctx.setQueryParam("fieldValidation", "Strict");
    ctx.setQueryParam("dryRun", "All");
    ctx.setBody(JSON.stringify(obj));
    await this.requestPromise(ctx);
  }

  /** One of the API server's OpenAPI v3 documents, e.g. `api/v1` or `apis/apps/v1`. */
  async openApiV3(groupVersionPath: string): Promise<unknown> {
    const ctx = this.configuration.baseServer.makeRequestContext(`/openapi/v3/${groupVersionPath}`, HttpMethod.GET);
    ctx.setHeaderParam("Accept", "application/json");
    return this.requestPromise<KubernetesObject>(ctx);
  }
}

function refOf(obj: KubeObject): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name };
}

/** What KubernetesObjectApi needs to address one object. */
function headerOf(namespace: string, ref: ObjectRef): { apiVersion: string; kind: string; metadata: { name: string; namespace: string } } {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace } };
}

/** A copy of the object placed in `namespace`, without the fields the API server owns. */
function prepareForApply(obj: KubeObject, namespace: string): KubeObject {
  const copy = structuredClone(obj);
  const metadata: Record<string, unknown> = { ...copy.metadata, namespace };
  for (const field of SERVER_SET_METADATA) delete metadata[field];
  copy.metadata = metadata as KubeObject["metadata"];
  delete copy.status;
  return copy;
}

/** What an object looks like for "did anything change": without bookkeeping the server updates on every write. */
function comparable(obj: KubernetesObject | null): string {
  if (!obj) return "";
  const { metadata, ...rest } = obj as KubernetesObject & { status?: unknown };
  const meta: Record<string, unknown> = { ...(metadata ?? {}) };
  for (const field of ["resourceVersion", "managedFields", "generation"]) delete meta[field];
  delete (rest as { status?: unknown }).status;
  return JSON.stringify({ ...rest, metadata: meta });
}

// ---------------------------------------------------------------------------------------------
// The adapter

class ClientNodeKubeAdapter implements KubeAdapter {
  private readonly core: CoreV1Api;
  private readonly reads: KubeReads;
  private readonly objects: ObjectClient;
  private readonly execs: KubeExec;
  private readonly watches: KubeWatch;

  private readonly actingAs = new Map<string, ClientNodeKubeAdapter>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly agentOf: SharedAgent = sharedAgentOf(kc),
    /** Set on an adapter that acts as someone else: it makes no further identities. */
    private readonly impersonating?: string,
  ) {
    const config = apiConfiguration(kc, agentOf);
    this.core = new CoreV1Api(config);
    this.reads = new KubeReads(config);
    this.objects = new ObjectClient(config);
    this.execs = new KubeExec(kc);
    this.watches = new KubeWatch(kc);
  }

  asServiceAccount(namespace: string, name: string): KubeAdapter {
    const username = `system:serviceaccount:${namespace}:${name}`;
    if (this.impersonating) {
      if (this.impersonating === username) return this;
      throw new Error(`an adapter acting as ${this.impersonating} cannot act as ${username}`);
    }
    let adapter = this.actingAs.get(username);
    if (adapter) {
      // Most recently used last, so the map's first key is the one to drop.
      this.actingAs.delete(username);
    } else {
      adapter = new ClientNodeKubeAdapter(impersonatingConfig(this.kc, username), this.agentOf, username);
      if (this.actingAs.size >= MAX_IMPERSONATING_ADAPTERS) this.actingAs.delete(this.actingAs.keys().next().value!);
    }
    this.actingAs.set(username, adapter);
    return adapter;
  }

  async applyClusterScoped(objects: KubeObject[]): Promise<AppliedObject[]> {
    const results: AppliedObject[] = [];
    for (const obj of objects) {
      const ref = refOf(obj);
      const copy = structuredClone(obj);
      delete copy.metadata.namespace;
      const before = await callKube("reading the current object", () => orNull(this.objects.read<KubernetesObject>({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name } })), ref);
      const after = await callKube("applying", () => this.objects.serverSideApply(copy as KubernetesObject, { dryRun: false, force: true }), ref);
      const action: AppliedObject["action"] = !before ? "created" : before.metadata?.resourceVersion === after.metadata?.resourceVersion ? "unchanged" : "configured";
      results.push({ ...ref, action });
    }
    return results;
  }

  async readOpenApiV3(groupVersionPath: string): Promise<unknown> {
    // Only group-version paths: the path is ours (editorKinds), but it is never a free URL.
    if (!/^(?:api\/v1|apis\/[a-z0-9.-]+\/v[0-9a-z]+)$/.test(groupVersionPath)) throw new Error(`not an OpenAPI v3 group-version path: ${groupVersionPath}`);
    return callKube(`reading the API server's OpenAPI document ${groupVersionPath}`, () => this.objects.openApiV3(groupVersionPath));
  }

  ping(): Promise<{ version: string }> {
    return this.reads.ping();
  }

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

  /** The discovery check every object passes before it is sent: known kind, namespaced. */
  private async checkKind(obj: KubeObject): Promise<void> {
    const ref = refOf(obj);
    let found: { namespaced: boolean } | undefined;
    try {
      found = await this.objects.lookup(obj.apiVersion, obj.kind);
    } catch (err) {
      // Discovery of an unknown group/version answers 404.
      if (statusCodeOf(err) !== 404) throw toKubeError(err, { operation: "looking up the kind", resource: ref });
    }
    if (!found) {
      throw new KubeError("invalid", `The cluster has no kind ${obj.kind} in apiVersion ${obj.apiVersion}.`, {
        resource: ref,
        field: "apiVersion",
        causes: [{ field: "apiVersion", message: `no kind ${obj.kind} in ${obj.apiVersion}` }],
        action: "Check apiVersion and kind (for example a StatefulSet is apps/v1, a Service is v1).",
      });
    }
    if (!found.namespaced) {
      throw new KubeError("cluster-scoped", `${obj.kind} ${obj.metadata.name} is cluster-scoped: KubeQuest only applies objects inside your level's namespace.`, {
        resource: ref,
        action: `Remove the ${obj.kind} from your YAML; levels only need namespaced objects such as Services, StatefulSets and Pods.`,
      });
    }
  }

  async apply(namespace: string, objects: KubeObject[], opts: { dryRun?: boolean; force?: boolean } = {}): Promise<AppliedObject[]> {
    const dryRun = opts.dryRun ?? false;
    const force = opts.force ?? false;
    const prepared = objects.map((o) => prepareForApply(o, namespace));
    // Discovery and the "before" reads are independent: do them together, then apply in order.
    await Promise.all(prepared.map((o) => this.checkKind(o)));
    const before = await Promise.all(
      prepared.map((o) =>
        callKube("reading the current object", () => orNull(this.objects.read<KubernetesObject>(headerOf(namespace, refOf(o)))), refOf(o)),
      ),
    );
    const results: AppliedObject[] = [];
    for (const [i, obj] of prepared.entries()) {
      const ref = refOf(obj);
      const previous = before[i] ?? null;
      const after = await callKube(dryRun ? "validating" : "applying", () => this.objects.serverSideApply(obj as KubernetesObject, { dryRun, force }), ref);
      let action: AppliedObject["action"];
      if (!previous) action = "created";
      else if (dryRun) action = comparable(previous) === comparable(after) ? "unchanged" : "configured";
      else action = previous.metadata?.resourceVersion === after.metadata?.resourceVersion ? "unchanged" : "configured";
      results.push({ ...ref, action });
    }
    return results;
  }

  async recreate(namespace: string, objects: KubeObject[]): Promise<AppliedObject[]> {
    const prepared = objects.map((o) => prepareForApply(o, namespace));
    await Promise.all(prepared.map((o) => this.checkKind(o)));
    // Validate every object as if new before deleting anything, so a typo cannot leave the
    // learner with a deleted Service and nothing in its place.
    await Promise.all(
      prepared.map(async (o) => {
        try {
          await this.objects.dryRunCreate(o as KubernetesObject);
        } catch (err) {
          if (statusCodeOf(err) === 409) return; // valid, and exists: about to be deleted
          throw toKubeError(err, { operation: "validating", resource: refOf(o) });
        }
      }),
    );
    const results: AppliedObject[] = [];
    for (const obj of prepared) {
      const ref = refOf(obj);
      if (await this.deleteObject(namespace, ref, { wait: true })) results.push({ ...ref, action: "deleted" });
      await callKube("creating", () => this.objects.serverSideApply(obj as KubernetesObject, { dryRun: false, force: true }), ref);
      results.push({ ...ref, action: "created" });
    }
    return results;
  }

  async deleteObject(namespace: string, ref: ObjectRef, opts: { wait?: boolean } = {}): Promise<boolean> {
    const spec = headerOf(namespace, ref);
    return callKube(`deleting ${ref.kind} ${ref.name}`, async () => {
      const current = await orNull(this.objects.read<KubernetesObject>(spec));
      if (!current) return false;
      const deleted = await orNull(this.objects.delete(spec, undefined, undefined, undefined, undefined, "Background"));
      if (deleted === null) return false;
      if (opts.wait) {
        const uid = current.metadata?.uid;
        const deadline = Date.now() + 60_000;
        for (;;) {
          const now = await orNull(this.objects.read<KubernetesObject>(spec));
          if (!now || now.metadata?.uid !== uid) break;
          if (Date.now() > deadline) {
            throw new KubeError("timeout", `${ref.kind} ${ref.name} is still being deleted after 60 s.`, {
              resource: ref,
              action: "Something holds it (a finalizer?): check kubectl get " + ref.kind.toLowerCase() + " " + ref.name + " -o yaml.",
            });
          }
          await sleep(DELETE_POLL_MS);
        }
      }
      return true;
    }, ref);
  }

  getService(...args: Parameters<KubeAdapter["getService"]>) {
    return this.reads.getService(...args);
  }

  listServices(...args: Parameters<KubeAdapter["listServices"]>) {
    return this.reads.listServices(...args);
  }

  getStatefulSet(...args: Parameters<KubeAdapter["getStatefulSet"]>) {
    return this.reads.getStatefulSet(...args);
  }

  listStatefulSets(...args: Parameters<KubeAdapter["listStatefulSets"]>) {
    return this.reads.listStatefulSets(...args);
  }

  listPods(...args: Parameters<KubeAdapter["listPods"]>) {
    return this.reads.listPods(...args);
  }

  getPod(...args: Parameters<KubeAdapter["getPod"]>) {
    return this.reads.getPod(...args);
  }

  listEndpointSlices(...args: Parameters<KubeAdapter["listEndpointSlices"]>) {
    return this.reads.listEndpointSlices(...args);
  }

  listDeployments(...args: Parameters<KubeAdapter["listDeployments"]>) {
    return this.reads.listDeployments(...args);
  }

  async deletePod(namespace: string, name: string): Promise<void> {
    await callKube(`deleting pod ${name}`, () => orNull(this.core.deleteNamespacedPod({ name, namespace })));
  }

  exec(...args: Parameters<KubeAdapter["exec"]>): Promise<ExecResult> {
    return this.execs.exec(...args);
  }

  execInteractive(...args: Parameters<KubeAdapter["execInteractive"]>): Promise<InteractiveExec> {
    return this.execs.execInteractive(...args);
  }

  watch(...args: Parameters<KubeAdapter["watch"]>): () => void {
    return this.watches.watch(...args);
  }
}

/** An adapter for the configured cluster. Throws KubeError("cluster-unreachable") when there is none. */
export function createKubeAdapter(opts: { kubeconfigPath?: string; cluster?: ClusterConfig } = {}): KubeAdapter {
  return new ClientNodeKubeAdapter(loadKubeConfig(opts));
}

let cachedAdapter: KubeAdapter | undefined;

/**
 * The process-wide adapter, created on first use. A failure is not cached, so a cluster started
 * after the server (npm run cluster:up) is picked up by the next call.
 */
export function getKubeAdapter(cluster?: ClusterConfig): KubeAdapter {
  cachedAdapter ??= createKubeAdapter(cluster ? { cluster } : {});
  return cachedAdapter;
}
