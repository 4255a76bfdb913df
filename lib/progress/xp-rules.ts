/**
 * How much XP a level is worth to one learner, given the help they took. Pure, shared by the
 * server (which awards) and the browser (which shows the cost before a hint is opened), so
 * what is shown is what is awarded.
 */

export interface LevelXpRules {
  /** XP for passing the main grade with no help. */
  xp: number;
  /** Extra XP for passing the chaos round after the main grade. */
  chaosBonusXp: number;
  /** XP each hint gives up, in the order hints open. */
  hintCosts: readonly number[];
  /** XP revealing the solution gives up; by convention the whole level. */
  solutionXpCost: number;
}

export interface HelpTaken {
  /** XP given up by the hints opened so far (recorded at opening, as shown). */
  hintXpCost: number;
  solutionRevealed: boolean;
}

/**
 * The main-round award: the level's XP less what the hints cost, never below zero; nothing at
 * all once the solution was revealed ("revealing the solution makes the level worth nothing").
 */
export function levelWorth(rules: Pick<LevelXpRules, "xp" | "solutionXpCost">, help: HelpTaken): number {
  if (help.solutionRevealed) return 0;
  return Math.max(0, rules.xp - Math.max(0, help.hintXpCost));
}

/** The chaos bonus; a level whose solution was revealed earns no bonus either. */
export function chaosWorth(rules: Pick<LevelXpRules, "chaosBonusXp">, help: Pick<HelpTaken, "solutionRevealed">): number {
  return help.solutionRevealed ? 0 : rules.chaosBonusXp;
}

/** The worth after opening hint `index` (0-based) on top of `help`: shown on the button. */
export function worthAfterHint(rules: LevelXpRules, help: HelpTaken, index: number): number {
  return levelWorth(rules, { ...help, hintXpCost: help.hintXpCost + (rules.hintCosts[index] ?? 0) });
}
