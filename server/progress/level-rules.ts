/**
 * The XP rules of a level as the progress store needs them, read from its `level.yaml`.
 *
 * Node only.
 */
import type { LevelRules } from "../database/progress-store";
import type { LevelCatalog, LoadedLevel } from "../levels/level-catalog";

export function levelRulesOf(level: LoadedLevel): LevelRules {
  const m = level.manifest;
  return {
    levelId: m.id,
    world: m.world.number,
    xp: m.xp,
    chaosBonusXp: m.chaosBonusXp,
    hintCosts: m.hints.map((h) => h.xpCost),
    solutionXpCost: m.solutionXpCost,
  };
}

/** Level ids of each world, for "world done" achievements. */
export function worldsOf(catalog: LevelCatalog): Map<number, string[]> {
  const worlds = new Map<number, string[]>();
  for (const level of catalog.list()) {
    const ids = worlds.get(level.manifest.world.number) ?? [];
    ids.push(level.manifest.id);
    worlds.set(level.manifest.world.number, ids);
  }
  return worlds;
}
