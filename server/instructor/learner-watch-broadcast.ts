/**
 * Everything that happens in a learner's level namespace (`liveview:snapshot`,
 * `environment:status` / `:progress`, `grade:started` / `:check` / `:finished`) goes to two
 * audiences:
 *
 * - the learner's own tabs: the namespace room (`kq-…`), joined by the sockets that have the
 *   level open; sent at once;
 * - instructors watching that learner (`learner:watch`): a separate room, `watch:<namespace>`,
 *   checked on every send like cohort-broadcast.ts does. A socket whose session was signed
 *   out, whose account is no longer an instructor or no longer owns the cohort, or whose
 *   learner left the cohort, gets nothing and is taken out of the room.
 *
 * Keeping the watchers out of the learner's own room is what makes the check possible: a
 * plain `io.to(namespace)` would reach an instructor forever once they had joined it.
 *
 * Sends to the watchers of one namespace go out in order (one queue per namespace), so a
 * watcher never sees a check before its run's `grade:started`.
 *
 * Node only.
 */
import type { ServerToClientEvents } from "../../lib/protocol/socket-events";
import type { AccountStore } from "../database/account-store";
import type { CohortRecord, CohortStore } from "../database/cohort-store";
import type { KqServer, KqSocket } from "../socket/socket-server";
import { canAccessCohort } from "./cohort-access";
import { KeyedSerialQueue } from "./keyed-serial-queue";

/** The room of the instructor sockets watching the learner whose level lives in `namespace`. */
export const watchRoom = (namespace: string): string => `watch:${namespace}`;

/** What an instructor's socket watches (kept in `socket.data.watching`). */
export interface LearnerWatch {
  cohortId: string;
  learnerId: string;
  levelId: string;
  namespace: string;
}

export type NamespaceEvent = "liveview:snapshot" | "environment:status" | "environment:progress" | "grade:started" | "grade:check" | "grade:finished";

export type NamespacePayload<E extends NamespaceEvent> = Parameters<ServerToClientEvents[E]>[0];

/** Sends one namespace event to the learner's tabs and to the instructors allowed to watch them. */
export type EmitToNamespace = <E extends NamespaceEvent>(namespace: string, event: E, payload: NamespacePayload<E>, opts?: { except?: string }) => void;

export class LearnerWatchBroadcast {
  private readonly queue = new KeyedSerialQueue();

  constructor(
    private readonly deps: {
      io: () => KqServer | undefined;
      accounts: AccountStore;
      cohorts: CohortStore;
    },
  ) {}

  /** Whether any instructor's socket watches the namespace now (socket.io deletes empty rooms). */
  watched(namespace: string): boolean {
    return (this.deps.io()?.sockets.adapter.rooms.get(watchRoom(namespace))?.size ?? 0) > 0;
  }

  /** The learner's own tabs get the event now (except `opts.except`); watchers after their check. */
  readonly emit: EmitToNamespace = (namespace, event, payload, opts = {}) => {
    const io = this.deps.io();
    if (!io) return;
    const room = opts.except ? io.to(namespace).except(opts.except) : io.to(namespace);
    (room as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
    if (this.watched(namespace)) void this.toWatchers(namespace, event, payload);
  };

  /** Sends to the namespace's watchers only, in order, each socket's access checked now. */
  toWatchers(namespace: string, event: NamespaceEvent, payload: unknown): Promise<void> {
    return this.queue.run(namespace, `sending ${event} to watchers`, () => this.deliver(namespace, event, payload));
  }

  /** Resolves once every send to watchers queued so far was delivered or refused (see KeyedSerialQueue.idle). */
  sent(): Promise<void> {
    return this.queue.idle();
  }

  private async deliver(namespace: string, event: NamespaceEvent, payload: unknown): Promise<void> {
    const io = this.deps.io();
    const ids = io?.sockets.adapter.rooms.get(watchRoom(namespace));
    if (!io || !ids) return;
    const cohorts = new Map<string, Promise<CohortRecord | null>>();
    for (const id of [...ids]) {
      const socket = io.sockets.sockets.get(id);
      if (!socket) continue;
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
