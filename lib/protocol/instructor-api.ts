/**
 * The instructor dashboard's contract: the HTTP API under `/api/cohorts` and `/api/memberships`
 * (request schemas validated on the server, answer types shared with the browser) and the
 * payloads of the dashboard's socket events (declared in `socket-events.ts`).
 *
 * Split of work: HTTP for queries and commands (list, create, roster, learner detail, grade,
 * reset, analytics, CSV, audit), socket.io for what changes while an instructor looks (roster
 * rows, the watched learner's live view and grading, cohort-grading progress).
 *
 * Access: every `/api/cohorts/:id/...` request and every `cohort:*` / `learner:*` socket event
 * is answered only for the instructor who owns that cohort; a learner gets 403 `not-instructor`,
 * another instructor gets 404 `cohort-not-found` (a cohort's existence is not revealed).
 *
 * Nothing here may import Node-only modules.
 */
import { z } from "zod";
import type { CheckResult, CheckStatus, EnvironmentStatus, GradeRound, LiveViewSnapshot } from "./socket-events";

// ---------------------------------------------------------------------------------------------
// Cohorts and membership

/** Invite codes: 8 characters of an alphabet without look-alikes (no 0/O, 1/I/L). */
export const INVITE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const INVITE_CODE_LENGTH = 8;
export const inviteCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(new RegExp(`^[${INVITE_CODE_ALPHABET}]{${INVITE_CODE_LENGTH}}$`), "An invite code is 8 letters and digits, e.g. K7Q2MZ9P.");

export const cohortNameSchema = z.string().trim().min(1, "Give the cohort a name.").max(100, "A cohort name is at most 100 characters.");

export const createCohortSchema = z.strictObject({ name: cohortNameSchema });
export type CreateCohortRequest = z.input<typeof createCohortSchema>;

export const joinCohortSchema = z.strictObject({ code: inviteCodeSchema });
export type JoinCohortRequest = z.input<typeof joinCohortSchema>;

/** A cohort as its instructor sees it. The join link is `/join/<inviteCode>`. */
export interface CohortSummary {
  id: string;
  name: string;
  createdAt: string;
  inviteCode: string;
  members: number;
}

/** What a learner sees of a cohort before and after joining it. */
export interface CohortInvitePreview {
  name: string;
  instructorName: string;
}

