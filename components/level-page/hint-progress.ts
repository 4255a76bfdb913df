import type { LevelHint } from "@/lib/protocol/socket-events";
import { levelWorth } from "@/lib/progress/xp-rules";

/**
 * Hints open one after another, on the server: hint n+1 becomes available once hint n is open.
 * - open: its text (sent by the server when it was opened) is shown.
 * - next: the one that may be opened now.
 * - locked: an earlier hint must be opened first.
 */
export type HintState = "open" | "next" | "locked";

export interface HintView {
  /** 1-based, as shown to learners ("Hint 2") and used in test ids. */
  number: number;
  title: string;
  /** Markdown, once the server opened the hint. */
  body: string | null;
  state: HintState;
  /** XP the learner gives up by opening the hint. */
  xpCost: number;
  /** What the level will be worth after opening this hint (shown before it is opened). */
  worthAfter: number;
}

export function hintViews(
  hints: readonly LevelHint[],
  openedBodies: readonly string[],
  level: { xp: number; solutionXpCost: number },
  help: { hintXpCost: number; solutionRevealed: boolean },
): HintView[] {
  const openCount = Math.min(openedBodies.length, hints.length);
  return hints.map((hint, index) => ({
    number: index + 1,
    title: hint.title,
    body: index < openCount ? (openedBodies[index] ?? null) : null,
    state: index < openCount ? "open" : index === openCount ? "next" : "locked",
    xpCost: hint.xpCost,
    worthAfter: levelWorth(level, { ...help, hintXpCost: help.hintXpCost + hint.xpCost }),
  }));
}
