/**
 * The leaderboard's order, stated once: more XP first; on equal XP, whoever reached that total
 * first (the time of their last XP-earning award); then the learner id, so the order is total
 * and pages never overlap. The database query orders the same way; tests hold them together.
 */

export interface Standing {
  learnerId: string;
  xp: number;
  /** ISO-8601 UTC time of the award that brought the learner to `xp`. */
  reachedAt: string;
}

export function compareStandings(a: Standing, b: Standing): number {
  if (a.xp !== b.xp) return b.xp - a.xp;
  if (a.reachedAt !== b.reachedAt) return a.reachedAt < b.reachedAt ? -1 : 1;
  return a.learnerId < b.learnerId ? -1 : a.learnerId > b.learnerId ? 1 : 0;
}

/** 1-based rank of each standing, in leaderboard order. */
export function rankStandings<T extends Standing>(standings: readonly T[]): (T & { rank: number })[] {
  return [...standings].sort(compareStandings).map((s, i) => ({ ...s, rank: i + 1 }));
}

/** Monday 00:00 UTC of the week holding `now`: "this week" on the leaderboard. */
export function startOfWeekUtc(now: Date): Date {
  const day = now.getUTCDay(); // 0 = Sunday
  const sinceMonday = (day + 6) % 7;
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - sinceMonday));
}
