/**
 * A grading run on a learner's environment, whoever asks for it: the learner (`grade:run`) or
 * their instructor (the dashboard, one learner or the whole cohort).
 *
 * Both stream `grade:started` and `grade:check` to the namespace (`toNamespace`), so the
 * learner's tabs and an instructor allowed to watch them see the checks as they happen. One run
 * per namespace at a time. Then:
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
import type { ProgressStore } from "../database/progress-store";
import type { LevelEnvironments, ReadyEnvironment } from "../environments/level-environment";
import { failure } from "../errors/actionable-failure";
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import { levelRulesOf } from "../progress/level-rules";
import type { EmitToNamespace } from "../instructor/learner-watch-broadcast";
import { learnerRoom, type KqServer } from "../socket/socket-server";
import type { runGrade as RunGrade } from "./run-grade";

/** Who asked: the learner (from one of their sockets) or an instructor. */
export type Grader = { kind: "learner"; socketId: string } | { kind: "instructor"; instructorId: string };

export interface GradeServiceDeps {
  kube: () => KubeAdapter;
  environments: LevelEnvironments;
  progress: ProgressStore;
  runGrade: typeof RunGrade;
  /** The socket server, once it exists (it is created after the services): XP and leaderboard events. */
  io: () => KqServer | undefined;
  /** Grading events of a namespace: the learner's tabs and the instructors allowed to watch them. */
  toNamespace: EmitToNamespace;
  /** After a grade was recorded: the live roster shows it. */
  onGraded?: (learnerId: string) => void;
}

export class GradeService {
  /** The grading job (run and record) going on per namespace. */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: GradeServiceDeps) {}

  /** Grades the learner's ready environment of the level (throws `environment-not-ready` otherwise). */
  async grade(learnerId: string, levelId: string, round: GradeRound, by: Grader): Promise<GradeFinished> {
    const env = await this.deps.environments.requireReady(learnerId, levelId);
    return this.gradeReady(learnerId, env, round, by);
  }

  /** Whether a grading run is going on in the namespace now. */
  isRunning(namespace: string): boolean {
    return this.running.has(namespace);
  }

  /**
   * Grades a ready environment. A run already going on in the namespace is refused
   * (`grading-in-progress`), unless `waitForRunning`: then this run follows it (grading the
   * cohort grades a learner who is grading themselves right after them, not as an error).
   */
  async gradeReady(learnerId: string, env: ReadyEnvironment, round: GradeRound, by: Grader, opts: { waitForRunning?: boolean } = {}): Promise<GradeFinished> {
    if (opts.waitForRunning) {
      for (let running = this.running.get(env.namespace); running; running = this.running.get(env.namespace)) await running.catch(() => undefined);
    }
    if (this.running.has(env.namespace)) {
      throw failure("grading-in-progress", "A grading run is already in progress for this level.", "Wait for its result (it shows in the grade panel).");
    }
    // The whole job (the run, then recording its result) is what "running" means: a reset or
    // a waiting cohort grade goes on only once the result is stored.
    const job = this.runAndRecord(learnerId, env, round, by);
    this.running.set(env.namespace, job);
    try {
      return await job;
    } finally {
      if (this.running.get(env.namespace) === job) this.running.delete(env.namespace);
    }
  }

  private async runAndRecord(learnerId: string, env: ReadyEnvironment, round: GradeRound, by: Grader): Promise<GradeFinished> {
    const emit = this.deps.toNamespace;
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
    if (!verdict) console.warn(`[grade] ${env.namespace}: KubeQuest could not check it (not recorded): ${finished.results.find((r) => r.status === "error")?.evidence[0] ?? ""}`);
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
        console.error("[grade] recording a grade:", err);
        throw failure(
          "grade-not-saved",
          finished.passed ? "Your fix passed, but the result could not be saved." : "The grade could not be saved.",
          "Grade again in a moment; your XP is awarded once the result is saved.",
        );
      });
    const io = this.deps.io();
    if (outcome.award) {
      io?.to(learnerRoom(learnerId)).emit("xp:awarded", {
        levelId,
        kind: outcome.award.kind,
        xp: outcome.award.xp,
        totalXp: outcome.totalXp,
        achievements: outcome.newAchievements.map((a) => ({ id: a.id, title: achievementById(a.id)?.title ?? a.id, earnedAt: a.earnedAt })),
      });
      io?.emit("leaderboard:changed", { at: new Date().toISOString() });
    }
    if (finished.passed && finished.round === "main") {
      await this.deps.environments.markPassed(learnerId, levelId).catch((err: unknown) => console.error("[grade] marking passed:", err));
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
        console.error("[grade] recording an instructor's grade:", err);
        throw failure("grade-not-saved", "The grade ran but could not be saved in the learner's history.", "Grade again in a moment.");
      });
  }
}
