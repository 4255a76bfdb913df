/**
 * Account queries: learners (anonymous or with an account), sessions with expiry and CSRF
 * tokens, sign-in rate-limit windows, export and deletion.
 *
 * A learner row exists from the first play, anonymous (no username). Signing up fills in the
 * username and password hash of that same row, so every pass, award and namespace made while
 * anonymous stays the learner's. Signing in on another device binds a new session to the
 * account's learner.
 *
 * Node only.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, Role } from "./schema";

export interface Learner {
  id: string;
  username: string | null;
  displayName: string | null;
  role: Role;
  publicOnLeaderboard: boolean;
  createdAt: string;
}

export interface SessionView {
  sessionId: string;
  learner: Learner;
  csrfToken: string;
  expiresAt: string;
}

export interface AccountStoreOptions {
  /** How long an anonymous session lasts (the cookie's own lifetime). */
  anonymousTtlMs: number;
  /** How long a signed-in session lasts before the person must sign in again. */
  accountTtlMs: number;
  now?: () => Date;
}

export class AccountError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly action: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "AccountError";
  }
}

type LearnerRow = Database["learners"];

function toLearner(row: LearnerRow): Learner {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    publicOnLeaderboard: Number(row.public_on_leaderboard) === 1,
    createdAt: row.created_at,
  };
}

const csrfToken = (): string => randomBytes(32).toString("base64url");

/** PostgreSQL's and SQLite's unique-violation errors, told apart from everything else. */
function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === "23505" || e.code === "SQLITE_CONSTRAINT_UNIQUE" || /UNIQUE constraint failed/.test(e.message ?? "");
}

export class AccountStore {
  private readonly now: () => Date;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: AccountStoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  private at(offsetMs = 0): string {
    return new Date(this.now().getTime() + offsetMs).toISOString();
  }

  private async learnerRow(id: string): Promise<LearnerRow | undefined> {
    return this.db.selectFrom("learners").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async learner(id: string): Promise<Learner | null> {
    const row = await this.learnerRow(id);
    return row ? toLearner(row) : null;
  }

  async learnerByUsername(username: string): Promise<(Learner & { passwordHash: string | null }) | null> {
    const row = await this.db.selectFrom("learners").selectAll().where("username", "=", username.toLowerCase()).executeTakeFirst();
    return row ? { ...toLearner(row), passwordHash: row.password_hash } : null;
  }

  /** A new anonymous learner. */
  async createAnonymousLearner(): Promise<Learner> {
    const row: LearnerRow = {
      id: randomUUID(),
      created_at: this.at(),
      username: null,
      password_hash: null,
      display_name: null,
      role: "learner",
      public_on_leaderboard: 1,
    };
    await this.db.insertInto("learners").values(row).execute();
    return toLearner(row);
  }

  /**
   * The session behind a signed cookie id. A session the database does not know, or one that
   * has expired, becomes a fresh anonymous one: an expired account session signs the person out.
   */
  async resolveSession(sessionId: string): Promise<SessionView> {
    const row = await this.db.selectFrom("sessions").selectAll().where("id", "=", sessionId).executeTakeFirst();
    if (row && row.expires_at > this.at()) {
      const learner = await this.learnerRow(row.learner_id);
      if (learner) return { sessionId, learner: toLearner(learner), csrfToken: row.csrf_token, expiresAt: row.expires_at };
    }
    if (row) await this.db.deleteFrom("sessions").where("id", "=", sessionId).execute();
    const learner = await this.createAnonymousLearner();
    return this.bindSession(sessionId, learner, this.options.anonymousTtlMs, { ifAbsent: true });
  }

  /** Binds `sessionId` to `learner` (a new session row with its own CSRF token). */
  private async bindSession(sessionId: string, learner: Learner, ttlMs: number, opts: { ifAbsent: boolean }): Promise<SessionView> {
    const view: SessionView = { sessionId, learner, csrfToken: csrfToken(), expiresAt: this.at(ttlMs) };
    const inserted = await this.db
      .insertInto("sessions")
      .values({ id: sessionId, learner_id: learner.id, created_at: this.at(), expires_at: view.expiresAt, csrf_token: view.csrfToken })
      .onConflict((oc) => oc.column("id").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0 && opts.ifAbsent) {
      // Two requests of a new visitor raced; the other one's session wins, this learner goes.
      await this.db.deleteFrom("learners").where("id", "=", learner.id).where("username", "is", null).execute();
      return this.resolveSession(sessionId);
    }
    return view;
  }

  /** A new session id for the same learner (after sign-up or sign-in: no session fixation). */
  async startSession(learner: Learner, replacing?: string): Promise<SessionView> {
    if (replacing) await this.db.deleteFrom("sessions").where("id", "=", replacing).execute();
    const ttl = learner.username ? this.options.accountTtlMs : this.options.anonymousTtlMs;
    return this.bindSession(randomUUID(), learner, ttl, { ifAbsent: false });
  }

  async endSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id", "=", sessionId).execute();
  }

