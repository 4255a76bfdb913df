/**
 * Pure rules of the roster: a learner's state on a level, which level is "current", and how a
 * grade's results are shown in a row. Shared by the store (it builds roster rows) and the
 * instructor's actions (a cohort grade's rows).
 */
import type { LevelState, RosterCheck } from "../protocol/instructor-api";
import type { CheckResult } from "../protocol/socket-events";

export function levelStateOf(p: { startedAt: string | null; passedAt: string | null; chaosPassedAt: string | null } | undefined): LevelState {
  if (!p) return "not-started";
  if (p.chaosPassedAt) return "chaos-survived";
  if (p.passedAt) return "passed";
  if (p.startedAt) return "in-progress";
  return "not-started";
}

/**
 * The level the learner acted on last. Rows from before last_activity_at existed fall back to
 * their start time; ties go to the level id, so the answer does not depend on row order.
 */
export function currentLevelOf<T extends { levelId: string; lastActivityAt: string | null; startedAt: string | null }>(rows: readonly T[]): T | null {
  let best: T | null = null;
  let bestAt = "";
  for (const row of rows) {
    const at = row.lastActivityAt ?? row.startedAt ?? "";
    if (best === null || at > bestAt || (at === bestAt && row.levelId < best.levelId)) {
      best = row;
      bestAt = at;
    }
  }
  return best;
}

export function rosterChecksOf(results: readonly CheckResult[]): RosterCheck[] {
  return results.map((r) => ({ id: r.id, title: r.title, status: r.status }));
}

/** The first check that failed, by id (null when none did). */
export function firstFailedCheck(results: readonly Pick<CheckResult, "id" | "status">[]): string | null {
  return results.find((r) => r.status === "fail")?.id ?? null;
}

/** "Display name", else the username, else what an anonymous learner is called. */
export function learnerNameOf(l: { displayName: string | null; username: string | null }): string {
  return l.displayName || l.username || "Anonymous learner";
}
