/**
 * The YAML editor's three actions on a learner's namespace: validate (parse, KubeQuest's rules,
 * then a server-side dry run), apply (server-side apply) and recreate (delete then create, for
 * immutable fields). The namespace always comes from the server-side session.
 *
 * The editor has the learner's rights, no more: only the kinds the level lists (`editorKinds`),
 * and every cluster call (dry run, apply, delete, create) impersonates the namespace's learner
 * ServiceAccount, so RBAC, quota, Pod Security and KubeQuest's admission policies judge the
 * editor exactly as they judge the learner's own kubectl.
 *
 * Node only.
 */
import { editorKindOf, editorKindRefusal } from "../../lib/levels/editor-kinds";
import type { KubeObject } from "../../lib/levels/kube-object";
import type { ApplyOutcome, ImmutableFieldError, ResourceRef, YamlIssue } from "../../lib/protocol/socket-events";
import { ActionableFailure, failure } from "../errors/actionable-failure";
import { KubeError, type KubeAdapter } from "../kubernetes/kube-adapter";
import { recreateAction } from "../kubernetes/kube-errors";
import { documentStartLine, findFieldLine, parseYamlSafely, type YamlDocument } from "./safe-yaml";

export interface LearnerYamlContext {
  kube: KubeAdapter;
  /** The learner's level namespace (from the session, never from the browser). */
  namespace: string;
  /** Objects KubeQuest put in the namespace (toolbox, ServiceAccount, quota...), which the editor may not touch. */
  platformObjects: KubeObject[];
  /** The level's `editorKinds`: `Kind` or `group/Kind`. */
  editorKinds: readonly string[];
}

/** A learner's object with the document it came from, for line numbers. */
export interface LearnerObject {
  object: KubeObject;
  doc: YamlDocument;
}

/** Kinds that make up the namespace's fences: a learner who changed them could escape them. */
const PLATFORM_KINDS: Record<string, string> = {
  ResourceQuota: "the namespace's quota",
  LimitRange: "the namespace's default resource limits",
  Role: "the permissions of your terminal",
  RoleBinding: "the permissions of your terminal",
};
const RESERVED_LABEL_PREFIX = "kubequest.dev/";
/** Services (and namespaces) are RFC 1035 labels: their names become DNS labels. */
const DNS_LABEL_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Most other objects are RFC 1123 subdomains. */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(obj: { kind: string; metadata: { name: string } }): string {
  return `${obj.kind} ${obj.metadata.name}`;
}

/**
 * Parses the editor's text and applies KubeQuest's rules to each object. Errors mean nothing
 * may be sent to the cluster; warnings are things KubeQuest corrected (they still apply).
 */
