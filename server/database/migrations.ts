/**
 * Migrations, in order, written once with Kysely's schema builder so the same code creates
 * the same tables on SQLite and PostgreSQL. Never edit a migration that has shipped: add one.
 *
 * Node only.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from "kysely";

const migrations: Record<string, Migration> = {
  "0001-accounts-and-progress": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("learners")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("created_at", "varchar(32)", (c) => c.notNull())
        .addColumn("username", "varchar(32)", (c) => c.unique())
        .addColumn("password_hash", "text")
        .addColumn("display_name", "varchar(64)")
        .addColumn("role", "varchar(16)", (c) => c.notNull().defaultTo("learner"))
        .addColumn("public_on_leaderboard", "integer", (c) => c.notNull().defaultTo(1))
        .execute();

      await db.schema
        .createTable("sessions")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("learner_id", "varchar(36)", (c) => c.notNull().references("learners.id").onDelete("cascade"))
        .addColumn("created_at", "varchar(32)", (c) => c.notNull())
        .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
        .addColumn("csrf_token", "varchar(64)", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("sessions_learner").on("sessions").column("learner_id").execute();

      await db.schema
        .createTable("sign_in_attempts")
        .addColumn("key", "varchar(128)", (c) => c.primaryKey())
        .addColumn("window_start", "varchar(32)", (c) => c.notNull())
        .addColumn("count", "integer", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("level_progress")
        .addColumn("learner_id", "varchar(36)", (c) => c.notNull().references("learners.id").onDelete("cascade"))
        .addColumn("level_id", "varchar(64)", (c) => c.notNull())
        .addColumn("started_at", "varchar(32)")
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("hints_opened", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("hint_xp_cost", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("solution_revealed", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("passed_at", "varchar(32)")
        .addColumn("chaos_passed_at", "varchar(32)")
        .addPrimaryKeyConstraint("level_progress_pk", ["learner_id", "level_id"])
        .execute();

      await db.schema
        .createTable("grades")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("learner_id", "varchar(36)", (c) => c.notNull().references("learners.id").onDelete("cascade"))
        .addColumn("level_id", "varchar(64)", (c) => c.notNull())
        .addColumn("round", "varchar(8)", (c) => c.notNull())
        .addColumn("passed", "integer", (c) => c.notNull())
        .addColumn("results_json", "text", (c) => c.notNull())
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .addColumn("created_at", "varchar(32)", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("grades_learner_level").on("grades").columns(["learner_id", "level_id"]).execute();

      await db.schema
        .createTable("xp_awards")
        .addColumn("learner_id", "varchar(36)", (c) => c.notNull().references("learners.id").onDelete("cascade"))
        .addColumn("level_id", "varchar(64)", (c) => c.notNull())
        .addColumn("kind", "varchar(8)", (c) => c.notNull())
        .addColumn("xp", "integer", (c) => c.notNull())
        .addColumn("grade_id", "varchar(36)", (c) => c.notNull().references("grades.id").onDelete("cascade"))
        .addColumn("awarded_at", "varchar(32)", (c) => c.notNull())
        // The exactly-once guarantee: a second award of the same kind cannot be inserted.
        .addPrimaryKeyConstraint("xp_awards_pk", ["learner_id", "level_id", "kind"])
        .execute();
      await db.schema.createIndex("xp_awards_awarded_at").on("xp_awards").column("awarded_at").execute();

      await db.schema
        .createTable("achievements_earned")
        .addColumn("learner_id", "varchar(36)", (c) => c.notNull().references("learners.id").onDelete("cascade"))
        .addColumn("achievement_id", "varchar(64)", (c) => c.notNull())
        .addColumn("earned_at", "varchar(32)", (c) => c.notNull())
        .addPrimaryKeyConstraint("achievements_earned_pk", ["learner_id", "achievement_id"])
        .execute();

      await db.schema
        .createTable("cohorts")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("name", "varchar(100)", (c) => c.notNull())
        .addColumn("created_at", "varchar(32)", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("cohort_members")
        .addColumn("cohort_id", "varchar(36)", (c) => c.notNull().references("cohorts.id").onDelete("cascade"))
        .addColumn("learner_id", "varchar(36)", (c) => c.notNull().references("learners.id").onDelete("cascade"))
        .addColumn("joined_at", "varchar(32)", (c) => c.notNull())
        .addPrimaryKeyConstraint("cohort_members_pk", ["cohort_id", "learner_id"])
        .execute();

      await db.schema
        .createTable("instructor_invites")
        .addColumn("token", "varchar(64)", (c) => c.primaryKey())
        .addColumn("created_by", "varchar(36)", (c) => c.notNull().references("learners.id").onDelete("cascade"))
        .addColumn("created_at", "varchar(32)", (c) => c.notNull())
        .addColumn("used_at", "varchar(32)")
        .execute();
    },
  },
  "0002-instructor-dashboard": {
    async up(db: Kysely<unknown>) {
      // Nullable columns: SQLite adds a column to an existing table only with a NULL default,
      // and cohorts made before this migration have no owner or code.
      await db.schema
        .alterTable("cohorts")
        .addColumn("owner_id", "varchar(36)", (c) => c.references("learners.id").onDelete("cascade"))
        .execute();
      await db.schema.alterTable("cohorts").addColumn("invite_code", "varchar(16)").execute();
      // NULLs never collide in a unique index (both engines), so old cohorts without a code fit.
      await db.schema.createIndex("cohorts_invite_code").unique().on("cohorts").column("invite_code").execute();
      await db.schema.createIndex("cohorts_owner").on("cohorts").column("owner_id").execute();
      // "Which cohorts is this learner in", asked on every action of theirs (live roster).
      await db.schema.createIndex("cohort_members_learner").on("cohort_members").column("learner_id").execute();

      await db.schema.alterTable("level_progress").addColumn("last_activity_at", "varchar(32)").execute();
      await sql`update level_progress set last_activity_at = started_at`.execute(db);

      await db.schema
        .alterTable("grades")
        .addColumn("graded_by", "varchar(36)", (c) => c.references("learners.id").onDelete("set null"))
        .execute();

      await db.schema
        .createTable("audit_log")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("at", "varchar(32)", (c) => c.notNull())
        .addColumn("action", "varchar(32)", (c) => c.notNull())
        // No foreign key on the actor or learner: the log outlives an account's deletion.
        .addColumn("actor_id", "varchar(36)", (c) => c.notNull())
        .addColumn("cohort_id", "varchar(36)", (c) => c.notNull().references("cohorts.id").onDelete("cascade"))
        .addColumn("learner_id", "varchar(36)")
        .addColumn("level_id", "varchar(64)")
        .addColumn("detail", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("audit_log_cohort_at").on("audit_log").columns(["cohort_id", "at"]).execute();
    },
  },
  "0003-terminal-recordings": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("terminal_recordings")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("learner_id", "varchar(36)", (c) => c.notNull().references("learners.id").onDelete("cascade"))
        .addColumn("level_id", "varchar(64)", (c) => c.notNull())
        .addColumn("started_at", "varchar(32)", (c) => c.notNull())
        .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
        .addColumn("cols", "integer", (c) => c.notNull())
        .addColumn("rows", "integer", (c) => c.notNull())
        .addColumn("bytes", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("truncated", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex("terminal_recordings_learner").on("terminal_recordings").columns(["learner_id", "started_at"]).execute();
      // The retention purge deletes by age.
      await db.schema.createIndex("terminal_recordings_updated_at").on("terminal_recordings").column("updated_at").execute();

      await db.schema
        .createTable("terminal_recording_frames")
        .addColumn("recording_id", "varchar(36)", (c) => c.notNull().references("terminal_recordings.id").onDelete("cascade"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("t_ms", "integer", (c) => c.notNull())
        .addColumn("kind", "varchar(1)", (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("terminal_recording_frames_pk", ["recording_id", "seq"])
        .execute();
    },
  },
  "0004-coordination": {
    // What several instances against one PostgreSQL agree on (server/coordination/): leases
    // (locks that run out when their holder dies), rate-limit buckets, and the live instances.
    // SQLite gets the tables too (one schema for both engines) but a single instance keeps
    // these in memory.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("kq_leases")
        .addColumn("name", "varchar(200)", (c) => c.primaryKey())
        .addColumn("holder", "varchar(128)", (c) => c.notNull())
        .addColumn("token", "varchar(64)", (c) => c.notNull())
        .addColumn("info", "varchar(64)")
        .addColumn("expires_at", "timestamptz", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("kq_rate_buckets")
        .addColumn("key", "varchar(300)", (c) => c.primaryKey())
        .addColumn("tokens", "double precision", (c) => c.notNull())
        .addColumn("updated_at", "timestamptz", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("kq_instances")
        .addColumn("id", "varchar(64)", (c) => c.primaryKey())
        .addColumn("started_at", "timestamptz", (c) => c.notNull())
        .addColumn("heartbeat_at", "timestamptz", (c) => c.notNull())
        .addColumn("secret_fingerprint", "varchar(64)", (c) => c.notNull())
        .execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
