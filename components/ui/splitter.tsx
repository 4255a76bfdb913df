"use client";

import { useRef, type KeyboardEvent, type PointerEvent } from "react";
import { clampSize, dragSize } from "./split-size";

/**
 * A draggable, keyboard-operable separator between two panes (WAI-ARIA "window splitter").
 * `orientation` is the separator's own: "horizontal" sits between a top and a bottom pane.
 */
export function Splitter({
  orientation,
  value,
  min,
  max,
  direction,
  onChange,
  onCommit,
  label,
  controls,
  className = "",
}: {
  orientation: "horizontal" | "vertical";
  value: number;
  min: number;
  max: number;
  /** -1 when moving the pointer up/left makes the controlled pane bigger. */
  direction: 1 | -1;
  onChange: (size: number) => void;
  /** Called once a drag or key press is over, e.g. to persist the size. */
  onCommit?: (size: number) => void;
  label: string;
  controls?: string;
  className?: string;
}) {
  const drag = useRef<{ start: number; origin: number; last: number } | null>(null);
  const horizontal = orientation === "horizontal";

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { start: value, origin: horizontal ? event.clientY : event.clientX, last: value };
  }

  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    const state = drag.current;
    if (!state) return;
    const delta = (horizontal ? event.clientY : event.clientX) - state.origin;
    state.last = dragSize(state.start, delta, direction, min, max);
    onChange(state.last);
  }

  function onPointerUp() {
    const state = drag.current;
    drag.current = null;
    if (state) onCommit?.(state.last);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const step = event.shiftKey ? 64 : 16;
    const grow = horizontal ? (direction === -1 ? "ArrowUp" : "ArrowDown") : direction === -1 ? "ArrowLeft" : "ArrowRight";
    const shrink = horizontal ? (direction === -1 ? "ArrowDown" : "ArrowUp") : direction === -1 ? "ArrowRight" : "ArrowLeft";
    let next: number | null = null;
    if (event.key === grow) next = value + step;
    else if (event.key === shrink) next = value - step;
    else if (event.key === "Home") next = min;
    else if (event.key === "End") next = max;
    if (next === null) return;
    event.preventDefault();
    const size = clampSize(next, min, max);
    onChange(size);
    onCommit?.(size);
  }

  return (
    <div
      role="separator"
      aria-orientation={orientation}
      aria-label={label}
      aria-controls={controls}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
      className={`group relative z-10 shrink-0 touch-none bg-line transition-colors hover:bg-accent/70 focus-visible:bg-accent focus-visible:outline-none ${
        horizontal ? "h-px w-full cursor-row-resize" : "h-full w-px cursor-col-resize"
      } ${className}`}
    >
      {/* A wider invisible hit area than the 1px line. */}
      <span aria-hidden="true" className={`absolute ${horizontal ? "inset-x-0 -inset-y-1.5" : "inset-y-0 -inset-x-1.5"}`} />
    </div>
  );
}
