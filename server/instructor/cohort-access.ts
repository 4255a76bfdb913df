/**
 * Who may see and act on a cohort: the one access rule of the instructor dashboard, used by
 * the HTTP API and the socket events alike, asked afresh on every request and event (a role
 * change or a left cohort takes effect at once; nothing is cached).
 *
 * - not an instructor (learners, anonymous players) → 403 `not-instructor`;
 * - an instructor who does not own the cohort, or a cohort that does not exist → 404
 *   `cohort-not-found` (the same answer: another instructor's cohort is not revealed);
 * - a learner id that is not a member of the cohort → 404 `learner-not-found`.
 *
 * Node only.
 */
import type { Learner } from "../database/account-store";
import type { CohortRecord, CohortStore } from "../database/cohort-store";
import { ActionableFailure } from "../errors/actionable-failure";

/** An ActionableFailure with the HTTP status the API answers it with. */
export class DashboardError extends ActionableFailure {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    action: string,
  ) {
    super({ code, message, action });
    this.name = "DashboardError";
  }
}

/** Ids are server-made UUIDs; anything else cannot name a cohort or learner (and is not looked up). */
const ID = /^[A-Za-z0-9-]{1,64}$/;

export const notInstructor = (): DashboardError =>
  new DashboardError(403, "not-instructor", "Only instructors can use the instructor dashboard.", "Sign in with an instructor account. Learners join a cohort with their instructor's invite link.");

const cohortNotFound = (): DashboardError =>
  new DashboardError(404, "cohort-not-found", "There is no such cohort among yours.", "Pick one of your cohorts from the dashboard.");

const learnerNotFound = (): DashboardError =>
  new DashboardError(404, "learner-not-found", "This learner is not in the cohort.", "Pick a learner from the cohort's roster.");

/** Whether `actor` is an instructor (an account with that role). */
export function isInstructor(actor: Learner): boolean {
  // An instructor always has an account; the username check keeps a hand-edited row honest.
  return actor.role === "instructor" && Boolean(actor.username);
}

/**
 * The access rule itself: `actor` is an instructor and owns `cohort`. Every guard below and
 * every guarded broadcast (cohort-broadcast.ts, learner-watch-broadcast.ts) asks this.
 */
export function canAccessCohort(actor: Learner, cohort: Pick<CohortRecord, "ownerId"> | null): boolean {
  return cohort !== null && isInstructor(actor) && cohort.ownerId === actor.id;
}

export function requireInstructor(actor: Learner): void {
  if (!isInstructor(actor)) throw notInstructor();
}

/** The cohort, when `actor` is the instructor who owns it. */
export async function requireOwnedCohort(cohorts: CohortStore, actor: Learner, cohortId: string): Promise<CohortRecord> {
  requireInstructor(actor);
  if (!ID.test(cohortId)) throw cohortNotFound();
  const cohort = await cohorts.cohort(cohortId);
  if (!cohort || !canAccessCohort(actor, cohort)) throw cohortNotFound();
  return cohort;
}

/** The cohort and the member's join time, when `actor` owns the cohort and `learnerId` is in it. */
export async function requireCohortMember(
  cohorts: CohortStore,
  actor: Learner,
  cohortId: string,
  learnerId: string,
): Promise<CohortRecord & { memberJoinedAt: string }> {
  const cohort = await requireOwnedCohort(cohorts, actor, cohortId);
  const joinedAt = ID.test(learnerId) ? await cohorts.joinedAt(cohortId, learnerId) : null;
  if (joinedAt === null) throw learnerNotFound();
  return { ...cohort, memberJoinedAt: joinedAt };
}
