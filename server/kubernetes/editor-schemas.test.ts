// The editor schema cache: one set of OpenAPI reads per cluster version, shared by levels,
// and a failed read is not cached (the next request tries again). The adapter is a stub
// serving the committed excerpts; the real read is kube-apply.ts's readOpenApiV3.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { KubeAdapter } from "./kube-adapter";
import { EditorSchemas } from "./editor-schemas";

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, "openapi-fixtures", name), "utf8")) as unknown;
const FIXTURES: Record<string, string> = { "api/v1": "api-v1.excerpt.json", "apis/apps/v1": "apis-apps-v1.excerpt.json" };

function stubCluster() {
  const state = { version: "v1.33.1", reads: [] as string[], pings: 0, failNext: false };
  const kube = {
    ping: async () => {
      state.pings++;
      return { version: state.version };
    },
    readOpenApiV3: async (p: string) => {
      state.reads.push(p);
      if (state.failNext) {
        state.failNext = false;
        throw new Error("cluster unreachable");
      }
      return fixture(FIXTURES[p]!);
    },
  } as unknown as KubeAdapter;
  return { state, kube };
}

describe("EditorSchemas", () => {
  it("reads each group-version once per cluster version, and again when the version changes", async () => {
    const { state, kube } = stubCluster();
    const schemas = new EditorSchemas({ kube: () => kube, versionTtlMs: 0 });
    const first = await schemas.schemaFor(["Service", "apps/StatefulSet"]);
    await schemas.schemaFor(["Service", "apps/StatefulSet"]);
    await schemas.schemaFor(["Service"]);
    expect(state.reads.sort()).toEqual(["api/v1", "apis/apps/v1"]);
    expect(JSON.parse(first.json).oneOf).toHaveLength(2);
    expect(first.version).toBe("v1.33.1");
    state.version = "v1.34.0";
    await schemas.schemaFor(["Service"]);
    expect(state.reads.filter((p) => p === "api/v1")).toHaveLength(2);
  });

  it("asks the API server its version at most once per versionTtlMs, however many editors ask", async () => {
    const { state, kube } = stubCluster();
    const schemas = new EditorSchemas({ kube: () => kube, versionTtlMs: 60_000 });
    await Promise.all(Array.from({ length: 20 }, () => schemas.schemaFor(["Service"])));
    await schemas.schemaFor(["Service"]);
    expect(state.pings).toBe(1);
  });

  it("does not keep a failed read: the next request reads again", async () => {
    const { state, kube } = stubCluster();
    const schemas = new EditorSchemas({ kube: () => kube });
    state.failNext = true;
    await expect(schemas.schemaFor(["Service"])).rejects.toThrow(/unreachable/);
    await expect(schemas.schemaFor(["Service"])).resolves.toMatchObject({ version: "v1.33.1" });
  });
});
