/**
 * The dashboard's composite answers (roster view, learner detail, analytics), assembled from the
 * cohort store and the level catalog. Shared by the HTTP API and the socket's `cohort:watch`.
 *
 * Node only.
 */
import type { CohortAnalytics, LearnerDetail, RosterLevel, RosterView } from "../../lib/protocol/instructor-api";
import type { CohortStore } from "../database/cohort-store";
import type { LevelCatalog } from "../levels/level-catalog";
import { levelAnalyticsOf } from "./cohort-analytics";

export function rosterLevelsOf(catalog: LevelCatalog): RosterLevel[] {
  return catalog.list().map((l) => ({
    id: l.manifest.id,
    number: l.manifest.number,
    title: l.manifest.title,
    checks: l.manifest.grader.map((c) => ({ id: c.id, title: c.title })),
  }));
}

export async function rosterViewOf(cohorts: CohortStore, catalog: LevelCatalog, cohortId: string, now = new Date()): Promise<RosterView> {
  const [summary, rows] = await Promise.all([cohorts.summary(cohortId), cohorts.rosterRows(cohortId)]);
  if (!summary) throw new Error(`cohort ${cohortId} vanished`);
  return { cohort: summary, levels: rosterLevelsOf(catalog), rows, at: now.toISOString() };
}

/** The member in depth; recordings only from `memberSince` (when they joined this cohort). */
export async function learnerDetailOf(
  cohorts: CohortStore,
  recordings: { list(learnerId: string, opts: { since: string }): Promise<LearnerDetail["recordings"]> } | undefined,
  cohort: { id: string; name: string },
  learnerId: string,
  memberSince: string,
): Promise<LearnerDetail | null> {
  const [rows, recorded] = await Promise.all([cohorts.learnerDetail(cohort.id, learnerId), recordings?.list(learnerId, { since: memberSince }) ?? Promise.resolve([])]);
  if (!rows) return null;
  return { cohort: { id: cohort.id, name: cohort.name }, ...rows, recordings: recorded };
}

/** Analytics of every catalog level that a member of the cohort has started or graded. */
export async function cohortAnalyticsOf(cohorts: CohortStore, catalog: LevelCatalog, cohortId: string, now = new Date()): Promise<CohortAnalytics> {
  const raw = await cohorts.analyticsRows(cohortId);
  const touched = new Set([...raw.progress.map((p) => p.levelId), ...raw.grades.map((g) => g.levelId)]);
  return {
    cohortId,
    generatedAt: now.toISOString(),
    learners: raw.learners,
    levels: catalog
      .list()
      .filter((l) => touched.has(l.manifest.id))
      .map((l) =>
        levelAnalyticsOf(
          {
            levelId: l.manifest.id,
            number: l.manifest.number,
            title: l.manifest.title,
            checks: l.manifest.grader.map((c) => ({ id: c.id, title: c.title })),
            hintCount: l.manifest.hints.length,
          },
          raw.progress,
          raw.grades,
        ),
      ),
  };
}