  /**
   * Turns the anonymous learner into an account. Fails when the learner already has one or the
   * username is taken.
   */
  async attachAccount(learnerId: string, account: { username: string; passwordHash: string; displayName: string; role?: Role }): Promise<Learner> {
    try {
      const updated = await this.db
        .updateTable("learners")
        .set({
          username: account.username,
          password_hash: account.passwordHash,
          display_name: account.displayName,
          role: account.role ?? "learner",
        })
        .where("id", "=", learnerId)
        .where("username", "is", null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) {
        throw new AccountError("already-signed-up", "You already have an account in this browser.", "Sign out first to create another account.", 409);
      }
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AccountError("username-taken", `The username "${account.username}" is taken.`, "Choose another username.", 409);
      }
      throw err;
    }
    const learner = await this.learner(learnerId);
    if (!learner) throw new Error("learner vanished while signing up");
    return learner;
  }

  /** An account made from the command line (instructors). */
  async createAccount(account: { username: string; passwordHash: string; displayName: string; role: Role }): Promise<Learner> {
    const learner = await this.createAnonymousLearner();
    return this.attachAccount(learner.id, account);
  }

  async setRole(learnerId: string, role: Role): Promise<void> {
    await this.db.updateTable("learners").set({ role }).where("id", "=", learnerId).execute();
  }

  async updateSettings(learnerId: string, settings: { displayName?: string | undefined; publicOnLeaderboard?: boolean | undefined }): Promise<Learner> {
    const set: Partial<Pick<LearnerRow, "display_name" | "public_on_leaderboard">> = {};
    if (settings.displayName !== undefined) set.display_name = settings.displayName;
    if (settings.publicOnLeaderboard !== undefined) set.public_on_leaderboard = settings.publicOnLeaderboard ? 1 : 0;
    if (Object.keys(set).length > 0) await this.db.updateTable("learners").set(set).where("id", "=", learnerId).execute();
    const learner = await this.learner(learnerId);
    if (!learner) throw new AccountError("no-account", "This account no longer exists.", "Sign up again.", 404);
    return learner;
  }

  /** Deletes the learner and, through foreign keys, their sessions, progress, grades and awards. */
  async deleteLearner(learnerId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // Explicit deletes as well as ON DELETE CASCADE: SQLite databases opened without
      // foreign_keys=ON (an old tool, a manual shell) must not keep orphans.
      for (const table of ["sessions", "xp_awards", "achievements_earned", "level_progress", "cohort_members", "instructor_invites"] as const) {
        if (table === "instructor_invites") await trx.deleteFrom(table).where("created_by", "=", learnerId).execute();
        else await trx.deleteFrom(table).where("learner_id", "=", learnerId).execute();
      }
      await trx.deleteFrom("grades").where("learner_id", "=", learnerId).execute();
      await trx.deleteFrom("learners").where("id", "=", learnerId).execute();
    });
  }

  /**
   * Counts one sign-in attempt against `key` in a fixed window stored in the database (so the
   * limit holds across restarts and across server processes sharing PostgreSQL). Returns the
   * milliseconds to wait when the limit is exceeded, else 0.
   */
  async takeSignInAttempt(key: string, limit: number, windowMs: number): Promise<number> {
    const now = this.now().getTime();
    const windowStart = new Date(Math.floor(now / windowMs) * windowMs).toISOString();
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("sign_in_attempts")
        .values({ key, window_start: windowStart, count: 1 })
        .onConflict((oc) =>
          oc.column("key").doUpdateSet((eb) => ({
            // A new window starts the count again; the same window adds one.
            count: eb.case().when("sign_in_attempts.window_start", "=", windowStart).then(eb("sign_in_attempts.count", "+", 1)).else(1).end(),
            window_start: windowStart,
          })),
        )
        .execute();
      const row = await trx.selectFrom("sign_in_attempts").select("count").where("key", "=", key).executeTakeFirstOrThrow();
      return Number(row.count) > limit ? Date.parse(windowStart) + windowMs - now : 0;
    });
  }

  /**
   * Deletes expired sessions, and anonymous learners no session can reach any more together
   * with whatever they played (nobody can ever claim it). Returns how many sessions went.
   */
  async purgeExpired(): Promise<number> {
    const now = this.at();
    const gone = await this.db.deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst();
    const orphans = await this.db
      .selectFrom("learners as l")
      .select("l.id")
      .where("l.username", "is", null)
      // An hour's grace: sign-out and the CLI create a learner a moment before its session.
      .where("l.created_at", "<=", this.at(-3_600_000))
      .where((eb) => eb.not(eb.exists(eb.selectFrom("sessions as s").select("s.id").whereRef("s.learner_id", "=", "l.id"))))
      .limit(500)
      .execute();
    for (const o of orphans) await this.deleteLearner(o.id);
    return Number(gone.numDeletedRows);
  }

  /** A single-use invitation token by which an instructor makes another instructor. */
  async createInvite(createdBy: string): Promise<string> {
    const token = randomBytes(24).toString("base64url");
    await this.db.insertInto("instructor_invites").values({ token, created_by: createdBy, created_at: this.at(), used_at: null }).execute();
    return token;
  }

  /** Uses up an invitation; false when it does not exist or was used already. */
  async takeInvite(token: string): Promise<boolean> {
    const used = await this.db
      .updateTable("instructor_invites")
      .set({ used_at: this.at() })
      .where("token", "=", token)
      .where("used_at", "is", null)
      .executeTakeFirst();
    return Number(used.numUpdatedRows) === 1;
  }

  /** Gives back an invitation taken by a sign-up that then failed (e.g. a taken username). */
  async releaseInvite(token: string): Promise<void> {
    await this.db.updateTable("instructor_invites").set({ used_at: null }).where("token", "=", token).execute();
  }

  /** Forgets the per-username counter after a successful sign-in. */
  async clearSignInAttempts(key: string): Promise<void> {
    await this.db.deleteFrom("sign_in_attempts").where("key", "=", key).execute();
  }

  /** Everything stored about the learner, for "export my data" (never the password hash). */
  async exportLearner(learnerId: string): Promise<Record<string, unknown>> {
    const learner = await this.learner(learnerId);
    const [progress, grades, awards, achievements, cohorts, sessions] = await Promise.all([
      this.db.selectFrom("level_progress").selectAll().where("learner_id", "=", learnerId).execute(),
      this.db.selectFrom("grades").selectAll().where("learner_id", "=", learnerId).orderBy("created_at").execute(),
      this.db.selectFrom("xp_awards").selectAll().where("learner_id", "=", learnerId).orderBy("awarded_at").execute(),
      this.db.selectFrom("achievements_earned").selectAll().where("learner_id", "=", learnerId).execute(),
      this.db.selectFrom("cohort_members").selectAll().where("learner_id", "=", learnerId).execute(),
      this.db.selectFrom("sessions").select(["created_at", "expires_at"]).where("learner_id", "=", learnerId).execute(),
    ]);
    return {
      exportedAt: this.at(),
      learner,
      levelProgress: progress,
      grades: grades.map((g) => ({ ...g, results: JSON.parse(g.results_json) as unknown, results_json: undefined })),
      xpAwards: awards,
      achievements,
      cohorts,
      sessions,
    };
  }
}
