/**
 * Progress queries: grades, hints, the solution, XP awards, achievements and the leaderboard.
 *
 * Exactly-once XP: a grade is recorded and its award made in ONE transaction, and the award's
 * primary key (learner, level, kind) refuses a second row. Two tabs grading at once both record
 * their grade; only one award row can exist, and the loser sees "already awarded". A crash
 * between the grade and the award rolls back both: the pass is not lost, since the level is
 * still unpassed and grading again awards it once.
 *
 * Node only.
 */
import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { achievementsHolding, type AchievementFacts } from "../../lib/progress/achievements";
import { chaosWorth, levelWorth, type LevelXpRules } from "../../lib/progress/xp-rules";
import { rankStandings, startOfWeekUtc, type Standing } from "../../lib/progress/leaderboard-order";
import type { CheckResult, GradeRound } from "../../lib/protocol/socket-events";
import type { Database } from "./schema";

export interface LevelRules extends LevelXpRules {
  levelId: string;
  world: number;
}

export interface GradeInput {
  round: GradeRound;
  passed: boolean;
  results: CheckResult[];
  durationMs: number;
}

export interface EarnedAchievement {
  id: string;
  earnedAt: string;
}

export interface GradeRecordOutcome {
  gradeId: string;
  /** The award this grade made; null when it made none (failed, replayed, or a lost race). */
  award: { kind: GradeRound; xp: number } | null;
  totalXp: number;
  newAchievements: EarnedAchievement[];
}

export interface LevelProgressView {
  levelId: string;
  attempts: number;
  hintsOpened: number;
  hintXpCost: number;
  solutionRevealed: boolean;
  passedAt: string | null;
  chaosPassedAt: string | null;
  /** XP awarded for the main round and the chaos round (null: not yet). */
  mainXp: number | null;
  chaosXp: number | null;
  /** What passing the main round would award now. */
  worth: number;
}

export interface LeaderboardQuery {
  period: "all" | "week";
  cohortId?: string | undefined;
  page: number;
  pageSize: number;
}

export interface LeaderboardRow extends Standing {
  rank: number;
  /** The display name, or null when the learner chose to appear anonymously. */
  displayName: string | null;
}

export interface LeaderboardPage {
  rows: LeaderboardRow[];
  total: number;
  page: number;
  pageSize: number;
}

/** Thrown for requests a learner can correct (hint out of order, level not started…). */
export class ProgressRuleError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly action: string,
  ) {
    super(message);
    this.name = "ProgressRuleError";
  }
}

/**
 * Test-only: when the configured crash point (KUBEQUEST_TEST_CRASH_POINT) names this point
 * ("between-grade-and-award", or "between-passing-grade-and-award" for passing grades only, so
 * a server can grade a level until it passes and die exactly there), the process announces it
 * on stdout and then hangs inside the transaction so a test can SIGKILL it right there.
 */
async function crashPoint(configured: string | undefined, name: string): Promise<void> {
  if (configured !== name) return;
  process.stdout.write(`KQ-CRASH-POINT ${name}\n`);
  await new Promise(() => undefined);
}

const num = (v: unknown): number => Number(v ?? 0);

