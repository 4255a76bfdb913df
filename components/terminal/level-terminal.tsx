"use client";
// Components never import `@/server/*`; the terminal talks to the server only through the socket.

import dynamic from "next/dynamic";
import { useCallback, useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useSocketEvent } from "@/lib/client/use-socket";
import type { TerminalNotice, TerminalOpened } from "@/lib/protocol/socket-events";
import { buttonStyles } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";
import type { TerminalStatus, XtermHandle } from "./xterm-view";

// xterm.js needs the DOM: browser only.
const XtermView = dynamic(() => import("./xterm-view"), {
  ssr: false,
  loading: () => (
    <p className="flex h-full items-center justify-center gap-2 text-sm text-muted">
      <Spinner /> Loading the terminal…
    </p>
  ),
});

export interface LevelTerminalHandle {
  focus(): void;
  /** Types a command into the shell and presses Enter ("Run in terminal"); false when not attached. */
  run(command: string): boolean;
}

/** How long a dropped-input notice stays on screen. */
const NOTICE_MS = 8_000;

const statusLine: Record<TerminalStatus["phase"], { text: string; tone: string }> = {
  waiting: { text: "Not attached", tone: "text-faint" },
  attaching: { text: "Attaching…", tone: "text-warn" },
  attached: { text: "Attached", tone: "text-ok" },
  disconnected: { text: "Reconnecting…", tone: "text-warn" },
  exited: { text: "Session ended", tone: "text-bad" },
  error: { text: "Not attached", tone: "text-bad" },
};

/** The learner's shell in their namespace, with its connection state and a way back in. */
export function LevelTerminal({
  ref,
  socket,
  levelId,
  environmentReady,
  namespace,
  onAttachedChange,
}: {
  ref?: Ref<LevelTerminalHandle>;
  /** Told whether a shell is attached (what "Run in terminal" needs). */
  onAttachedChange?: (attached: boolean) => void;
  socket: KubeQuestSocket | null;
  levelId: string;
  environmentReady: boolean;
  namespace: string | null;
}) {
  const [status, setStatus] = useState<TerminalStatus>({ phase: "waiting" });
  // What the server said at the last attach: the notice stays through reconnections.
  const [recording, setRecording] = useState<TerminalOpened["recording"]>(null);
  const onStatus = useCallback((next: TerminalStatus) => {
    setStatus(next);
    if (next.phase === "attached") setRecording(next.recording);
  }, []);
  const attached = status.phase === "attached";
  useEffect(() => {
    onAttachedChange?.(attached);
  }, [attached, onAttachedChange]);
  const xterm = useRef<XtermHandle | null>(null);
  // Input or a resize the server dropped (rate limits): said for a few seconds, then gone.
  const [notice, setNotice] = useState<TerminalNotice | null>(null);
  useSocketEvent(socket, "terminal:notice", setNotice);
  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => setNotice(null), NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, [notice]);

  useImperativeHandle(ref, () => ({
    focus: () => xterm.current?.focus(),
    run: (command) => xterm.current?.run(command) ?? false,
  }));

  const line = statusLine[status.phase];
  const overlay = (() => {
    if (!environmentReady) {
      return (
        <>
          <p className="font-medium text-fg">Your shell appears here once the environment is ready.</p>
          <p className="mt-1 text-muted">Start the level from the top bar; kubectl is set up for your namespace.</p>
        </>
      );
    }
    if (status.phase === "exited" || status.phase === "error") {
      return (
        <div role="alert">
          <p className="font-medium text-fg">
            {status.phase === "exited" ? `The terminal session ended: ${status.reason}` : status.error.message}
          </p>
          {status.phase === "error" && status.error.action && <p className="mt-1 text-muted">{status.error.action}</p>}
          <button type="button" onClick={() => xterm.current?.reconnect()} className={`${buttonStyles.primary} mt-3`}>
            Reconnect
          </button>
        </div>
      );
    }
    if (status.phase === "disconnected") {
      return (
        <p className="flex items-center gap-2 font-medium text-fg">
          <Spinner /> Reconnecting… your shell session and its history are kept.
        </p>
      );
    }
    return null;
  })();

  return (
    <section
      data-testid="terminal"
      data-status={status.phase}
      aria-labelledby="terminal-heading"
      aria-describedby={recording ? "terminal-recording-notice" : undefined}
      className="relative flex h-full min-h-0 flex-col bg-canvas"
    >
      <div className="flex h-8 shrink-0 items-center justify-between gap-3 border-b border-line bg-surface px-3">
        <h2 id="terminal-heading" className="flex items-center gap-2 text-xs font-semibold tracking-wider text-muted uppercase">
          Terminal
          {namespace && <span className="font-mono text-[11px] font-normal tracking-normal normal-case text-faint">ns/{namespace}</span>}
        </h2>
        <span className={`flex items-center gap-1.5 text-[11px] font-medium ${line.tone}`} aria-live="polite">
          {(status.phase === "attaching" || status.phase === "disconnected") && <Spinner className="h-3 w-3" />}
          {line.text}
        </span>
      </div>
      {recording && (
        // Learners are told, in plain words, that their terminal is recorded and for how long.
        <p
          id="terminal-recording-notice"
          data-testid="terminal-recording-notice"
          className="flex shrink-0 items-center gap-1.5 border-b border-line bg-surface px-3 py-1 text-[11px] text-muted"
        >
          <span aria-hidden="true" className="inline-block h-1.5 w-1.5 rounded-full bg-bad" />
          Your instructor can replay this terminal. Recordings are kept {recording.retentionDays}{" "}
          {recording.retentionDays === 1 ? "day" : "days"}.
        </p>
      )}
      {notice && (
        <p
          role="status"
          data-testid="terminal-notice"
          data-code={notice.code}
          className="shrink-0 border-b border-line bg-surface px-3 py-1 text-[11px] text-warn"
        >
          {notice.message} {notice.action}
        </p>
      )}
      <div role="group" className="relative min-h-0 flex-1" aria-label="Shell in your namespace">
        <XtermView socket={socket} levelId={levelId} ready={environmentReady} onStatus={onStatus} handleRef={xterm} />
        {overlay && (
          <div className="absolute inset-0 flex items-center justify-center bg-canvas/85 p-6 text-center text-sm backdrop-blur-[1px]">
            <div className="max-w-md">{overlay}</div>
          </div>
        )}
      </div>
    </section>
  );
}
