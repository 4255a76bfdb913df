"use client";
// Browser-only: loaded through next/dynamic with ssr: false (see level-terminal.tsx).

import "@xterm/xterm/css/xterm.css";
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { useCallback, useEffect, useRef } from "react";
import { LIMITS, type ActionableError, type TerminalOpened } from "@/lib/protocol/socket-events";
import { request, REQUEST_TIMEOUTS } from "@/lib/client/request";
import type { KubeQuestSocket } from "@/lib/client/socket";
import { useSocketEvent } from "@/lib/client/use-socket";
import { splitInput } from "./input-chunks";
import { OutputAcks } from "./output-acks";
import { clampTerminalSize, sameSize, type TerminalSize } from "./terminal-size";

export type TerminalStatus =
  | { phase: "waiting" }
  | { phase: "attaching" }
  /** `recording`: whether (and how) the server records this attach for the learner's instructors. */
  | { phase: "attached"; recording: TerminalOpened["recording"] }
  | { phase: "disconnected" }
  | { phase: "exited"; reason: string }
  | { phase: "error"; error: ActionableError };

export interface XtermHandle {
  focus(): void;
  reconnect(): void;
  /**
   * Types `command` into the shell as a paste (several lines stay one edit where the shell
   * supports bracketed paste), presses Enter and focuses the terminal. False when not attached.
   */
  run(command: string): boolean;
}

/** Batches acknowledgements: at most one per this many ms unless the server's window fills up. */
const ACK_INTERVAL_MS = 50;

/** Also the terminal replay's colours (components/terminal-replay), so a replay looks like the terminal. */
export const theme = {
  background: "#0a0d12",
  foreground: "#e6ebf2",
  cursor: "#5b9dff",
  cursorAccent: "#0a0d12",
  selectionBackground: "#24406e",
  black: "#1c2230",
  red: "#ff6b6b",
  green: "#3fcf8e",
  yellow: "#f2b84b",
  blue: "#5b9dff",
  magenta: "#c59bff",
  cyan: "#56d4dd",
  white: "#e6ebf2",
  brightBlack: "#5d6b80",
  brightRed: "#ff8f8f",
  brightGreen: "#6be3ac",
  brightYellow: "#f7cd7a",
  brightBlue: "#8ab8ff",
  brightMagenta: "#d8bbff",
  brightCyan: "#8ae6ec",
  brightWhite: "#ffffff",
};

/**
 * xterm.js attached to the learner's shell through the socket:
 * - `terminal:open` with the fitted size once the environment is ready, and again after every
 *   reconnection (the server re-attaches to the same tmux session, so history survives);
 * - `terminal:output` written to xterm, acknowledged with the cumulative byte count only after
 *   xterm has processed it (`terminal:ack`, flow control);
 * - keystrokes and pastes sent as `terminal:input`, split to the server's size limit;
 * - `terminal:resize` when the pane's size changes the number of rows or columns.
 */