export class ProgressStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** Level ids by world, for "world done" achievements. */
    private readonly worlds: () => ReadonlyMap<number, readonly string[]>,
    private readonly now: () => Date = () => new Date(),
    /** Test-only: where to stop so a test can kill the process (see crashPoint). */
    private readonly testCrashPoint: string | undefined = undefined,
  ) {}

  private async ensureProgress(trx: Transaction<Database> | Kysely<Database>, learnerId: string, levelId: string): Promise<void> {
    await trx
      .insertInto("level_progress")
      .values({ learner_id: learnerId, level_id: levelId, started_at: null, attempts: 0, hints_opened: 0, hint_xp_cost: 0, solution_revealed: 0, passed_at: null, chaos_passed_at: null })
      .onConflict((oc) => oc.columns(["learner_id", "level_id"]).doNothing())
      .execute();
  }

  /** Notes the first start of a level (time spent counts from here) and the learner's activity. */
  async recordStart(learnerId: string, levelId: string): Promise<void> {
    await this.ensureProgress(this.db, learnerId, levelId);
    const at = this.now().toISOString();
    await this.db
      .updateTable("level_progress")
      .set({ started_at: at })
      .where("learner_id", "=", learnerId)
      .where("level_id", "=", levelId)
      .where("started_at", "is", null)
      .execute();
    await this.touch(this.db, learnerId, levelId, at);
  }

  /** Notes that the learner acted on the level (a reset): the roster's "current level" and "last activity". */
  async recordActivity(learnerId: string, levelId: string): Promise<void> {
    await this.ensureProgress(this.db, learnerId, levelId);
    await this.touch(this.db, learnerId, levelId, this.now().toISOString());
  }

  private async touch(db: Transaction<Database> | Kysely<Database>, learnerId: string, levelId: string, at: string): Promise<void> {
    await db.updateTable("level_progress").set({ last_activity_at: at }).where("learner_id", "=", learnerId).where("level_id", "=", levelId).execute();
  }

  /**
   * Records a grade an instructor ran on the learner's environment: kept in the learner's grade
   * history with `graded_by`, but not an attempt of theirs, and it never awards XP or passes
   * the level (the learner does that by grading themselves).
   */
  async recordInstructorGrade(learnerId: string, levelId: string, instructorId: string, grade: GradeInput): Promise<{ gradeId: string }> {
    const gradeId = randomUUID();
    await this.db
      .insertInto("grades")
      .values({
        id: gradeId,
        learner_id: learnerId,
        level_id: levelId,
        round: grade.round,
        passed: grade.passed ? 1 : 0,
        results_json: JSON.stringify(grade.results),
        duration_ms: Math.round(grade.durationMs),
        created_at: this.now().toISOString(),
        graded_by: instructorId,
      })
      .execute();
    return { gradeId };
  }

  /** Records a grade and, when it passes, makes its award, all in one transaction. */
  async recordGrade(learnerId: string, rules: LevelRules, grade: GradeInput): Promise<GradeRecordOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const at = this.now().toISOString();
      const gradeId = randomUUID();
      await trx
        .insertInto("grades")
        .values({
          id: gradeId,
          learner_id: learnerId,
          level_id: rules.levelId,
          round: grade.round,
          passed: grade.passed ? 1 : 0,
          results_json: JSON.stringify(grade.results),
          duration_ms: Math.round(grade.durationMs),
          created_at: at,
        })
        .execute();
      await this.ensureProgress(trx, learnerId, rules.levelId);
      await this.touch(trx, learnerId, rules.levelId, at);
      if (grade.round === "main") {
        await trx
          .updateTable("level_progress")
          .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
          .where("learner_id", "=", learnerId)
          .where("level_id", "=", rules.levelId)
          .execute();
      }

      await crashPoint(this.testCrashPoint, "between-grade-and-award");
      if (grade.passed) await crashPoint(this.testCrashPoint, "between-passing-grade-and-award");

      let award: GradeRecordOutcome["award"] = null;
      if (grade.passed) {
        const progress = await trx
          .selectFrom("level_progress")
          .selectAll()
          .where("learner_id", "=", learnerId)
          .where("level_id", "=", rules.levelId)
          .executeTakeFirstOrThrow();
        const help = { hintXpCost: num(progress.hint_xp_cost), solutionRevealed: num(progress.solution_revealed) === 1 };
        const mainAwarded = await trx
          .selectFrom("xp_awards")
          .select("xp")
          .where("learner_id", "=", learnerId)
          .where("level_id", "=", rules.levelId)
          .where("kind", "=", "main")
          .executeTakeFirst();
        // The chaos round only counts once the main round has passed (and been awarded).
        if (grade.round === "main" || mainAwarded) {
          const xp = grade.round === "main" ? levelWorth(rules, help) : chaosWorth(rules, help);
          const inserted = await trx
            .insertInto("xp_awards")
            .values({ learner_id: learnerId, level_id: rules.levelId, kind: grade.round, xp, grade_id: gradeId, awarded_at: at })
            .onConflict((oc) => oc.columns(["learner_id", "level_id", "kind"]).doNothing())
            .executeTakeFirst();
          if (num(inserted.numInsertedOrUpdatedRows) === 1) {
            award = { kind: grade.round, xp };
            await trx
              .updateTable("level_progress")
              .set(grade.round === "main" ? { passed_at: at } : { chaos_passed_at: at })
              .where("learner_id", "=", learnerId)
              .where("level_id", "=", rules.levelId)
              .execute();
          }
        }
      }

      const newAchievements = award ? await this.awardAchievements(trx, learnerId, at) : [];
      return { gradeId, award, totalXp: await this.totalXp(trx, learnerId), newAchievements };
    });
  }

  private async awardAchievements(trx: Transaction<Database>, learnerId: string, at: string): Promise<EarnedAchievement[]> {
    const rows = await trx
      .selectFrom("level_progress")
      .select(["level_id", "hints_opened", "solution_revealed", "chaos_passed_at"])
      .where("learner_id", "=", learnerId)
      .where("passed_at", "is not", null)
      .execute();
    const worlds = this.worlds();
    const worldOf = new Map<string, number>();
    for (const [world, ids] of worlds) for (const id of ids) worldOf.set(id, world);
    const facts: AchievementFacts = {
      passed: rows.map((r) => ({
        levelId: r.level_id,
        world: worldOf.get(r.level_id) ?? -1,
        hintsOpened: num(r.hints_opened),
        solutionRevealed: num(r.solution_revealed) === 1,
        chaosPassed: r.chaos_passed_at !== null,
      })),
      worlds,
    };
    const earned: EarnedAchievement[] = [];
    for (const id of achievementsHolding(facts)) {
      const inserted = await trx
        .insertInto("achievements_earned")
        .values({ learner_id: learnerId, achievement_id: id, earned_at: at })
        .onConflict((oc) => oc.columns(["learner_id", "achievement_id"]).doNothing())
        .executeTakeFirst();
      if (num(inserted.numInsertedOrUpdatedRows) === 1) earned.push({ id, earnedAt: at });
    }
    return earned;
  }

  async totalXp(db: Kysely<Database> | Transaction<Database>, learnerId: string): Promise<number> {
    const row = await db
      .selectFrom("xp_awards")
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("xp"), eb.lit(0)).as("xp"))
      .where("learner_id", "=", learnerId)
      .executeTakeFirst();
    return num(row?.xp);
  }

  async learnerXp(learnerId: string): Promise<number> {
    return this.totalXp(this.db, learnerId);
  }

  /**
   * Opens hint `index` (0-based): hints open in order; opening one already open costs nothing
   * again. Its cost is recorded as shown. Returns the progress after opening.
   */
  async openHint(learnerId: string, rules: LevelRules, index: number): Promise<LevelProgressView> {
    if (!Number.isInteger(index) || index < 0 || index >= rules.hintCosts.length) {
      throw new ProgressRuleError("no-such-hint", `This level has no hint ${index + 1}.`, "Reload the page to see the level's hints.");
    }
    await this.db.transaction().execute(async (trx) => {
      await this.ensureProgress(trx, learnerId, rules.levelId);
      const progress = await trx
        .selectFrom("level_progress")
        .select(["hints_opened"])
        .where("learner_id", "=", learnerId)
        .where("level_id", "=", rules.levelId)
        .executeTakeFirstOrThrow();
      const opened = num(progress.hints_opened);
      if (index < opened) return;
      if (index > opened) {
        throw new ProgressRuleError("hint-order", `Hint ${index + 1} opens after hint ${opened + 1}.`, `Open hint ${opened + 1} first.`);
      }
      // The `hints_opened = index` guard makes two tabs opening the same hint pay once.
      await trx
        .updateTable("level_progress")
        .set((eb) => ({ hints_opened: index + 1, hint_xp_cost: eb("hint_xp_cost", "+", rules.hintCosts[index] ?? 0), last_activity_at: this.now().toISOString() }))
        .where("learner_id", "=", learnerId)
        .where("level_id", "=", rules.levelId)
        .where("hints_opened", "=", index)
        .execute();
    });
    return this.levelProgress(learnerId, rules);
  }

  /** Reveals the solution: the level is worth nothing from now on (unless already awarded). */
  async revealSolution(learnerId: string, rules: LevelRules): Promise<LevelProgressView> {
    await this.ensureProgress(this.db, learnerId, rules.levelId);
    await this.db
      .updateTable("level_progress")
      .set({ solution_revealed: 1, last_activity_at: this.now().toISOString() })
      .where("learner_id", "=", learnerId)
      .where("level_id", "=", rules.levelId)
      .execute();
    return this.levelProgress(learnerId, rules);
  }

  async levelProgress(learnerId: string, rules: LevelRules): Promise<LevelProgressView> {
    const row = await this.db
      .selectFrom("level_progress")
      .selectAll()
      .where("learner_id", "=", learnerId)
      .where("level_id", "=", rules.levelId)
      .executeTakeFirst();
    const awards = await this.db
      .selectFrom("xp_awards")
      .select(["kind", "xp"])
      .where("learner_id", "=", learnerId)
      .where("level_id", "=", rules.levelId)
      .execute();
    const help = { hintXpCost: num(row?.hint_xp_cost), solutionRevealed: num(row?.solution_revealed) === 1 };
    const main = awards.find((a) => a.kind === "main");
    const chaos = awards.find((a) => a.kind === "chaos");
    return {
      levelId: rules.levelId,
      attempts: num(row?.attempts),
      hintsOpened: num(row?.hints_opened),
      hintXpCost: help.hintXpCost,
      solutionRevealed: help.solutionRevealed,
      passedAt: row?.passed_at ?? null,
      chaosPassedAt: row?.chaos_passed_at ?? null,
      mainXp: main ? num(main.xp) : null,
      chaosXp: chaos ? num(chaos.xp) : null,
      worth: main ? 0 : levelWorth(rules, help),
    };
  }

  /** Every account's standing in the period (and cohort), in leaderboard order. */
  private async standings(q: Pick<LeaderboardQuery, "period" | "cohortId">): Promise<(LeaderboardRow & { publicName: boolean })[]> {
    let query = this.db
      .selectFrom("xp_awards as a")
      .innerJoin("learners as l", "l.id", "a.learner_id")
      .select((eb) => [
        "l.id as learner_id",
        "l.display_name",
        "l.public_on_leaderboard",
        eb.fn.sum<number>("a.xp").as("xp"),
        eb.fn.max("a.awarded_at").as("reached_at"),
      ])
      .where("l.username", "is not", null)
      // Zero-XP awards (solution revealed) do not move anyone's "got there first" time.
      .where("a.xp", ">", 0)
      .groupBy(["l.id", "l.display_name", "l.public_on_leaderboard"]);
    if (q.period === "week") query = query.where("a.awarded_at", ">=", startOfWeekUtc(this.now()).toISOString());
    if (q.cohortId !== undefined) {
      const cohortId = q.cohortId;
      query = query.where((eb) =>
        eb.exists(eb.selectFrom("cohort_members as m").select("m.learner_id").where("m.cohort_id", "=", cohortId).whereRef("m.learner_id", "=", "l.id")),
      );
    }
    // Ordered in SQL as compareStandings orders (the integration tests check they agree).
    const rows = await query.orderBy("xp", "desc").orderBy("reached_at", "asc").orderBy("l.id", "asc").execute();
    return rankStandings(
      rows.map((r) => ({
        learnerId: r.learner_id,
        xp: num(r.xp),
        reachedAt: String(r.reached_at),
        displayName: num(r.public_on_leaderboard) === 1 ? r.display_name : null,
        publicName: num(r.public_on_leaderboard) === 1,
        rank: 0,
      })),
    );
  }

  /**
   * One page of the leaderboard. Ranks are computed over the whole period; fine for thousands
   * of learners (one grouped query); a materialised table would be the next step beyond that.
   */
  async leaderboard(q: LeaderboardQuery): Promise<LeaderboardPage> {
    const all = await this.standings(q);
    const start = (q.page - 1) * q.pageSize;
    return {
      rows: all.slice(start, start + q.pageSize).map(({ publicName: _p, ...row }) => row),
      total: all.length,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /** The learner's own place, or null when they have no XP in the period. */
  async placeOf(learnerId: string, q: Pick<LeaderboardQuery, "period" | "cohortId">): Promise<LeaderboardRow | null> {
    const found = (await this.standings(q)).find((s) => s.learnerId === learnerId);
    if (!found) return null;
    const { publicName: _p, ...row } = found;
    return row;
  }

  async achievementsOf(learnerId: string): Promise<EarnedAchievement[]> {
    const rows = await this.db
      .selectFrom("achievements_earned")
      .select(["achievement_id", "earned_at"])
      .where("learner_id", "=", learnerId)
      .orderBy("earned_at", "asc")
      .orderBy("achievement_id", "asc")
      .execute();
    return rows.map((r) => ({ id: r.achievement_id, earnedAt: r.earned_at }));
  }

  /** The learner's per-level progress and their own grade history (newest first; instructors' grades are not their attempts). */
  async historyOf(learnerId: string): Promise<{
    levels: (Omit<LevelProgressView, "worth" | "mainXp" | "chaosXp"> & { xp: number; timeSpentMs: number | null })[];
    grades: { id: string; levelId: string; round: GradeRound; passed: boolean; durationMs: number; createdAt: string; results: CheckResult[] }[];
  }> {
    const progress = await this.db.selectFrom("level_progress").selectAll().where("learner_id", "=", learnerId).orderBy("level_id").execute();
    const awards = await this.db.selectFrom("xp_awards").select(["level_id", "xp"]).where("learner_id", "=", learnerId).execute();
    const grades = await this.db
      .selectFrom("grades")
      .selectAll()
      .where("learner_id", "=", learnerId)
      .where("graded_by", "is", null)
      .orderBy("created_at", "desc")
      .limit(500)
      .execute();
    return {
      levels: progress.map((p) => ({
        levelId: p.level_id,
        attempts: num(p.attempts),
        hintsOpened: num(p.hints_opened),
        hintXpCost: num(p.hint_xp_cost),
        solutionRevealed: num(p.solution_revealed) === 1,
        passedAt: p.passed_at,
        chaosPassedAt: p.chaos_passed_at,
        xp: awards.filter((a) => a.level_id === p.level_id).reduce((s, a) => s + num(a.xp), 0),
        timeSpentMs: p.started_at && p.passed_at ? Date.parse(p.passed_at) - Date.parse(p.started_at) : null,
      })),
      grades: grades.map((g) => ({
        id: g.id,
        levelId: g.level_id,
        round: g.round,
        passed: num(g.passed) === 1,
        durationMs: num(g.duration_ms),
        createdAt: g.created_at,
        results: JSON.parse(g.results_json) as CheckResult[],
      })),
    };
  }
}
