/**
 * CSV exports of the cohort analytics (RFC 4180: comma-separated, CRLF line ends, fields with
 * a comma, quote or line break quoted and inner quotes doubled).
 *
 * Formula injection: a spreadsheet runs a cell starting with = + - @ as a formula, and some
 * also after leading white space (a space, tab, carriage return, no-break or ideographic
 * space) or with the full-width forms ＝ ＋ － ＠ (which some normalise to ASCII). Text cells
 * starting with any of these — a learner can choose their display name — get a leading
 * apostrophe. Numbers are written as numbers.
 */
import type { CohortAnalytics, RosterRow } from "../../lib/protocol/instructor-api";

export type CsvValue = string | number | boolean | null;

const FORMULA_START = /^(?:\s|[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/u;

export function csvCell(value: CsvValue): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** One row per level and check: how often it passed. */
export function checksCsv(analytics: CohortAnalytics): string {
  const rows: CsvValue[][] = [];
  for (const level of analytics.levels) {
    for (const c of level.checks) {
      rows.push([level.number, level.levelId, level.title, c.id, c.title, c.runs, c.passed, c.rate === null ? null : Math.round(c.rate * 1000) / 1000]);
    }
  }
  return toCsv(["level_number", "level_id", "level_title", "check_id", "check_title", "runs", "passed", "pass_rate"], rows);
}

/** One row per learner: where they are and how they got there. */
export function learnersCsv(rows: readonly RosterRow[]): string {
  return toCsv(
    ["name", "username", "joined_at", "level_id", "state", "started_at", "passed_at", "time_to_solve_s", "attempts", "hints_opened", "solution_revealed", "xp", "last_activity_at", "latest_grade_passed", "first_failed_check"],
    rows.map((r) => [
      r.name,
      r.username,
      r.joinedAt,
      r.levelId,
      r.state,
      r.startedAt,
      r.passedAt,
      r.startedAt && r.passedAt ? Math.round((Date.parse(r.passedAt) - Date.parse(r.startedAt)) / 1000) : null,
      r.attempts,
      r.hintsOpened,
      r.solutionRevealed,
      r.xp,
      r.lastActivityAt,
      r.latestGrade ? r.latestGrade.passed : null,
      r.latestGrade?.checks.find((c) => c.status === "fail")?.id ?? null,
    ]),
  );
}
