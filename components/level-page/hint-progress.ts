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

/**
 * Where a failed check sends a learner who wants more than the free feedback: the next hint
 * (with what it costs now), or the solution once every hint is open.
 */
export type NextHelp = { kind: "hint"; number: number; xpCost: number } | { kind: "solution" };

export function nextHelp(
  hints: readonly LevelHint[],
  help: { openedHints: readonly string[]; xpAwarded: number | null; solutionRevealed: boolean },
): NextHelp | null {
  if (help.solutionRevealed) return null;
  const index = help.openedHints.length;
  const hint = hints[index];
  if (!hint) return { kind: "solution" };
  // After the award nothing is charged any more: say so rather than show a stale price.
  return { kind: "hint", number: index + 1, xpCost: help.xpAwarded !== null ? 0 : hint.xpCost };
}
