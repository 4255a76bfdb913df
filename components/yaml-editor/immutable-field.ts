/**
 * Why: a refused change of an immutable field (a Service's clusterIP) is the moment Level 30
 * teaches, and its way out is Recreate. The editor learns of it two ways, from the dry run
 * while the learner types and from a refused Apply; both become one ImmutableFieldError so the
 * page shows one banner with the Recreate button, never the same message three times.
 */
import type { ActionableError, ImmutableFieldError, YamlIssue } from "@/lib/protocol/socket-events";

export function isImmutableFieldError(error: ActionableError): error is ImmutableFieldError {
  if (error.code !== "immutable-field") return false;
  const candidate = error as Partial<ImmutableFieldError>;
  return (
    typeof candidate.field === "string" &&
    typeof candidate.resource === "object" &&
    candidate.resource !== null &&
    typeof candidate.resource.kind === "string" &&
    typeof candidate.resource.name === "string"
  );
}

/** The first dry-run problem that only Recreate can solve, as the error a refused Apply gives. */
export function immutableFromIssues(issues: readonly YamlIssue[]): ImmutableFieldError | null {
  const issue = issues.find((i) => i.recreate !== undefined);
  if (!issue?.recreate) return null;
  return { code: "immutable-field", message: issue.message, resource: issue.recreate.resource, field: issue.recreate.field };
}

/** The problems left to list once the banner explains the immutable one(s). */
export function issuesBesidesRecreate(issues: readonly YamlIssue[]): YamlIssue[] {
  return issues.filter((i) => i.recreate === undefined);
}

export interface ImmutableExplanation {
  title: string;
  /** One or two sentences under the title; `code` spans are marked with backticks. */
  summary: string;
  /** The longer "why", shown on request; `code` spans are marked with backticks. */
  paragraphs: string[];
  confirmText: string;
}

/** Why the apply was refused and what Recreate will do, in a learner's words. */
export function explainImmutableField(error: ImmutableFieldError): ImmutableExplanation {
  const { kind, name } = error.resource;
  const field = error.field;
  const isClusterIp = kind === "Service" && /(^|\.)clusterIPs?$/.test(field);
  const paragraphs = [
    `Some fields of a Kubernetes object can only be set when the object is created. After that the API server refuses any change to them, even a valid one: they are immutable. \`${field}\` of ${kind} \`${name}\` is one of them.`,
  ];
  if (isClusterIp) {
    paragraphs.push(
      "A Service's `clusterIP` is allocated once, when the Service is created. You cannot turn a ClusterIP Service into a headless one (`clusterIP: None`) in place, nor the other way round: the Service keeps its IP for as long as it exists.",
    );
  }
  paragraphs.push(
    `For a moment the ${kind} will not exist: clients looking it up will fail until it is back.`,
  );
  return {
    title: `\`${field}\` can't be changed on an existing ${kind}`,
    summary: `Your YAML is fine: the cluster takes it only as a new ${kind}. Recreate deletes \`${name}\` and creates it from your YAML.`,
    paragraphs,
    confirmText: `This deletes ${kind} ${name} and creates it again from the editor's YAML.`,
  };
}
