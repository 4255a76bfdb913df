/**
 * Sends a cohort's dashboard events (`cohort:roster-row`, `cohort:grade-progress`,
 * `cohort:audit`) to the sockets watching it, checking each socket's access again on every
 * send: a socket whose session was signed out, or whose account is no longer the cohort's
 * instructor, gets nothing and is taken out of the room. Access is never cached on a socket.
 *
 * Sends of one cohort go out in order (one queue per cohort), so "2 of 5 graded" never
 * arrives before "1 of 5".
 *
 * Node only.
 */
import type { ServerToClientEvents } from "../../lib/protocol/socket-events";
import type { AccountStore } from "../database/account-store";
import type { CohortStore } from "../database/cohort-store";
import type { KqServer } from "../socket/socket-server";
import { canAccessCohort } from "./cohort-access";
import { cohortRoom } from "./dashboard-rooms";
import { KeyedSerialQueue } from "./keyed-serial-queue";

export type CohortEvent = "cohort:roster-row" | "cohort:grade-progress" | "cohort:audit";

export class CohortBroadcast {
  private readonly queue = new KeyedSerialQueue();

  constructor(
    private readonly deps: {
      io: () => KqServer | undefined;
      accounts: AccountStore;
      cohorts: CohortStore;
    },
  ) {}

  /** Whether any socket watches the cohort now (socket.io deletes empty rooms). */
  watched(cohortId: string): boolean {
    return (this.deps.io()?.sockets.adapter.rooms.get(cohortRoom(cohortId))?.size ?? 0) > 0;
  }

  send<E extends CohortEvent>(cohortId: string, event: E, payload: Parameters<ServerToClientEvents[E]>[0]): Promise<void> {
    return this.queue.run(cohortId, `sending ${event}`, () => this.deliver(cohortId, event, payload));
  }

  /** Resolves once every send queued so far was delivered to its sockets or refused (see KeyedSerialQueue.idle). */
  sent(): Promise<void> {
    return this.queue.idle();
  }

  private async deliver(cohortId: string, event: CohortEvent, payload: unknown): Promise<void> {
    const io = this.deps.io();
    if (!io || !this.watched(cohortId)) return;
    const room = cohortRoom(cohortId);
    const [sockets, cohort] = await Promise.all([io.in(room).fetchSockets(), this.deps.cohorts.cohort(cohortId)]);
    for (const socket of sockets) {
      const { learner } = await this.deps.accounts.resolveSession(socket.data.sessionId);
      if (canAccessCohort(learner, cohort)) (socket as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
      else socket.leave(room);
    }
  }
}
