"use client";
// The Monaco editor of the YAML editor: theme, keyboard, the server's issue markers, and
// schema completion / hover / validation from the cluster (kubernetes-schema.ts).
// Browser-only: loaded through next/dynamic with ssr: false (see yaml-editor.tsx).

import Editor, { loader, type BeforeMount, type OnMount } from "@monaco-editor/react";
import type { editor as MonacoEditorApi } from "monaco-editor";
import { useEffect, useRef, useState } from "react";
import { FOCUSABLE_SELECTOR } from "@/components/ui/focus-trap";
import { applySchemaToYamlModels, fetchEditorSchema, serveEditorWorkersFromOurOrigin } from "./kubernetes-schema";
import type { MarkerData } from "./yaml-issues";

// Monaco's AMD build is served by us from /monaco/vs (copied there at postinstall by
// scripts/copy-monaco.ts); without this the loader would fetch it from a CDN.
loader.config({ paths: { vs: "/monaco/vs" } });
// Its web workers (the editor's and the YAML language service's) too.
serveEditorWorkersFromOurOrigin();

const MARKER_OWNER = "kubequest";

/**
 * What Tab does in the editor right now: "focus" moves to the next control (a keyboard user
 * passing through), "indent" indents (the learner is editing). null while the editor is not focused.
 */
export type TabMode = "focus" | "indent" | null;

export interface MonacoYamlHandle {
  focus(): void;
  /** Replaces the model's text as one undoable edit (Ctrl+Z brings the old text back). */
  replaceAll(text: string): void;
}

/** Focuses the next (or previous) focusable element outside `container`, in document order. */
function focusOutside(container: HTMLElement, backwards: boolean): boolean {
  const candidates = [...document.querySelectorAll<HTMLElement>(FOCUSABLE_SELECTOR)].filter(
    (element) => !container.contains(element) && element.tabIndex >= 0 && element.getClientRects().length > 0,
  );
  const after = (element: HTMLElement) =>
    Boolean(container.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING);
  const target = backwards ? candidates.filter((e) => !after(e)).at(-1) : candidates.find(after);
  target?.focus();
  return target !== undefined;
}

const defineTheme: BeforeMount = (monaco) => {
  monaco.editor.defineTheme("kubequest-dark", {
    base: "vs-dark",
    inherit: true,
    rules: [
      { token: "type", foreground: "7cb7ff" },
      { token: "string", foreground: "a5e3b5" },
      { token: "number", foreground: "f2b84b" },
      { token: "keyword", foreground: "c59bff" },
      { token: "comment", foreground: "7f8da3", fontStyle: "italic" },
    ],
    colors: {
      "editor.background": "#0a0d12",
      "editor.lineHighlightBackground": "#141a24",
      // 5.8:1 on the editor's background, 5.2:1 on the current line (WCAG AA; axe's color-contrast checks it).
      "editorLineNumber.foreground": "#7f8da3",
      "editorLineNumber.activeForeground": "#93a0b4",
      // The final newline's number is drawn dimmed: still 5.1:1 (was 1.9:1, Monaco's default).
      "editorLineNumber.dimmedForeground": "#74839a",
      "editorGutter.background": "#0a0d12",
      "editorIndentGuide.background1": "#1c2230",
      "editor.selectionBackground": "#24406e",
      "editorCursor.foreground": "#5b9dff",
      "focusBorder": "#5b9dff00",
      "scrollbarSlider.background": "#33405566",
    },
  });
};

