/**
 * Cohort analytics from the raw rows of its members: per level, the pass rate of each check,
 * the time each learner took to solve it, and how much help they used. Pure: the store fetches
 * the rows, this turns them into what the charts and the CSV show.
 *
 * Pass rates count the learners' own main-round grade runs (the attempts); a check that was
 * skipped (an earlier one failed) did not run and is not counted. Instructor grades are
 * snapshots of the same work and are left out, so grading the class does not move the rates.
 * A run in which KubeQuest could not check something (a check in the `error` state) is not a
 * verdict on anyone's work: the grade service does not store one, and should one be here it
 * is left out too.
 */
import type { CheckPassRate, LevelAnalytics } from "../../lib/protocol/instructor-api";
import type { AnalyticsGradeRow, AnalyticsProgressRow } from "../database/cohort-store";

export interface AnalyticsLevelInfo {
  levelId: string;
  number: number;
  title: string;
  checks: { id: string; title: string }[];
  hintCount: number;
}

export function levelAnalyticsOf(level: AnalyticsLevelInfo, progress: readonly AnalyticsProgressRow[], grades: readonly AnalyticsGradeRow[]): LevelAnalytics {
  const rows = progress.filter((p) => p.levelId === level.levelId);
  const runs = grades.filter((g) => g.levelId === level.levelId && !g.checks.some((c) => c.status === "error"));
  const checks: CheckPassRate[] = level.checks.map((c) => {
    let ran = 0;
    let passed = 0;
    for (const g of runs) {
      const status = g.checks.find((r) => r.id === c.id)?.status;
      if (status === "pass" || status === "fail") ran += 1;
      if (status === "pass") passed += 1;
    }
    return { id: c.id, title: c.title, runs: ran, passed, rate: ran === 0 ? null : passed / ran };
  });
  const timeToSolveMs = rows
    .filter((p) => p.startedAt && p.passedAt)
    .map((p) => Math.max(0, Date.parse(p.passedAt!) - Date.parse(p.startedAt!)))
    .sort((a, b) => a - b);
  const started = rows.filter((p) => p.startedAt !== null);
  const maxHints = Math.max(level.hintCount, ...rows.map((p) => p.hintsOpened));
  const learnersByHintsOpened = Array.from({ length: maxHints }, (_, i) => rows.filter((p) => p.hintsOpened >= i + 1).length);
  return {
    levelId: level.levelId,
    number: level.number,
    title: level.title,
    learnersStarted: started.length,
    learnersPassed: rows.filter((p) => p.passedAt !== null).length,
    gradeRuns: runs.length,
    checks,
    timeToSolveMs,
    learnersByHintsOpened,
    hintsOpenedTotal: rows.reduce((s, p) => s + p.hintsOpened, 0),
    solutionsRevealed: rows.filter((p) => p.solutionRevealed).length,
  };
}
