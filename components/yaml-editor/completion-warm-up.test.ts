// Pins the document the completion warm-up asks about: a real object of the level's first kind,
// with the cursor where a learner asks for fields, so the warm-up walks the same path through the
// schema as the learner's first Ctrl+Space. Schemas come from the server's own conversion of the
// OpenAPI fixtures (openapi-schema.ts), not hand-written.
import { readFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
// A Node test, not browser code: the schema it reads is the server's own conversion.
// eslint-disable-next-line no-restricted-imports
import { editorSchemaOf, type OpenApiV3Document } from "@/server/kubernetes/openapi-schema";
import { warmUpDocument } from "./completion-warm-up";

const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(__dirname, "../../server/kubernetes/openapi-fixtures", name), "utf8")) as OpenApiV3Document;
const docs = new Map([
  ["api/v1", fixture("api-v1.excerpt.json")],
  ["apis/apps/v1", fixture("apis-apps-v1.excerpt.json")],
]);

/** The line the cursor is on, and the text before it. */
function lineAt(text: string, lineNumber: number, column: number): { line: string; before: string } {
  const line = text.split("\n")[lineNumber - 1]!;
  return { line, before: line.slice(0, column - 1) };
}

describe("warmUpDocument", () => {
  it("is an object of the schema's first kind with the cursor on an empty line under spec", () => {
    const doc = warmUpDocument(editorSchemaOf(docs, ["Service", "apps/StatefulSet", "apps/Deployment"]))!;
    expect(yaml.load(doc.text)).toMatchObject({ apiVersion: "v1", kind: "Service", metadata: { name: "warm-up" } });
    expect(lineAt(doc.text, doc.lineNumber - 1, 1).line).toBe("spec:");
    expect(lineAt(doc.text, doc.lineNumber, doc.column)).toEqual({ line: "  ", before: "  " });
  });

  it("follows the first kind the level lists, with its group's apiVersion", () => {
    const doc = warmUpDocument(editorSchemaOf(docs, ["apps/StatefulSet", "Service"]))!;
    expect(yaml.load(doc.text)).toMatchObject({ apiVersion: "apps/v1", kind: "StatefulSet" });
    expect(lineAt(doc.text, doc.lineNumber - 1, 1).line).toBe("spec:");
  });

  it("asks at the top level of a kind without a spec", () => {
    const doc = warmUpDocument(editorSchemaOf(docs, ["ConfigMap"]))!;
    expect(yaml.load(doc.text)).toMatchObject({ apiVersion: "v1", kind: "ConfigMap" });
    expect(lineAt(doc.text, doc.lineNumber, doc.column)).toEqual({ line: "", before: "" });
    expect(doc.text.split("\n")).toHaveLength(doc.lineNumber + 1);
  });

  it("is null for a schema that names no kind", () => {
    expect(warmUpDocument({})).toBeNull();
    expect(warmUpDocument({ oneOf: [{ type: "object" }] })).toBeNull();
    expect(warmUpDocument({ oneOf: [{ $ref: "#/definitions/missing" }], definitions: {} })).toBeNull();
    expect(warmUpDocument({ oneOf: [{ $ref: "#/definitions/x" }], definitions: { x: { properties: { kind: { const: "X" } } } } })).toBeNull();
  });
});
