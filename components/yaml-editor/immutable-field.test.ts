import { describe, expect, it } from "vitest";
import { explainImmutableField, isImmutableFieldError } from "./immutable-field";

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

  it("explains clusterIP and names the resource in the confirmation", () => {
    const text = explainImmutableField(error);
    expect(text.paragraphs.join(" ")).toContain("clusterIP: None");
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
