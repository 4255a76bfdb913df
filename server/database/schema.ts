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

/** Minimal cohorts; the instructor dashboard builds on them. */
export interface CohortsTable {
  id: string;
  name: string;
  created_at: string;
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
}
