/**
 * A grading run on a learner's environment, whoever asks for it: the learner (`grade:run`) or
 * their instructor (the dashboard, one learner or the whole cohort).
 *
 * Both stream `grade:started` and `grade:check` to the namespace (`toNamespace`), so the
 * learner's tabs and an instructor allowed to watch them see the checks as they happen, on
 * whichever instance they are. One run per namespace at a time, across instances: the run
 * holds the lease `grade:<namespace>` (coordination/), so two requests through two instances
 * make one run, and an instance that dies mid-run blocks the next one for one lease at most.
 * Then:
 * - the learner's run records the grade and its award in one transaction (exactly-once XP),
 *   tells the learner's tabs about the award and the leaderboard, marks a passed namespace,
 *   and sends `grade:finished` to the other sockets of the room (the requester gets the answer);
 * - an instructor's run is stored in the learner's history with `graded_by`: not an attempt, no
 *   XP, nothing passed; `grade:finished` goes to the whole room (the instructor asked over HTTP).
 * A run whose outcome is "error" (KubeQuest could not check something: see grade-failure.ts)
 * is shown as it happened but recorded nowhere: no attempt, no award, no history row, so it
 * counts in neither the instructor's pass rates nor the roster's failing checks.
 *
 * Node only.
 */
import { achievementById } from "../../lib/progress/achievements";
import type { GradeFinished, GradeRound } from "../../lib/protocol/socket-events";
import type { Leases } from "../coordination/coordination";
import type { ProgressStore } from "../database/progress-store";
import type { LevelEnvironments, ReadyEnvironment } from "../environments/level-environment";
import { failure } from "../errors/actionable-failure";
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import { moduleLogger } from "../logging/logger";
import { levelRulesOf } from "../progress/level-rules";
import type { Realtime } from "../realtime/realtime";
import type { GradeQueue } from "./grade-queue";
import type { runGrade as RunGrade } from "./run-grade";

const log = moduleLogger("grade");

/** What every grading run's lease is named after, and what it says it is doing. */
export const GRADE_LEASE_PREFIX = "grade:";
export const GRADE_LEASE_INFO = "grading";
/** The lease a grading run of the namespace holds. */
export const gradeLease = (namespace: string): string => `${GRADE_LEASE_PREFIX}${namespace}`;

/** Who asked: the learner (from one of their sockets) or an instructor. */
export type Grader = { kind: "learner"; socketId: string } | { kind: "instructor"; instructorId: string };

export interface GradeServiceDeps {
  kube: () => KubeAdapter;
  environments: LevelEnvironments;
  progress: ProgressStore;
  runGrade: typeof RunGrade;
  /**
   * Where grading events go: the namespace's (the learner's tabs and the instructors allowed to
   * watch them), the learner's XP, everyone's leaderboard.
   */
  events: Pick<Realtime, "toNamespace" | "toLearner" | "toEveryone">;
  /** The per-namespace lock, shared by every instance. */
  leases: Leases;
  /** After a grade was recorded: the live roster shows it. */
  onGraded?: (learnerId: string) => void;
  /** The line runs wait in on this instance (none: every run starts at once). */
  queue?: GradeQueue;
  /** Counts grading runs started on this instance (for diagnostics and the two-instance test). */
  onRunStarted?: (namespace: string) => void;
}

export class GradeService {
  constructor(private readonly deps: GradeServiceDeps) {}

  /** Grades the learner's ready environment of the level (throws `environment-not-ready` otherwise). */
  async grade(learnerId: string, levelId: string, round: GradeRound, by: Grader): Promise<GradeFinished> {
    const env = await this.deps.environments.requireReady(learnerId, levelId);
    return this.gradeReady(learnerId, env, round, by);
  }

  /** Whether a grading run is going on in the namespace now, on any instance. */
  async isRunning(namespace: string): Promise<boolean> {
    return (await this.deps.leases.holderOf(gradeLease(namespace))) !== null;
  }

