/** Clamps a pane size (px) between its minimum and maximum; a maximum below the minimum wins the minimum. */
export function clampSize(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.round(Math.min(Math.max(value, min), Math.max(min, max)));
}

/** Size after dragging the separator by `delta` px; `direction` -1 when dragging up/left grows the pane. */
export function dragSize(start: number, delta: number, direction: 1 | -1, min: number, max: number): number {
  return clampSize(start + delta * direction, min, max);
}

/** Parses a stored size, falling back when it is missing or garbage. */
export function parseStoredSize(stored: string | null, fallback: number): number {
  if (stored === null) return fallback;
  const value = Number.parseInt(stored, 10);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * The terminal's height before the learner has chosen one: a share of the window, so a tall
 * screen shows a usable number of lines (a fixed 260 px gave about ten at 1440×900), clamped.
 */
export function defaultPaneSize(windowSize: number, share: number, min: number, max: number): number {
  return clampSize(windowSize * share, min, max);
}