export default function XtermView({
  socket,
  levelId,
  ready,
  onStatus,
  handleRef,
}: {
  socket: KubeQuestSocket | null;
  levelId: string;
  /** The environment is ready: a shell can be attached. */
  ready: boolean;
  onStatus: (status: TerminalStatus) => void;
  handleRef: { current: XtermHandle | null };
}) {
  const container = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const fit = useRef<FitAddon | null>(null);
  const attached = useRef(false);
  const sentSize = useRef<TerminalSize | null>(null);
  const acks = useRef(new OutputAcks(LIMITS.terminalUnackedBytes));
  const ackTimer = useRef<number | null>(null);
  const attachSeq = useRef(0);
  const latest = useRef({ socket, levelId, ready, onStatus });
  useEffect(() => {
    latest.current = { socket, levelId, ready, onStatus };
  });

  const flushAck = useCallback(() => {
    if (ackTimer.current !== null) {
      window.clearTimeout(ackTimer.current);
      ackTimer.current = null;
    }
    const bytes = acks.current.take();
    const s = latest.current.socket;
    if (bytes !== null && s?.connected) s.emit("terminal:ack", { bytes });
  }, []);

  const measure = useCallback((): TerminalSize => {
    const proposed = fit.current?.proposeDimensions();
    const t = term.current;
    return clampTerminalSize(proposed ?? { cols: t?.cols ?? 80, rows: t?.rows ?? 24 });
  }, []);

  const attach = useCallback(() => {
    const { socket: s, levelId: id, ready: isReady, onStatus: report } = latest.current;
    if (!s || !isReady || !term.current) return;
    if (!s.connected) {
      report({ phase: "disconnected" });
      return;
    }
    const seq = ++attachSeq.current;
    attached.current = false;
    acks.current.reset();
    fit.current?.fit();
    const size = measure();
    report({ phase: "attaching" });
    void request(s, "terminal:open", { levelId: id, ...size }, REQUEST_TIMEOUTS.terminalOpen).then((result) => {
      if (seq !== attachSeq.current) return;
      if (result.ok) {
        attached.current = true;
        sentSize.current = size;
        latest.current.onStatus({ phase: "attached", recording: result.value.recording });
        // The pane may have changed size while the request was in flight.
        const now = measure();
        if (!sameSize(sentSize.current, now)) {
          sentSize.current = now;
          s.emit("terminal:resize", now);
        }
      } else {
        latest.current.onStatus({ phase: "error", error: result.error });
      }
    });
  }, [measure]);

  // xterm itself: created once per mount.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const terminal = new Terminal({
      fontFamily: 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      lineHeight: 1.15,
      cursorBlink: true,
      scrollback: 5000,
      macOptionIsMeta: false,
      theme,
    });
    const fitAddon = new FitAddon();
    terminal.loadAddon(fitAddon);
    terminal.open(element);
    term.current = terminal;
    fit.current = fitAddon;
    try {
      fitAddon.fit();
    } catch {
      // A hidden pane has no size yet; the resize observer fits it once it has one.
    }

    const send = (data: string) => {
      const s = latest.current.socket;
      if (!attached.current || !s?.connected) return;
      for (const chunk of splitInput(data, LIMITS.terminalInputBytes)) s.emit("terminal:input", { data: chunk });
    };
    const onData = terminal.onData(send);
    const onBinary = terminal.onBinary(send);

    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (element.clientWidth === 0 || element.clientHeight === 0) return;
        fitAddon.fit();
        const size = clampTerminalSize({ cols: terminal.cols, rows: terminal.rows });
        const s = latest.current.socket;
        if (attached.current && s?.connected && !sameSize(sentSize.current, size)) {
          sentSize.current = size;
          s.emit("terminal:resize", size);
        }
      });
    });
    observer.observe(element);

    handleRef.current = {
      focus: () => terminal.focus(),
      reconnect: () => attach(),
      run: (command) => {
        if (!attached.current || !latest.current.socket?.connected) return false;
        terminal.paste(command);
        send("\r");
        terminal.focus();
        return true;
      },
    };

    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      onData.dispose();
      onBinary.dispose();
      if (ackTimer.current !== null) window.clearTimeout(ackTimer.current);
      handleRef.current = null;
      term.current = null;
      fit.current = null;
      attached.current = false;
      terminal.dispose();
    };
  }, [attach, handleRef]);

  // Attach when the environment becomes ready, and again on every reconnection.
  useEffect(() => {
    if (!socket) return;
    if (!ready) {
      attachSeq.current++;
      attached.current = false;
      latest.current.onStatus({ phase: "waiting" });
      return;
    }
    const onConnect = () => attach();
    const onDisconnect = () => {
      attached.current = false;
      attachSeq.current++;
      latest.current.onStatus({ phase: "disconnected" });
    };
    socket.on("connect", onConnect);
    socket.on("disconnect", onDisconnect);
    attach();
    return () => {
      socket.off("connect", onConnect);
      socket.off("disconnect", onDisconnect);
    };
  }, [socket, ready, attach]);

  useSocketEvent(socket, "terminal:output", (chunk) => {
    const terminal = term.current;
    if (!terminal) return;
    terminal.write(chunk.data, () => {
      acks.current.processedChunk(chunk.bytes);
      if (acks.current.urgent()) flushAck();
      else if (ackTimer.current === null) ackTimer.current = window.setTimeout(flushAck, ACK_INTERVAL_MS);
    });
  });

  useSocketEvent(socket, "terminal:exit", (info) => {
    attached.current = false;
    attachSeq.current++;
    latest.current.onStatus({ phase: "exited", reason: info.reason });
  });

  return <div ref={container} className="kq-terminal h-full w-full" />;
}