export function readLearnerObjects(text: string, ctx: Pick<LearnerYamlContext, "namespace" | "platformObjects" | "editorKinds">): { objects: LearnerObject[]; issues: YamlIssue[] } {
  const parsed = parseYamlSafely(text);
  const issues: YamlIssue[] = [...parsed.issues];
  if (issues.length > 0) return { objects: [], issues };
  if (parsed.documents.length === 0) {
    return { objects: [], issues: [{ severity: "error", message: "The YAML holds no Kubernetes object." }] };
  }
  const protectedNames = new Set(ctx.platformObjects.map((o) => `${o.kind}/${o.metadata.name}`));
  const seen = new Map<string, number>();
  const objects: LearnerObject[] = [];
  const multi = parsed.documents.length > 1;

  for (const doc of parsed.documents) {
    const where = multi ? `Document ${doc.number}: ` : "";
    const lineOf = (field: string): { line?: number } => {
      const line = findFieldLine(text, doc, field) ?? documentStartLine(text, doc);
      return line ? { line } : {};
    };
    const error = (message: string, field?: string): void => {
      issues.push({ severity: "error", message: `${where}${message}`, ...(field ? lineOf(field) : lineOf("")) });
    };
    const v = doc.value;
    if (!isMapping(v)) {
      error("this is not a Kubernetes object; an object is a mapping with apiVersion, kind and metadata.name.");
      continue;
    }
    const before = issues.length;
    if (typeof v.apiVersion !== "string" || v.apiVersion.trim() === "") error("apiVersion is missing (for example apiVersion: v1).", "apiVersion");
    if (typeof v.kind !== "string" || !KIND.test(v.kind)) error("kind is missing or not a Kubernetes kind (for example kind: Service).", "kind");
    const metadata = v.metadata;
    if (!isMapping(metadata)) {
      error("metadata is missing; every object needs metadata.name.", "metadata");
      continue;
    }
    const name = metadata.name;
    if (typeof name !== "string" || name === "") {
      error("metadata.name is missing; every object needs a name.", "metadata");
      continue;
    }
    if (issues.length > before) continue;
    const kind = v.kind as string;
    const label = `${kind} ${name}`;

    if (kind === "Service" ? !DNS_LABEL_1035.test(name) : !DNS_SUBDOMAIN.test(name)) {
      error(
        kind === "Service"
          ? `metadata.name "${name}" is not a valid Service name: lowercase letters, digits and '-', starting with a letter, at most 63 characters.`
          : `metadata.name "${name}" is not a valid name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit.`,
        "metadata.name",
      );
      continue;
    }
    if (PLATFORM_KINDS[kind]) {
      error(`${kind} objects are KubeQuest's: they set ${PLATFORM_KINDS[kind]}, and no level needs you to change them.`, "kind");
      continue;
    }
    if ((kind === "ServiceAccount" && name === "learner") || (kind === "Pod" && name === "toolbox") || protectedNames.has(`${kind}/${name}`)) {
      error(`${label} belongs to KubeQuest's setup of your namespace (your terminal runs there); it can't be changed from the editor.`, "metadata.name");
      continue;
    }
    // After the checks above, so KubeQuest's own objects keep their more specific refusal.
    if (!ctx.editorKinds.includes(editorKindOf(v.apiVersion as string, kind))) {
      const refusal = editorKindRefusal(v.apiVersion as string, kind, ctx.editorKinds);
      error(`${refusal.message} ${refusal.action}`, "kind");
      continue;
    }
    const reserved = reservedLabel(v);
    if (reserved) {
      error(`the label ${reserved.key} is reserved for KubeQuest; remove it.`, `${reserved.path}[${reserved.key}]`);
      continue;
    }
    const key = `${kind}/${name}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      error(`${label} is already defined in document ${earlier}; keep one of them.`, "metadata.name");
      continue;
    }
    seen.set(key, doc.number);

    const object = structuredClone(v) as unknown as KubeObject;
    const given = metadata.namespace;
    if (given !== undefined && given !== ctx.namespace) {
      issues.push({
        severity: "warning",
        message: `${where}metadata.namespace ${JSON.stringify(given)} is ignored: KubeQuest applies everything in your level's namespace (${ctx.namespace}). You can remove that line.`,
        ...lineOf("metadata.namespace"),
      });
    }
    object.metadata.namespace = ctx.namespace;
    objects.push({ object, doc });
  }
  return { objects, issues };
}

/** A `kubequest.dev/` label on the object or on the pods it makes. */
function reservedLabel(v: Record<string, unknown>): { key: string; path: string } | undefined {
  const places: [string, unknown][] = [
    ["metadata.labels", (v.metadata as Record<string, unknown> | undefined)?.labels],
    ["spec.template.metadata.labels", ((v.spec as Record<string, unknown> | undefined)?.template as { metadata?: { labels?: unknown } } | undefined)?.metadata?.labels],
  ];
  for (const [path, labels] of places) {
    if (!isMapping(labels)) continue;
    const key = Object.keys(labels).find((k) => k.startsWith(RESERVED_LABEL_PREFIX));
    if (key) return { key, path };
  }
  return undefined;
}

function refOf(o: LearnerObject): ResourceRef {
  return { kind: o.object.kind, name: o.object.metadata.name };
}

/** The cluster's objection to one object, as editor issues on the lines they are about. */
function issuesFromKubeError(text: string, o: LearnerObject, err: KubeError): YamlIssue[] {
  const start = documentStartLine(text, o.doc);
  const at = (field: string | undefined): { line?: number } => {
    const line = (field ? findFieldLine(text, o.doc, field) : undefined) ?? start;
    return line ? { line } : {};
  };
  if (err.code === "immutable-field") {
    return [
      {
        severity: "error",
        message: `${err.message} ${err.details.action ?? ""}`.trim(),
        ...at(err.details.field),
        recreate: { resource: refOf(o), field: err.details.field ?? "spec" },
      },
    ];
  }
  const causes = err.details.causes ?? [];
  if (err.code === "invalid" && causes.length > 0) {
    return causes.map((c) => ({
      severity: "error" as const,
      message: `${describe(o.object)}: ${c.field ? `${c.field}: ` : ""}${c.message}`,
      ...at(c.field),
    }));
  }
  return [{ severity: "error", message: `${err.message}${err.details.action ? ` ${err.details.action}` : ""}`, ...at(undefined) }];
}

function yamlInvalid(issues: YamlIssue[]): ActionableFailure {
  const errors = issues.filter((i) => i.severity === "error");
  const shown = errors.slice(0, 3).map((i) => (i.line ? `line ${i.line}: ${i.message}` : i.message));
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : "";
  return failure("yaml-invalid", `${shown.join(" ")}${more}`, "Fix the problems marked in the editor, then try again.");
}

