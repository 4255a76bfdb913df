/**
 * What an instructor does to learners' environments from the dashboard: grade one learner,
 * reset one learner's level, grade the whole cohort. Callers have passed the access guard;
 * every action is written to the audit log and moves the live roster.
 *
 * Node only.
 */
import type { CohortGradeResult, CohortGradeRow } from "../../lib/protocol/instructor-api";
import type { EnvironmentStatus, GradeFinished } from "../../lib/protocol/socket-events";
import type { Learner } from "../database/account-store";
import type { CohortStore } from "../database/cohort-store";
import type { LevelEnvironments } from "../environments/level-environment";
import { resetLearnerLevel } from "../environments/reset-learner-level";
import { asActionableError } from "../errors/actionable-failure";
import type { GradeService } from "../grader/grade-service";
import type { LevelCatalog } from "../levels/level-catalog";
import { moduleLogger } from "../logging/logger";
import type { Leases } from "../coordination/coordination";
import type { Realtime } from "../realtime/realtime";
import type { AuditLog } from "./audit-log";
import { DashboardError } from "./cohort-access";
import { summarizeCohortGrade } from "./cohort-grade-summary";
import { mapWithConcurrency } from "./concurrency";

const log = moduleLogger("instructor");
import { firstFailedCheck, rosterChecksOf } from "../../lib/progress/roster-state";

/** Two grading runs at once: each runs probes in the cluster; a class of 30 takes minutes, not hours. */
export const COHORT_GRADE_CONCURRENCY = 2;

export interface InstructorActionsDeps {
  cohorts: CohortStore;
  environments: LevelEnvironments;
  grades: GradeService;
  audit: AuditLog;
  /** The live roster follows a learner's change (on every instance). */
  learnerActed(learnerId: string): void;
  levels: () => Promise<LevelCatalog>;
  /** The reset's messages (the learner's terminal, "resetting") and the cohort's grading progress. */
  realtime: Pick<Realtime, "publish" | "toNamespace" | "toCohort">;
  /** Locks shared by every instance (one cohort grade at a time). */
  leases: Leases;
}

export class InstructorActions {
  constructor(private readonly deps: InstructorActionsDeps) {}

  private async requireLevel(levelId: string): Promise<void> {
    if (!(await this.deps.levels()).get(levelId)) {
      throw new DashboardError(404, "unknown-level", `There is no level "${levelId}".`, "Pick a level from the roster.");
    }
  }

  /** Grades the learner's environment now (stored in their history as the instructor's grade). */
  async gradeLearner(actor: Learner, cohortId: string, learnerId: string, levelId: string): Promise<GradeFinished> {
    await this.requireLevel(levelId);
    let finished: GradeFinished;
    try {
      finished = await this.deps.grades.grade(learnerId, levelId, "main", { kind: "instructor", instructorId: actor.id });
    } catch (err) {
      const known = asActionableError(err);
      if (known?.code === "environment-not-ready") {
        throw new DashboardError(409, "environment-not-ready", "This learner's environment of the level is not running.", "Ask the learner to start the level, or reset it for them.");
      }
      throw err;
    }
    const failed = finished.results.find((r) => r.status === "fail");
    await this.deps.audit.record({
      action: "learner.grade",
      actorId: actor.id,
      cohortId,
      learnerId,
      levelId,
      detail: finished.passed ? "passed every check" : `failed: ${failed?.title ?? "a check"}`,
    });
    return finished;
  }

  /**
   * Rebuilds the learner's environment of the level in its broken state, as their own reset
   * does (the same sequence: resetLearnerLevel): their terminal closes, their tabs see
   * "resetting" and then the new environment.
   *
   * Only an environment the learner has (ready, or failed and in need of a reset) is reset:
   * an instructor never creates one the learner did not start. Not while a grading run is
   * going on in it (its verdict would describe neither environment). The learner's "last
   * activity" is theirs: an instructor's reset does not move it. Every reset that went ahead
   * is audited with its outcome, a failure included.
   */
  async resetLearner(actor: Learner, cohortId: string, learnerId: string, levelId: string): Promise<EnvironmentStatus> {
    await this.requireLevel(levelId);
    const { environments } = this.deps;
    const before = await environments.open(learnerId, levelId);
    if (before.phase !== "ready" && before.phase !== "failed") {
      throw before.phase === "absent"
        ? new DashboardError(409, "environment-not-ready", "This learner has no environment of the level to reset.", "Only a level the learner started can be reset: ask them to start it.")
        : new DashboardError(409, "environment-not-ready", `This learner's environment is being ${before.phase === "resetting" ? "reset" : "set up"} right now.`, "Wait until it is ready, then reset it if it still needs it.");
    }
    const namespace = before.namespace ?? (await environments.namespaceOf(learnerId, levelId));
    if (await this.deps.grades.isRunning(namespace)) {
      throw new DashboardError(409, "grading-in-progress", "This learner's environment is being graded right now.", "Wait for the grade to finish, then reset.");
    }
    let status: EnvironmentStatus | undefined;
    let failure: unknown;
    try {
      status = await resetLearnerLevel(
        { environments, realtime: this.deps.realtime },
        learnerId,
        levelId,
        { terminalReason: "Your instructor is resetting this level; the terminal reconnects when it is ready." },
      );
      return status;
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      const detail =
        status?.phase === "ready"
          ? "environment reset to its broken state"
          : `reset failed: ${status?.message ?? asActionableError(failure)?.message ?? (status ? status.phase : "error on the server")}`;
      await this.deps.audit.record({ action: "learner.reset", actorId: actor.id, cohortId, learnerId, levelId, detail });
      this.deps.learnerActed(learnerId);
    }
  }

