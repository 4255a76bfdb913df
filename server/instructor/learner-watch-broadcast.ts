/**
 * Everything that happens in a learner's level namespace (`liveview:snapshot`,
 * `environment:status` / `:progress`, `grade:started` / `:check` / `:finished`) goes to two
 * audiences (realtime/realtime.ts sends it on every instance):
 *
 * - the learner's own tabs: the namespace room (`kq-…`), joined by the sockets that have the
 *   level open; sent at once;
 * - instructors watching that learner (`learner:watch`): a separate room, `watch:<namespace>`,
 *   checked on every send like cohort-broadcast.ts does. A socket whose session was signed
 *   out, whose account is no longer an instructor or no longer owns the cohort, or whose
 *   learner left the cohort, gets nothing and is taken out of the room.
 *
 * This module is the second half, for this instance's watcher sockets: each instance checks
 * its own. Keeping the watchers out of the learner's own room is what makes the check possible:
 * a plain room emit would reach an instructor forever once they had joined it.
 *
 * Sends to the watchers of one namespace go out in order (one queue per namespace), so a
 * watcher never sees a check before its run's `grade:started`.
 *
 * Node only.
 */
import type { AccountStore } from "../database/account-store";
import type { CohortRecord, CohortStore } from "../database/cohort-store";
import type { Realtime } from "../realtime/realtime";
import type { KqSocket, LearnerWatch, NamespaceEvent } from "../realtime/realtime-types";
import { watchRoom } from "../realtime/rooms";
import { canAccessCohort } from "./cohort-access";
import { KeyedSerialQueue } from "./keyed-serial-queue";

export class LearnerWatchBroadcast {
  private readonly queue = new KeyedSerialQueue();

  constructor(
    private readonly deps: {
      realtime: Realtime;
      accounts: AccountStore;
      cohorts: CohortStore;
    },
  ) {
    deps.realtime.on("namespace-event", ({ namespace, event, payload }) => {
      if (this.watchedHere(namespace)) void this.toWatchers(namespace, event, payload);
    });
  }

  /** Whether any instructor's socket on this instance watches the namespace now. */
  watchedHere(namespace: string): boolean {
    return this.deps.realtime.occupiedHere(watchRoom(namespace));
  }

  /** Sends to the namespace's watchers on this instance only, in order, each socket's access checked now. */
  toWatchers(namespace: string, event: NamespaceEvent, payload: unknown): Promise<void> {
    return this.queue.run(namespace, `sending ${event} to watchers`, () => this.deliver(namespace, event, payload));
  }

  /** Resolves once every send to watchers queued so far was delivered or refused (see KeyedSerialQueue.idle). */
  sent(): Promise<void> {
    return this.queue.idle();
  }

  private async deliver(namespace: string, event: NamespaceEvent, payload: unknown): Promise<void> {
    const cohorts = new Map<string, Promise<CohortRecord | null>>();
    for (const socket of this.deps.realtime.socketsHere(watchRoom(namespace))) {
      const watch = socket.data.watching;
      const allowed = watch?.namespace === namespace && (await this.mayWatch(socket, watch, cohorts));
      // The socket may have moved on to another learner while access was checked.
      if (socket.data.watching !== watch) continue;
      if (allowed) (socket as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
      // Out of the room, so nothing more reaches it. `socket.data.watching` stays: the page's
      // `learner:unwatch` of this learner still succeeds (and a new `learner:watch` re-checks).
      else await socket.leave(watchRoom(namespace));
    }
  }

  /** The access rule, asked now: the socket's instructor owns the cohort and the learner is in it. */
  private async mayWatch(socket: KqSocket, watch: LearnerWatch, cohorts: Map<string, Promise<CohortRecord | null>>): Promise<boolean> {
    if (!cohorts.has(watch.cohortId)) cohorts.set(watch.cohortId, this.deps.cohorts.cohort(watch.cohortId));
    const [{ learner }, cohort] = await Promise.all([this.deps.accounts.resolveSession(socket.data.sessionId), cohorts.get(watch.cohortId)!]);
    return canAccessCohort(learner, cohort ?? null) && (await this.deps.cohorts.isMember(watch.cohortId, watch.learnerId));
  }
}

/** Takes the socket out of the learner it watches (leaving needs no access check). */
export async function stopWatching(socket: KqSocket): Promise<void> {
  const watch = socket.data.watching;
  socket.data.watching = undefined;
  if (watch) await socket.leave(watchRoom(watch.namespace));
}
