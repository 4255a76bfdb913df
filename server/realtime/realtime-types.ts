/**
 * The typed socket.io server and socket of KubeQuest, the per-socket data, and the events of a
 * namespace and of a cohort: the vocabulary the features and the socket layer share. Features
 * depend on this folder, never on the socket layer (server/socket/), which depends on them.
 */
import type { Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "../../lib/protocol/socket-event-maps";
import type { Numbered } from "./in-order-delivery";

/** What an instructor's socket watches (kept in `socket.data.watching`). */
export interface LearnerWatch {
  cohortId: string;
  learnerId: string;
  levelId: string;
  namespace: string;
}

export interface SocketData {
  sessionId: string;
  /** The learner (anonymous or account) this session plays as; names environments and XP. */
  learnerId?: string;
  /** The namespace room of the level this socket has open. */
  room?: string;
  /** Instructor dashboard: the learner this socket watches, in `watch:<namespace>`. */
  watching?: LearnerWatch | undefined;
}

/** Everything that happens in a learner's level namespace, as its tabs and watchers see it. */
export type NamespaceEvent = "liveview:snapshot" | "noderules:snapshot" | "checks:live" | "environment:status" | "environment:progress" | "grade:queued" | "grade:started" | "grade:check" | "grade:finished";
export type NamespacePayload<E extends NamespaceEvent> = Parameters<ServerToClientEvents[E]>[0];

/** Sends one namespace event to the learner's tabs and to the instructors allowed to watch them. */
export type EmitToNamespace = <E extends NamespaceEvent>(namespace: string, event: E, payload: NamespacePayload<E>, opts?: { except?: string }) => void;

/** A cohort's dashboard events, for the instructors watching it. */
export type CohortEvent = "cohort:roster-row" | "cohort:grade-progress" | "cohort:audit";
export type CohortPayload<E extends CohortEvent> = Parameters<ServerToClientEvents[E]>[0];

/**
 * What one instance tells every instance (itself included): each acts on its own sockets,
 * terminals and caches. The topics and their messages.
 */
export interface InstanceTopics {
  /** A namespace event: each instance sends it to its sockets in the namespace room and its allowed watchers. */
  "namespace-event": { namespace: string; event: NamespaceEvent; payload: unknown; except?: string | undefined };
  /** A cohort event: each instance sends it to its allowed watchers of the cohort. */
  "cohort-event": { cohortId: string; event: CohortEvent; payload: unknown };
  /** A learner acted: each instance pushes their roster row to the cohorts it has watchers of. */
  "learner-acted": { learnerId: string };
  /** The learner's terminal of an attempt closes wherever it is open (a reset, another tab). */
  "terminal-closing": { attemptKey: string; reason: string; exceptSocketId?: string | undefined };
  /** A signed-out session's sockets are closed wherever they are. */
  "session-ended": { sessionId: string; reason: string };
  /** A deleted learner's sockets are closed wherever they are. */
  "learner-deleted": { learnerId: string; reason: string };
  /** The learner left their last cohort: nothing of their open terminals is recorded any more. */
  "recording-stopped": { learnerId: string };
  /** An environment was rebuilt (reset) or deleted: caches drop it, live views start over. */
  "environment-changed": { learnerId: string; levelId: string; namespace: string; rebuilt: boolean };
}

export type InstanceTopic = keyof InstanceTopics;
export interface InstanceMessage {
  topic: InstanceTopic;
  message: unknown;
}

export interface InterServerEvents {
  "kq:instance-message": (message: Numbered<InstanceMessage>) => void;
}

export type KqServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type KqSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