export default function MonacoYaml({
  levelId,
  path,
  defaultValue,
  markers,
  onChange,
  onApplyShortcut,
  handleRef,
  ariaLabel,
  keysHint,
}: {
  /** Whose schema (the level's editorKinds) drives completion, hover and validation. */
  levelId: string;
  path: string;
  defaultValue: string;
  markers: readonly MarkerData[];
  onChange: (value: string) => void;
  onApplyShortcut: () => void;
  handleRef: { current: MonacoYamlHandle | null };
  ariaLabel: string;
  /** The completion and documentation keys, shown while the editor has focus. */
  keysHint?: string;
}) {
  const editorRef = useRef<MonacoEditorApi.IStandaloneCodeEditor | null>(null);
  const monacoRef = useRef<Parameters<OnMount>[1] | null>(null);
  const [monacoApi, setMonacoApi] = useState<Parameters<OnMount>[1] | null>(null);
  const applyRef = useRef(onApplyShortcut);
  useEffect(() => {
    applyRef.current = onApplyShortcut;
  });
  const [tabMode, setTabMode] = useState<TabMode>(null);

  const onMount: OnMount = (editor, monaco) => {
    editorRef.current = editor;
    monacoRef.current = monaco;
    setMonacoApi(monaco);
    // The level page also catches Ctrl/Cmd+S before Monaco sees it; this keeps the editor
    // self-sufficient where it is used alone.
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => applyRef.current());
    // Tab must not trap a keyboard user passing through the page (issue 16, item 5: 21 presses
    // indented line 1 until the file was invalid). Until the learner edits here (types, or
    // clicks into the text), Tab and Shift+Tab move focus on, like any other control. Once they
    // edit, Tab indents YAML; Escape then Tab leaves, the pattern of accessible code editors.
    // Leaving the editor starts over. (Monaco's own tabFocusMode is a global toggle shared by
    // every editor on the page, so this is kept per editor here.)
    let editing = false;
    let escaped = false;
    const startEditing = () => {
      editing = true;
      setTabMode("indent");
    };
    editor.addCommand(
      monaco.KeyCode.Escape,
      () => {
        escaped = true;
      },
      "editorTextFocus && !suggestWidgetVisible && !findWidgetVisible && !renameInputVisible && !parameterHintsVisible && !inSnippetMode && !editorHasMultipleSelections && !markersNavigationVisible",
    );
    editor.onKeyDown((event) => {
      if (event.keyCode === monaco.KeyCode.Escape || event.keyCode === monaco.KeyCode.Shift) return;
      if ((escaped || !editing) && event.keyCode === monaco.KeyCode.Tab && !event.ctrlKey && !event.altKey && !event.metaKey) {
        const container = editor.getContainerDomNode();
        if (focusOutside(container, event.shiftKey)) {
          event.preventDefault();
          event.stopPropagation();
        }
      }
      escaped = false;
    });
    editor.onMouseDown(startEditing);
    editor.onDidChangeModelContent((event) => {
      // The learner's own edits only: not a whole-file replacement (setValue, Reset file).
      if (!event.isFlush && editor.hasTextFocus()) startEditing();
    });
    editor.onDidFocusEditorText(() => setTabMode(editing ? "indent" : "focus"));
    editor.onDidBlurEditorText(() => {
      escaped = false;
      editing = false;
      setTabMode(null);
    });
    handleRef.current = {
      focus: () => editor.focus(),
      replaceAll: (text) => {
        const model = editor.getModel();
        if (!model) return;
        editor.pushUndoStop();
        editor.executeEdits("kubequest-reset", [{ range: model.getFullModelRange(), text }]);
        editor.pushUndoStop();
      },
    };
    setMarkers();
  };

  function setMarkers() {
    const editor = editorRef.current;
    const monaco = monacoRef.current;
    const model = editor?.getModel();
    if (!monaco || !model) return;
    monaco.editor.setModelMarkers(
      model,
      MARKER_OWNER,
      markers.map((marker) => ({
        ...marker,
        severity: marker.severity === "error" ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      })),
    );
  }

  // Completion, hover and validation from the cluster's schema of the level's kinds.
  useEffect(() => {
    if (!monacoApi) return;
    const abort = new AbortController();
    void fetchEditorSchema(levelId, abort.signal).then((schema) => {
      if (schema && !abort.signal.aborted) applySchemaToYamlModels(monacoApi, levelId, schema);
    });
    return () => abort.abort();
  }, [monacoApi, levelId]);

  // Markers follow the issues and the open file.
  useEffect(setMarkers);

  useEffect(
    () => () => {
      handleRef.current = null;
    },
    [handleRef],
  );

  return (
    <div className="relative h-full">
      {tabMode && (
        // Said where the cursor is: what Tab will do now, and how to reach completion and the
        // documentation without a mouse (Monaco's own keys). Hidden from screen readers, which
        // hear the same in the editor's label.
        <div aria-hidden="true" className="pointer-events-none absolute right-4 bottom-2 z-10 flex flex-col items-end gap-1">
          {keysHint && (
            <p data-testid="editor-keys-hint" className="rounded border border-line bg-surface/95 px-2 py-0.5 text-[11px] text-muted">
              {keysHint}
            </p>
          )}
          <p data-testid="editor-tab-mode" data-mode={tabMode} className="rounded border border-line bg-surface/95 px-2 py-0.5 text-[11px] text-muted">
            {tabMode === "focus" ? "Tab moves on · type to edit" : "Tab indents · Esc then Tab leaves"}
          </p>
        </div>
      )}
      <Editor
        path={path}
        defaultValue={defaultValue}
        defaultLanguage="yaml"
        language="yaml"
        theme="kubequest-dark"
        beforeMount={defineTheme}
        onMount={onMount}
        onChange={(value) => onChange(value ?? "")}
        loading={<span className="text-sm text-muted">Loading the editor…</span>}
        options={{
          ariaLabel,
          automaticLayout: true,
          fontFamily: 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
          fontSize: 13,
          lineHeight: 20,
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          tabSize: 2,
          insertSpaces: true,
          detectIndentation: false,
          renderWhitespace: "boundary",
          padding: { top: 12, bottom: 12 },
          smoothScrolling: true,
          fixedOverflowWidgets: true,
          // Tab moves focus until the learner edits, then indents (above).
          tabFocusMode: false,
          scrollbar: { verticalScrollbarSize: 10, horizontalScrollbarSize: 10 },
        }}
      />
    </div>
  );
}
