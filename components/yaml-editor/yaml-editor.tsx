"use client";
// Components never import `@/server/*`: level data arrives as props, actions go through the socket.

import dynamic from "next/dynamic";
import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from "react";
import type { ApplyOutcome, EditableFile, Result, YamlIssue } from "@/lib/protocol/socket-events";
import { readStored, storageKeys, writeStored } from "@/lib/client/local-store";
import { request, REQUEST_TIMEOUTS } from "@/lib/client/request";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { buttonStyles } from "@/components/ui/button-styles";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Kbd } from "@/components/ui/kbd";
import { editorKeysHint } from "@/components/level-page/shortcuts";
import { Spinner } from "@/components/ui/spinner";
import { ApplyResult, type ApplyState } from "./apply-result";
import { initialContents, modelPath, persistContent } from "./editor-files";
import { explainImmutableField, immutableFromIssues, issuesBesidesRecreate, isImmutableFieldError } from "./immutable-field";
import { ImmutableFieldPanel } from "./immutable-field-panel";
import type { MonacoYamlHandle } from "./monaco-yaml";
import { issuesToMarkers, localIssues, sortIssues } from "./yaml-issues";

// Monaco touches `window` on import: browser only.
const MonacoYaml = dynamic(() => import("./monaco-yaml"), {
  ssr: false,
  loading: () => <EditorSkeleton />,
});

function EditorSkeleton() {
  return (
    <div className="flex h-full items-center justify-center gap-2 text-sm text-muted">
      <Spinner /> Loading the editor…
    </div>
  );
}

/** Waiting time after the last keystroke before asking the server to validate. */
const VALIDATE_DEBOUNCE_MS = 600;

export interface YamlEditorHandle {
  apply(): void;
  focus(): void;
}

type Validation =
  | { phase: "idle" }
  | { phase: "checking" }
  | { phase: "done"; issues: YamlIssue[] }
  | { phase: "unavailable"; message: string };

