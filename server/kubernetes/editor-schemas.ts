/**
 * The YAML editor's JSON Schema per level (its `editorKinds`), made from the cluster's own
 * OpenAPI v3 documents and cached per cluster version: the documents are read once per version
 * (a cluster upgrade reads them again), the converted schema once per version and kind list.
 * A failed read is dropped from the cache so the next editor that asks tries again. The
 * version itself is asked at most once per `versionTtlMs` (the route is open to every page, so
 * a flood of requests must not become a flood of API server calls).
 *
 * Node only. Conversion: openapi-schema.ts. Served by server/http/editor-schema-api.ts.
 */
import type { KubeAdapter } from "./kube-adapter";
import { editorSchemaOf, groupVersionPathsOf, type OpenApiV3Document } from "./openapi-schema";

export interface EditorSchema {
  /** The JSON Schema, serialised once (it is sent many times). */
  json: string;
  /** The API server's gitVersion it describes. */
  version: string;
}

/** Caches a promise, forgetting it when it rejects. */
function remember<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let found = cache.get(key);
  if (!found) {
    found = make();
    cache.set(key, found);
    found.catch(() => {
      if (cache.get(key) === found) cache.delete(key);
    });
  }
  return found;
}

export class EditorSchemas {
  private readonly documents = new Map<string, Promise<OpenApiV3Document>>();
  private readonly schemas = new Map<string, Promise<EditorSchema>>();
  private version: string | undefined;
  private versionAsked: { at: number; answer: Promise<{ version: string }> } | undefined;

  constructor(private readonly deps: { kube: () => KubeAdapter; /** Default 30 s. */ versionTtlMs?: number }) {}

  private clusterVersion(kube: KubeAdapter): Promise<{ version: string }> {
    const ttl = this.deps.versionTtlMs ?? 30_000;
    const asked = this.versionAsked;
    if (asked && Date.now() - asked.at < ttl) return asked.answer;
    const answer = kube.ping();
    const entry = { at: Date.now(), answer };
    this.versionAsked = entry;
    answer.catch(() => {
      if (this.versionAsked === entry) this.versionAsked = undefined;
    });
    return answer;
  }

  async schemaFor(editorKinds: readonly string[]): Promise<EditorSchema> {
    const kube = this.deps.kube();
    const { version } = await this.clusterVersion(kube);
    // After an upgrade the old version's documents are never asked for again.
    if (version !== this.version) {
      this.documents.clear();
      this.schemas.clear();
      this.version = version;
    }
    return remember(this.schemas, `${version}\n${editorKinds.join(",")}`, async () => {
      const paths = groupVersionPathsOf(editorKinds);
      const docs = await Promise.all(
        paths.map((p) => remember(this.documents, `${version}\n${p}`, async () => (await kube.readOpenApiV3(p)) as OpenApiV3Document)),
      );
      const schema = editorSchemaOf(new Map(paths.map((p, i) => [p, docs[i]!])), editorKinds);
      return { json: JSON.stringify(schema), version };
    });
  }
}
