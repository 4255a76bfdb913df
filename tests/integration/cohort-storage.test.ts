// The instructor dashboard's storage against BOTH real databases (SQLite in a temp folder and a
// throwaway PostgreSQL): migration 0002 on a database that already holds data, cohorts and
// invite codes, joining and leaving, roster rows (current level, state, latest grade and who
// ran it, XP), instructor grades that are neither attempts nor XP, the learner in depth, the
// analytics rows and the audit log; what one cohort's instructor sees of a learner who is also in
// another cohort (grades, recordings since joining), and the leaderboard's cohort list.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { INVITE_CODE_ALPHABET } from "../../lib/protocol/instructor-api";
import type { CheckResult } from "../../lib/protocol/socket-events";
import { AccountStore } from "../../server/database/account-store";
import { CohortStore } from "../../server/database/cohort-store";
import { migrate, openDatabase, type DatabaseHandle } from "../../server/database/database";
import { migrationProvider } from "../../server/database/migrations";
import { ProgressStore } from "../../server/database/progress-store";
import { RecordingStore } from "../../server/database/recording-store";
import type { Database } from "../../server/database/schema";
import { levelAnalyticsOf } from "../../server/instructor/cohort-analytics";
import { OTHER, RULES, WORLDS, bothStorageEngines } from "./support/storage-engines";


function results(statuses: CheckResult["status"][]): CheckResult[] {
  return statuses.map((status, i) => ({ id: `check-${i}`, title: `Check ${i}`, explanation: "why", status, evidence: [`saw ${status}`] }));
}
const PASSING = { round: "main" as const, passed: true, results: results(["pass", "pass"]), durationMs: 1200 };
const FAILING = { round: "main" as const, passed: false, results: results(["pass", "fail"]), durationMs: 800 };

const engines = bothStorageEngines("kq-cohort-sqlite-");

