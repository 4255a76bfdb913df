/**
 * `GET /api/editor-schema/:levelId`: the JSON Schema the level's YAML editor (monaco-yaml)
 * reads for completion, hover documentation and validation markers, made from the cluster's own
 * OpenAPI v3 (server/kubernetes/editor-schemas.ts) and holding only the kinds the level's
 * `editorKinds` allows. Served from our origin, so the editor loads nothing from elsewhere.
 *
 * Read-only and the same for every learner of a level: no session or CSRF check, and the
 * browser may keep it for a few minutes (the ETag names the cluster version and the kinds).
 * Answers false for any other path, so the next API gets it.
 *
 * Node only.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { asActionableError } from "../errors/actionable-failure";
import type { EditorSchema } from "../kubernetes/editor-schemas";
import type { LevelCatalog } from "../levels/level-catalog";
import { INTERNAL_HTTP_ERROR, sendJson } from "./json-api";

const PATH = /^\/api\/editor-schema\/([A-Za-z0-9-]{1,64})$/;

export interface EditorSchemaApiDeps {
  levels: () => Promise<LevelCatalog>;
  schemas: { schemaFor(editorKinds: readonly string[]): Promise<EditorSchema> };
}

export function createEditorSchemaApi(deps: EditorSchemaApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith("/api/editor-schema/") && url.pathname !== "/api/editor-schema") return false;
    const match = PATH.exec(url.pathname);
    if (!match) {
      sendJson(res, 404, { error: { code: "not-found", message: `No API at ${url.pathname}.`, action: "Ask for /api/editor-schema/<level id>." } });
      return true;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(res, 405, { error: { code: "method-not-allowed", message: `${req.method ?? ""} is not allowed on ${url.pathname}.`, action: "Use GET." } }, { Allow: "GET, HEAD" });
      return true;
    }
    try {
      const level = (await deps.levels()).get(match[1]!);
      if (!level) {
        sendJson(res, 404, { error: { code: "level-not-found", message: `There is no level ${match[1]!}.`, action: "Open the level from the level list." } });
        return true;
      }
      const schema = await deps.schemas.schemaFor(level.manifest.editorKinds);
      const etag = `"${createHash("sha256").update(`${schema.version}\n${schema.json}`).digest("base64url").slice(0, 27)}"`;
      const headers = { "Cache-Control": "private, max-age=300", ETag: etag };
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304, headers);
        res.end();
        return true;
      }
      res.writeHead(200, { ...headers, "Content-Type": "application/schema+json; charset=utf-8" });
      res.end(req.method === "HEAD" ? undefined : schema.json);
    } catch (err) {
      const known = asActionableError(err);
      if (known) sendJson(res, 503, { error: known });
      else {
        console.error("[editor-schema-api]", url.pathname, err);
        sendJson(res, 500, { error: INTERNAL_HTTP_ERROR });
      }
    }
    return true;
  };
}
