/**
 * The scenarios a grading run plays for a level, by name, from the level's data alone: one
 * source for the player (play-level.ts) and for `npm test`, which declares them as the tests
 * levels:verify must report before anything runs, so a crashed run cannot hide one.
 */
import type { LevelManifest } from "../../lib/levels/level-schema";

export type ScenarioKind = "broken" | "wrong-fix" | "solution" | "regrade" | "chaos";

/** Every scenario kind, in the order they are played: what levels:verify plays by default. */
export const ALL_SCENARIO_KINDS: readonly ScenarioKind[] = ["broken", "wrong-fix", "solution", "regrade", "chaos"];

export const SCENARIO_NAMES = {
  broken: "broken start",
  wrongFix: (fixId: string) => `wrong fix ${fixId}`,
  solution: "solution",
  regrade: "solution, graded again",
  chaos: (deletedPod: string) => `chaos round (deletes ${deletedPod})`,
} as const;

/** The names of the scenarios played for `manifest`, in order, for the kinds asked for. */
export function plannedScenarios(manifest: Pick<LevelManifest, "wrongFixes" | "chaos">, kinds: ReadonlySet<ScenarioKind>): string[] {
  return [
    ...(kinds.has("broken") ? [SCENARIO_NAMES.broken] : []),
    ...(kinds.has("wrong-fix") ? manifest.wrongFixes.map((f) => SCENARIO_NAMES.wrongFix(f.id)) : []),
    ...(kinds.has("solution") ? [SCENARIO_NAMES.solution] : []),
    ...(kinds.has("solution") && kinds.has("regrade") ? [SCENARIO_NAMES.regrade] : []),
    // Played on the solved environment only: a failed solution leaves it "not run", as it should.
    ...(kinds.has("solution") && kinds.has("chaos") && manifest.chaos ? [SCENARIO_NAMES.chaos(manifest.chaos.deletePod)] : []),
  ];
}

/** Whether `--level` (ids or numbers, e.g. "31") picks this level; nothing named picks every level. */
export function levelSelected(manifest: Pick<LevelManifest, "id" | "number">, wanted: readonly string[] | undefined): boolean {
  return !wanted || wanted.some((w) => w === manifest.id || w === String(manifest.number));
}
