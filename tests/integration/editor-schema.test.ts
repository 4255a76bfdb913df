// The editor's schema made from the real cluster's /openapi/v3 (what the unit tests pin on a
// small excerpt): Level 30's own YAML — broken start, solution, wrong fixes — is valid against
// it (the conversion must never underline correct Kubernetes), a misspelt field and a kind
// outside editorKinds are not, and the clusterIP note is there. Ajv (draft-07) stands in for
// monaco-yaml's validator, which runs only in the browser (e2e/editor-schema.spec.ts).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { editorKindOf } from "../../lib/levels/editor-kinds";
import { EditorSchemas } from "../../server/kubernetes/editor-schemas";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { loadLevelCatalog, type LoadedLevel } from "../../server/levels/level-catalog";
import { CLUSTER_IP_NOTE } from "../../server/kubernetes/openapi-schema";

type Doc = { apiVersion?: string; kind?: string } & Record<string, unknown>;

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return yamlFilesUnder(full);
    return name.endsWith(".yaml") && name !== "level.yaml" ? [full] : [];
  });
}

let level: LoadedLevel;
let schema: Record<string, unknown>;
let validate: (doc: unknown) => string[];

beforeAll(async () => {
  level = (await loadLevelCatalog()).get("headless-statefulset-dns")!;
  const made = await new EditorSchemas({ kube: () => createKubeAdapter() }).schemaFor(level.manifest.editorKinds);
  schema = JSON.parse(made.json) as Record<string, unknown>;
  console.log(`[editor-schema] Level 30 schema for ${made.version}: ${made.json.length} bytes`);
  const ajv = new Ajv({ strict: false, allErrors: true });
  const check = ajv.compile(schema);
  validate = (doc) => (check(doc) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""} ${JSON.stringify(e.params)}`));
}, 60_000);

describe("the editor schema of Level 30, from the real cluster", () => {
  it("accepts every object of the level's own YAML that its editor may apply", () => {
    let checked = 0;
    for (const file of yamlFilesUnder(level.dir)) {
      for (const doc of yaml.loadAll(readFileSync(file, "utf8")) as Doc[]) {
        if (!doc || !level.manifest.editorKinds.includes(editorKindOf(doc.apiVersion ?? "", doc.kind ?? ""))) continue;
        expect(validate(doc), `${path.relative(level.dir, file)}: ${doc.kind}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it("refuses a misspelt field and a kind outside editorKinds", () => {
    const service = { apiVersion: "v1", kind: "Service", metadata: { name: "redis" }, spec: { clusterIp: "None", ports: [{ port: 6379 }] } };
    expect(validate(service).join("\n")).toMatch(/clusterIp/);
    expect(validate({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: {} })).not.toEqual([]);
    // The kinds themselves are absent; the pod template's own parts (ConfigMapVolumeSource,
    // SecretKeySelector, …) stay, since a StatefulSet's pods may use them.
    const definitions = Object.keys(schema.definitions as object);
    expect(definitions.filter((k) => /\.(ConfigMap|DaemonSet|Secret)$/.test(k))).toEqual([]);
    expect(definitions).toContain("io.k8s.api.core.v1.ConfigMapVolumeSource");
  });

  it("documents spec.clusterIP with the API's words and KubeQuest's Recreate note", () => {
    const spec = (schema.definitions as Record<string, { properties: Record<string, { description: string }> }>)["io.k8s.api.core.v1.ServiceSpec"]!;
    expect(spec.properties.clusterIP!.description).toMatch(/clusterIP is the IP address of the service/);
    expect(spec.properties.clusterIP!.description).toContain(CLUSTER_IP_NOTE);
  });
});
