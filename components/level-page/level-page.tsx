"use client";
// Components never import `@/server/*` (browser code): the page passes the level as plain
// props, and everything live goes through the socket. The lead's ESLint rule enforces it.

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { LevelDetail } from "@/lib/protocol/socket-events";
import { readStored, storageKeys, writeStored } from "@/lib/client/local-store";
import { useConnection, useSocket } from "@/lib/client/use-socket";
import { GradePanel } from "@/components/grade-panel/grade-panel";
import { isRunning } from "@/components/grade-panel/grade-state";
import { useGrading } from "@/components/grade-panel/use-grading";
import { useLiveChecks } from "@/components/grade-panel/use-live-checks";
import { LiveView } from "@/components/live-view/live-view";
import { NodeRulesPanel } from "@/components/live-view/node-rules-panel";
import { useLiveSnapshot } from "@/components/live-view/use-live-snapshot";
import { useNodeRules } from "@/components/live-view/use-node-rules";
import { LevelTerminal, type LevelTerminalHandle } from "@/components/terminal/level-terminal";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CommandRunnerContext, type CommandRunner } from "@/components/ui/command-runner";
import { ErrorCallout } from "@/components/ui/error-callout";
import { dockedPaneSize, parseStoredSize } from "@/components/ui/split-size";
import { Splitter } from "@/components/ui/splitter";
import { clusterFingerprint } from "@/components/yaml-editor/cluster-fingerprint";
import { YamlEditor, type YamlEditorHandle } from "@/components/yaml-editor/yaml-editor";
import { chaosWorth } from "@/lib/progress/xp-rules";
import { nextHelp } from "./hint-progress";
import { DebriefDialog } from "./debrief-panel";
import { LevelHeader } from "./level-header";
import { LevelSidebar, type GuideTab } from "./level-sidebar";
import type { ShortcutAction } from "./shortcuts";
import { ShortcutsHelp } from "./shortcuts-help";
import { useLevelEnvironment } from "./use-level-environment";
import { useLevelHelp } from "./use-level-help";
import { XpAwardNotice } from "./xp-award-notice";
import { useLevelShortcuts } from "./use-level-shortcuts";
import { useModKey } from "./use-mod-key";
import { useDelayedFlag, useNow } from "./use-ticker";

/** The terminal: a share of the window until the learner drags it, never more than half of it. */
const TERMINAL = { min: 120, max: 640, share: 0.36, maxShare: 0.5 };
/** Window height before the browser reports one (server render): a common laptop's. */
const ASSUMED_WINDOW_HEIGHT = 800;
const SIDEBAR = { initial: 360, min: 280, max: 560 };

/**
 * The level screen: header with environment controls, the guide and grader on the left, the
 * YAML editor in the centre, the live view on the right and the terminal docked at the bottom.
 */
