/**
 * Why: the level list is where a returning learner looks for what they have done. It used to
 * say "1 level · 250 XP to earn" after the level was passed for 225 XP, with no mark on the
 * card (issue 16, item 8). These figures come from the learner's own record (GET /api/profile,
 * the same numbers the profile shows), never from the levels' list prices.
 */
import type { ProfileLevelView } from "@/lib/protocol/account-api";
import type { LevelSummary } from "@/lib/protocol/socket-events";

export interface LevelMark {
  passed: boolean;
  chaosPassed: boolean;
  /** XP this learner was awarded on the level (main and chaos). */
  xp: number;
}

export interface ListProgress {
  marks: Map<string, LevelMark>;
  /** The line beside the logo: what there is to earn, or what was earned. */
  headline: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function listProgress(levels: readonly Pick<LevelSummary, "id" | "xp">[], record: readonly ProfileLevelView[] | null): ListProgress {
  const marks = new Map<string, LevelMark>();
  for (const level of record ?? []) {
    marks.set(level.levelId, { passed: level.passedAt !== null, chaosPassed: level.chaosPassedAt !== null, xp: level.xp });
  }
  const offered = levels.filter((l) => marks.has(l.id));
  const passed = offered.filter((l) => marks.get(l.id)?.passed).length;
  const earned = offered.reduce((sum, l) => sum + (marks.get(l.id)?.xp ?? 0), 0);
  const total = levels.reduce((sum, l) => sum + l.xp, 0);
  const headline =
    passed === 0 && earned === 0
      ? `${plural(levels.length, "level", "levels")} · ${total} XP to earn`
      : `${passed} of ${plural(levels.length, "level", "levels")} passed · ${earned} XP earned`;
  return { marks, headline };
}
