/**
 * The dashboard's socket events: `cohort:watch` / `cohort:unwatch` (the live roster, cohort
 * grading progress and audit entries of one cohort) and `learner:watch` / `learner:unwatch`
 * (one member's environment: its live view, status and grading, as the learner's tabs see it).
 *
 * Every event passes the access guard with the session's learner read afresh (a role change or
 * sign-out takes effect on the next event).
 *
 * Rooms: a watching instructor joins `cohort:<id>`, and the learner's namespace room. The
 * namespace room is the one the learner's own tabs are in; the socket remembers it in
 * `socket.data.watching`, apart from `socket.data.room` (the level the socket itself has open),
 * so the two never undo each other. A socket watches one learner at a time.
 *
 * Node only.
 */
import type { ZodType } from "zod";
import { cohortWatchPayloadSchema, learnerWatchPayloadSchema, type LearnerWatchState, type RosterView } from "../../lib/protocol/instructor-api";
import type { ClientToServerEvents } from "../../lib/protocol/socket-events";
import type { AccountStore, Learner } from "../database/account-store";
import type { CohortStore } from "../database/cohort-store";
import type { LevelEnvironments } from "../environments/level-environment";
import type { LevelCatalog } from "../levels/level-catalog";
import type { NamespaceLiveViews } from "../live-view/namespace-live-view";
import type { KqSocket } from "../socket/socket-server";
import { DashboardError, requireCohortMember, requireOwnedCohort } from "./cohort-access";
import { cohortRoom } from "./dashboard-rooms";
import { rosterViewOf } from "./dashboard-views";

export interface DashboardSocketDeps {
  accounts: AccountStore;
  cohorts: CohortStore;
  levels: () => Promise<LevelCatalog>;
  environments: LevelEnvironments;
  liveViews: NamespaceLiveViews;
}

/** The socket server's request registrar: parses the payload, runs, answers through the ack. */
export type RegisterRequest = <P, T>(event: keyof ClientToServerEvents, schema: ZodType<P>, run: (payload: P) => Promise<T>) => void;

export function registerDashboardEvents(socket: KqSocket, request: RegisterRequest, deps: DashboardSocketDeps): void {
  /** Who is asking, now (never cached on the socket). */
  const actor = async (): Promise<Learner> => (await deps.accounts.resolveSession(socket.data.sessionId)).learner;

  /** Leaves the namespace this socket watches, unless it is the level the socket has open itself. */
  const stopWatchingLearner = async (): Promise<void> => {
    const watching = socket.data.watching;
    socket.data.watching = undefined;
    if (watching && watching !== socket.data.room) await socket.leave(watching);
  };

  request("cohort:watch", cohortWatchPayloadSchema, async ({ cohortId }): Promise<RosterView> => {
    await requireOwnedCohort(deps.cohorts, await actor(), cohortId);
    await socket.join(cohortRoom(cohortId));
    return rosterViewOf(deps.cohorts, await deps.levels(), cohortId);
  });

  request("cohort:unwatch", cohortWatchPayloadSchema, async ({ cohortId }) => {
    await requireOwnedCohort(deps.cohorts, await actor(), cohortId);
    await socket.leave(cohortRoom(cohortId));
    return { watching: false as const };
  });

  request("learner:watch", learnerWatchPayloadSchema, async ({ cohortId, learnerId, levelId }): Promise<LearnerWatchState> => {
    await requireCohortMember(deps.cohorts, await actor(), cohortId, learnerId);
    if (!(await deps.levels()).get(levelId)) throw new DashboardError(404, "unknown-level", `There is no level "${levelId}".`, "Pick a level from the roster.");
    const namespace = await deps.environments.namespaceOf(learnerId, levelId);
    if (socket.data.watching !== namespace) {
      await stopWatchingLearner();
      socket.data.watching = namespace;
      await socket.join(namespace);
    }
    const status = await deps.environments.open(learnerId, levelId);
    if (status.phase !== "ready") return { status, snapshot: null };
    const env = await deps.environments.requireReady(learnerId, levelId);
    // Starts the watch (its first picture follows as `liveview:snapshot`), or re-sends the last.
    deps.liveViews.subscribe(env);
    return { status, snapshot: deps.liveViews.lastSnapshot(namespace) };
  });

  request("learner:unwatch", learnerWatchPayloadSchema, async ({ cohortId, learnerId }) => {
    await requireCohortMember(deps.cohorts, await actor(), cohortId, learnerId);
    await stopWatchingLearner();
    return { watching: false as const };
  });
}
