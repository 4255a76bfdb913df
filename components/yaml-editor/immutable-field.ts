import type { ActionableError, ImmutableFieldError } from "@/lib/protocol/socket-events";

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

export interface ImmutableExplanation {
  title: string;
  /** Plain sentences; `code` spans are marked with backticks for the component to render. */
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
    `To change it, the ${kind} must be deleted and created again from your YAML. For a moment it will not exist: clients looking it up will fail until it is back.`,
  );
  return {
    title: `\`${field}\` can't be changed on an existing ${kind}`,
    paragraphs,
    confirmText: `This deletes ${kind} ${name} and creates it again from the editor's YAML.`,
  };
}
