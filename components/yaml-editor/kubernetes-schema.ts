// Gives the YAML editor what a Kubernetes editor should have: completion of field names,
// each field's documentation on hover, and a typo underlined before anything is applied.
// monaco-yaml (the YAML language server in a web worker) does the work from the JSON Schema the
// server makes out of the cluster's own OpenAPI (GET /api/editor-schema/:levelId, holding only
// the kinds the level's editor allows). Every script comes from our origin: the workers are
// bundled into public/monaco by scripts/copy-monaco.ts.
//
// Browser-only: imported by monaco-yaml.tsx, itself loaded with ssr: false.
import type { Monaco } from "@monaco-editor/react";
import { configureMonacoYaml, type MonacoYaml } from "monaco-yaml";
import { warmUpCompletion, warmUpDocument } from "./completion-warm-up";

/** The schema the server serves for a level (also its id inside the language service). */
export function editorSchemaUrl(levelId: string): string {
  return `/api/editor-schema/${encodeURIComponent(levelId)}`;
}

/**
 * Monaco starts a web worker per language service; by default the AMD build would bootstrap
 * its own, and it has no YAML worker at all. Both come from /monaco, bundled at postinstall.
 */
export function serveEditorWorkersFromOurOrigin(): void {
  window.MonacoEnvironment = {
    getWorker: (_workerId: string, label: string) =>
      new Worker(label === "yaml" ? "/monaco/yaml.worker.js" : "/monaco/editor.worker.js", { name: `kubequest-${label}` }),
  };
}

/** The level's schema, or null when the server cannot make it (the editor works on without). */
export async function fetchEditorSchema(levelId: string, signal?: AbortSignal): Promise<object | null> {
  try {
    const res = await fetch(editorSchemaUrl(levelId), { signal, credentials: "same-origin", headers: { Accept: "application/schema+json" } });
    if (!res.ok) {
      console.warn(`[editor] no schema completion for ${levelId}: the server answered ${res.status}`);
      return null;
    }
    return (await res.json()) as object;
  } catch (err) {
    if (!signal?.aborted) console.warn(`[editor] no schema completion for ${levelId}:`, err);
    return null;
  }
}

// monaco-yaml allows one configured instance per page; later levels reconfigure it.
let configured: MonacoYaml | undefined;

/**
 * Points the YAML language service at `schema` for every YAML model on the page (the level's
 * files), then warms completion once in the background (completion-warm-up.ts): the worker a
 * new schema starts is cold, and so is the page's suggestion code.
 */
export function applySchemaToYamlModels(monaco: Monaco, levelId: string, schema: object): void {
  const options = {
    enableSchemaRequest: false,
    isKubernetes: true,
    completion: true,
    hover: true,
    validate: true,
    // The editor keeps the learner's own formatting.
    format: { enable: false },
    schemas: [{ uri: new URL(editorSchemaUrl(levelId), window.location.origin).href, fileMatch: ["*"], schema }],
  };
  if (configured) void configured.update(options);
  else configured = configureMonacoYaml(monaco, options);
  const doc = warmUpDocument(schema);
  if (doc) void warmUpCompletion(monaco, doc);
}