export function LevelPage({ level }: { level: LevelDetail }) {
  const socket = useSocket();
  const connection = useConnection(socket);
  const connected = connection.state === "connected";
  const environment = useLevelEnvironment(socket, level.id);
  const phase = environment.status?.phase;
  const ready = phase === "ready";

  const snapshot = useLiveSnapshot(socket, level.id);
  const nodeRules = useNodeRules(socket, level.id);
  // The editor re-validates when the objects it dry-runs against change (a Recreate, a kubectl edit).
  const clusterState = useMemo(() => clusterFingerprint(snapshot), [snapshot]);
  const modKey = useModKey();

  const [tab, setTab] = useState<GuideTab>("briefing");
  const [centerPane, setCenterPane] = useState<"editor" | "live">("editor");
  const [confirmReset, setConfirmReset] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [debriefOpen, setDebriefOpen] = useState(false);
  // The learner's own terminal height (dragged or from an earlier visit); null: follow the window.
  const [chosenTerminalHeight, setChosenTerminalHeight] = useState<number | null>(null);
  const [windowHeight, setWindowHeight] = useState(ASSUMED_WINDOW_HEIGHT);
  const [sidebarWidth, setSidebarWidth] = useState(SIDEBAR.initial);
  const [terminalAttached, setTerminalAttached] = useState(false);

  const editor = useRef<YamlEditorHandle>(null);
  const terminal = useRef<LevelTerminalHandle>(null);
  const guidePanel = useRef<HTMLDivElement>(null);
  const livePane = useRef<HTMLDivElement>(null);

  // Browser-only state, read after mount so the server render and hydration agree.
  useEffect(() => {
    const stored = readStored(storageKeys.terminalHeight());
    setChosenTerminalHeight(stored === null ? null : parseStoredSize(stored, TERMINAL.min));
    setSidebarWidth(parseStoredSize(readStored(storageKeys.sidebarWidth()), SIDEBAR.initial));
    const onResize = () => setWindowHeight(window.innerHeight);
    onResize();
    window.addEventListener("resize", onResize);
    return () => window.removeEventListener("resize", onResize);
  }, []);
  const terminalPane = dockedPaneSize(chosenTerminalHeight, windowHeight, TERMINAL);

  // Progress for anything that takes more than a second.
  const busy =
    environment.pending === "start" ||
    environment.pending === "reset" ||
    phase === "provisioning" ||
    phase === "resetting";
  const showProgress = useDelayedFlag(busy, 1000);
  const now = useNow(busy);
  const elapsedMs = environment.progress
    ? environment.progress.elapsedMs + (environment.progressAt ? now - environment.progressAt : 0)
    : environment.progressAt
      ? now - environment.progressAt
      : 0;

  const help = useLevelHelp(socket, level.id, connected);
  const grading = useGrading(socket, level.id, environment.status?.passed ?? false, help.state?.chaosPassed ?? false);
  const liveChecks = useLiveChecks(socket, level.id);
  const chaosBonusXp = help.state ? chaosWorth(level, help.state) : level.chaosBonusXp;

  // A reset (here or in another tab) rebuilds the namespace: the last grade's evidence (the old
  // Service's IP, pods that are gone) no longer describes anything, so it goes.
  const clearGrades = grading.clear;
  const clearLiveChecks = liveChecks.clear;
  const clearNodeRules = nodeRules.clear;
  useEffect(() => {
    if (phase === "resetting") clearGrades();
    // The live verdicts and node rules too (the rebuilt namespace sends its own), and those of a deleted one.
    if (phase === "resetting" || phase === "absent") {
      clearLiveChecks();
      clearNodeRules();
    }
  }, [phase, clearGrades, clearLiveChecks, clearNodeRules]);

  const showTab = useCallback((next: GuideTab) => {
    setTab(next);
    // Focus after the panel is shown.
    requestAnimationFrame(() => guidePanel.current?.focus());
  }, []);

  const gradeBlocked = !connected
    ? "The grader needs a connection to the server."
    : !ready
      ? "Start the level first: the grader checks your live namespace."
      : null;

  function onShortcut(action: ShortcutAction) {
    switch (action) {
      case "apply":
        editor.current?.apply();
        return;
      case "grade":
        if (!gradeBlocked && !isRunning(grading.state)) grading.run("main");
        return;
      case "pane-briefing":
        showTab("briefing");
        return;
      case "pane-editor":
        setCenterPane("editor");
        requestAnimationFrame(() => editor.current?.focus());
        return;
      case "pane-terminal":
        terminal.current?.focus();
        return;
      case "pane-live":
        setCenterPane("live");
        requestAnimationFrame(() => livePane.current?.focus());
        return;
      case "help":
        setHelpOpen(true);
        return;
    }
  }
  useLevelShortcuts(onShortcut);

  // "Run in terminal" on the commands of the briefing, hints and debrief.
  const commandRunner = useMemo<CommandRunner>(
    () => ({
      run: (command) => terminal.current?.run(command) ?? false,
      unavailable: terminalAttached
        ? null
        : ready
          ? "Your terminal is connecting: try again in a moment."
          : "Start the level first: the command runs in your namespace's terminal.",
    }),
    [terminalAttached, ready],
  );

  const statusBanner =
    phase === "failed" && environment.status?.message
      ? {
          code: "environment-failed",
          message: environment.status.message,
          action: "Start the level again, or reset it if that keeps failing.",
        }
      : null;

  return (
    <CommandRunnerContext value={commandRunner}>
      <div className="flex h-screen min-h-[600px] flex-col overflow-hidden">
        <LevelHeader
          level={level}
          socket={socket}
          connection={connection}
          environment={environment}
          showProgress={showProgress}
          elapsedMs={elapsedMs}
          connected={connected}
          onStart={environment.start}
          onReset={() => setConfirmReset(true)}
          onRetryConnection={() => socket?.connect()}
          onShowShortcuts={() => setHelpOpen(true)}
          xp={help.state ? { worth: help.state.worth, awarded: help.state.xpAwarded } : null}
        />

        {(environment.error || statusBanner) && (
          <div className="shrink-0 border-b border-line bg-surface px-4 py-2">
            {environment.error ? (
              <ErrorCallout
                error={environment.error}
                testId="env-error"
                onRetry={environment.pending ? undefined : environment.reopen}
                retryLabel="Check again"
              />
            ) : statusBanner ? (
              <ErrorCallout error={statusBanner} testId="env-error" />
            ) : null}
          </div>
        )}

        <main id="main" className="flex min-h-0 flex-1">
          <div id="level-guide" style={{ width: sidebarWidth }} className="min-h-0 shrink-0">
            <LevelSidebar
              level={level}
              tab={tab}
              onTab={setTab}
              help={help}
              passed={grading.state.mainPassed}
              chaosPassed={grading.state.chaosPassed}
              chaosBonusXp={chaosBonusXp}
              debrief={grading.state.debrief}
            onOpenDebrief={() => setDebriefOpen(true)}
              panelRef={guidePanel}
              grader={
                <GradePanel
                  state={grading.state}
                  onRun={grading.run}
                  canRun={gradeBlocked === null}
                  blockedReason={gradeBlocked}
                  modKey={modKey}
                  onReadDebrief={() => {
                  // The article is read wide; its tab stays selected for when the view closes.
                  setTab("debrief");
                  setDebriefOpen(true);
                }}
                  nextHelp={help.state ? nextHelp(level.hints, help.state) : null}
                  onShowHints={() => showTab("hints")}
                  chaosBonusXp={chaosBonusXp}
                  live={ready ? liveChecks.checks : null}
                  liveAnnouncement={liveChecks.announcement}
                />
              }
            />
          </div>
          <Splitter
            orientation="vertical"
            value={sidebarWidth}
            min={SIDEBAR.min}
            max={SIDEBAR.max}
            direction={1}
            onChange={setSidebarWidth}
            onCommit={(size) => writeStored(storageKeys.sidebarWidth(), String(size))}
            label="Resize the level guide"
            controls="level-guide"
          />

          <div className="flex min-w-0 flex-1 flex-col">
            {/* Below 1280 px the editor and the live view share the centre. */}
            <div role="group" aria-label="Centre pane" className="flex h-9 shrink-0 items-center gap-1 border-b border-line bg-surface px-2 xl:hidden">
              {(["editor", "live"] as const).map((pane) => (
                <button
                  key={pane}
                  type="button"
                  aria-pressed={centerPane === pane}
                  onClick={() => setCenterPane(pane)}
                  className={`rounded-md px-3 py-1 text-xs font-medium ${
                    centerPane === pane ? "bg-overlay text-white" : "text-muted hover:text-fg"
                  }`}
                >
                  {pane === "editor" ? "Editor" : "Live view"}
                </button>
              ))}
            </div>

            <div className="flex min-h-0 flex-1">
              <div className={`min-w-0 flex-1 ${centerPane === "editor" ? "flex" : "hidden"} flex-col xl:flex`}>
                <YamlEditor
                  ref={editor}
                  levelId={level.id}
                  files={level.editableFiles}
                  socket={socket}
                  connected={connected}
                  environmentReady={ready}
                  clusterState={clusterState}
                  modKey={modKey}
                />
              </div>
              <div
                ref={livePane}
                tabIndex={-1}
                role="region"
                aria-label="Live view of your namespace"
                className={`min-w-0 border-line outline-none focus-visible:ring-2 focus-visible:ring-accent focus-visible:ring-inset xl:block xl:w-[440px] xl:shrink-0 xl:border-l 2xl:w-[500px] ${
                  centerPane === "live" ? "block flex-1" : "hidden"
                }`}
              >
                <LiveView
                  snapshot={snapshot}
                  environmentReady={ready}
                  stale={!ready || !connected}
                  nodeRules={level.panels.includes("node-rules") ? <NodeRulesPanel snapshot={nodeRules.snapshot} stale={!ready || !connected} /> : undefined}
                />
              </div>
            </div>

            <Splitter
              orientation="horizontal"
              value={terminalPane.size}
              min={TERMINAL.min}
              max={terminalPane.max}
              direction={-1}
              onChange={setChosenTerminalHeight}
              onCommit={(size) => writeStored(storageKeys.terminalHeight(), String(size))}
              label="Resize the terminal"
              controls="level-terminal"
            />
            <div id="level-terminal" style={{ height: terminalPane.size }} className="min-h-0 shrink-0">
              <LevelTerminal
                ref={terminal}
                socket={socket}
                levelId={level.id}
                environmentReady={ready}
                namespace={environment.status?.namespace ?? null}
                onAttachedChange={setTerminalAttached}
              />
            </div>
          </div>
        </main>

        <ConfirmDialog
          open={confirmReset}
          title="Reset this level?"
          confirmLabel="Reset level"
          onCancel={() => setConfirmReset(false)}
          onConfirm={() => {
            setConfirmReset(false);
            grading.clear();
            environment.reset();
          }}
        >
          <p>
            Everything in your namespace is deleted and the level starts again from its broken state. Your terminal
            session restarts, and the files in its home folder are the level&apos;s originals again.
          </p>
          <p className="mt-2" data-testid="reset-keeps">
            Kept: your edits in the editor (use “Reset file” there to undo them), the hints you opened (their XP stays
            spent), and a pass or XP already earned. The grader&apos;s last results are cleared.
          </p>
        </ConfirmDialog>
        <DebriefDialog debrief={grading.state.debrief} open={debriefOpen} onClose={() => setDebriefOpen(false)} />
        <ShortcutsHelp open={helpOpen} onClose={() => setHelpOpen(false)} modKey={modKey} />
        <XpAwardNotice socket={socket} levelId={level.id} />
      </div>
    </CommandRunnerContext>
  );
}
