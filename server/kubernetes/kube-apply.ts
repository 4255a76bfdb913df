/**
 * Writing a learner's (or a level's) objects: server-side apply exactly as written, dry runs,
 * recreate (validate everything, then delete and create), and deletes that can wait until the
 * object is gone; plus the OpenAPI documents read through the same client. Separate because this
 * is the one place that changes objects in a level's namespace, and what it answers ("created",
 * "configured", "unchanged") is what the learner is told.
 *
 * Node only.
 */
import {
  HttpMethod,
  KubernetesObjectApi,
  PatchStrategy,
  type CoreV1Api,
  type KubernetesObject,
} from "@kubernetes/client-node";
import type { KubeObject } from "../../lib/levels/kube-object";
import { KubeError, type AppliedObject, type KubeAdapter, type ObjectRef } from "./kube-adapter";
import { toKubeError } from "./kube-errors";
import { DELETE_POLL_MS, callKube, orNull, sleep, statusCodeOf } from "./kube-call";

/** Who owns the fields KubeQuest applies (server-side apply's field manager). */
export const FIELD_MANAGER = "kubequest";

/** Fields the API server sets; a manifest copied from `kubectl get -o yaml` carries them and apply would refuse them. */
const SERVER_SET_METADATA = ["resourceVersion", "uid", "creationTimestamp", "generation", "selfLink", "managedFields"] as const;

/**
 * KubernetesObjectApi plus the two calls KubeQuest needs that it does not offer as such.
 *
 * `patch()` serialises the object through client-node's typed models, which silently drops every
 * field the model does not know: a learner's misspelt `clusterIp` would vanish and the apply would
 * "succeed". The apply here sends the object exactly as written (same path, headers and
 * discovery as `patch(..., PatchStrategy.ServerSideApply)`) with `fieldValidation=Strict`, so the
 * API server names the unknown field instead.
 */
export class ObjectClient extends KubernetesObjectApi {
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

/** The KubeAdapter methods this file implements (kube-client.ts forwards them here). */
export const APPLY_METHODS = ["applyClusterScoped", "readOpenApiV3", "apply", "recreate", "deleteObject", "deletePod"] as const;

/** The adapter's writes, over the ObjectClient (and CoreV1Api for pods). */
export class KubeApply implements Pick<KubeAdapter, (typeof APPLY_METHODS)[number]> {
  constructor(
    private readonly objects: ObjectClient,
    private readonly core: CoreV1Api,
  ) {}

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

  async deletePod(namespace: string, name: string): Promise<void> {
    await callKube(`deleting pod ${name}`, () => orNull(this.core.deleteNamespacedPod({ name, namespace })));
  }
}
