// The storage layer against BOTH real databases: SQLite in a temp folder and a throwaway
// PostgreSQL from Debian's binaries. Proves XP exactly-once (grades racing from several
// processes at once, a crash between grade and award, replays), hint and solution penalties as
// shown, achievements once, the leaderboard's order and tie-break, sessions' expiry and the
// sign-in rate-limit windows. (The crash of the real server process is xp-server-crash.test.ts.)
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AccountStore } from "../../server/database/account-store";
import { CohortStore } from "../../server/database/cohort-store";
import { openDatabase, type DatabaseHandle } from "../../server/database/database";
import { ProgressStore } from "../../server/database/progress-store";
import { levelWorth } from "../../lib/progress/xp-rules";
import { compareStandings } from "../../lib/progress/leaderboard-order";
import { childDatabaseEnv, raceGradesInProcesses } from "./support/racing-grades";
import { OTHER, RULES, WORLDS, bothStorageEngines } from "./support/storage-engines";

const PASS = { round: "main" as const, passed: true, results: [], durationMs: 1000 };
const FAIL = { ...PASS, passed: false };
const CHAOS = { ...PASS, round: "chaos" as const };

const engines = bothStorageEngines("kq-sqlite-");

describe.each(engines)("storage on $name", ({ config }) => {
  let handle: DatabaseHandle;
  let clock: Date;
  let progress: ProgressStore;
  let accounts: AccountStore;
  const now = () => clock;

  beforeAll(async () => {
    handle = await openDatabase(config());
    // Migrations run again on an up-to-date database without complaint (every server start).
    await handle.close();
    handle = await openDatabase(config());
  });
  afterAll(async () => {
    await handle.close();
  });
  beforeEach(() => {
    clock = new Date("2026-11-23T10:00:00.000Z");
    progress = new ProgressStore(handle.db, () => WORLDS, now);
    accounts = new AccountStore(handle.db, { anonymousTtlMs: 30 * 86_400_000, accountTtlMs: 3_600_000, now });
  });

  let counter = 0;
  async function newAccount(name?: string) {
    counter += 1;
    const username = name ?? `u${counter}-${Math.random().toString(36).slice(2, 8)}`;
    return accounts.createAccount({ username, passwordHash: "scrypt$unused", displayName: `Player ${username}`, role: "learner" });
  }

  it("passing grades of the same level recorded at the same moment by four processes award XP once", async () => {
    const learner = await newAccount();
    // Four processes, four connections, released together: a real race on the database.
    const outcomes = await raceGradesInProcesses({ racers: 4, learnerId: learner.id, rules: RULES, round: "main", config: config() });
    expect(outcomes.filter((o) => o.award !== null)).toHaveLength(1);
    expect(outcomes.find((o) => o.award)?.award).toEqual({ kind: "main", xp: 250 });
    expect(await progress.learnerXp(learner.id)).toBe(250);
    expect(await handle.db.selectFrom("xp_awards").select("kind").where("learner_id", "=", learner.id).execute()).toEqual([{ kind: "main" }]);
    const history = await progress.historyOf(learner.id);
    // Every grade is recorded, not only the winner's.
    expect(history.grades).toHaveLength(4);
    expect(history.levels[0]).toMatchObject({ attempts: 4, xp: 250 });
  }, 60_000);

  it("replaying a passed level awards nothing", async () => {
    const learner = await newAccount();
    expect((await progress.recordGrade(learner.id, RULES, FAIL)).award).toBeNull();
    expect((await progress.recordGrade(learner.id, RULES, PASS)).award).toEqual({ kind: "main", xp: 250 });
    clock = new Date("2026-11-24T10:00:00.000Z");
    const replay = await progress.recordGrade(learner.id, RULES, PASS);
    expect(replay.award).toBeNull();
    expect(replay.totalXp).toBe(250);
    expect((await progress.levelProgress(learner.id, RULES)).passedAt).toBe("2026-11-23T10:00:00.000Z");
  });

  it("hint penalties apply as shown, in order, once each", async () => {
    const learner = await newAccount();
    const shown = (await progress.levelProgress(learner.id, RULES)).worth;
    expect(shown).toBe(250);
    await expect(progress.openHint(learner.id, RULES, 1)).rejects.toMatchObject({ code: "hint-order" });
    let view = await progress.openHint(learner.id, RULES, 0);
    expect(view).toMatchObject({ hintsOpened: 1, hintXpCost: 25, worth: 225 });
    // Two tabs opening the same hint at once pay once.
    const both = await Promise.all([progress.openHint(learner.id, RULES, 1), progress.openHint(learner.id, RULES, 1)]);
    expect(both.map((v) => v.worth)).toEqual([200, 200]);
    view = await progress.openHint(learner.id, RULES, 0);
    expect(view.worth).toBe(levelWorth(RULES, { hintXpCost: 50, solutionRevealed: false }));
    const outcome = await progress.recordGrade(learner.id, RULES, PASS);
    expect(outcome.award).toEqual({ kind: "main", xp: 200 });
    // A pass with hints is not "unaided".
    expect(outcome.newAchievements.map((a) => a.id)).toEqual(["first-pass"]);
  });

  it("revealing the solution makes the level worth nothing, chaos bonus included", async () => {
    const learner = await newAccount();
    await progress.openHint(learner.id, RULES, 0);
    const view = await progress.revealSolution(learner.id, RULES);
    expect(view).toMatchObject({ solutionRevealed: true, worth: 0 });
    expect((await progress.recordGrade(learner.id, RULES, PASS)).award).toEqual({ kind: "main", xp: 0 });
    expect((await progress.recordGrade(learner.id, RULES, CHAOS)).award).toEqual({ kind: "chaos", xp: 0 });
    expect(await progress.learnerXp(learner.id)).toBe(0);
  });

  it("the chaos round's bonus comes once, and only after the main round passed", async () => {
    const learner = await newAccount();
    expect((await progress.recordGrade(learner.id, RULES, CHAOS)).award).toBeNull();
    await progress.recordGrade(learner.id, RULES, PASS);
    // Two chaos rounds passing at the same moment, from two processes.
    const outcomes = await raceGradesInProcesses({ racers: 2, learnerId: learner.id, rules: RULES, round: "chaos", config: config() });
    expect(outcomes.map((o) => o.award).filter(Boolean)).toEqual([{ kind: "chaos", xp: 100 }]);
    expect(await progress.learnerXp(learner.id)).toBe(350);
  }, 60_000);

  it("achievements are awarded once, with the date earned", async () => {
    const learner = await newAccount();
    const first = await progress.recordGrade(learner.id, RULES, PASS);
    expect(first.newAchievements.map((a) => a.id)).toEqual(["first-pass", "no-hints"]);
    clock = new Date("2026-11-23T11:00:00.000Z");
    await progress.recordGrade(learner.id, RULES, CHAOS);
    const second = await progress.recordGrade(learner.id, OTHER, PASS);
    expect(second.newAchievements.map((a) => a.id)).toEqual(["world-3-complete"]);
    const earned = await progress.achievementsOf(learner.id);
    expect(earned).toEqual([
      { id: "first-pass", earnedAt: "2026-11-23T10:00:00.000Z" },
      { id: "no-hints", earnedAt: "2026-11-23T10:00:00.000Z" },
      { id: "chaos-survivor", earnedAt: "2026-11-23T11:00:00.000Z" },
      { id: "world-3-complete", earnedAt: "2026-11-23T11:00:00.000Z" },
    ]);
  });

  it("the leaderboard orders by XP, breaks ties by who got there first, pages, and filters by week and cohort", async () => {
    // A clean board: this test owns every award in it.
    await handle.db.deleteFrom("xp_awards").execute();
    const [early, late, top, hidden, old] = [await newAccount(), await newAccount(), await newAccount(), await newAccount(), await newAccount()];
    await accounts.updateSettings(hidden.id, { publicOnLeaderboard: false });
    clock = new Date("2026-11-10T09:00:00.000Z"); // last week
    await progress.recordGrade(old.id, RULES, PASS);
    clock = new Date("2026-11-23T09:00:00.000Z");
    await progress.recordGrade(early.id, RULES, PASS);
    clock = new Date("2026-11-23T09:05:00.000Z");
    await progress.recordGrade(late.id, RULES, PASS);
    await progress.recordGrade(hidden.id, RULES, PASS);
    clock = new Date("2026-11-23T09:10:00.000Z");
    await progress.recordGrade(top.id, RULES, PASS);
    await progress.recordGrade(top.id, RULES, CHAOS);
    // An anonymous learner (no account) never appears.
    const anon = await accounts.createAnonymousLearner();
    await progress.recordGrade(anon.id, RULES, PASS);

    const all = await progress.leaderboard({ period: "all", page: 1, pageSize: 10 });
    expect(all.rows.map((r) => r.learnerId)).toEqual([top.id, old.id, early.id, ...[late.id, hidden.id].sort()]);
    expect(all.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect([...all.rows].sort(compareStandings).map((r) => r.learnerId)).toEqual(all.rows.map((r) => r.learnerId));
    expect(all.rows.find((r) => r.learnerId === hidden.id)?.displayName).toBeNull();
    expect(all.rows.find((r) => r.learnerId === top.id)?.displayName).toBe(top.displayName);

    const week = await progress.leaderboard({ period: "week", page: 1, pageSize: 10 });
    expect(week.rows.map((r) => r.learnerId)).not.toContain(old.id);
    expect(week.total).toBe(4);

    const page2 = await progress.leaderboard({ period: "all", page: 2, pageSize: 2 });
    expect(page2).toMatchObject({ total: 5, page: 2 });
    expect(page2.rows.map((r) => r.rank)).toEqual([3, 4]);

    const cohorts = new CohortStore(handle.db, now);
    const teacher = await newAccount();
    const { id: cohort, inviteCode } = await cohorts.createCohort(teacher.id, "Tuesday class");
    await cohorts.join(inviteCode, late.id);
    await cohorts.join(inviteCode, early.id);
    const inCohort = await progress.leaderboard({ period: "all", cohortId: cohort, page: 1, pageSize: 10 });
    expect(inCohort.rows.map((r) => [r.learnerId, r.rank])).toEqual([
      [early.id, 1],
      [late.id, 2],
    ]);
    expect((await progress.placeOf(late.id, { period: "all", cohortId: cohort }))?.rank).toBe(2);
  });

  it("killing the process between the grade and the award leaves no award and no lost pass", async () => {
    const learner = await newAccount();
    const cfg = config();
    const env = childDatabaseEnv(cfg, { KUBEQUEST_TEST_CRASH_POINT: "between-grade-and-award" });

    const runChild = (childEnv: NodeJS.ProcessEnv, killAtCrashPoint: boolean) =>
      new Promise<{ stdout: string; signal: NodeJS.Signals | null }>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "support", "grade-in-child.ts"), learner.id, JSON.stringify(RULES)], {
          env: childEnv,
          stdio: ["ignore", "pipe", "inherit"],
        });
        let stdout = "";
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          if (killAtCrashPoint && stdout.includes("KQ-CRASH-POINT")) child.kill("SIGKILL");
        });
        child.once("error", reject);
        child.once("exit", (_code, signal) => resolve({ stdout, signal }));
      });

    const killed = await runChild(env, true);
    expect(killed.signal).toBe("SIGKILL");
    expect(killed.stdout).toContain("KQ-CRASH-POINT between-grade-and-award");

    // "Restart": a fresh handle (a new process for the child, new connections here).
    const reopened = await openDatabase(cfg);
    try {
      const store = new ProgressStore(reopened.db, () => WORLDS);
      // The grade and the award rolled back together: no award, and the level is not passed...
      expect(await store.learnerXp(learner.id)).toBe(0);
      expect((await store.levelProgress(learner.id, RULES)).passedAt).toBeNull();
      // ...so the pass is not lost: grading again (here in a child without the crash point) awards once.
      const { KUBEQUEST_TEST_CRASH_POINT: _drop, ...clean } = env;
      const again = await runChild(clean, false);
      const outcome = JSON.parse(/KQ-OUTCOME (.*)/.exec(again.stdout)?.[1] ?? "null") as { award: unknown } | null;
      expect(outcome?.award).toEqual({ kind: "main", xp: 250 });
      expect(await store.learnerXp(learner.id)).toBe(250);
      expect((await store.historyOf(learner.id)).grades).toHaveLength(1);
    } finally {
      await reopened.close();
    }
  }, 60_000);

  it("sessions expire, and an expired account session signs the person out", async () => {
    const learner = await newAccount();
    const session = await accounts.startSession(learner);
    expect((await accounts.resolveSession(session.sessionId)).learner.id).toBe(learner.id);
    clock = new Date(clock.getTime() + 3_600_001);
    const after = await accounts.resolveSession(session.sessionId);
    expect(after.learner.id).not.toBe(learner.id);
    expect(after.learner.username).toBeNull();
  });

  it("purges expired sessions and the anonymous learners they leave behind, never accounts", async () => {
    const account = await newAccount();
    const accountSession = await accounts.startSession(account);
    const anon = await accounts.resolveSession(crypto.randomUUID());
    await progress.recordGrade(anon.learner.id, RULES, FAIL);
    clock = new Date(clock.getTime() + 31 * 86_400_000);
    expect(await accounts.purgeExpired()).toBeGreaterThanOrEqual(2);
    expect(await accounts.learner(anon.learner.id)).toBeNull();
    expect(await accounts.learner(account.id)).not.toBeNull();
    expect((await accounts.resolveSession(accountSession.sessionId)).learner.id).not.toBe(account.id);
  });

  it("signing up keeps the anonymous learner's progress", async () => {
    const session = await accounts.resolveSession(crypto.randomUUID());
    await progress.recordGrade(session.learner.id, RULES, PASS);
    const learner = await accounts.attachAccount(session.learner.id, { username: `keep${counter++}`, passwordHash: "x", displayName: "Keeper" });
    expect(learner.id).toBe(session.learner.id);
    expect(await progress.learnerXp(learner.id)).toBe(250);
    await expect(accounts.attachAccount(session.learner.id, { username: "again", passwordHash: "x", displayName: "x" })).rejects.toMatchObject({
      code: "already-signed-up",
    });
    const other = await accounts.createAnonymousLearner();
    await expect(accounts.attachAccount(other.id, { username: learner.username!, passwordHash: "x", displayName: "x" })).rejects.toMatchObject({
      code: "username-taken",
    });
  });

  it("sign-in attempts are counted in fixed windows", async () => {
    const key = `user:rl-${counter++}`;
    clock = new Date("2026-11-23T10:00:00.000Z");
    for (let i = 0; i < 3; i++) expect(await accounts.takeSignInAttempt(key, 3, 60_000)).toBe(0);
    expect(await accounts.takeSignInAttempt(key, 3, 60_000)).toBe(60_000);
    clock = new Date("2026-11-23T10:01:00.000Z");
    expect(await accounts.takeSignInAttempt(key, 3, 60_000)).toBe(0);
  });

  it("deleting an account deletes its progress; export never contains the password hash", async () => {
    const learner = await newAccount();
    await progress.recordGrade(learner.id, RULES, PASS);
    const exported = await accounts.exportLearner(learner.id);
    expect(JSON.stringify(exported)).not.toContain("scrypt$");
    expect(exported).toMatchObject({ learner: { id: learner.id }, xpAwards: [{ xp: 250 }] });
    await accounts.deleteLearner(learner.id);
    expect(await accounts.learner(learner.id)).toBeNull();
    expect(await progress.learnerXp(learner.id)).toBe(0);
  });
});