  /**
   * Grades a ready environment. A run already going on in the namespace is refused
   * (`grading-in-progress`), unless `waitForRunning`: then this run follows it (grading the
   * cohort grades a learner who is grading themselves right after them, not as an error).
   */
  async gradeReady(learnerId: string, env: ReadyEnvironment, round: GradeRound, by: Grader, opts: { waitForRunning?: boolean } = {}): Promise<GradeFinished> {
    const name = gradeLease(env.namespace);
    let lease = await this.deps.leases.tryAcquire(name, GRADE_LEASE_INFO);
    if (!lease && opts.waitForRunning) lease = await this.deps.leases.acquire(name, GRADE_LEASE_INFO);
    if (!lease) {
      throw failure(
        "grading-in-progress",
        "A grading run is already in progress for this level.",
        "Wait for its result (it shows in the grade panel). If none comes, try again in half a minute: a run cut off by a server restart is released by then.",
      );
    }
    // The whole job (the run, then recording its result) holds the lease: a reset or a waiting
    // cohort grade goes on only once the result is stored.
    try {
      const run = () => {
        this.deps.onRunStarted?.(env.namespace);
        return this.runAndRecord(learnerId, env, round, by);
      };
      if (!this.deps.queue) return await run();
      // Waiting in line (a class grading at once): the learner's tabs see their place.
      const levelId = env.level.manifest.id;
      return await this.deps.queue.run(run, (place) => this.deps.events.toNamespace(env.namespace, "grade:queued", { levelId, round, place }));
    } finally {
      await lease.release();
    }
  }

  private async runAndRecord(learnerId: string, env: ReadyEnvironment, round: GradeRound, by: Grader): Promise<GradeFinished> {
    const emit = this.deps.events.toNamespace;
    let runId = "";
    const finished = await this.deps.runGrade({
      kube: this.deps.kube(),
      level: env.level,
      namespace: env.namespace,
      round,
      onStarted: (started) => {
        runId = started.runId;
        emit(env.namespace, "grade:started", started);
      },
      onCheck: (result) => emit(env.namespace, "grade:check", { runId, result }),
    });
    const verdict = finished.outcome !== "error";
    if (!verdict) log.warn({ namespace: env.namespace, evidence: finished.results.find((r) => r.status === "error")?.evidence[0] ?? "" }, "KubeQuest could not check it (not recorded)");
    else if (by.kind === "learner") await this.recordLearnerGrade(learnerId, env, finished);
    else await this.recordInstructorGrade(learnerId, env, finished, by.instructorId);
    if (by.kind === "learner") {
      // The other tabs of this learner (and watching instructors) learn the outcome too; the
      // requester gets it as the answer.
      emit(env.namespace, "grade:finished", finished, { except: by.socketId });
    } else {
      emit(env.namespace, "grade:finished", finished);
    }
    if (verdict) this.deps.onGraded?.(learnerId);
    return finished;
  }

  private async recordLearnerGrade(learnerId: string, env: ReadyEnvironment, finished: GradeFinished): Promise<void> {
    const levelId = env.level.manifest.id;
    // The grade and its award in one transaction. If this fails the grade is not recorded
    // and no XP is lost: the level stays unpassed in the database and grading again awards it.
    const outcome = await this.deps.progress
      .recordGrade(learnerId, levelRulesOf(env.level), {
        round: finished.round,
        passed: finished.passed,
        results: finished.results,
        durationMs: finished.durationMs,
      })
      .catch((err: unknown) => {
        log.error({ err, namespace: env.namespace }, "recording a grade failed");
        throw failure(
          "grade-not-saved",
          finished.passed ? "Your fix passed, but the result could not be saved." : "The grade could not be saved.",
          "Grade again in a moment; your XP is awarded once the result is saved.",
        );
      });
    if (outcome.award) {
      this.deps.events.toLearner(learnerId, "xp:awarded", {
        levelId,
        kind: outcome.award.kind,
        xp: outcome.award.xp,
        totalXp: outcome.totalXp,
        achievements: outcome.newAchievements.map((a) => ({ id: a.id, title: achievementById(a.id)?.title ?? a.id, earnedAt: a.earnedAt })),
      });
      this.deps.events.toEveryone("leaderboard:changed", { at: new Date().toISOString() });
    }
    if (finished.passed && finished.round === "main") {
      await this.deps.environments.markPassed(learnerId, levelId).catch((err: unknown) => log.error({ err, namespace: env.namespace }, "marking the namespace passed failed"));
    }
  }

  private async recordInstructorGrade(learnerId: string, env: ReadyEnvironment, finished: GradeFinished, instructorId: string): Promise<void> {
    await this.deps.progress
      .recordInstructorGrade(learnerId, env.level.manifest.id, instructorId, {
        round: finished.round,
        passed: finished.passed,
        results: finished.results,
        durationMs: finished.durationMs,
      })
      .catch((err: unknown) => {
        log.error({ err, namespace: env.namespace }, "recording an instructor's grade failed");
        throw failure("grade-not-saved", "The grade ran but could not be saved in the learner's history.", "Grade again in a moment.");
      });
  }
}
