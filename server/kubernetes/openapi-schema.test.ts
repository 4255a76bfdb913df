// Pins the OpenAPI v3 → JSON Schema conversion that feeds the editor's completion, hover and
// validation. The fixtures in openapi-fixtures/ are small excerpts in the apiserver's
// /openapi/v3/<group-version> format (written from the documented format: the shared cluster
// was busy when they were made; see the report of wip/schema).
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { CLUSTER_IP_NOTE, editorSchemaOf, groupVersionPathsOf, type OpenApiV3Document } from "./openapi-schema";

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, "openapi-fixtures", name), "utf8")) as OpenApiV3Document;
const docs = new Map([
  ["api/v1", fixture("api-v1.excerpt.json")],
  ["apis/apps/v1", fixture("apis-apps-v1.excerpt.json")],
]);
const LEVEL_30 = ["Service", "apps/StatefulSet", "apps/Deployment"];

// Deep reads of converted JSON; the shape is what the assertions check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = Record<string, any>;
const defs = (s: Schema): Record<string, Schema> => s.definitions;

describe("groupVersionPathsOf", () => {
  it("maps editorKinds to the /openapi/v3 paths that describe them, once each", () => {
    expect(groupVersionPathsOf(LEVEL_30)).toEqual(["api/v1", "apis/apps/v1"]);
    expect(groupVersionPathsOf(["networking.k8s.io/Ingress"])).toEqual(["apis/networking.k8s.io/v1"]);
  });
});

describe("editorSchemaOf", () => {
  const schema = editorSchemaOf(docs, LEVEL_30) as Schema;

  it("offers exactly the allowed kinds, each picked by its apiVersion and kind", () => {
    const kinds = (schema.oneOf as Schema[]).map((s) => s.$ref);
    expect(kinds).toEqual([
      "#/definitions/io.k8s.api.core.v1.Service",
      "#/definitions/io.k8s.api.apps.v1.StatefulSet",
      "#/definitions/io.k8s.api.apps.v1.Deployment",
    ]);
    const service = defs(schema)["io.k8s.api.core.v1.Service"]!;
    expect(service.properties.apiVersion.const).toBe("v1");
    expect(service.properties.kind.const).toBe("Service");
    expect(service.required).toEqual(expect.arrayContaining(["apiVersion", "kind"]));
    expect(defs(schema)["io.k8s.api.apps.v1.StatefulSet"]!.properties.apiVersion.const).toBe("apps/v1");
  });

  it("leaves out a kind outside the allow-list, even one in the same group-version", () => {
    expect(defs(schema)["io.k8s.api.core.v1.ConfigMap"]).toBeUndefined();
    expect(JSON.stringify(schema)).not.toContain("ConfigMap");
    const onlyService = editorSchemaOf(docs, ["Service"]) as Schema;
    expect(Object.keys(defs(onlyService)).some((k) => k.includes("apps.v1"))).toBe(false);
  });

  it("is self-contained: every $ref points into its own definitions", () => {
    const refs = [...JSON.stringify(schema).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/definitions\//);
      expect(defs(schema)[ref.slice("#/definitions/".length)]).toBeDefined();
    }
    // Types from another group reached through a kind (core PodTemplateSpec under apps/v1).
    expect(defs(schema)["io.k8s.api.core.v1.PodTemplateSpec"]).toBeDefined();
  });

  it("keeps the API's descriptions and adds the immutable-field note to spec.clusterIP", () => {
    const spec = defs(schema)["io.k8s.api.core.v1.ServiceSpec"]!;
    expect(spec.description).toMatch(/^ServiceSpec describes/);
    expect(spec.properties.clusterIP.description).toMatch(/^clusterIP is the IP address of the service/);
    expect(spec.properties.clusterIP.description).toContain(CLUSTER_IP_NOTE);
    expect(CLUSTER_IP_NOTE).toMatch(/immutable/i);
    expect(CLUSTER_IP_NOTE).toMatch(/Recreate/);
  });

  it("refuses unknown fields where the API lists the fields, and not in free-form maps", () => {
    const spec = defs(schema)["io.k8s.api.core.v1.ServiceSpec"]!;
    expect(spec.additionalProperties).toBe(false);
    expect(spec.properties.selector.additionalProperties).toEqual({ type: "string", default: "" });
    expect(defs(schema)["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]!.properties.labels.additionalProperties).toEqual({ type: "string", default: "" });
  });

  it("accepts numbers where Kubernetes does (int-or-string ports, quantities)", () => {
    expect(defs(schema)["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]).toMatchObject({ type: ["integer", "string"] });
    expect(defs(schema)["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!.format).toBeUndefined();
    expect(defs(schema)["io.k8s.apimachinery.pkg.api.resource.Quantity"]).toMatchObject({ type: ["string", "number"] });
  });

  it("is a valid draft-07 schema that checks each document by its kind", () => {
    const check = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const service = { apiVersion: "v1", kind: "Service", metadata: { name: "redis", labels: { app: "redis" } }, spec: { clusterIP: "None", selector: { app: "redis" }, ports: [{ name: "redis", port: 6379, targetPort: 6379 }] } };
    expect(check(service)).toBe(true);
    expect(check({ ...service, spec: { ...service.spec, ports: [{ port: 6379, targetPort: "redis" }] } })).toBe(true);
    expect(check({ ...service, spec: { clusterIp: "None" } })).toBe(false);
    expect(JSON.stringify(check.errors)).toContain("clusterIp");
    // A Service's fields under a StatefulSet's apiVersion and kind are not a StatefulSet.
    expect(check({ ...service, apiVersion: "apps/v1", kind: "StatefulSet" })).toBe(false);
    expect(check({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } })).toBe(false);
    const statefulSet = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "redis" },
      spec: { serviceName: "redis", replicas: 3, selector: { matchLabels: { app: "redis" } }, template: { metadata: { labels: { app: "redis" } }, spec: { containers: [{ name: "redis", image: "redis:7", resources: { requests: { cpu: 0.1, memory: "64Mi" } } }] } } },
    };
    expect(check(statefulSet), JSON.stringify(check.errors)).toBe(true);
  });

  it("does not change the documents it was given (they are cached and shared)", () => {
    const before = JSON.stringify([...docs.values()]);
    editorSchemaOf(docs, LEVEL_30);
    expect(JSON.stringify([...docs.values()])).toBe(before);
  });

  it("says which kind the cluster does not describe instead of serving half a schema", () => {
    expect(() => editorSchemaOf(docs, ["apps/ReplicaSet"])).toThrow(/apps\/v1.*ReplicaSet/);
    expect(() => editorSchemaOf(new Map(), ["Service"])).toThrow(/api\/v1/);
  });
});