/** The protocol's ImmutableFieldError for an apply that would change a fixed field. */
function immutableFieldFailure(o: LearnerObject, err: KubeError): ActionableFailure {
  const error: ImmutableFieldError = {
    code: "immutable-field",
    resource: refOf(o),
    field: err.details.field ?? "spec",
    message: err.message,
    action: err.details.action ?? recreateAction({ apiVersion: o.object.apiVersion, ...refOf(o) }),
  };
  return new ActionableFailure(error);
}

/**
 * The ServiceAccount the learner's terminal runs as: the toolbox pod's, else the platform's only
 * ServiceAccount. Without one the editor refuses to act rather than fall back to the server's rights.
 */
export function learnerServiceAccountOf(platformObjects: KubeObject[]): string {
  const toolbox = platformObjects.find((o) => o.kind === "Pod");
  const fromPod = (toolbox?.spec as { serviceAccountName?: unknown } | undefined)?.serviceAccountName;
  if (typeof fromPod === "string" && fromPod !== "") return fromPod;
  const accounts = platformObjects.filter((o) => o.kind === "ServiceAccount");
  if (accounts.length === 1) return accounts[0]!.metadata.name;
  throw failure("editor-unavailable", "The editor cannot act for you: this installation's platform objects define no learner ServiceAccount.", "Tell the installation's operator: levels/_platform/ must define the learner's ServiceAccount.");
}

/** The cluster as the learner: the only adapter the editor's calls go through. */
function asLearner(ctx: LearnerYamlContext): KubeAdapter {
  return ctx.kube.asServiceAccount(ctx.namespace, learnerServiceAccountOf(ctx.platformObjects));
}

/** Dry-runs every object (each on its own, so one bad object does not hide the others' problems). */
async function dryRun(ctx: LearnerYamlContext, text: string, objects: LearnerObject[]): Promise<{ issues: YamlIssue[]; firstError?: { o: LearnerObject; err: KubeError } }> {
  const kube = asLearner(ctx);
  const results = await Promise.allSettled(objects.map((o) => kube.apply(ctx.namespace, [o.object], { dryRun: true, force: true })));
  const issues: YamlIssue[] = [];
  let firstError: { o: LearnerObject; err: KubeError } | undefined;
  results.forEach((r, i) => {
    if (r.status === "fulfilled") return;
    const o = objects[i]!;
    if (!(r.reason instanceof KubeError)) throw r.reason;
    // Nothing about the learner's YAML can be said while the cluster is down: report that once.
    if (r.reason.code === "cluster-unreachable") throw r.reason;
    firstError ??= { o, err: r.reason };
    issues.push(...issuesFromKubeError(text, o, r.reason));
  });
  return { issues, ...(firstError ? { firstError } : {}) };
}

/** Parse, KubeQuest's rules, then the API server's dry run: every problem with its line. */
export async function validateLearnerYaml(ctx: LearnerYamlContext, text: string): Promise<{ issues: YamlIssue[] }> {
  const { objects, issues } = readLearnerObjects(text, ctx);
  if (issues.some((i) => i.severity === "error")) return { issues };
  const checked = await dryRun(ctx, text, objects);
  return { issues: [...issues, ...checked.issues] };
}

/**
 * Server-side apply of the editor's objects. Every object is dry-run first, so a mistake in the
 * third object does not leave the first two applied and the learner unsure what changed.
 */
export async function applyLearnerYaml(ctx: LearnerYamlContext, text: string): Promise<ApplyOutcome> {
  const { objects, issues } = readLearnerObjects(text, ctx);
  if (issues.some((i) => i.severity === "error")) throw yamlInvalid(issues);
  const checked = await dryRun(ctx, text, objects);
  if (checked.firstError) {
    const { o, err } = checked.firstError;
    if (err.code === "immutable-field") throw immutableFieldFailure(o, err);
    throw yamlInvalid(checked.issues);
  }
  const applied = await asLearner(ctx).apply(
    ctx.namespace,
    objects.map((o) => o.object),
    // The learner owns the namespace: take over fields last set by kubectl edit or scale.
    { force: true },
  );
  return { applied: applied.map((a) => ({ kind: a.kind, name: a.name, action: a.action })) };
}

/** Deletes and creates each object again: the way to change an immutable field. */
export async function recreateLearnerYaml(ctx: LearnerYamlContext, text: string): Promise<ApplyOutcome> {
  const { objects, issues } = readLearnerObjects(text, ctx);
  if (issues.some((i) => i.severity === "error")) throw yamlInvalid(issues);
  const done = await asLearner(ctx).recreate(
    ctx.namespace,
    objects.map((o) => o.object),
  );
  return { applied: done.map((a) => ({ kind: a.kind, name: a.name, action: a.action })) };
}