describe("migration 0002 on a database that already has cohorts and progress", () => {
  it("keeps the old rows, backfills last activity from the start time, and leaves old cohorts without owner or code", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-migrate-"));
    try {
      const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path.join(dir, "db.sqlite")) }) });
      // Only migration 0001, as a database from before the dashboard.
      await new Migrator({ db, provider: migrationProvider }).migrateTo("0001-accounts-and-progress");
      const raw = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      await raw.insertInto("learners").values({ id: "l1", created_at: "2026-01-01T00:00:00.000Z", role: "learner", public_on_leaderboard: 1 }).execute();
      await raw
        .insertInto("level_progress")
        .values({ learner_id: "l1", level_id: "lvl", started_at: "2026-01-02T00:00:00.000Z", attempts: 2, hints_opened: 0, hint_xp_cost: 0, solution_revealed: 0 })
        .execute();
      await raw.insertInto("cohorts").values({ id: "c1", name: "Old class", created_at: "2026-01-01T00:00:00.000Z" }).execute();
      await migrate(db);
      const progress = await db.selectFrom("level_progress").selectAll().executeTakeFirstOrThrow();
      expect(progress).toMatchObject({ attempts: 2, last_activity_at: "2026-01-02T00:00:00.000Z" });
      expect(await db.selectFrom("cohorts").selectAll().executeTakeFirstOrThrow()).toMatchObject({ name: "Old class", owner_id: null, invite_code: null });
      await db.destroy();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(engines)("cohort storage on $name", ({ config }) => {
  let handle: DatabaseHandle;
  let clock: Date;
  let progress: ProgressStore;
  let accounts: AccountStore;
  let cohorts: CohortStore;
  const now = () => clock;
  const tick = (ms: number) => (clock = new Date(clock.getTime() + ms));

  beforeAll(async () => {
    handle = await openDatabase(config());
  });
  afterAll(async () => {
    await handle.close();
  });
  beforeEach(() => {
    clock = new Date("2026-11-23T10:00:00.000Z");
    progress = new ProgressStore(handle.db, () => WORLDS, now);
    accounts = new AccountStore(handle.db, { anonymousTtlMs: 30 * 86_400_000, accountTtlMs: 3_600_000, now });
    cohorts = new CohortStore(handle.db, now);
  });

  let counter = 0;
  async function account(role: "learner" | "instructor" = "learner", displayName?: string) {
    counter += 1;
    const username = `c${counter}${Math.random().toString(36).slice(2, 8)}`;
    return accounts.createAccount({ username, passwordHash: "scrypt$unused", displayName: displayName ?? `Player ${username}`, role });
  }

  it("creates cohorts with unique invite codes, lists only the owner's, and rotates a code", async () => {
    const teacher = await account("instructor", "Ms Teacher");
    const other = await account("instructor");
    const a = await cohorts.createCohort(teacher.id, "Tuesday");
    tick(1000);
    const b = await cohorts.createCohort(teacher.id, "Thursday");
    await cohorts.createCohort(other.id, "Not yours");
    expect(a.inviteCode).toMatch(new RegExp(`^[${INVITE_CODE_ALPHABET}]{8}$`));
    expect(a.inviteCode).not.toBe(b.inviteCode);
    expect((await cohorts.ownedCohorts(teacher.id)).map((c) => c.name)).toEqual(["Thursday", "Tuesday"]);
    expect(await cohorts.previewByCode(a.inviteCode)).toEqual({ cohortId: a.id, ownerId: teacher.id, name: "Tuesday", instructorName: "Ms Teacher" });

    const rotated = await cohorts.rotateInvite(a.id);
    expect(rotated.inviteCode).not.toBe(a.inviteCode);
    expect(await cohorts.previewByCode(a.inviteCode)).toBeNull();
    expect(await cohorts.previewByCode(rotated.inviteCode)).toMatchObject({ cohortId: a.id });
  });

  it("retries a colliding invite code instead of failing", async () => {
    const teacher = await account("instructor");
    const codes = ["AAAAAAAA", "AAAAAAAA", "BBBBBBBB"];
    const colliding = new CohortStore(handle.db, now, () => codes.shift()!);
    const first = await colliding.createCohort(teacher.id, "First");
    const second = await colliding.createCohort(teacher.id, "Second");
    expect([first.inviteCode, second.inviteCode]).toEqual(["AAAAAAAA", "BBBBBBBB"]);
    await handle.db.deleteFrom("cohorts").where("id", "in", [first.id, second.id]).execute();
  });

  it("joins by code once, counts members, lists memberships and leaves", async () => {
    const teacher = await account("instructor", "Mr Owner");
    const cohort = await cohorts.createCohort(teacher.id, "Class");
    const learner = await account();
    expect(await cohorts.join("ZZZZZZZZ", learner.id)).toBeNull();
    const joined = await cohorts.join(cohort.inviteCode, learner.id);
    expect(joined).toEqual({ joinedNow: true, membership: { cohortId: cohort.id, name: "Class", instructorName: "Mr Owner", joinedAt: clock.toISOString() } });
    tick(5000);
    expect((await cohorts.join(cohort.inviteCode, learner.id))?.joinedNow).toBe(false);
    expect((await cohorts.summary(cohort.id))?.members).toBe(1);
    expect(await cohorts.memberships(learner.id)).toEqual([joined!.membership]);
    expect(await cohorts.cohortIdsOf(learner.id)).toEqual([cohort.id]);
    expect(await cohorts.isMember(cohort.id, learner.id)).toBe(true);
    expect(await cohorts.leave(cohort.id, learner.id)).toBe(true);
    expect(await cohorts.leave(cohort.id, learner.id)).toBe(false);
    expect(await cohorts.isMember(cohort.id, learner.id)).toBe(false);
    expect((await cohorts.summary(cohort.id))?.members).toBe(0);
  });

  it("builds roster rows: current level, state, attempts, hints, XP and the latest grade with its grader", async () => {
    const teacher = await account("instructor", "Ms Grader");
    const cohort = await cohorts.createCohort(teacher.id, "Roster");
    const idle = await account("learner", "Idle");
    const busy = await account("learner", "Busy");
    await cohorts.join(cohort.inviteCode, idle.id);
    tick(1000);
    await cohorts.join(cohort.inviteCode, busy.id);

    await progress.recordStart(busy.id, OTHER.levelId);
    tick(60_000);
    await progress.recordStart(busy.id, RULES.levelId);
    tick(1000);
    await progress.openHint(busy.id, RULES, 0);
    tick(1000);
    await progress.recordGrade(busy.id, RULES, FAILING);
    tick(1000);
    await progress.recordInstructorGrade(busy.id, RULES.levelId, teacher.id, PASSING);

    const rows = await cohorts.rosterRows(cohort.id);
    expect(rows.map((r) => r.name)).toEqual(["Idle", "Busy"]);
    expect(rows[0]).toMatchObject({ levelId: null, state: "not-started", attempts: 0, xp: 0, latestGrade: null, lastActivityAt: null });
    expect(rows[1]).toMatchObject({
      levelId: RULES.levelId,
      state: "in-progress",
      startedAt: "2026-11-23T10:01:01.000Z",
      // The hint and the learner's grade moved the activity; the instructor's grade did not.
      lastActivityAt: "2026-11-23T10:01:03.000Z",
      attempts: 1,
      hintsOpened: 1,
      xp: 0,
      latestGrade: { passed: true, gradedBy: "Ms Grader", round: "main", checks: [{ id: "check-0", status: "pass" }, { id: "check-1", status: "pass" }] },
    });

    // The instructor's pass made no award and passed nothing: the learner grades it themselves.
    expect(await progress.learnerXp(busy.id)).toBe(0);
    tick(1000);
    await progress.recordGrade(busy.id, RULES, PASSING);
    const passed = await cohorts.rosterRow(cohort.id, busy.id);
    expect(passed).toMatchObject({ state: "passed", attempts: 2, xp: 225, latestGrade: { gradedBy: null, passed: true } });
    tick(1000);
    await progress.recordGrade(busy.id, RULES, { ...PASSING, round: "chaos" });
    expect(await cohorts.rosterRow(cohort.id, busy.id)).toMatchObject({ state: "chaos-survived", xp: 225 + 100 });

    // A reset is activity too: it makes that level the current one.
    tick(1000);
    await progress.recordActivity(busy.id, OTHER.levelId);
    expect(await cohorts.rosterRow(cohort.id, busy.id)).toMatchObject({ levelId: OTHER.levelId, state: "in-progress", lastActivityAt: clock.toISOString() });
    expect(await cohorts.rosterRow(cohort.id, teacher.id)).toBeNull();
  });

  it("gives a member in depth: levels, graded history with evidence and grader, and their audit entries", async () => {
    const teacher = await account("instructor", "Dr Audit");
    const cohort = await cohorts.createCohort(teacher.id, "Depth");
    const learner = await account("learner", "Deep");
    await cohorts.join(cohort.inviteCode, learner.id);
    await progress.recordStart(learner.id, RULES.levelId);
    tick(1000);
    await progress.recordGrade(learner.id, RULES, FAILING);
    tick(1000);
    await progress.recordInstructorGrade(learner.id, RULES.levelId, teacher.id, FAILING);
    const entry = await cohorts.appendAudit({ action: "learner.reset", actorId: teacher.id, cohortId: cohort.id, learnerId: learner.id, levelId: RULES.levelId, detail: "environment reset to its broken state" });
    expect(entry).toMatchObject({ actorName: "Dr Audit", learnerName: "Deep", action: "learner.reset", levelId: RULES.levelId });
    tick(1000);
    await cohorts.appendAudit({ action: "cohort.invite-rotated", actorId: teacher.id, cohortId: cohort.id, detail: "new code" });

    const detail = await cohorts.learnerDetail(cohort.id, learner.id);
    expect(detail?.levels).toEqual([{ levelId: RULES.levelId, state: "in-progress", startedAt: "2026-11-23T10:00:00.000Z", passedAt: null, attempts: 1, hintsOpened: 0, solutionRevealed: false }]);
    expect(detail?.grades.map((g) => g.gradedBy)).toEqual(["Dr Audit", null]);
    expect(detail?.grades[0]?.results[1]).toMatchObject({ status: "fail", evidence: ["saw fail"] });
    expect(detail?.audit.map((a) => a.action)).toEqual(["learner.reset"]);
    // The learner's own profile lists their attempts only.
    expect((await progress.historyOf(learner.id)).grades).toHaveLength(1);
    expect((await cohorts.audit(cohort.id)).map((a) => a.action)).toEqual(["cohort.invite-rotated", "learner.reset"]);
    expect(await cohorts.learnerDetail(cohort.id, teacher.id)).toBeNull();
  });

  it("gives the analytics the members' own main-round runs and progress only", async () => {
    const teacher = await account("instructor");
    const cohort = await cohorts.createCohort(teacher.id, "Stats");
    const outsider = await account();
    const [a, b] = [await account(), await account()];
    for (const l of [a, b]) await cohorts.join(cohort.inviteCode, l.id);
    for (const l of [a, b, outsider]) await progress.recordStart(l.id, RULES.levelId);
    await progress.recordGrade(a.id, RULES, FAILING);
    tick(10 * 60_000);
    await progress.recordGrade(a.id, RULES, PASSING);
    await progress.openHint(b.id, RULES, 0);
    await progress.openHint(b.id, RULES, 1);
    await progress.recordInstructorGrade(b.id, RULES.levelId, teacher.id, FAILING);
    await progress.recordGrade(outsider.id, RULES, FAILING);

    const raw = await cohorts.analyticsRows(cohort.id);
    expect(raw.learners).toBe(2);
    expect(raw.grades).toHaveLength(2);
    const level = levelAnalyticsOf(
      { levelId: RULES.levelId, number: 30, title: "T", checks: [{ id: "check-0", title: "0" }, { id: "check-1", title: "1" }], hintCount: 3 },
      raw.progress,
      raw.grades,
    );
    expect(level).toMatchObject({
      learnersStarted: 2,
      learnersPassed: 1,
      gradeRuns: 2,
      checks: [
        { id: "check-0", runs: 2, passed: 2, rate: 1 },
        { id: "check-1", runs: 2, passed: 1, rate: 0.5 },
      ],
      timeToSolveMs: [600_000],
      learnersByHintsOpened: [1, 1, 0],
      hintsOpenedTotal: 2,
    });
  });

  it("scopes a member's grades and recordings to the cohort asking: its instructor's grades, recordings since joining", async () => {
    const mine = await account("instructor", "Mine");
    const theirs = await account("instructor", "Theirs");
    const mineCohort = await cohorts.createCohort(mine.id, "Mine");
    const theirCohort = await cohorts.createCohort(theirs.id, "Theirs");
    const learner = await account("learner", "Both");
    await cohorts.join(mineCohort.inviteCode, learner.id);
    await progress.recordStart(learner.id, RULES.levelId);
    tick(1000);
    await progress.recordGrade(learner.id, RULES, FAILING);
    tick(1000);
    await progress.recordInstructorGrade(learner.id, RULES.levelId, mine.id, FAILING);
    const recordings = new RecordingStore(handle.db);
    await recordings.create({ id: randomUUID(), learnerId: learner.id, levelId: RULES.levelId, startedAt: clock, cols: 80, rows: 24 });
    tick(1000);
    await cohorts.join(theirCohort.inviteCode, learner.id);
    expect(await cohorts.joinedAt(theirCohort.id, learner.id)).toBe(clock.toISOString());
    tick(1000);
    const later = randomUUID();
    await recordings.create({ id: later, learnerId: learner.id, levelId: RULES.levelId, startedAt: clock, cols: 80, rows: 24 });

    // Each instructor sees the learner's own runs and their own, never the other's.
    expect((await cohorts.learnerDetail(mineCohort.id, learner.id))?.grades.map((g) => g.gradedBy)).toEqual(["Mine", null]);
    expect((await cohorts.learnerDetail(theirCohort.id, learner.id))?.grades.map((g) => g.gradedBy)).toEqual([null]);
    expect((await cohorts.rosterRow(theirCohort.id, learner.id))?.latestGrade).toMatchObject({ gradedBy: null });
    expect((await cohorts.rosterRow(mineCohort.id, learner.id))?.latestGrade).toMatchObject({ gradedBy: "Mine" });

    const since = (await cohorts.joinedAt(theirCohort.id, learner.id))!;
    expect((await recordings.list(learner.id, { since })).map((r) => r.id)).toEqual([later]);
    expect(await recordings.list(learner.id)).toHaveLength(2);
    expect(await recordings.list(learner.id, { limit: 1 })).toMatchObject([{ id: later }]);
    const [early] = (await recordings.list(learner.id)).filter((r) => r.id !== later);
    expect(await recordings.recording(learner.id, early!.id, { since })).toBeNull();
    expect(await recordings.recording(learner.id, later, { since })).toMatchObject({ id: later });
  });

  it("lists for the leaderboard only the cohorts a learner is in or owns", async () => {
    const owner = await account("instructor", "Owner");
    const member = await account("learner", "Member");
    const stranger = await account("learner", "Stranger");
    const owned = await cohorts.createCohort(owner.id, "Private class");
    await cohorts.join(owned.inviteCode, member.id);
    expect(await cohorts.cohortsVisibleTo(owner.id)).toEqual([{ id: owned.id, name: "Private class" }]);
    expect(await cohorts.cohortsVisibleTo(member.id)).toEqual([{ id: owned.id, name: "Private class" }]);
    expect(await cohorts.cohortsVisibleTo(stranger.id)).toEqual([]);
  });

  it("reads a cohort made before cohorts had an owner and a code (migration 0002)", async () => {
    const id = randomUUID();
    await handle.db.insertInto("cohorts").values({ id, name: "Legacy class", created_at: now().toISOString() }).execute();
    expect(await cohorts.summary(id)).toMatchObject({ name: "Legacy class", inviteCode: "", members: 0 });
  });
});
