/**
 * The dashboard's socket events: `cohort:watch` / `cohort:unwatch` (the live roster, cohort
 * grading progress and audit entries of one cohort) and `learner:watch` / `learner:unwatch`
 * (one member's environment: its live view, status and grading, as the learner's tabs see it).
 *
 * Every event passes the access guard with the session's learner read afresh (a role change or
 * sign-out takes effect on the next event), except `learner:unwatch` of the learner this socket
 * watches: leaving grants nothing, and must work after the learner left the cohort.
 *
 * Rooms: a watching instructor joins `cohort:<id>`, and `watch:<namespace>` of the learner it
 * watches (never the learner's own namespace room): every event to it passes the access check
 * again (learner-watch-broadcast.ts), so a learner who leaves the cohort, an instructor signed
 * out or demoted, stops the flow at the next event. The socket remembers what it watches in
 * `socket.data.watching`; it watches one learner at a time.
 *
 * Rate limits: `cohort:watch` and `learner:watch` read the roster or list the learner's
 * namespace (and may start a live view with its DNS probes), so they count against the
 * session's limit like other expensive requests; the unwatch events only leave a room.
 *
 * Node only.
 */
import type { ZodType } from "zod";
import { cohortWatchPayloadSchema, learnerWatchPayloadSchema, type LearnerWatchState, type RosterView } from "../../lib/protocol/instructor-api";
import type { ClientToServerEvents } from "../../lib/protocol/socket-event-maps";
import type { AccountStore, Learner } from "../database/account-store";
import type { CohortStore } from "../database/cohort-store";
import type { LevelEnvironments } from "../environments/level-environment";
import type { LevelCatalog } from "../levels/level-catalog";
import type { NamespaceLiveViews } from "../live-view/namespace-live-view";
import type { KqSocket } from "../realtime/realtime-types";
import { cohortRoom, watchRoom } from "../realtime/rooms";
import { DashboardError, requireCohortMember, requireOwnedCohort } from "./cohort-access";
import { stopWatching } from "./learner-watch-broadcast";
import { rosterViewOf } from "./dashboard-views";

export interface DashboardSocketDeps {
  accounts: AccountStore;
  cohorts: CohortStore;
  levels: () => Promise<LevelCatalog>;
  environments: LevelEnvironments;
  liveViews: NamespaceLiveViews;
}

/** The socket server's request registrar: parses the payload, rate-limits if `limited`, runs, answers through the ack. */
export type RegisterRequest = <P, T>(event: keyof ClientToServerEvents, schema: ZodType<P>, opts: { limited: boolean }, run: (payload: P) => Promise<T>) => void;

export function registerDashboardEvents(socket: KqSocket, request: RegisterRequest, deps: DashboardSocketDeps): void {
  /** Who is asking, now (never cached on the socket). */
  const actor = async (): Promise<Learner> => (await deps.accounts.resolveSession(socket.data.sessionId)).learner;

  request("cohort:watch", cohortWatchPayloadSchema, { limited: true }, async ({ cohortId }): Promise<RosterView> => {
    await requireOwnedCohort(deps.cohorts, await actor(), cohortId);
    await socket.join(cohortRoom(cohortId));
    return rosterViewOf(deps.cohorts, await deps.levels(), cohortId);
  });

  request("cohort:unwatch", cohortWatchPayloadSchema, { limited: false }, async ({ cohortId }) => {
    await requireOwnedCohort(deps.cohorts, await actor(), cohortId);
    await socket.leave(cohortRoom(cohortId));
    return { watching: false as const };
  });

  request("learner:watch", learnerWatchPayloadSchema, { limited: true }, async ({ cohortId, learnerId, levelId }): Promise<LearnerWatchState> => {
    await requireCohortMember(deps.cohorts, await actor(), cohortId, learnerId);
    if (!(await deps.levels()).get(levelId)) throw new DashboardError(404, "unknown-level", `There is no level "${levelId}".`, "Pick a level from the roster.");
    const namespace = await deps.environments.namespaceOf(learnerId, levelId);
    if (socket.data.watching?.namespace !== namespace) await stopWatching(socket);
    socket.data.watching = { cohortId, learnerId, levelId, namespace };
    await socket.join(watchRoom(namespace));
    const status = await deps.environments.open(learnerId, levelId);
    if (status.phase !== "ready") return { status, snapshot: null };
    const env = await deps.environments.requireReady(learnerId, levelId);
    // Starts the watch (its first picture follows as `liveview:snapshot`), or re-sends the last.
    deps.liveViews.subscribe(env);
    return { status, snapshot: deps.liveViews.lastSnapshot(namespace) };
  });

  request("learner:unwatch", learnerWatchPayloadSchema, { limited: false }, async ({ cohortId, learnerId, levelId }) => {
    // Leaving needs no access check (the learner may have left the cohort meanwhile), but only
    // what the payload names is left: an unwatch of the previous learner that arrives after
    // the watch of the next one leaves nothing.
    const watching = socket.data.watching;
    const namespace = await deps.environments.namespaceOf(learnerId, levelId).catch(() => null);
    if (watching && watching.learnerId === learnerId && watching.namespace === namespace) {
      await stopWatching(socket);
      return { watching: false as const };
    }
    // Not watched by this socket: nothing to leave, but a stranger is still told no.
    await requireCohortMember(deps.cohorts, await actor(), cohortId, learnerId);
    return { watching: false as const };
  });
}
