/**
 * Sends a cohort's dashboard events (`cohort:roster-row`, `cohort:grade-progress`,
 * `cohort:audit`) to the sockets watching it, checking each socket's access again on every
 * send: a socket whose session was signed out, or whose account is no longer the cohort's
 * instructor, gets nothing and is taken out of the room. Access is never cached on a socket.
 *
 * Events are published to every instance (`realtime.toCohort`); each instance delivers to its
 * own watcher sockets. Sends of one cohort go out in order (one queue per cohort), so
 * "2 of 5 graded" never arrives before "1 of 5".
 *
 * Node only.
 */
import type { AccountStore } from "../database/account-store";
import type { CohortStore } from "../database/cohort-store";
import type { Realtime } from "../realtime/realtime";
import type { CohortEvent } from "../realtime/realtime-types";
import { cohortRoom } from "../realtime/rooms";
import { canAccessCohort } from "./cohort-access";
import { KeyedSerialQueue } from "./keyed-serial-queue";

export class CohortBroadcast {
  private readonly queue = new KeyedSerialQueue();

  constructor(
    private readonly deps: {
      realtime: Realtime;
      accounts: AccountStore;
      cohorts: CohortStore;
    },
  ) {
    deps.realtime.on("cohort-event", ({ cohortId, event, payload }) => {
      if (this.watchedHere(cohortId)) void this.queue.run(cohortId, `sending ${event}`, () => this.deliver(cohortId, event, payload));
    });
  }

  /** Whether any socket on this instance watches the cohort now (socket.io deletes empty rooms). */
  watchedHere(cohortId: string): boolean {
    return this.deps.realtime.occupiedHere(cohortRoom(cohortId));
  }

  /** Resolves once every send queued so far was delivered to its sockets or refused (see KeyedSerialQueue.idle). */
  sent(): Promise<void> {
    return this.queue.idle();
  }

  private async deliver(cohortId: string, event: CohortEvent, payload: unknown): Promise<void> {
    const room = cohortRoom(cohortId);
    const cohort = await this.deps.cohorts.cohort(cohortId);
    for (const socket of this.deps.realtime.socketsHere(room)) {
      const { learner } = await this.deps.accounts.resolveSession(socket.data.sessionId);
      if (canAccessCohort(learner, cohort)) (socket as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
      else await socket.leave(room);
    }
  }
}