export interface Membership {
  cohortId: string;
  name: string;
  instructorName: string;
  joinedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Roster

/** A learner's state on a level, as the roster shows it. */
export type LevelState = "not-started" | "in-progress" | "passed" | "chaos-survived";

/** One check of a grade, as the roster shows it (the evidence is in the learner's detail). */
export interface RosterCheck {
  id: string;
  title: string;
  status: CheckStatus;
}

export interface RosterGrade {
  gradeId: string;
  at: string;
  round: GradeRound;
  passed: boolean;
  checks: RosterCheck[];
  /** null when the learner graded themselves; the instructor's name otherwise. */
  gradedBy: string | null;
}

export interface RosterRow {
  learnerId: string;
  /** Display name, else username. */
  name: string;
  username: string | null;
  joinedAt: string;
  /** The level the learner acted on last (null before they start any). */
  levelId: string | null;
  state: LevelState;
  /** When the current level's environment was first started. */
  startedAt: string | null;
  passedAt: string | null;
  chaosPassedAt: string | null;
  /** Last time the learner started, graded, opened a hint on or reset the current level. */
  lastActivityAt: string | null;
  /** Grade runs the learner made on the current level (instructor grades not counted). */
  attempts: number;
  hintsOpened: number;
  solutionRevealed: boolean;
  /** XP over all levels. */
  xp: number;
  /** The latest grade of the current level, whoever ran it. */
  latestGrade: RosterGrade | null;
}

export interface RosterLevel {
  id: string;
  number: number;
  title: string;
  /** The level's checks in grading order, for "failing <check>" filters and column headers. */
  checks: { id: string; title: string }[];
}

export interface RosterView {
  cohort: CohortSummary;
  levels: RosterLevel[];
  rows: RosterRow[];
  /** Server time of the answer: the browser computes "time in level" against it. */
  at: string;
}

// ---------------------------------------------------------------------------------------------
// One learner in depth

export interface GradeHistoryEntry {
  id: string;
  levelId: string;
  round: GradeRound;
  passed: boolean;
  createdAt: string;
  durationMs: number;
  /** Every check with its explanation and evidence, as the grader reported it. */
  results: CheckResult[];
  gradedBy: string | null;
}

export interface RecordingSummary {
  id: string;
  levelId: string;
  startedAt: string;
  /** Last frame's time (the recording may still be growing). */
  updatedAt: string;
  durationMs: number;
  bytes: number;
  /** The size cap was reached: later output was not kept. */
  truncated: boolean;
}

/** A frame: `o` output written to the learner's screen, `r` a resize to `data` = "<cols>x<rows>". */
export interface RecordingFrame {
  /** Milliseconds since the recording started. */
  t: number;
  kind: "o" | "r";
  data: string;
}

export interface TerminalRecording extends RecordingSummary {
  cols: number;
  rows: number;
  frames: RecordingFrame[];
}

export interface LearnerLevelProgress {
  levelId: string;
  state: LevelState;
  startedAt: string | null;
  passedAt: string | null;
  attempts: number;
  hintsOpened: number;
  solutionRevealed: boolean;
}

export interface LearnerDetail {
  cohort: { id: string; name: string };
  row: RosterRow;
  levels: LearnerLevelProgress[];
  /** Newest first, at most 50. */
  grades: GradeHistoryEntry[];
  /** Newest first. */
  recordings: RecordingSummary[];
  audit: AuditEntry[];
}

// ---------------------------------------------------------------------------------------------
// Actions

export const gradeLearnerSchema = z.strictObject({ levelId: z.string().min(1).max(64) });
export type GradeLearnerRequest = z.input<typeof gradeLearnerSchema>;

/** A reset deletes what the learner built: the dashboard asks first and says so here. */
export const resetLearnerSchema = z.strictObject({ levelId: z.string().min(1).max(64), confirmed: z.literal(true) });
export type ResetLearnerRequest = z.input<typeof resetLearnerSchema>;

/** `levelId` omitted: each learner's current level. */
export const gradeCohortSchema = z.strictObject({ levelId: z.string().min(1).max(64).optional() });
export type GradeCohortRequest = z.input<typeof gradeCohortSchema>;

export type CohortGradeVerdict = "pass" | "fail" | "no-environment" | "error";

export interface CohortGradeRow {
  learnerId: string;
  name: string;
  levelId: string | null;
  verdict: CohortGradeVerdict;
  /** First failing check, when the verdict is "fail". */
  failedCheck: string | null;
  checks: RosterCheck[];
  /** Why the learner could not be graded ("no-environment", "error"). */
  message: string | null;
  durationMs: number;
}

export interface CohortGradeResult {
  cohortId: string;
  startedAt: string;
  durationMs: number;
  rows: CohortGradeRow[];
}

// ---------------------------------------------------------------------------------------------
// Audit log

export type AuditAction = "cohort.create" | "cohort.invite-rotated" | "cohort.join" | "cohort.leave" | "learner.grade" | "learner.reset" | "cohort.grade";

export interface AuditEntry {
  id: string;
  at: string;
  action: AuditAction;
  /** Who did it (name), and their id. */
  actorId: string;
  actorName: string;
  cohortId: string;
  learnerId: string | null;
  learnerName: string | null;
  levelId: string | null;
  /** One line: the outcome ("environment reset to its broken state", "3 passed, 2 failed"). */
  detail: string;
}

// ---------------------------------------------------------------------------------------------
// Analytics

export interface CheckPassRate {
  id: string;
  title: string;
  /** Grade runs in which the check ran (pass or fail; skipped runs are not counted). */
  runs: number;
  passed: number;
  /** passed / runs, 0..1; null when it never ran. */
  rate: number | null;
}

export interface LevelAnalytics {
  levelId: string;
  number: number;
  title: string;
  learnersStarted: number;
  learnersPassed: number;
  gradeRuns: number;
  checks: CheckPassRate[];
  /** Per learner who passed: milliseconds from first start to the main round's pass, ascending. */
  timeToSolveMs: number[];
  /** hintsOpened[i]: how many learners opened at least i+1 hints. */
  learnersByHintsOpened: number[];
  hintsOpenedTotal: number;
  solutionsRevealed: number;
}

export interface CohortAnalytics {
  cohortId: string;
  generatedAt: string;
  learners: number;
  levels: LevelAnalytics[];
}

/** `GET /api/cohorts/:id/analytics.csv?table=checks|learners` */
export const analyticsCsvTables = ["checks", "learners"] as const;
export type AnalyticsCsvTable = (typeof analyticsCsvTables)[number];

// ---------------------------------------------------------------------------------------------
// Socket events of the dashboard (declared in socket-events.ts)

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, "an id is letters, digits and dashes");

export const cohortWatchPayloadSchema = z.strictObject({ cohortId: id });
export type CohortWatchPayload = z.infer<typeof cohortWatchPayloadSchema>;

export const learnerWatchPayloadSchema = z.strictObject({ cohortId: id, learnerId: id, levelId: id });
export type LearnerWatchPayload = z.infer<typeof learnerWatchPayloadSchema>;

/** Answer to `learner:watch`: the environment now, and its live view if it is ready. */
export interface LearnerWatchState {
  status: EnvironmentStatus;
  snapshot: LiveViewSnapshot | null;
}

/** Pushed to the cohort's watchers whenever a member acts (within a second of it). */
export interface RosterRowChanged {
  cohortId: string;
  row: RosterRow;
}

/** Pushed while a cohort is graded: one row per learner as their grade finishes. */
export interface CohortGradeProgress {
  cohortId: string;
  done: number;
  total: number;
  row: CohortGradeRow;
}

export interface AuditAppended {
  cohortId: string;
  entry: AuditEntry;
}
