/**
 * The database schema as TypeScript types: the single source Kysely checks every query
 * against. The same tables exist on SQLite and PostgreSQL (see `migrations.ts`).
 *
 * Conventions that keep one set of queries portable across both engines:
 * - timestamps are ISO-8601 UTC strings (`2026-11-23T06:34:47.123Z`): they sort as text, so
 *   "who got there first" is a plain ORDER BY on both engines;
 * - booleans are integers 0/1 (SQLite has no boolean type);
 * - ids are random UUIDs made by the server, never sequences whose values differ per engine.
 *
 * Node only.
 */
export type Role = "learner" | "instructor";

/** A person playing: anonymous until they sign up, then the same row carries their account. */
export interface LearnersTable {
  id: string;
  created_at: string;
  /** Lowercase, unique; null while anonymous. */
  username: string | null;
  /** scrypt hash (`scrypt$N$r$p$salt$hash`); null while anonymous. */
  password_hash: string | null;
  display_name: string | null;
  role: Role;
  /** 1: the leaderboard shows the display name; 0: "Anonymous learner". */
  public_on_leaderboard: number;
}

/** A signed session id (the `kq_session` cookie) bound to one learner, until it expires. */
export interface SessionsTable {
  id: string;
  learner_id: string;
  created_at: string;
  expires_at: string;
  /** Sent back in the `x-kq-csrf` header by every state-changing request of this session. */
  csrf_token: string;
}

/** Fixed-window counters of sign-in attempts, keyed `user:<name>` or `ip:<address>`. */
export interface SignInAttemptsTable {
  key: string;
  window_start: string;
  count: number;
}

/** One learner's progress on one level. */
export interface LevelProgressTable {
  learner_id: string;
  level_id: string;
  /** First time the environment was started (time spent = passed_at − started_at). */
  started_at: string | null;
  /** Grade runs of the main round. */
  attempts: number;
  /** How many hints are open (they open in order, so this is also the next index). */
  hints_opened: number;
  /** XP given up by the hints opened so far. */
  hint_xp_cost: number;
  /** 1 once the solution was revealed: the level is then worth nothing. */
  solution_revealed: number;
  passed_at: string | null;
  chaos_passed_at: string | null;
  /**
   * Last time the learner started, graded, opened a hint on, revealed the solution of or reset
   * this level (migration 0002). The roster's "current level" is the one with the latest.
   */
  last_activity_at: string | null;
}

/** Every grade run with its check results (JSON), passing or not. */
export interface GradesTable {
  id: string;
  learner_id: string;
  level_id: string;
  round: "main" | "chaos";
  passed: number;
  results_json: string;
  duration_ms: number;
  created_at: string;
  /** null: the learner graded themselves; otherwise the instructor who ran it (migration 0002). */
  graded_by: string | null;
}

/**
 * XP awarded. The primary key (learner, level, kind) is what makes an award happen at most
 * once, whatever the number of tabs, retries or restarts.
 */
export interface XpAwardsTable {
  learner_id: string;
  level_id: string;
  kind: "main" | "chaos";
  xp: number;
  grade_id: string;
  awarded_at: string;
}

export interface AchievementsEarnedTable {
  learner_id: string;
  achievement_id: string;
  earned_at: string;
}

/** A class of learners; its instructor (owner) sees their progress on the dashboard. */
export interface CohortsTable {
  id: string;
  name: string;
  created_at: string;
  /** The instructor who created it (migration 0002); null for cohorts made before. */
  owner_id: string | null;
  /** Unique join code from INVITE_CODE_ALPHABET (migration 0002); rotating it retires the old one. */
  invite_code: string | null;
}

export interface CohortMembersTable {
  cohort_id: string;
  learner_id: string;
  joined_at: string;
}

/** Single-use invitations by which an instructor makes another instructor. */
export interface InstructorInvitesTable {
  token: string;
  created_by: string;
  created_at: string;
  used_at: string | null;
}

/**
 * One recorded terminal attach of a learner who is in a cohort (their instructor can replay it).
 * `updated_at` is the time of the last kept frame; `bytes` the UTF-8 bytes of output kept.
 */
export interface TerminalRecordingsTable {
  id: string;
  learner_id: string;
  level_id: string;
  started_at: string;
  updated_at: string;
  /** Terminal size when the recording started (later sizes are "r" frames). */
  cols: number;
  rows: number;
  bytes: number;
  /** 1 once the size cap was reached: later output was not kept. */
  truncated: number;
}

/** The frames of a recording, in order: `o` output as the learner's screen got it, `r` a resize. */
export interface TerminalRecordingFramesTable {
  recording_id: string;
  seq: number;
  /** Milliseconds since the recording started. */
  t_ms: number;
  kind: "o" | "r";
  data: string;
}

/** What instructors did to a cohort and its learners (create, invite, join, grade, reset…). */
export interface AuditLogTable {
  id: string;
  at: string;
  /** An AuditAction of lib/protocol/instructor-api.ts. */
  action: string;
  actor_id: string;
  cohort_id: string;
  learner_id: string | null;
  level_id: string | null;
  /** One line: the outcome. */
  detail: string;
}

export interface Database {
  learners: LearnersTable;
  sessions: SessionsTable;
  sign_in_attempts: SignInAttemptsTable;
  level_progress: LevelProgressTable;
  grades: GradesTable;
  xp_awards: XpAwardsTable;
  achievements_earned: AchievementsEarnedTable;
  cohorts: CohortsTable;
  cohort_members: CohortMembersTable;
  instructor_invites: InstructorInvitesTable;
  audit_log: AuditLogTable;
  terminal_recordings: TerminalRecordingsTable;
  terminal_recording_frames: TerminalRecordingFramesTable;
}
