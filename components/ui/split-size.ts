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
 * A docked pane's size in a window of `windowSize` px: the learner's chosen size, or `share` of
 * the window before they chose one (a fixed 260 px gave about ten terminal lines at 1440×900);
 * never more than `maxShare` of the window, so the panes above keep room when the window is
 * small or shrinks (a size chosen on a big screen would otherwise crush the editor).
 */
export function dockedPaneSize(
  chosen: number | null,
  windowSize: number,
  limits: { min: number; max: number; share: number; maxShare: number },
): { size: number; max: number } {
  const max = clampSize(windowSize * limits.maxShare, limits.min, limits.max);
  const size = clampSize(chosen ?? windowSize * limits.share, limits.min, max);
  return { size, max };
}