  /**
   * Grades every member's current environment (or their environment of `levelId`), two at a
   * time. Learners without a ready environment get "no-environment" (nothing is started for
   * them); a run that fails gets "error". Each row streams to the cohort's watchers.
   */
  async gradeCohort(actor: Learner, cohortId: string, levelId: string | undefined): Promise<CohortGradeResult> {
    if (levelId !== undefined) await this.requireLevel(levelId);
    // One cohort grade at a time, on every instance: a second one waits for the first's results.
    const lease = await this.deps.leases.tryAcquire(`cohort-grade:${cohortId}`, "grading the cohort");
    if (!lease) {
      throw new DashboardError(409, "cohort-grading-in-progress", "This cohort is being graded already.", "Wait for that run: its rows appear in the table as each learner is graded.");
    }
    const startedAt = new Date();
    let rows: CohortGradeRow[];
    try {
      const members = await this.deps.cohorts.rosterRows(cohortId);
      let done = 0;
      rows = await mapWithConcurrency(members, COHORT_GRADE_CONCURRENCY, async (member): Promise<CohortGradeRow> => {
        const row = await this.gradeMember(actor, member.learnerId, member.name, levelId ?? member.levelId);
        done += 1;
        this.deps.realtime.toCohort(cohortId, "cohort:grade-progress", { cohortId, done, total: members.length, row });
        return row;
      });
    } finally {
      await lease.release();
    }
    const result: CohortGradeResult = { cohortId, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), rows };
    await this.deps.audit.record({
      action: "cohort.grade",
      actorId: actor.id,
      cohortId,
      levelId: levelId ?? null,
      detail: summarizeCohortGrade(rows),
    });
    return result;
  }

  private async gradeMember(actor: Learner, learnerId: string, name: string, levelId: string | null): Promise<CohortGradeRow> {
    const started = Date.now();
    const row = (verdict: CohortGradeRow["verdict"], rest: Partial<CohortGradeRow> = {}): CohortGradeRow => ({
      learnerId,
      name,
      levelId,
      verdict,
      failedCheck: null,
      checks: [],
      message: null,
      durationMs: Date.now() - started,
      ...rest,
    });
    if (levelId === null) return row("no-environment", { message: "Has not started a level yet." });
    try {
      const status = await this.deps.environments.open(learnerId, levelId);
      if (status.phase !== "ready") return row("no-environment", { message: noEnvironmentMessage(status) });
      const env = await this.deps.environments.requireReady(learnerId, levelId);
      // A learner grading themselves right now is graded right after, not reported as an error.
      const finished = await this.deps.grades.gradeReady(learnerId, env, "main", { kind: "instructor", instructorId: actor.id }, { waitForRunning: true });
      if (finished.outcome === "error") {
        // Our failure to look, not the learner's: the cohort table says so instead of "fail".
        const broken = finished.results.find((r) => r.status === "error");
        return row("error", {
          checks: rosterChecksOf(finished.results),
          message: `KubeQuest could not check ${broken ? `"${broken.title}"` : "this"}: nothing is wrong with the learner's fix; grade again.`,
          durationMs: finished.durationMs,
        });
      }
      return row(finished.passed ? "pass" : "fail", {
        failedCheck: firstFailedCheck(finished.results),
        checks: rosterChecksOf(finished.results),
        durationMs: finished.durationMs,
      });
    } catch (err) {
      const known = asActionableError(err);
      if (!known) log.error({ err, learnerId }, "grading a cohort member failed");
      return row("error", { message: known ? [known.message, known.action].filter(Boolean).join(" ") : "The grader failed on the server (see its log)." });
    }
  }
}

function noEnvironmentMessage(status: EnvironmentStatus): string {
  switch (status.phase) {
    case "absent":
      return "No environment: the learner has not started this level, or it was deleted.";
    case "provisioning":
      return "The environment is still being set up.";
    case "resetting":
      return "The environment is being reset.";
    default:
      return status.message ?? "The environment is broken: reset it.";
  }
}
