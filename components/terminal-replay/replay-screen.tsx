"use client";
// Browser-only: loaded through next/dynamic with ssr: false (see terminal-replay.tsx).

import "@xterm/xterm/css/xterm.css";
import { Terminal } from "@xterm/xterm";
import { useEffect, useRef } from "react";
import { theme } from "@/components/terminal/xterm-view";
import type { ReplayOp } from "./replay-timeline";

export interface ReplayScreenHandle {
  /** Clears the screen and gives it back the recording's starting size. */
  reset(): void;
  /** Writes output and applies resizes, in order. */
  apply(ops: readonly ReplayOp[]): void;
  focus(): void;
}

/**
 * A read-only xterm.js of the recording's exact size: the learner's output only makes sense in
 * the columns and rows it was written for, so the screen is not fitted to the pane (the pane
 * scrolls instead). Keys typed here never go anywhere: space bubbles up to the player (play and
 * pause) and Tab moves focus on, as everywhere else on the page.
 */
export default function ReplayScreen({
  cols,
  rows,
  label,
  handleRef,
  onReady,
}: {
  cols: number;
  rows: number;
  label: string;
  handleRef: { current: ReplayScreenHandle | null };
  onReady: () => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const latest = useRef({ onReady });
  useEffect(() => {
    latest.current = { onReady };
  });

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const terminal = new Terminal({
      cols,
      rows,
      disableStdin: true,
      cursorBlink: false,
      fontFamily: 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 12,
      lineHeight: 1.15,
      scrollback: 5000,
      theme,
    });
    terminal.open(element);
    terminal.textarea?.setAttribute("aria-label", label);
    // xterm would take space and Tab for the (absent) shell and keep focus here; returning
    // false leaves them to the browser: space reaches the player, Tab moves focus on.
    terminal.attachCustomKeyEventHandler((event) => event.key !== " " && event.key !== "Tab");
    // xterm parses writes later, in order, but resizes and resets at once: both go through an
    // empty write's callback so they happen after the output written before them.
    handleRef.current = {
      reset: () =>
        terminal.write("", () => {
          terminal.reset();
          terminal.resize(cols, rows);
        }),
      apply: (ops) => {
        for (const op of ops) {
          if (op.kind === "write") terminal.write(op.data);
          else terminal.write("", () => terminal.resize(op.cols, op.rows));
        }
      },
      focus: () => terminal.focus(),
    };
    latest.current.onReady();
    return () => {
      handleRef.current = null;
      terminal.dispose();
    };
  }, [cols, rows, label, handleRef]);

  return <div ref={container} data-testid="terminal-replay-screen" className="inline-block min-w-full" />;
}
