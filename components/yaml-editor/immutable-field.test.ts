// Why: the Recreate banner is built from either a refused Apply or the dry run's problem; both
// must name the same resource and field, and the banner must explain it once (issue 16, item 2).
import { describe, expect, it } from "vitest";
import type { YamlIssue } from "@/lib/protocol/socket-events";
import { explainImmutableField, immutableFromIssues, issuesBesidesRecreate, isImmutableFieldError } from "./immutable-field";

const error = {
  code: "immutable-field" as const,
  message: "spec.clusterIP: field is immutable",
  resource: { kind: "Service", name: "redis" },
  field: "spec.clusterIP",
};

describe("immutable field errors", () => {
  it("recognises only well-formed immutable-field errors", () => {
    expect(isImmutableFieldError(error)).toBe(true);
    expect(isImmutableFieldError({ code: "immutable-field", message: "x" })).toBe(false);
    expect(isImmutableFieldError({ ...error, code: "apply-failed" })).toBe(false);
  });

  it("explains clusterIP and names the resource in the summary and the confirmation", () => {
    const text = explainImmutableField(error);
    expect(text.paragraphs.join(" ")).toContain("clusterIP: None");
    expect(text.summary).toContain("`redis`");
    expect(text.confirmText).toBe("This deletes Service redis and creates it again from the editor's YAML.");
  });

  it("stays generic for other fields", () => {
    const text = explainImmutableField({
      ...error,
      resource: { kind: "StatefulSet", name: "redis" },
      field: "spec.serviceName",
    });
    expect(text.paragraphs.join(" ")).not.toContain("headless");
    expect(text.title).toContain("StatefulSet");
  });
});

describe("the dry run's immutable problem", () => {
  const issues: YamlIssue[] = [
    { severity: "warning", line: 4, message: "metadata.namespace is ignored" },
    { severity: "error", line: 9, message: "Service redis: clusterIP can't be changed in place.", recreate: { resource: { kind: "Service", name: "redis" }, field: "spec.clusterIP" } },
  ];

  it("becomes the same error a refused Apply gives", () => {
    const found = immutableFromIssues(issues);
    expect(found).toEqual({ code: "immutable-field", message: "Service redis: clusterIP can't be changed in place.", resource: { kind: "Service", name: "redis" }, field: "spec.clusterIP" });
    expect(found && isImmutableFieldError(found)).toBe(true);
    expect(immutableFromIssues(issues.slice(0, 1))).toBeNull();
  });

  it("is left out of the problem list, which keeps the others", () => {
    expect(issuesBesidesRecreate(issues)).toEqual(issues.slice(0, 1));
  });
});
