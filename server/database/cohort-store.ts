/**
 * Cohort queries for the instructor dashboard: cohorts and their invite codes, membership,
 * roster rows, one learner in depth, the raw rows of the analytics, and the audit log.
 *
 * Access is not decided here (see server/instructor/cohort-access.ts): every method answers
 * what it is asked, and the callers ask only after the guard has passed.
 *
 * Node only.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type {
  AuditAction,
  AuditEntry,
  CohortInvitePreview,
  CohortSummary,
  GradeHistoryEntry,
  LearnerLevelProgress,
  Membership,
  RosterGrade,
  RosterRow,
} from "../../lib/protocol/instructor-api";
import { currentLevelOf, learnerNameOf, levelStateOf, rosterChecksOf } from "../../lib/progress/roster-state";
import type { CheckResult, CheckStatus, GradeRound } from "../../lib/protocol/socket-events";
import { newInviteCode } from "./invite-code";
import type { Database } from "./schema";

export interface CohortRecord {
  id: string;
  name: string;
  createdAt: string;
  ownerId: string | null;
  inviteCode: string | null;
}

export interface AuditInput {
  action: AuditAction;
  actorId: string;
  cohortId: string;
  learnerId?: string | null;
  levelId?: string | null;
  detail: string;
}

/** One member's progress on one level, as the analytics read it (instructor/cohort-analytics.ts). */
export interface AnalyticsProgressRow {
  learnerId: string;
  levelId: string;
  startedAt: string | null;
  passedAt: string | null;
  hintsOpened: number;
  solutionRevealed: boolean;
}

/** One of a member's own main-round grade runs, its checks' outcomes only. */
export interface AnalyticsGradeRow {
  learnerId: string;
  levelId: string;
  checks: { id: string; status: CheckStatus }[];
}

export interface AnalyticsRows {
  learners: number;
  progress: AnalyticsProgressRow[];
  grades: AnalyticsGradeRow[];
}

/** The learner in depth, without what comes from elsewhere (recordings, the cohort's name). */
export interface LearnerDetailRows {
  row: RosterRow;
  levels: LearnerLevelProgress[];
  grades: GradeHistoryEntry[];
  audit: AuditEntry[];
}

const num = (v: unknown): number => Number(v ?? 0);
const GRADE_HISTORY_LIMIT = 50;
const AUDIT_LIMIT = 200;

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === "23505" || e.code === "SQLITE_CONSTRAINT_UNIQUE" || /UNIQUE constraint failed/.test(e.message ?? "");
}

interface MemberRow {
  learner_id: string;
  joined_at: string;
  username: string | null;
  display_name: string | null;
}

type ProgressRow = Database["level_progress"];

