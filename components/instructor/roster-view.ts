/**
 * The roster's pure logic: which learners a filter keeps, the "stuck" rule, how each column
 * sorts, and how a live `cohort:roster-row` update lands in the list. Kept free of React so
 * every rule is unit-tested.
 */
import type { LevelState, RosterRow } from "@/lib/protocol/instructor-api";
import { msSince } from "./format-time";

export type RosterSortKey = "name" | "level" | "state" | "checks" | "time" | "attempts" | "hints" | "xp" | "activity";
export type SortDirection = "ascending" | "descending";
export interface RosterSort {
  key: RosterSortKey;
  direction: SortDirection;
}

export interface RosterFilters {
  /** Matched against name, username and level id, case-insensitively. */
  text: string;
  /** "any" keeps every state. */
  state: LevelState | "any";
  /** Only learners stuck for more than `stuckMinutes`. */
  stuckOnly: boolean;
  stuckMinutes: number;
  /** Only learners whose latest grade failed this check id ("" = no check filter). */
  failingCheck: string;
}

export const DEFAULT_STUCK_MINUTES = 10;

export const emptyFilters: RosterFilters = {
  text: "",
  state: "any",
  stuckOnly: false,
  stuckMinutes: DEFAULT_STUCK_MINUTES,
  failingCheck: "",
};

export const stateLabels: Record<LevelState, string> = {
  "not-started": "Not started",
  "in-progress": "In progress",
  passed: "Passed",
  "chaos-survived": "Chaos round survived",
};

/** Order of progress, for sorting the state column. */
const stateRank: Record<LevelState, number> = { "not-started": 0, "in-progress": 1, passed: 2, "chaos-survived": 3 };

/**
 * Time the learner has spent on their current level: until now while they work on it, until
 * the pass once passed (a learner who passed is not "still in the level"). null before a start.
 */
export function timeInLevelMs(row: RosterRow, nowMs: number): number | null {
  const since = msSince(row.startedAt, nowMs);
  if (since === null) return null;
  if (row.passedAt !== null) {
    const start = Date.parse(row.startedAt ?? "");
    const passed = Date.parse(row.passedAt);
    if (!Number.isNaN(start) && !Number.isNaN(passed)) return Math.max(0, passed - start);
  }
  return Math.max(0, since);
}

/**
 * Stuck: working on a level (in progress, never passed it) and started it more than
 * `minutes` ago. A learner who has not started is not stuck, they have not begun.
 */
export function isStuck(row: RosterRow, nowMs: number, minutes: number): boolean {
  if (row.state !== "in-progress" || row.passedAt !== null) return false;
  const since = msSince(row.startedAt, nowMs);
  return since !== null && since > minutes * 60_000;
}

/** The latest grade failed check `checkId` (skipped checks did not run, so they did not fail). */
export function isFailingCheck(row: RosterRow, checkId: string): boolean {
  return row.latestGrade?.checks.some((check) => check.id === checkId && check.status === "fail") ?? false;
}

export function filterRows(rows: readonly RosterRow[], filters: RosterFilters, nowMs: number): RosterRow[] {
  const text = filters.text.trim().toLowerCase();
  const minutes = Number.isFinite(filters.stuckMinutes) && filters.stuckMinutes >= 0 ? filters.stuckMinutes : DEFAULT_STUCK_MINUTES;
  return rows.filter((row) => {
    if (text && ![row.name, row.username ?? "", row.levelId ?? ""].some((field) => field.toLowerCase().includes(text))) return false;
    if (filters.state !== "any" && row.state !== filters.state) return false;
    if (filters.stuckOnly && !isStuck(row, nowMs, minutes)) return false;
    if (filters.failingCheck && !isFailingCheck(row, filters.failingCheck)) return false;
    return true;
  });
}

/** Passed checks of the latest grade; -1 without a grade so "never graded" sorts below "0 passed". */
function checksPassed(row: RosterRow): number {
  if (!row.latestGrade) return -1;
  return row.latestGrade.checks.filter((check) => check.status === "pass").length;
}

function timeValue(iso: string | null): number | null {
  if (iso === null) return null;
  const value = Date.parse(iso);
  return Number.isNaN(value) ? null : value;
}

/** The value a column sorts by; null sorts last in either direction ("nothing to compare"). */
function sortValue(row: RosterRow, key: RosterSortKey, nowMs: number): string | number | null {
  switch (key) {
    case "name":
      return row.name.toLowerCase();
    case "level":
      return row.levelId;
    case "state":
      return stateRank[row.state];
    case "checks":
      return checksPassed(row);
    case "time":
      return timeInLevelMs(row, nowMs);
    case "attempts":
      return row.attempts;
    case "hints":
      return row.hintsOpened;
    case "xp":
      return row.xp;
    case "activity":
      return timeValue(row.lastActivityAt);
  }
}

/** A stable sort by one column; ties keep a predictable order by name, then learner id. */
export function sortRows(rows: readonly RosterRow[], sort: RosterSort, nowMs: number): RosterRow[] {
  const sign = sort.direction === "ascending" ? 1 : -1;
  const byName = (a: RosterRow, b: RosterRow) => a.name.localeCompare(b.name) || a.learnerId.localeCompare(b.learnerId);
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key, nowMs);
    const vb = sortValue(b, sort.key, nowMs);
    if (va === null && vb === null) return byName(a, b);
    if (va === null) return 1;
    if (vb === null) return -1;
    const order = typeof va === "string" && typeof vb === "string" ? va.localeCompare(vb) : Number(va) - Number(vb);
    return order !== 0 ? sign * order : byName(a, b);
  });
}

/** Clicking a column header: a new column sorts in its natural direction, the same one flips. */
export function nextSort(current: RosterSort, key: RosterSortKey): RosterSort {
  if (current.key === key) return { key, direction: current.direction === "ascending" ? "descending" : "ascending" };
  // Names read A→Z; numbers and progress are most useful biggest first.
  return { key, direction: key === "name" || key === "level" ? "ascending" : "descending" };
}

/** A live row update: replaces the learner's row, or adds a learner who just joined. */
export function upsertRow(rows: readonly RosterRow[], row: RosterRow): RosterRow[] {
  const index = rows.findIndex((r) => r.learnerId === row.learnerId);
  if (index === -1) return [...rows, row];
  return rows.map((r, i) => (i === index ? row : r));
}
