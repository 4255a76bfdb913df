/**
 * The scenarios a grading run plays for a level, by name, from the level's data alone: one
 * source for the player (play-level.ts) and for `npm test`, which declares them as the tests
 * levels:verify must report before anything runs, so a crashed run cannot hide one.
 */
import type { LevelManifest } from "../../lib/levels/level-schema";

export type ScenarioKind = "broken" | "wrong-fix" | "solution" | "regrade";

export const SCENARIO_NAMES = {
  broken: "broken start",
  wrongFix: (fixId: string) => `wrong fix ${fixId}`,
  solution: "solution",
  regrade: "solution, graded again",
} as const;

/** The names of the scenarios played for `manifest`, in order, for the kinds asked for. */
export function plannedScenarios(manifest: Pick<LevelManifest, "wrongFixes">, kinds: ReadonlySet<ScenarioKind>): string[] {
  return [
    ...(kinds.has("broken") ? [SCENARIO_NAMES.broken] : []),
    ...(kinds.has("wrong-fix") ? manifest.wrongFixes.map((f) => SCENARIO_NAMES.wrongFix(f.id)) : []),
    ...(kinds.has("solution") ? [SCENARIO_NAMES.solution] : []),
    ...(kinds.has("solution") && kinds.has("regrade") ? [SCENARIO_NAMES.regrade] : []),
  ];
}