export function YamlEditor({
  ref,
  levelId,
  files,
  socket,
  connected,
  environmentReady,
  clusterState,
  modKey,
}: {
  ref?: Ref<YamlEditorHandle>;
  /**
   * A fingerprint of the namespace as the live view last saw it (cluster-fingerprint.ts): the
   * server's answers hold for one state of the cluster, so a new fingerprint means ask again.
   */
  clusterState: string;
  /** "Ctrl" or "⌘", for the shortcut shown on the Apply button. */
  modKey: string;
  levelId: string;
  files: readonly EditableFile[];
  socket: KubeQuestSocket | null;
  connected: boolean;
  environmentReady: boolean;
}) {
  const [active, setActive] = useState(() => files[0]?.name ?? "");
  // null until read from localStorage after mount (the server render cannot see it).
  const [contents, setContents] = useState<Record<string, string> | null>(null);
  const [validation, setValidation] = useState<Record<string, Validation>>({});
  const [apply, setApply] = useState<ApplyState>({ phase: "idle" });
  const [confirmRecreate, setConfirmRecreate] = useState(false);
  // Counts finished applies and recreates: each changed the cluster the last answers were about.
  const [applyEpoch, setApplyEpoch] = useState(0);
  const monaco = useRef<MonacoYamlHandle | null>(null);
  const validateSeq = useRef(0);
  // The server's last answer per file, to not ask again for text it already judged (validation
  // shares the learner's request budget with apply and grading). An answer is about the text
  // *and* the cluster it was checked against: a dry run refused before Recreate passes after it.
  const validated = useRef(new Map<string, { text: string; cluster: string; issues: YamlIssue[] }>());
  const validationCluster = `${clusterState}#${applyEpoch}`;

  const keyFor = useCallback((name: string) => storageKeys.editorFile(levelId, name), [levelId]);

  useEffect(() => {
    setContents(initialContents(files, keyFor, { read: readStored }));
  }, [files, keyFor]);

  // While the environment is (re)built, the last Apply's outcome describes a namespace that is
  // going away (a reset): it is not shown again once the new one is ready.
  useEffect(() => {
    if (!environmentReady) setApply((state) => (state.phase === "applying" ? state : { phase: "idle" }));
  }, [environmentReady]);

  const activeFile = files.find((file) => file.name === active) ?? files[0];
  const activeText = activeFile && contents ? (contents[activeFile.name] ?? activeFile.content) : "";

  // Live validation: local checks at once, the server's after a pause in typing.
  useEffect(() => {
    if (!activeFile || contents === null) return;
    const name = activeFile.name;
    const text = contents[name] ?? activeFile.content;
    const local = localIssues(text);
    const seq = ++validateSeq.current;
    if (local.length > 0) {
      setValidation((all) => ({ ...all, [name]: { phase: "done", issues: local } }));
      return;
    }
    if (!socket || !connected) {
      setValidation((all) => ({
        ...all,
        [name]: { phase: "unavailable", message: "Validation resumes when the connection is back." },
      }));
      return;
    }
    if (!environmentReady) {
      setValidation((all) => ({
        ...all,
        [name]: { phase: "unavailable", message: "Validation starts once your environment is ready." },
      }));
      return;
    }
    const known = validated.current.get(name);
    if (known?.text === text && known.cluster === validationCluster) {
      setValidation((all) => ({ ...all, [name]: { phase: "done", issues: known.issues } }));
      return;
    }
    // Same text, changed cluster: nobody is typing, so ask at once (the old answer is stale).
    const delay = known?.text === text ? 0 : VALIDATE_DEBOUNCE_MS;
    if (delay === 0) setValidation((all) => ({ ...all, [name]: { phase: "checking" } }));
    const cluster = validationCluster;
    const timer = window.setTimeout(() => {
      setValidation((all) => ({ ...all, [name]: { phase: "checking" } }));
      void request(socket, "yaml:validate", { levelId, yaml: text }, REQUEST_TIMEOUTS.validate).then((result) => {
        if (seq !== validateSeq.current) return;
        if (result.ok) validated.current.set(name, { text, cluster, issues: result.value.issues });
        setValidation((all) => ({
          ...all,
          [name]: result.ok
            ? { phase: "done", issues: result.value.issues }
            : { phase: "unavailable", message: result.error.message },
        }));
      });
    }, delay);
    return () => window.clearTimeout(timer);
  }, [activeFile, contents, socket, connected, environmentReady, levelId, validationCluster]);

  const current = activeFile ? (validation[activeFile.name] ?? { phase: "idle" }) : ({ phase: "idle" } as Validation);
  const issues = useMemo(() => (current.phase === "done" ? sortIssues(current.issues) : []), [current]);
  const markers = useMemo(() => issuesToMarkers(issues, activeText.split("\n")), [issues, activeText]);
  const hasErrors = issues.some((issue) => issue.severity === "error");
  const busy = apply.phase === "applying";
  const canApply = Boolean(socket) && connected && environmentReady && !busy && contents !== null;

  function onChange(value: string) {
    if (!activeFile) return;
    // A refused Apply was about the text before this edit: the dry run speaks for the new text.
    setApply((state) => (state.phase === "error" ? { phase: "idle" } : state));
    setContents((all) => ({ ...(all ?? {}), [activeFile.name]: value }));
    persistContent(activeFile, value, keyFor, { write: writeStored });
  }

  function resetFile() {
    if (!activeFile) return;
    // Through Monaco so the reset is one undoable edit; onChange stores the result.
    if (monaco.current) monaco.current.replaceAll(activeFile.content);
    else onChange(activeFile.content);
  }

  function runApply(kind: "apply" | "recreate") {
    if (!activeFile || !socket || !canApply) return;
    const file = activeFile.name;
    const yaml = contents?.[file] ?? activeFile.content;
    const local = localIssues(yaml).filter((issue) => issue.severity === "error");
    if (local[0]) {
      setApply({ phase: "error", kind, file, error: { code: "yaml-invalid", message: local[0].message } });
      return;
    }
    setApply({ phase: "applying", kind, file });
    const done = (result: Result<ApplyOutcome>) => {
      // Whatever the answer, the cluster may have changed: every file is judged again.
      setApplyEpoch((n) => n + 1);
      setApply(
        result.ok
          ? { phase: "done", kind, file, outcome: result.value, at: Date.now() }
          : { phase: "error", kind, file, error: result.error },
      );
    };
    if (kind === "apply") void request(socket, "yaml:apply", { levelId, yaml }, REQUEST_TIMEOUTS.apply).then(done);
    else
      void request(socket, "yaml:recreate", { levelId, yaml, confirmed: true }, REQUEST_TIMEOUTS.recreate).then(done);
  }

  const applyRef = useRef(runApply);
  useEffect(() => {
    applyRef.current = runApply;
  });

  useImperativeHandle(ref, () => ({
    apply: () => applyRef.current("apply"),
    focus: () => monaco.current?.focus(),
  }));

  // One banner, one Recreate button: from a refused Apply, or already from the dry run.
  const appliedImmutable = apply.phase === "error" && isImmutableFieldError(apply.error) ? apply.error : null;
  const immutable = appliedImmutable ?? immutableFromIssues(issues);
  const listedIssues = issuesBesidesRecreate(issues);
  const modified = (name: string) => {
    const file = files.find((f) => f.name === name);
    return Boolean(file && contents && contents[name] !== undefined && contents[name] !== file.content);
  };
  const blockedReason = !connected
    ? "Apply needs a connection to the server."
    : !environmentReady
      ? "Apply is available once your environment is ready."
      : null;

  if (!activeFile) {
    return (
      <section data-testid="yaml-editor" aria-label="YAML editor" className="flex h-full items-center justify-center p-6 text-sm text-muted">
        This level has no files to edit: everything happens in the terminal.
      </section>
    );
  }

  return (
    <section data-testid="yaml-editor" aria-labelledby="editor-heading" className="flex h-full min-h-0 flex-col bg-canvas">
      <h2 id="editor-heading" className="sr-only">
        YAML editor
      </h2>
      <div className="flex h-11 shrink-0 items-stretch justify-between gap-2 border-b border-line bg-surface pr-2">
        <div role="tablist" aria-label="Files" className="flex min-w-0 items-stretch overflow-x-auto">
          {files.map((file) => {
            const selected = file.name === activeFile.name;
            return (
              <button
                key={file.name}
                type="button"
                role="tab"
                aria-selected={selected}
                data-testid={`editor-tab-${file.name}`}
                onClick={() => setActive(file.name)}
                onKeyDown={(event) => {
                  const index = files.findIndex((f) => f.name === file.name);
                  const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
                  if (step === 0) return;
                  event.preventDefault();
                  const next = files[(index + step + files.length) % files.length];
                  if (next) {
                    setActive(next.name);
                    document.querySelector<HTMLElement>(`[data-testid="editor-tab-${CSS.escape(next.name)}"]`)?.focus();
                  }
                }}
                tabIndex={selected ? 0 : -1}
                className={`relative flex items-center gap-2 border-r border-line px-4 font-mono text-[12.5px] transition ${
                  selected ? "bg-canvas text-white" : "text-muted hover:bg-raised hover:text-fg"
                }`}
              >
                {selected && <span aria-hidden="true" className="absolute inset-x-0 top-0 h-0.5 bg-accent" />}
                {file.name}
                {modified(file.name) && (
                  <span className="h-1.5 w-1.5 rounded-full bg-warn" title="Edited">
                    <span className="sr-only">(edited)</span>
                  </span>
                )}
              </button>
            );
          })}
        </div>
        <div className="flex shrink-0 items-center gap-1.5">
          <button
            type="button"
            onClick={resetFile}
            disabled={!modified(activeFile.name)}
            className={buttonStyles.ghost}
            title="Put back the level's original content (Ctrl+Z undoes this)"
          >
            Reset file
          </button>
          <button
            type="button"
            data-testid="apply-yaml"
            onClick={() => runApply("apply")}
            disabled={!canApply}
            aria-keyshortcuts="Control+S Meta+S"
            title={blockedReason ?? `Apply ${activeFile.name} to your namespace`}
            className={`${buttonStyles.primary} h-8`}
          >
            {busy && apply.kind === "apply" ? <Spinner className="h-3.5 w-3.5" /> : <span aria-hidden="true">⤴</span>}
            Apply
            <span className="hidden lg:inline-flex">
              <Kbd>{modKey === "⌘" ? "⌘S" : `${modKey}+S`}</Kbd>
            </span>
          </button>
        </div>
      </div>

      {(immutable || apply.phase !== "idle") && (
        // Right under Apply, above the underlined line: what Apply did, or the way past a refusal.
        <div className="shrink-0 space-y-2 border-b border-line bg-surface px-3 py-2">
          {appliedImmutable ? (
            <div data-testid="apply-result" data-phase="error">
              <ImmutableFieldPanel
                error={appliedImmutable}
                onRecreate={() => setConfirmRecreate(true)}
                disabled={!canApply}
                busy={false}
              />
            </div>
          ) : (
            <>
              <ApplyResult state={apply} />
              {immutable && (
                <ImmutableFieldPanel
                  error={immutable}
                  onRecreate={() => setConfirmRecreate(true)}
                  disabled={!canApply}
                  busy={busy && apply.kind === "recreate"}
                />
              )}
            </>
          )}
        </div>
      )}

      <div className="relative min-h-0 flex-1">
        {contents === null ? (
          <EditorSkeleton />
        ) : (
          <MonacoYaml
            levelId={levelId}
            path={modelPath(levelId, activeFile.name)}
            defaultValue={activeText}
            markers={markers}
            onChange={onChange}
            onApplyShortcut={() => runApply("apply")}
            handleRef={monaco}
            ariaLabel={`${activeFile.name}, YAML. Tab moves to the next control until you type here; then Tab indents and Escape then Tab leaves. Control+Space suggests fields; ${modKey === "⌘" ? "Command+K then Command+I" : "Control+K then Control+I"} reads the documentation of the field at the cursor; F8 goes to the next problem. Press ${modKey === "⌘" ? "Command" : "Control"}+S to apply; Alt+1 to Alt+4 to switch panes.`}
            keysHint={editorKeysHint(modKey)}
          />
        )}
      </div>

      {/* Focusable: a long list of problems scrolls, and keyboard users must be able to scroll it. */}
      <div
        tabIndex={0}
        role="region"
        aria-label={`Problems in ${activeFile.name}`}
        className="max-h-[30%] shrink-0 space-y-2 overflow-y-auto border-t border-line bg-surface px-4 py-2.5"
      >
        <div
          aria-live="polite"
          className="text-xs"
          data-testid="yaml-validation"
          data-phase={current.phase}
          data-problems={current.phase === "done" ? issues.length : undefined}
        >
          {current.phase === "checking" && (
            <p className="flex items-center gap-2 text-muted">
              <Spinner className="h-3 w-3" /> Validating…
            </p>
          )}
          {current.phase === "unavailable" && <p className="text-faint">Not validated: {current.message}</p>}
          {current.phase === "done" && issues.length === 0 && (
            <p className="text-ok">
              <span aria-hidden="true">✓ </span>
              No problems found in {activeFile.name}.
            </p>
          )}
          {current.phase === "done" && issues.length > 0 && listedIssues.length === 0 && (
            <p className="text-warn">
              {issues.length === 1 ? "1 problem" : `${issues.length} problems`} in {activeFile.name}: explained above the
              editor, with Recreate.
            </p>
          )}
          {current.phase === "done" && listedIssues.length > 0 && (
            <div>
              <p className={hasErrors ? "text-bad" : "text-warn"}>
                {issues.length} {issues.length === 1 ? "problem" : "problems"} in {activeFile.name}
                {listedIssues.length < issues.length && ` (${issues.length - listedIssues.length} explained above the editor)`}
              </p>
              <ul data-testid="yaml-issues" className="mt-1.5 space-y-1">
                {listedIssues.map((issue, index) => (
                  <li key={index} className="flex gap-2 font-mono text-[12px] leading-snug">
                    <span className={issue.severity === "error" ? "text-bad" : "text-warn"}>
                      {issue.severity === "error" ? "error" : "warn"}
                    </span>
                    {issue.line !== undefined && <span className="shrink-0 text-faint">line {issue.line}</span>}
                    <span className="text-fg">{issue.message}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
        {blockedReason && apply.phase === "idle" && <p className="text-xs text-faint">{blockedReason}</p>}
      </div>

      <ConfirmDialog
        open={confirmRecreate && immutable !== null}
        title={immutable ? `Recreate ${immutable.resource.kind} ${immutable.resource.name}?` : "Recreate?"}
        confirmLabel="Delete and recreate"
        onCancel={() => setConfirmRecreate(false)}
        onConfirm={() => {
          setConfirmRecreate(false);
          runApply("recreate");
        }}
      >
        {immutable && <p>{explainImmutableField(immutable).confirmText}</p>}
        <p className="mt-2">It is gone for a moment: lookups of its name fail until it is back.</p>
      </ConfirmDialog>
    </section>
  );
}
