/**
 * The live roster: whenever a learner acts (starts, resets or abandons a level, grades, opens a
 * hint, reveals the solution, joins a cohort, is graded by an instructor), their roster row is
 * computed again for each cohort they are in and pushed to that cohort's watchers.
 *
 * Pushes of one learner never overlap: an action during a push marks the learner dirty and one
 * more push follows, so the last row sent always reflects the last action, and a burst of
 * actions costs at most two pushes. Cohorts nobody watches are skipped (no queries).
 *
 * With several instances each runs its own notifier for the cohorts watched on it: a learner's
 * action is announced to every instance (`learner-acted`), and `emit` delivers on this one.
 *
 * Node only.
 */
import type { RosterRowChanged } from "../../lib/protocol/instructor-api";
import type { CohortStore } from "../database/cohort-store";
import { moduleLogger } from "../logging/logger";

const log = moduleLogger("roster");

export interface RosterNotifierDeps {
  cohorts: CohortStore;
  emit(cohortId: string, changed: RosterRowChanged): void;
  /** Whether any instructor watches the cohort now. */
  watched(cohortId: string): boolean;
}

export class RosterNotifier {
  private readonly pushing = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(private readonly deps: RosterNotifierDeps) {}

  /** Fire and forget: errors are logged, never thrown at the learner's action. */
  learnerActed(learnerId: string): void {
    const current = this.pushing.get(learnerId);
    if (current) {
      current.again = true;
      return;
    }
    const state = { again: false, done: Promise.resolve() };
    state.done = (async () => {
      try {
        do {
          state.again = false;
          await this.push(learnerId);
        } while (state.again);
      } catch (err) {
        log.error({ err, learnerId }, "pushing a roster row failed");
      } finally {
        this.pushing.delete(learnerId);
      }
    })();
    this.pushing.set(learnerId, state);
  }

  /**
   * Resolves once no push is in flight (a push that was asked again meanwhile included): every
   * row due for the actions so far has been handed to `emit`. For tests and diagnostics.
   */
  async idle(): Promise<void> {
    while (this.pushing.size > 0) await Promise.all([...this.pushing.values()].map((p) => p.done));
  }

  /** Whether a push is in flight. */
  get busy(): boolean {
    return this.pushing.size > 0;
  }

  private async push(learnerId: string): Promise<void> {
    const cohortIds = (await this.deps.cohorts.cohortIdsOf(learnerId)).filter((id) => this.deps.watched(id));
    for (const cohortId of cohortIds) {
      const row = await this.deps.cohorts.rosterRow(cohortId, learnerId);
      if (row) this.deps.emit(cohortId, { cohortId, row });
    }
  }
}
