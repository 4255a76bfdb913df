/**
 * Turns the API server's own OpenAPI v3 documents (`/openapi/v3/api/v1`,
 * `/openapi/v3/apis/apps/v1`, …) into the one JSON Schema the YAML editor's language service
 * (monaco-yaml) reads for completion, hover documentation and validation markers. Coming from
 * the cluster, it always matches the server's version and needs no network beyond it.
 *
 * Only the kinds a level's `editorKinds` allows are present: each is an alternative of a
 * top-level `oneOf` whose `apiVersion` and `kind` are consts, so in a multi-document file each
 * document is checked against the kind it names. `$ref`s are resolved into `definitions`, so the
 * schema is self-contained. Pure logic: fetching and caching live in editor-schemas.ts.
 */
/** What KubeQuest adds to the API's description of Service.spec.clusterIP (issue 15). */
export const CLUSTER_IP_NOTE =
  "KubeQuest: clusterIP is immutable once the Service exists. Changing it (for example to None, to make the Service headless) needs Recreate: the Service is deleted and created again.";

/** Notes appended to a definition's property descriptions: definition → property → note. */
const EDITOR_NOTES: Record<string, Record<string, string>> = {
  "io.k8s.api.core.v1.ServiceSpec": { clusterIP: CLUSTER_IP_NOTE },
};

type Json = Record<string, unknown>;

export interface OpenApiV3Document {
  openapi?: string;
  info?: { version?: string };
  components?: { schemas?: Record<string, Json> };
}

const COMPONENT_REF = "#/components/schemas/";
const DEFINITION_REF = "#/definitions/";

/** editorKinds are written `Kind` (core) or `group/Kind`; every editor kind is served at v1. */
function parseEditorKind(editorKind: string): { group: string; kind: string; apiVersion: string; path: string } {
  const slash = editorKind.lastIndexOf("/");
  const group = slash === -1 ? "" : editorKind.slice(0, slash);
  const kind = editorKind.slice(slash + 1);
  const apiVersion = group ? `${group}/v1` : "v1";
  return { group, kind, apiVersion, path: group ? `apis/${group}/v1` : "api/v1" };
}

/** The `/openapi/v3/<path>` documents that describe these kinds, once each, in first-seen order. */
export function groupVersionPathsOf(editorKinds: readonly string[]): string[] {
  return [...new Set(editorKinds.map((k) => parseEditorKind(k).path))];
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A copy of one OpenAPI schema node as JSON Schema (draft-07): refs point into `definitions`,
 * Kubernetes' int-or-string and quantity accept numbers, and an object that lists its fields
 * refuses others (so a misspelt field is underlined), unless the API keeps unknown fields.
 */
function convertNode(node: unknown, onRef: (name: string) => void): unknown {
  if (Array.isArray(node)) return node.map((n) => convertNode(n, onRef));
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string" && value.startsWith(COMPONENT_REF)) {
      const name = value.slice(COMPONENT_REF.length);
      onRef(name);
      out.$ref = DEFINITION_REF + name;
    } else if (key === "properties" && isObject(value)) {
      // Field names are not schema keywords: convert each field's schema, not the map itself.
      out.properties = Object.fromEntries(Object.entries(value).map(([field, s]) => [field, convertNode(s, onRef)]));
    } else {
      out[key] = convertNode(value, onRef);
    }
  }
  if (out.format === "int-or-string" || out["x-kubernetes-int-or-string"] === true) {
    out.type = ["integer", "string"];
    delete out.format;
  }
  if (isObject(out.properties) && out.additionalProperties === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** Definitions whose node is replaced outright (the API describes them as plain strings). */
const SPECIAL_DEFINITIONS: Record<string, (def: Json) => Json> = {
  // `cpu: 1` and `memory: 1Gi` are both quantities.
  "io.k8s.apimachinery.pkg.api.resource.Quantity": (def) => ({ ...def, type: ["string", "number"] }),
};

function groupVersionKindsOf(def: Json): { group: string; version: string; kind: string }[] {
  const gvks = def["x-kubernetes-group-version-kind"];
  return Array.isArray(gvks) ? gvks.filter(isObject).map((g) => ({ group: String(g.group ?? ""), version: String(g.version ?? ""), kind: String(g.kind ?? "") })) : [];
}

/**
 * The editor's JSON Schema for `editorKinds`, from the cluster's OpenAPI v3 documents keyed by
 * their path (`api/v1`, `apis/apps/v1`). Throws naming the kind when a document does not
 * describe it: a half schema would underline correct YAML.
 */
export function editorSchemaOf(documents: ReadonlyMap<string, OpenApiV3Document>, editorKinds: readonly string[]): Json {
  const definitions: Record<string, Json> = {};
  const alternatives: Json[] = [];
  for (const editorKind of editorKinds) {
    const { group, kind, apiVersion, path } = parseEditorKind(editorKind);
    const doc = documents.get(path);
    if (!doc) throw new Error(`The cluster's OpenAPI document ${path} is missing, so the editor cannot describe ${editorKind}.`);
    const schemas = doc.components?.schemas ?? {};
    const rootName = Object.keys(schemas).find((name) =>
      groupVersionKindsOf(schemas[name]!).some((g) => g.group === group && g.version === "v1" && g.kind === kind),
    );
    if (!rootName) throw new Error(`The cluster's OpenAPI document ${path} describes no kind ${kind} in ${apiVersion}.`);

    // Copy the kind and everything it reaches, each definition once (all in this document).
    const pending = [rootName];
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (definitions[name]) continue;
      const source = schemas[name];
      if (!source) throw new Error(`The cluster's OpenAPI document ${path} refers to ${name} but does not define it.`);
      let def = convertNode(source, (ref) => {
        if (!definitions[ref]) pending.push(ref);
      }) as Json;
      def = SPECIAL_DEFINITIONS[name]?.(def) ?? def;
      const notes = EDITOR_NOTES[name];
      if (notes && isObject(def.properties)) {
        for (const [field, note] of Object.entries(notes)) {
          const prop = def.properties[field];
          if (isObject(prop)) prop.description = prop.description ? `${String(prop.description)}\n\n${note}` : note;
        }
      }
      definitions[name] = def;
    }

    // apiVersion and kind pick this alternative; they are required, as the API server wants.
    const root = definitions[rootName]!;
    const properties = isObject(root.properties) ? root.properties : (root.properties = {});
    const described = (field: string) => (isObject(properties[field]) ? properties[field] : {});
    properties.apiVersion = { ...described("apiVersion"), type: "string", const: apiVersion, enum: [apiVersion] };
    properties.kind = { ...described("kind"), type: "string", const: kind, enum: [kind] };
    const required = Array.isArray(root.required) ? (root.required as string[]) : [];
    root.required = [...new Set(["apiVersion", "kind", ...required])];
    alternatives.push({ $ref: DEFINITION_REF + rootName });
  }
  const serverVersion = [...documents.values()][0]?.info?.version;
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "Kubernetes objects this level's editor applies",
    description: `${editorKinds.join(", ")}${serverVersion ? `, as the cluster's API server (${serverVersion}) describes them` : ""}.`,
    oneOf: alternatives,
    definitions,
  };
}
