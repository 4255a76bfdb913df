// The editor schema route over a real HTTP server: only the level's kinds, 404 for an unknown
// level, 503 with advice when the cluster cannot be read, 304 on a matching ETag. The level
// catalog and the schema cache are stubs (the cache is tested in editor-schemas.test.ts).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeError } from "../kubernetes/kube-adapter";
import type { LevelCatalog } from "../levels/level-catalog";
import { createEditorSchemaApi } from "./editor-schema-api";

let base = "";
let server: http.Server;
const asked: string[][] = [];
let failWith: Error | undefined;

beforeAll(async () => {
  const catalog = { get: (id: string) => (id === "level-30" ? { manifest: { editorKinds: ["Service", "apps/StatefulSet"] } } : undefined) } as unknown as LevelCatalog;
  const api = createEditorSchemaApi({
    levels: async () => catalog,
    schemas: {
      schemaFor: async (kinds) => {
        asked.push([...kinds]);
        if (failWith) throw failWith;
        return { json: JSON.stringify({ oneOf: kinds }), version: "v1.33.1" };
      },
    },
  });
  server = http.createServer((req, res) => {
    void api(req, res).then((handled) => {
      if (!handled) res.writeHead(418).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("GET /api/editor-schema/:levelId", () => {
  it("serves the schema of the level's editorKinds, cacheable, with an ETag", async () => {
    const res = await fetch(`${base}/api/editor-schema/level-30`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/schema\+json/);
    expect(await res.json()).toEqual({ oneOf: ["Service", "apps/StatefulSet"] });
    expect(asked.at(-1)).toEqual(["Service", "apps/StatefulSet"]);
    const again = await fetch(`${base}/api/editor-schema/level-30`, { headers: { "if-none-match": res.headers.get("etag")! } });
    expect(again.status).toBe(304);
  });

  it("answers 404 for an unknown level or a malformed id, 405 for a write, and leaves other paths alone", async () => {
    expect((await fetch(`${base}/api/editor-schema/nope`)).status).toBe(404);
    expect((await fetch(`${base}/api/editor-schema/..%2F..%2Fetc`)).status).toBe(404);
    expect((await fetch(`${base}/api/editor-schema/level-30`, { method: "POST" })).status).toBe(405);
    expect((await fetch(`${base}/api/levels`)).status).toBe(418);
  });

  it("answers 503 with the cluster's advice when the OpenAPI cannot be read", async () => {
    failWith = new KubeError("cluster-unreachable", "The cluster is not reachable.", { action: "Start it with npm run cluster:up." });
    try {
      const res = await fetch(`${base}/api/editor-schema/level-30`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: { code: "cluster-unreachable", message: "The cluster is not reachable.", action: "Start it with npm run cluster:up." } });
    } finally {
      failWith = undefined;
    }
  });
});
