/**
 * Achievements, defined as data: an id that never changes, what the learner sees, and a rule
 * the server evaluates after each grade. Shared with the browser for titles and descriptions.
 */

export type AchievementRule =
  | { type: "levels-passed"; count: number }
  | { type: "pass-without-hints" }
  | { type: "chaos-survived" }
  | { type: "world-complete"; world: number };

export interface AchievementDefinition {
  id: string;
  title: string;
  description: string;
  rule: AchievementRule;
}

export const ACHIEVEMENTS: readonly AchievementDefinition[] = [
  { id: "first-pass", title: "First fix", description: "Pass your first level.", rule: { type: "levels-passed", count: 1 } },
  {
    id: "no-hints",
    title: "Unaided",
    description: "Pass a level without opening a hint or the solution.",
    rule: { type: "pass-without-hints" },
  },
  {
    id: "chaos-survivor",
    title: "Chaos survivor",
    description: "Pass a level's chaos round: your fix held when a pod was deleted.",
    rule: { type: "chaos-survived" },
  },
  { id: "world-1-complete", title: "Pods & Workloads done", description: "Pass every level of world 1.", rule: { type: "world-complete", world: 1 } },
  { id: "world-2-complete", title: "Configuration done", description: "Pass every level of world 2.", rule: { type: "world-complete", world: 2 } },
  {
    id: "world-3-complete",
    title: "Networking & Services done",
    description: "Pass every level of world 3.",
    rule: { type: "world-complete", world: 3 },
  },
];

export function achievementById(id: string): AchievementDefinition | undefined {
  return ACHIEVEMENTS.find((a) => a.id === id);
}

/** What the rules look at: the learner's passed levels and the catalog's worlds. */
export interface AchievementFacts {
  passed: { levelId: string; world: number; hintsOpened: number; solutionRevealed: boolean; chaosPassed: boolean }[];
  /** Level ids of each world in the catalog. */
  worlds: ReadonlyMap<number, readonly string[]>;
}

export function ruleHolds(rule: AchievementRule, facts: AchievementFacts): boolean {
  switch (rule.type) {
    case "levels-passed":
      return facts.passed.length >= rule.count;
    case "pass-without-hints":
      return facts.passed.some((p) => p.hintsOpened === 0 && !p.solutionRevealed);
    case "chaos-survived":
      return facts.passed.some((p) => p.chaosPassed);
    case "world-complete": {
      // A world without levels yet cannot be "done".
      const levels = facts.worlds.get(rule.world) ?? [];
      const passed = new Set(facts.passed.map((p) => p.levelId));
      return levels.length > 0 && levels.every((id) => passed.has(id));
    }
  }
}

/** Ids of the achievements whose rule holds (earned ones included; storage awards each once). */
export function achievementsHolding(facts: AchievementFacts, definitions: readonly AchievementDefinition[] = ACHIEVEMENTS): string[] {
  return definitions.filter((d) => ruleHolds(d.rule, facts)).map((d) => d.id);
}