export class CohortStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date = () => new Date(),
    private readonly inviteCode: () => string = () => newInviteCode(),
  ) {}

  // -------------------------------------------------------------------------------------------
  // Cohorts

  /** Runs `write` with fresh invite codes until one is not taken (a collision is ~1 in 10^11). */
  private async withFreshCode<T>(write: (code: string) => Promise<T>): Promise<T> {
    for (let tries = 0; ; tries++) {
      try {
        return await write(this.inviteCode());
      } catch (err) {
        if (!isUniqueViolation(err) || tries >= 5) throw err;
      }
    }
  }

  async createCohort(ownerId: string, name: string): Promise<CohortSummary> {
    const id = randomUUID();
    await this.withFreshCode((code) =>
      this.db.insertInto("cohorts").values({ id, name, created_at: this.now().toISOString(), owner_id: ownerId, invite_code: code }).execute(),
    );
    return (await this.summary(id))!;
  }

  async cohort(cohortId: string): Promise<CohortRecord | null> {
    const row = await this.db.selectFrom("cohorts").selectAll().where("id", "=", cohortId).executeTakeFirst();
    return row ? { id: row.id, name: row.name, createdAt: row.created_at, ownerId: row.owner_id, inviteCode: row.invite_code } : null;
  }

  private summaries(ownerId: string | null, cohortId: string | null) {
    let q = this.db
      .selectFrom("cohorts as c")
      .leftJoin("cohort_members as m", "m.cohort_id", "c.id")
      .select((eb) => ["c.id", "c.name", "c.created_at", "c.invite_code", eb.fn.count<number>("m.learner_id").as("members")])
      .groupBy(["c.id", "c.name", "c.created_at", "c.invite_code"]);
    if (ownerId !== null) q = q.where("c.owner_id", "=", ownerId);
    if (cohortId !== null) q = q.where("c.id", "=", cohortId);
    return q.orderBy("c.created_at", "desc").orderBy("c.id").execute();
  }

  private static toSummary(r: { id: string; name: string; created_at: string; invite_code: string | null; members: unknown }): CohortSummary {
    return { id: r.id, name: r.name, createdAt: r.created_at, inviteCode: r.invite_code ?? "", members: num(r.members) };
  }

  /** The instructor's own cohorts with their member counts, newest first. */
  async ownedCohorts(ownerId: string): Promise<CohortSummary[]> {
    return (await this.summaries(ownerId, null)).map(CohortStore.toSummary);
  }

  async summary(cohortId: string): Promise<CohortSummary | null> {
    const [row] = await this.summaries(null, cohortId);
    return row ? CohortStore.toSummary(row) : null;
  }

  /** A new invite code; the old one stops working at once. */
  /**
   * The cohorts whose leaderboard `learnerId` may see: those they are a member of or own. A
   * cohort's name and roster are its members' and instructor's business, not every visitor's.
   */
  async cohortsVisibleTo(learnerId: string): Promise<{ id: string; name: string }[]> {
    return this.db
      .selectFrom("cohorts as c")
      .select(["c.id", "c.name"])
      .where((eb) =>
        eb.or([
          eb("c.owner_id", "=", learnerId),
          eb.exists(eb.selectFrom("cohort_members as m").select("m.learner_id").whereRef("m.cohort_id", "=", "c.id").where("m.learner_id", "=", learnerId)),
        ]),
      )
      .orderBy("c.name")
      .orderBy("c.id")
      .execute();
  }

  async rotateInvite(cohortId: string): Promise<CohortSummary> {
    await this.withFreshCode((code) => this.db.updateTable("cohorts").set({ invite_code: code }).where("id", "=", cohortId).execute());
    return (await this.summary(cohortId))!;
  }

  /** What a learner sees of the cohort behind a code, or null for an unknown code. */
  async previewByCode(code: string): Promise<(CohortInvitePreview & { cohortId: string; ownerId: string | null }) | null> {
    const row = await this.db
      .selectFrom("cohorts as c")
      .leftJoin("learners as o", "o.id", "c.owner_id")
      .select(["c.id", "c.name", "c.owner_id", "o.display_name", "o.username"])
      .where("c.invite_code", "=", code)
      .executeTakeFirst();
    if (!row) return null;
    return { cohortId: row.id, ownerId: row.owner_id, name: row.name, instructorName: learnerNameOf({ displayName: row.display_name, username: row.username }) };
  }

  // -------------------------------------------------------------------------------------------
  // Membership

  /** Joins the cohort behind `code` (joining twice keeps the first date). Null for an unknown code. */
  async join(code: string, learnerId: string): Promise<{ membership: Membership; joinedNow: boolean } | null> {
    const preview = await this.previewByCode(code);
    if (!preview) return null;
    const inserted = await this.db
      .insertInto("cohort_members")
      .values({ cohort_id: preview.cohortId, learner_id: learnerId, joined_at: this.now().toISOString() })
      .onConflict((oc) => oc.columns(["cohort_id", "learner_id"]).doNothing())
      .executeTakeFirst();
    const membership = (await this.memberships(learnerId)).find((m) => m.cohortId === preview.cohortId)!;
    return { membership, joinedNow: num(inserted.numInsertedOrUpdatedRows) === 1 };
  }

  /** Leaves the cohort; false when the learner was not in it. */
  async leave(cohortId: string, learnerId: string): Promise<boolean> {
    const gone = await this.db.deleteFrom("cohort_members").where("cohort_id", "=", cohortId).where("learner_id", "=", learnerId).executeTakeFirst();
    return num(gone.numDeletedRows) === 1;
  }

  async memberships(learnerId: string): Promise<Membership[]> {
    const rows = await this.db
      .selectFrom("cohort_members as m")
      .innerJoin("cohorts as c", "c.id", "m.cohort_id")
      .leftJoin("learners as o", "o.id", "c.owner_id")
      .select(["c.id", "c.name", "m.joined_at", "o.display_name", "o.username"])
      .where("m.learner_id", "=", learnerId)
      .orderBy("m.joined_at", "desc")
      .execute();
    return rows.map((r) => ({ cohortId: r.id, name: r.name, instructorName: learnerNameOf({ displayName: r.display_name, username: r.username }), joinedAt: r.joined_at }));
  }

  /** The cohorts the learner is in (for the live roster: who watches this learner). */
  async cohortIdsOf(learnerId: string): Promise<string[]> {
    const rows = await this.db.selectFrom("cohort_members").select("cohort_id").where("learner_id", "=", learnerId).execute();
    return rows.map((r) => r.cohort_id);
  }

  async isMember(cohortId: string, learnerId: string): Promise<boolean> {
    return (await this.joinedAt(cohortId, learnerId)) !== null;
  }

  /** When the learner joined the cohort, or null when they are not in it. */
  async joinedAt(cohortId: string, learnerId: string): Promise<string | null> {
    const row = await this.db.selectFrom("cohort_members").select("joined_at").where("cohort_id", "=", cohortId).where("learner_id", "=", learnerId).executeTakeFirst();
    return row?.joined_at ?? null;
  }

  /** Members in join order, with their names. */
  async members(cohortId: string): Promise<{ learnerId: string; name: string; joinedAt: string }[]> {
    return (await this.memberRows(cohortId, null)).map((m) => ({ learnerId: m.learner_id, name: learnerNameOf({ displayName: m.display_name, username: m.username }), joinedAt: m.joined_at }));
  }

  private async memberRows(cohortId: string, learnerId: string | null): Promise<MemberRow[]> {
    let q = this.db
      .selectFrom("cohort_members as m")
      .innerJoin("learners as l", "l.id", "m.learner_id")
      .select(["m.learner_id", "m.joined_at", "l.username", "l.display_name"])
      .where("m.cohort_id", "=", cohortId);
    if (learnerId !== null) q = q.where("m.learner_id", "=", learnerId);
    return q.orderBy("m.joined_at").orderBy("m.learner_id").execute();
  }

  // -------------------------------------------------------------------------------------------
  // Roster

  /** One row per member, in join order. */
  async rosterRows(cohortId: string): Promise<RosterRow[]> {
    return this.rowsOf(cohortId, await this.memberRows(cohortId, null));
  }

  /** The member's row, or null when they are not in the cohort. */
  async rosterRow(cohortId: string, learnerId: string): Promise<RosterRow | null> {
    return (await this.rowsOf(cohortId, await this.memberRows(cohortId, learnerId)))[0] ?? null;
  }

  private async rowsOf(cohortId: string, members: MemberRow[]): Promise<RosterRow[]> {
    if (members.length === 0) return [];
    const ids = members.map((m) => m.learner_id);
    const [progress, xp] = await Promise.all([
      this.db.selectFrom("level_progress").selectAll().where("learner_id", "in", ids).execute(),
      this.db
        .selectFrom("xp_awards")
        .select((eb) => ["learner_id", eb.fn.sum<number>("xp").as("xp")])
        .where("learner_id", "in", ids)
        .groupBy("learner_id")
        .execute(),
    ]);
    return Promise.all(
      members.map(async (m) => {
        const mine = progress.filter((p) => p.learner_id === m.learner_id);
        const current = currentLevelOf(mine.map((p) => ({ ...p, levelId: p.level_id, lastActivityAt: p.last_activity_at, startedAt: p.started_at })));
        return this.rowOf(cohortId, m, current, num(xp.find((x) => x.learner_id === m.learner_id)?.xp));
      }),
    );
  }

  private async rowOf(cohortId: string, m: MemberRow, current: ProgressRow | null, xp: number): Promise<RosterRow> {
    const latest = current ? await this.latestGrade(cohortId, m.learner_id, current.level_id) : null;
    return {
      learnerId: m.learner_id,
      name: learnerNameOf({ displayName: m.display_name, username: m.username }),
      username: m.username,
      joinedAt: m.joined_at,
      levelId: current?.level_id ?? null,
      state: levelStateOf(current ? { startedAt: current.started_at, passedAt: current.passed_at, chaosPassedAt: current.chaos_passed_at } : undefined),
      startedAt: current?.started_at ?? null,
      passedAt: current?.passed_at ?? null,
      chaosPassedAt: current?.chaos_passed_at ?? null,
      lastActivityAt: current ? (current.last_activity_at ?? current.started_at) : null,
      attempts: num(current?.attempts),
      hintsOpened: num(current?.hints_opened),
      solutionRevealed: num(current?.solution_revealed) === 1,
      xp,
      latestGrade: latest,
    };
  }

  /**
   * The learner's grades as this cohort's instructor may see them: the learner's own runs, and
   * the runs of this cohort's instructor; never another instructor's (of another cohort the
   * learner is in, before or since).
   */
  private gradesQuery(cohortId: string, learnerId: string) {
    const owner = this.db.selectFrom("cohorts").select("owner_id").where("id", "=", cohortId);
    return this.db
      .selectFrom("grades as g")
      .leftJoin("learners as i", "i.id", "g.graded_by")
      .select(["g.id", "g.level_id", "g.round", "g.passed", "g.results_json", "g.duration_ms", "g.created_at", "g.graded_by", "i.display_name", "i.username"])
      .where("g.learner_id", "=", learnerId)
      .where((eb) => eb.or([eb("g.graded_by", "is", null), eb("g.graded_by", "in", owner)]))
      // Same-millisecond grades (two tabs) still come in a stable order.
      .orderBy("g.created_at", "desc")
      .orderBy("g.id", "desc");
  }

  private static gradedByName(g: { graded_by: string | null; display_name: string | null; username: string | null }): string | null {
    if (g.graded_by === null) return null;
    return g.display_name || g.username || "a former instructor";
  }

  private async latestGrade(cohortId: string, learnerId: string, levelId: string): Promise<RosterGrade | null> {
    const g = await this.gradesQuery(cohortId, learnerId).where("g.level_id", "=", levelId).limit(1).executeTakeFirst();
    if (!g) return null;
    return {
      gradeId: g.id,
      at: g.created_at,
      round: g.round as GradeRound,
      passed: num(g.passed) === 1,
      checks: rosterChecksOf(JSON.parse(g.results_json) as CheckResult[]),
      gradedBy: CohortStore.gradedByName(g),
    };
  }

  // -------------------------------------------------------------------------------------------
  // One learner in depth

  async learnerDetail(cohortId: string, learnerId: string): Promise<LearnerDetailRows | null> {
    const row = await this.rosterRow(cohortId, learnerId);
    if (!row) return null;
    const [progress, grades, audit] = await Promise.all([
      this.db.selectFrom("level_progress").selectAll().where("learner_id", "=", learnerId).orderBy("level_id").execute(),
      this.gradesQuery(cohortId, learnerId).limit(GRADE_HISTORY_LIMIT).execute(),
      this.audit(cohortId, { learnerId }),
    ]);
    return {
      row,
      levels: progress.map((p) => ({
        levelId: p.level_id,
        state: levelStateOf({ startedAt: p.started_at, passedAt: p.passed_at, chaosPassedAt: p.chaos_passed_at }),
        startedAt: p.started_at,
        passedAt: p.passed_at,
        attempts: num(p.attempts),
        hintsOpened: num(p.hints_opened),
        solutionRevealed: num(p.solution_revealed) === 1,
      })),
      grades: grades.map((g) => ({
        id: g.id,
        levelId: g.level_id,
        round: g.round as GradeRound,
        passed: num(g.passed) === 1,
        createdAt: g.created_at,
        durationMs: num(g.duration_ms),
        results: JSON.parse(g.results_json) as CheckResult[],
        gradedBy: CohortStore.gradedByName(g),
      })),
      audit,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Analytics

  /** The members' progress and their own main-round grade runs (see cohort-analytics.ts). */
  async analyticsRows(cohortId: string): Promise<AnalyticsRows> {
    const members = this.db.selectFrom("cohort_members").select("learner_id").where("cohort_id", "=", cohortId);
    const [count, progress, grades] = await Promise.all([
      this.db.selectFrom("cohort_members").select((eb) => eb.fn.countAll<number>().as("n")).where("cohort_id", "=", cohortId).executeTakeFirst(),
      this.db.selectFrom("level_progress").selectAll().where("learner_id", "in", members).execute(),
      this.db
        .selectFrom("grades")
        .select(["learner_id", "level_id", "results_json"])
        .where("learner_id", "in", members)
        .where("round", "=", "main")
        .where("graded_by", "is", null)
        .execute(),
    ]);
    return {
      learners: num(count?.n),
      progress: progress.map((p) => ({
        learnerId: p.learner_id,
        levelId: p.level_id,
        startedAt: p.started_at,
        passedAt: p.passed_at,
        hintsOpened: num(p.hints_opened),
        solutionRevealed: num(p.solution_revealed) === 1,
      })),
      grades: grades.map((g) => ({
        learnerId: g.learner_id,
        levelId: g.level_id,
        checks: (JSON.parse(g.results_json) as CheckResult[]).map((r) => ({ id: r.id, status: r.status })),
      })),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Audit log

  async appendAudit(input: AuditInput): Promise<AuditEntry> {
    const id = randomUUID();
    await this.db
      .insertInto("audit_log")
      .values({
        id,
        at: this.now().toISOString(),
        action: input.action,
        actor_id: input.actorId,
        cohort_id: input.cohortId,
        learner_id: input.learnerId ?? null,
        level_id: input.levelId ?? null,
        detail: input.detail,
      })
      .execute();
    const [entry] = await this.auditQuery(input.cohortId).where("a.id", "=", id).execute();
    return CohortStore.toAuditEntry(entry!);
  }

  /** Newest first; only the given learner's entries when `learnerId` is set. */
  async audit(cohortId: string, opts: { learnerId?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    let q = this.auditQuery(cohortId);
    if (opts.learnerId !== undefined) q = q.where("a.learner_id", "=", opts.learnerId);
    const rows = await q
      .orderBy("a.at", "desc")
      .orderBy("a.id", "desc")
      .limit(opts.limit ?? AUDIT_LIMIT)
      .execute();
    return rows.map(CohortStore.toAuditEntry);
  }

  private auditQuery(cohortId: string) {
    return this.db
      .selectFrom("audit_log as a")
      .leftJoin("learners as actor", "actor.id", "a.actor_id")
      .leftJoin("learners as learner", "learner.id", "a.learner_id")
      .select([
        "a.id",
        "a.at",
        "a.action",
        "a.actor_id",
        "a.cohort_id",
        "a.learner_id",
        "a.level_id",
        "a.detail",
        "actor.display_name as actor_display",
        "actor.username as actor_username",
        "learner.display_name as learner_display",
        "learner.username as learner_username",
      ])
      .where("a.cohort_id", "=", cohortId);
  }

  private static toAuditEntry(r: {
    id: string;
    at: string;
    action: string;
    actor_id: string;
    cohort_id: string;
    learner_id: string | null;
    level_id: string | null;
    detail: string;
    actor_display: string | null;
    actor_username: string | null;
    learner_display: string | null;
    learner_username: string | null;
  }): AuditEntry {
    return {
      id: r.id,
      at: r.at,
      action: r.action as AuditAction,
      actorId: r.actor_id,
      actorName: learnerNameOf({ displayName: r.actor_display, username: r.actor_username }),
      cohortId: r.cohort_id,
      learnerId: r.learner_id,
      learnerName: r.learner_id === null ? null : learnerNameOf({ displayName: r.learner_display, username: r.learner_username }),
      levelId: r.level_id,
      detail: r.detail,
    };
  }
}
