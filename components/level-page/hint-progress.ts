import type { LevelHint } from "@/lib/protocol/socket-events";

/**
 * Hints open one after another: hint n+1 becomes available once hint n is open.
 * - open: its text is shown.
 * - next: the one that may be opened now.
 * - locked: an earlier hint must be opened first.
 */
export type HintState = "open" | "next" | "locked";

export interface HintView {
  /** 1-based, as shown to learners ("Hint 2") and used in test ids. */
  number: number;
  title: string;
  body: string;
  state: HintState;
  /** XP the learner gives up by opening the hint. */
  xpCost: number;
}

export function hintViews(hints: readonly LevelHint[], opened: number): HintView[] {
  const openCount = Math.min(Math.max(0, Math.floor(opened)), hints.length);
  return hints.map((hint, index) => ({
    number: index + 1,
    title: hint.title,
    body: hint.body,
    state: index < openCount ? "open" : index === openCount ? "next" : "locked",
    xpCost: hint.xpCost,
  }));
}

/** Parses the stored count of opened hints. */
export function parseOpenedCount(stored: string | null, hintCount: number): number {
  const value = stored === null ? 0 : Number.parseInt(stored, 10);
  if (!Number.isFinite(value) || value < 0) return 0;
  return Math.min(value, hintCount);
}
