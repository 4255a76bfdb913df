/**
 * What an instructor does to learners' environments from the dashboard: grade one learner,
 * reset one learner's level, grade the whole cohort. Callers have passed the access guard;
 * every action is written to the audit log and moves the live roster.
 *
 * Node only.
 */
import type { CohortGradeResult, CohortGradeRow, CohortGradeProgress } from "../../lib/protocol/instructor-api";
import type { EnvironmentStatus, GradeFinished } from "../../lib/protocol/socket-events";
import type { Learner } from "../database/account-store";
import type { CohortStore } from "../database/cohort-store";
import type { ProgressStore } from "../database/progress-store";
import type { LevelEnvironments } from "../environments/level-environment";
import { asActionableError } from "../errors/actionable-failure";
import type { GradeService } from "../grader/grade-service";
import type { LevelCatalog } from "../levels/level-catalog";
import type { NamespaceLiveViews } from "../live-view/namespace-live-view";
import type { TerminalSessions } from "../terminal/terminal-session";
import type { AuditLog } from "./audit-log";
import { DashboardError } from "./cohort-access";
import { summarizeCohortGrade } from "./cohort-grade-summary";
import { mapWithConcurrency } from "./concurrency";
import type { RosterNotifier } from "./roster-notifier";
import { firstFailedCheck, rosterChecksOf } from "./roster-state";

/** Two grading runs at once: each runs probes in the cluster; a class of 30 takes minutes, not hours. */
export const COHORT_GRADE_CONCURRENCY = 2;

export interface InstructorActionsDeps {
  cohorts: CohortStore;
  progress: ProgressStore;
  environments: LevelEnvironments;
  terminals: TerminalSessions;
  liveViews: NamespaceLiveViews;
  grades: GradeService;
  audit: AuditLog;
  roster: RosterNotifier;
  levels: () => Promise<LevelCatalog>;
  /** Sends the "resetting" status to everyone looking at the namespace. */
  emitStatus(namespace: string, status: EnvironmentStatus): void;
  emitGradeProgress(cohortId: string, progress: CohortGradeProgress): void;
  /** Whether any socket looks at the namespace (then its live view follows the reset). */
  watched(namespace: string): boolean;
}

/** The key TerminalSessions knows the learner's terminal of a level by (as the socket layer makes it). */
const attemptKey = (learnerId: string, levelId: string): string => `${learnerId}:${levelId}`;

export class InstructorActions {
  /** Cohorts being graded now: a second "grade the cohort" waits for the first's results. */
  private readonly gradingCohorts = new Set<string>();

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
   * does: their terminal closes, their tabs see "resetting" and then the new environment.
   */
  async resetLearner(actor: Learner, cohortId: string, learnerId: string, levelId: string): Promise<EnvironmentStatus> {
    await this.requireLevel(levelId);
    const { environments } = this.deps;
    const namespace = await environments.namespaceOf(learnerId, levelId);
    this.deps.terminals.closeAttempt(attemptKey(learnerId, levelId), "Your instructor is resetting this level; the terminal reconnects when it is ready.");
    this.deps.emitStatus(namespace, { levelId, phase: "resetting", namespace, passed: false });
    await this.deps.progress.recordActivity(learnerId, levelId);
    this.deps.roster.learnerActed(learnerId);
    const status = await environments.reset(learnerId, levelId);
    if (status.phase === "ready" && this.deps.watched(namespace)) {
      // The live view of the old namespace watched objects that are gone: look again.
      this.deps.liveViews.subscribe(await environments.requireReady(learnerId, levelId));
    }
    await this.deps.audit.record({
      action: "learner.reset",
      actorId: actor.id,
      cohortId,
      learnerId,
      levelId,
      detail: status.phase === "ready" ? "environment reset to its broken state" : `reset failed: ${status.message ?? status.phase}`,
    });
    this.deps.roster.learnerActed(learnerId);
    return status;
  }

  /**
   * Grades every member's current environment (or their environment of `levelId`), two at a
   * time. Learners without a ready environment get "no-environment" (nothing is started for
   * them); a run that fails gets "error". Each row streams to the cohort's watchers.
   */
  async gradeCohort(actor: Learner, cohortId: string, levelId: string | undefined): Promise<CohortGradeResult> {
    if (levelId !== undefined) await this.requireLevel(levelId);
    if (this.gradingCohorts.has(cohortId)) {
      throw new DashboardError(409, "cohort-grading-in-progress", "This cohort is being graded already.", "Wait for that run: its rows appear in the table as each learner is graded.");
    }
    this.gradingCohorts.add(cohortId);
    const startedAt = new Date();
    let rows: CohortGradeRow[];
    try {
      const members = await this.deps.cohorts.rosterRows(cohortId);
      let done = 0;
      rows = await mapWithConcurrency(members, COHORT_GRADE_CONCURRENCY, async (member): Promise<CohortGradeRow> => {
        const row = await this.gradeMember(actor, member.learnerId, member.name, levelId ?? member.levelId);
        done += 1;
        this.deps.emitGradeProgress(cohortId, { cohortId, done, total: members.length, row });
        return row;
      });
    } finally {
      this.gradingCohorts.delete(cohortId);
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
      const finished = await this.deps.grades.gradeReady(learnerId, env, "main", { kind: "instructor", instructorId: actor.id });
      return row(finished.passed ? "pass" : "fail", {
        failedCheck: firstFailedCheck(finished.results),
        checks: rosterChecksOf(finished.results),
        durationMs: finished.durationMs,
      });
    } catch (err) {
      const known = asActionableError(err);
      if (!known) console.error(`[cohort-grade] grading ${learnerId}:`, err);
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
