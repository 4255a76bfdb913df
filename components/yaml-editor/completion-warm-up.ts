// The first schema completion on a page used to take about 100 ms more than the ones after it
// (issue 15): not the YAML worker's search, but Monaco's suggestion list code running for the
// first time on the page (a long task of 80–140 ms on the main thread, cold code), plus the
// worker's own first completion. So once the schema is in place, a hidden editor asks for one
// completion in the background and is thrown away: the learner's first Ctrl+Space then runs
// warm code, as every later one does.
//
// warmUpDocument is pure (unit-tested); warmUpCompletion needs Monaco and a DOM (browser-only,
// imported by kubernetes-schema.ts).
import type { Monaco } from "@monaco-editor/react";
import type { editor as MonacoEditorApi } from "monaco-editor";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export interface WarmUpDocument {
  text: string;
  /** Where completion is asked for (1-based, as Monaco counts). */
  lineNumber: number;
  column: number;
}

/**
 * A small document of the schema's first kind with the cursor where a learner asks most, on an
 * empty line under `spec` (at the top level when the kind has no spec), so the warm-up walks the
 * same path through the schema. null when the schema names no kind (then nothing is warmed).
 */
export function warmUpDocument(schema: object): WarmUpDocument | null {
  const root = schema as Json;
  const first = Array.isArray(root.oneOf) ? root.oneOf[0] : undefined;
  const ref = isObject(first) && typeof first.$ref === "string" ? first.$ref : undefined;
  const prefix = "#/definitions/";
  if (!ref?.startsWith(prefix) || !isObject(root.definitions)) return null;
  const definition = root.definitions[ref.slice(prefix.length)];
  const properties = isObject(definition) && isObject(definition.properties) ? definition.properties : undefined;
  const constOf = (field: string) => {
    const property = properties?.[field];
    return isObject(property) && typeof property.const === "string" ? property.const : undefined;
  };
  const apiVersion = constOf("apiVersion");
  const kind = constOf("kind");
  if (!apiVersion || !kind) return null;
  const head = `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: warm-up\n`;
  if (isObject(properties?.spec)) return { text: `${head}spec:\n  \n`, lineNumber: 6, column: 3 };
  return { text: `${head}\n`, lineNumber: 5, column: 1 };
}

/** What warmUpCompletion reaches in Monaco's suggestion controller (not in its public typings). */
interface SuggestController extends MonacoEditorApi.IEditorContribution {
  triggerSuggest(onlyFrom?: unknown, auto?: boolean): void;
}

/** The performance measure each warm-up leaves (DevTools' timings; `npm run bench` waits for it). */
export const WARM_UP_MEASURE = "kubequest: completion warm-up";

/** The warm-up gives up after this long (a page without completion is no worse than before). */
const WARM_UP_TIMEOUT_MS = 10_000;
let warmUps = 0;

/**
 * Asks for completion once in a hidden editor on `doc`, waits until the suggestion list has
 * rendered there, then disposes the editor and its model. The editor sits off screen, invisible,
 * inert and hidden from assistive technology: nothing can focus it, and Monaco's announcements
 * stay off (the request is an automatic one, which shows no "Loading…"). Resolves when done,
 * leaving the performance measure WARM_UP_MEASURE; never rejects.
 */
export async function warmUpCompletion(monaco: Monaco, doc: WarmUpDocument): Promise<void> {
  const start = performance.now();
  const host = document.createElement("div");
  host.setAttribute("aria-hidden", "true");
  host.inert = true;
  host.dataset.testid = "completion-warm-up";
  Object.assign(host.style, {
    position: "fixed",
    left: "-10000px",
    top: "0",
    width: "480px",
    height: "240px",
    visibility: "hidden",
    pointerEvents: "none",
  });
  document.body.append(host);
  let model: ReturnType<Monaco["editor"]["createModel"]> | undefined;
  let editor: ReturnType<Monaco["editor"]["create"]> | undefined;
  try {
    model = monaco.editor.createModel(doc.text, "yaml", monaco.Uri.parse(`inmemory://kubequest/completion-warm-up-${++warmUps}.yaml`));
    editor = monaco.editor.create(host, {
      model,
      automaticLayout: false,
      minimap: { enabled: false },
      fixedOverflowWidgets: true,
      renderValidationDecorations: "off",
      tabSize: 2,
      insertSpaces: true,
    });
    editor.setPosition({ lineNumber: doc.lineNumber, column: doc.column });
    const rendered = new Promise<void>((resolve) => {
      const done = () => {
        observer.disconnect();
        clearTimeout(timer);
        // One more frame: the list is laid out and drawn (invisibly) before it goes.
        requestAnimationFrame(() => resolve());
      };
      const observer = new MutationObserver(() => {
        if (host.querySelector(".suggest-widget .monaco-list-row")) done();
      });
      observer.observe(host, { subtree: true, childList: true });
      const timer = setTimeout(done, WARM_UP_TIMEOUT_MS);
    });
    editor.getContribution<SuggestController>("editor.contrib.suggestController")?.triggerSuggest(undefined, true);
    await rendered;
  } catch (err) {
    console.warn("[editor] completion warm-up failed:", err);
  } finally {
    editor?.dispose();
    model?.dispose();
    host.remove();
    performance.measure(WARM_UP_MEASURE, { start, end: performance.now() });
  }
}
