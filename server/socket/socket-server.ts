/**
 * socket.io on the HTTP server: the handshake checks (session cookie, Origin), payload
 * validation with the protocol's zod schemas, per-learner rate limits, and thin handlers that
 * call the feature modules. Every request is answered through its acknowledgement with a
 * Result; nothing a browser sends can crash the server.
 *
 * Rooms (realtime/rooms.ts): each socket joins the room named after the namespace of the level
 * it has open, so progress, status, live view and grading events reach every tab of that
 * learner and level, and its learner's room. Events of a namespace go out through
 * `realtime.toNamespace`: to that room, and to the instructors watching the learner, whose
 * sockets are in `watch:<namespace>` (never in the learner's room) and pass the access check on
 * every send. An instructor's socket also joins `cohort:<id>` rooms; see
 * server/instructor/dashboard-socket.ts.
 *
 * With several instances, the socket layer is where instance messages meet sockets and
 * terminals: a reset or a second tab through another instance closes the terminal held here
 * (`terminal-closing`), a sign-out there closes the session's sockets here (`session-ended`).
 * The features publish those; this module subscribes. Expensive requests are counted by the
 * coordination's rate limiters, shared by every instance.
 *
 * Node only.
 */
import { randomUUID } from "node:crypto";
import type { Server as HttpServer, IncomingMessage } from "node:http";
import { Server, type ServerOptions } from "socket.io";
import type { ZodType } from "zod";
import {
  gradePayloadSchema,
  hintOpenPayloadSchema,
  levelPayloadSchema,
  recreatePayloadSchema,
  solutionRevealPayloadSchema,
  terminalAckPayloadSchema,
  terminalInputPayloadSchema,
  terminalOpenPayloadSchema,
  terminalResizePayloadSchema,
  yamlPayloadSchema,
  type ActionableError,
  type EnvironmentStatus,
  type LevelHelpState,
  type Result,
  type TerminalOpened,
} from "../../lib/protocol/socket-events";
import type { ClientToServerEvents } from "../../lib/protocol/socket-event-maps";
import type { AccountStore } from "../database/account-store";
import { ProgressRuleError, type ProgressStore } from "../database/progress-store";
import { INTERNAL_ERROR, asActionableError, failure } from "../errors/actionable-failure";
import type { LevelCatalog, LoadedLevel } from "../levels/level-catalog";
import { levelRulesOf } from "../progress/level-rules";
import type { LevelEnvironments, ReadyEnvironment } from "../environments/level-environment";
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import type { NamespaceLiveViews } from "../live-view/namespace-live-view";
import type { GradeService } from "../grader/grade-service";
import { registerDashboardEvents, type DashboardSocketDeps } from "../instructor/dashboard-socket";
import { attemptKeyOf } from "../environments/environment-naming";
import { resetLearnerLevel } from "../environments/reset-learner-level";
import { sessionFromRequest, type SessionSigner } from "../session/anonymous-session";
import type { TerminalSessions } from "../terminal/terminal-session";
import { TerminalRecorder } from "../terminal/terminal-recorder";
import type { RecordingPolicy } from "../config/server-config";
import type { KeyedRateLimiter } from "../coordination/rate-limits";
import { TerminalInputLimits, type TerminalInputLimitOptions } from "../terminal/terminal-input-limits";
import type { RecordingStore } from "../database/recording-store";
import { moduleLogger } from "../logging/logger";
import type { Realtime } from "../realtime/realtime";
import type { KqServer, KqSocket } from "../realtime/realtime-types";
import { learnerRoom, namespaceOfRoom, watchRoom } from "../realtime/rooms";
import { applyLearnerYaml, recreateLearnerYaml, validateLearnerYaml, type LearnerYamlContext } from "../yaml/learner-yaml";
import { isAllowedOrigin, type OriginPolicy } from "../session/origin-check";
import { clientAddress } from "../http/per-ip-limits";
import { unsentBytes } from "./socket-backlog";

const log = moduleLogger("socket");

/** socket.io's own limit on one message: YAML (64 KiB) and terminal input (16 KiB) fit with room. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export interface SocketServerDeps {
  signer: SessionSigner;
  origins: OriginPolicy;
  /** Where events go, on this instance and the others; its server is the one these handlers serve. */
  realtime: Realtime;
  kube: () => KubeAdapter;
  environments: LevelEnvironments;
  terminals: TerminalSessions;
  liveViews: NamespaceLiveViews;
  /** Grading runs (shared with the instructor dashboard): one per namespace at a time. */
  grades: GradeService;
  /** Instructor dashboard: cohorts, for `cohort:*` and `learner:*` events. */
  cohorts: DashboardSocketDeps["cohorts"];
  /** Called after the learner acted on a level (start, reset, abandon, hint, solution): the live roster follows. */
  onLearnerActivity?: (learnerId: string) => void;
  /** Who plays behind a session (anonymous learner or account): environments are keyed by it. */
  accounts: AccountStore;
  /** Grades, hints, the solution and XP awards. */
  progress: ProgressStore;
  levels: () => Promise<LevelCatalog>;
  /** Terminal recordings of learners in a cohort; absent: nothing is recorded. */
  recordings?: { store: RecordingStore; policy: RecordingPolicy };
  /** Expensive requests per session (start, reset, apply, validate, grade, terminal open, watch). */
  requestsPerSession: KeyedRateLimiter;
  /** `level:start` per client address (see http/per-ip-limits.ts). */
  levelStartsPerIp: KeyedRateLimiter;
  /** Terminal input and resizes per socket (terminal-input-limits.ts); tests narrow them. */
  terminalInputLimits?: TerminalInputLimitOptions;
}

/** Why a handshake was refused; socket.io answers 403 with this message. */
export const HANDSHAKE_ERRORS = {
  origin: "This page's origin may not open a KubeQuest connection (set KUBEQUEST_ALLOWED_ORIGINS to allow it).",
  session: "No valid KubeQuest session: reload the page to get one (cookies must be enabled).",
};

/** Names a zod problem the way a developer reading the browser console can fix it. */
function badPayload(event: string, error: { issues: { path: PropertyKey[]; message: string }[] }): ActionableError {
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? first.path.map(String).join(".") : "payload";
  return {
    code: "bad-payload",
    message: `${event}: ${where}: ${first?.message ?? "invalid"}`,
    action: "Reload the page; this page may be older than the server.",
  };
}

export interface KqSocketServer {
  io: KqServer;
  /** Disconnects the sockets of a signed-out session on every instance, closing their terminals. */
  endSession(sessionId: string, reason: string): void;
  /** Disconnects every socket of a learner (a deleted account) on every instance, closing their terminals. */
  endLearner(learnerId: string, reason: string): void;
  close(): Promise<void>;
}

/**
 * The socket.io server, not yet serving: the features are built around it (realtime/realtime.ts)
 * before `serveSockets` attaches it to the HTTP server. `adapter`: how rooms reach other
 * instances (the PostgreSQL adapter; socket.io's in-memory one by default).
 */
export function createSocketIo(deps: { signer: SessionSigner; origins: OriginPolicy; adapter?: ServerOptions["adapter"] | undefined }): KqServer {
  return new Server({
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // Next's dev server handles its own upgrades (hot reload) on the same HTTP server.
    destroyUpgrade: false,
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
    allowRequest: (req: IncomingMessage, callback) => {
      const origin = req.headers.origin;
      if (!isAllowedOrigin(origin, req.headers.host, deps.origins)) return callback(HANDSHAKE_ERRORS.origin, false);
      if (!sessionFromRequest(req, deps.signer)) return callback(HANDSHAKE_ERRORS.session, false);
      callback(null, true);
    },
  });
}

/** Registers KubeQuest's handlers on `realtime.io` and attaches it to the HTTP server. */
export function serveSockets(httpServer: HttpServer, deps: SocketServerDeps): KqSocketServer {
  const { realtime } = deps;
  const io = realtime.io;
  const limiter = deps.requestsPerSession;
  const startsPerIp = deps.levelStartsPerIp;
  const acted = (learnerId: string): void => deps.onLearnerActivity?.(learnerId);
  /** Whether any socket of this instance is in the room now (socket.io deletes empty rooms). */
  const occupied = (room: string): boolean => realtime.occupiedHere(room);
  const resetDeps = { environments: deps.environments, realtime };

  /** Sends `result` through the ack when the client asked for one. */
  const answer = <T>(ack: unknown, result: Result<T>): void => {
    if (typeof ack === "function") (ack as (r: Result<T>) => void)(result);
  };

  /**
   * Registers a request handler: parse with the schema, rate-limit if expensive, run, answer.
   * socket.io's typed `on` cannot be used generically over a union of events, hence the cast.
   */
  function request<P, T>(
    socket: KqSocket,
    event: keyof ClientToServerEvents,
    schema: ZodType<P>,
    opts: { limited: boolean },
    run: (payload: P) => Promise<T>,
  ): void {
    (socket as unknown as { on(e: string, fn: (payload: unknown, ack: unknown) => void): void }).on(event, (payload, ack) => {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) return answer(ack, { ok: false, error: badPayload(event, parsed.error) });
      const allowed = opts.limited ? limiter.take(socket.data.sessionId) : Promise.resolve({ ok: true as const });
      allowed
        .then((taken) => {
          if (taken.ok) return run(parsed.data);
          const seconds = Math.ceil(taken.retryAfterMs / 1000);
          throw failure("rate-limited", "Too many requests in a short time.", `Wait ${seconds} s, then try again.`);
        })
        .then(
        (value) => answer(ack, { ok: true, value }),
        (err: unknown) => {
          const known =
            err instanceof ProgressRuleError ? { code: err.code, message: err.message, action: err.action } : asActionableError(err);
          if (!known) log.error({ err, event }, "a socket request failed");
          answer(ack, { ok: false, error: known ?? INTERNAL_ERROR });
        },
      );
    });
  }

  /** Registers a fire-and-forget event (terminal input, resize, ack): invalid payloads are dropped. */
  function notice<P>(socket: KqSocket, event: keyof ClientToServerEvents, schema: ZodType<P>, run: (payload: P) => void): void {
    (socket as unknown as { on(e: string, fn: (payload: unknown) => void): void }).on(event, (payload) => {
      const parsed = schema.safeParse(payload);
      if (parsed.success) run(parsed.data);
    });
  }

  /** Puts the socket in the room of `namespace` (leaving the previous level's room). */
  async function enterRoom(socket: KqSocket, namespace: string): Promise<void> {
    if (socket.data.room === namespace) return;
    if (socket.data.room) await socket.leave(socket.data.room);
    socket.data.room = namespace;
    await socket.join(namespace);
  }

  async function followStatus(socket: KqSocket, learnerId: string, status: EnvironmentStatus): Promise<EnvironmentStatus> {
    if (status.phase === "ready") {
      const env = await deps.environments.requireReady(learnerId, status.levelId);
      await enterRoom(socket, env.namespace);
      deps.liveViews.subscribe(env);
    }
    return status;
  }

  const levelOf = async (levelId: string): Promise<LoadedLevel> => {
    const level = (await deps.levels()).get(levelId);
    if (!level) throw failure("unknown-level", `There is no level "${levelId}".`, "Pick a level from the level list.");
    return level;
  };

  /** What the level page shows about hints, the solution and XP. */
  async function helpState(learnerId: string, level: LoadedLevel): Promise<LevelHelpState> {
    const view = await deps.progress.levelProgress(learnerId, levelRulesOf(level));
    const openedHints: string[] = [];
    for (let i = 0; i < view.hintsOpened; i++) openedHints.push(level.hintBody(i) ?? "");
    const awarded = view.mainXp === null && view.chaosXp === null ? null : (view.mainXp ?? 0) + (view.chaosXp ?? 0);
    return {
      levelId: level.manifest.id,
      openedHints,
      hintXpCost: view.hintXpCost,
      solutionRevealed: view.solutionRevealed,
      solution: view.solutionRevealed ? level.solutionMarkdown() : null,
      worth: view.worth,
      xpAwarded: awarded,
      passed: view.passedAt !== null,
      chaosPassed: view.chaosPassedAt !== null,
      totalXp: await deps.progress.learnerXp(learnerId),
    };
  }

  const learnerYaml = (env: ReadyEnvironment): LearnerYamlContext => ({
    kube: deps.kube(),
    namespace: env.namespace,
    platformObjects: env.level.platformObjects(env.namespace),
    editorKinds: env.level.manifest.editorKinds,
  });

  io.on("connection", (socket) => {
    const sessionId = sessionFromRequest(socket.request, deps.signer);
    if (!sessionId) {
      // allowRequest already checked; a missing session here means a bug, not a learner.
      socket.disconnect(true);
      return;
    }
    socket.data.sessionId = sessionId;
    // The learner behind the session, resolved once per socket. Environments, terminals and XP
    // are keyed by the learner, not the session: signing in on another device, or signing up
    // (which rotates the session id), finds the same namespace and progress.
    const learner = deps.accounts.resolveSession(sessionId).then(async (s) => {
      socket.data.learnerId = s.learner.id;
      await socket.join(learnerRoom(s.learner.id));
      return s.learner.id;
    });
    learner.catch((err: unknown) => log.error({ err }, "resolving the session's learner failed"));
    const attempt = async (levelId: string) => attemptKeyOf(await learner, levelId);

    request(socket, "level:open", levelPayloadSchema, { limited: false }, async ({ levelId }) => {
      const learnerId = await learner;
      const status = await deps.environments.open(learnerId, levelId);
      return followStatus(socket, learnerId, status);
    });

    request(socket, "level:start", levelPayloadSchema, { limited: true }, async ({ levelId }) => {
      // Per address too: a script minting sessions gets a fresh per-learner limit with each one.
      const fromAddress = await startsPerIp.take(clientAddress(socket.request));
      if (!fromAddress.ok) {
        const minutes = Math.max(1, Math.ceil(fromAddress.retryAfterMs / 60_000));
        throw failure(
          "rate-limited",
          "Too many levels were started from your network address in a short time.",
          `Wait ${minutes} minute${minutes === 1 ? "" : "s"}, then start the level again.`,
        );
      }
      const learnerId = await learner;
      await deps.progress.recordStart(learnerId, (await levelOf(levelId)).manifest.id);
      acted(learnerId);
      // Join before starting, so this socket sees the progress events.
      await enterRoom(socket, await deps.environments.namespaceOf(learnerId, levelId));
      return followStatus(socket, learnerId, await deps.environments.start(learnerId, levelId));
    });

    request(socket, "level:reset", levelPayloadSchema, { limited: true }, async ({ levelId }) => {
      const learnerId = await learner;
      await enterRoom(socket, await deps.environments.namespaceOf(learnerId, levelId));
      const status = await resetLearnerLevel(resetDeps, learnerId, levelId, {
        terminalReason: "The level is being reset; the terminal reconnects when it is ready.",
        beforeReset: async () => {
          await deps.progress.recordActivity(learnerId, (await levelOf(levelId)).manifest.id);
          acted(learnerId);
        },
      });
      return followStatus(socket, learnerId, status);
    });

    request(socket, "level:abandon", levelPayloadSchema, { limited: true }, async ({ levelId }) => {
      const learnerId = await learner;
      const namespace = await deps.environments.namespaceOf(learnerId, levelId);
      realtime.publish("terminal-closing", { attemptKey: await attempt(levelId), reason: "This level's environment was deleted." });
      const status = await deps.environments.abandon(learnerId, levelId);
      // Nothing left to watch on any instance; a later start subscribes again.
      realtime.publish("environment-changed", { learnerId, levelId, namespace, rebuilt: false });
      // Every tab of this learner (and a watching instructor) shows the level as not started again.
      realtime.toNamespace(namespace, "environment:status", status);
      acted(learnerId);
      return status;
    });

    request(socket, "yaml:validate", yamlPayloadSchema, { limited: true }, async ({ levelId, yaml }) => {
      const env = await deps.environments.requireReady(await learner, levelId);
      return validateLearnerYaml(learnerYaml(env), yaml);
    });

    request(socket, "yaml:apply", yamlPayloadSchema, { limited: true }, async ({ levelId, yaml }) => {
      const env = await deps.environments.requireReady(await learner, levelId);
      return applyLearnerYaml(learnerYaml(env), yaml);
    });

    request(socket, "yaml:recreate", recreatePayloadSchema, { limited: true }, async ({ levelId, yaml }) => {
      const env = await deps.environments.requireReady(await learner, levelId);
      return recreateLearnerYaml(learnerYaml(env), yaml);
    });

    request(socket, "terminal:open", terminalOpenPayloadSchema, { limited: true }, async ({ levelId, cols, rows }): Promise<TerminalOpened> => {
      const learnerId = await learner;
      const env = await deps.environments.requireReady(learnerId, levelId);
      // Only learners in a cohort are recorded: only their instructors replay terminals. If the
      // membership cannot be read, nothing is recorded, and the answer says so truthfully.
      const recordings = deps.recordings;
      const recorded = recordings
        ? await recordings.store.isRecorded(learnerId).catch((err: unknown) => {
            log.error({ err }, "checking whether to record a terminal failed");
            return false;
          })
        : false;
      // One recording per attach: a reconnect starts a new one, beginning with tmux's redraw.
      const record =
        recorded && recordings
          ? () =>
              new TerminalRecorder(
                recordings.store,
                { id: randomUUID(), learnerId, levelId: env.level.manifest.id, cols, rows },
                { maxBytes: recordings.policy.maxBytes },
              )
          : undefined;
      // One terminal per attempt: the learner's terminal of this level in another tab closes,
      // on whichever instance it is open.
      const attemptKey = await attempt(levelId);
      realtime.publish("terminal-closing", { attemptKey, reason: "This terminal was opened in another tab or window.", exceptSocketId: socket.id });
      await deps.terminals.open(
        socket.id,
        { attemptKey, namespace: env.namespace, pod: env.toolboxPod },
        { cols, rows },
        {
          output: (chunk) => socket.emit("terminal:output", chunk),
          exit: (info) => socket.emit("terminal:exit", info),
          unsentBytes: () => unsentBytes(socket),
        },
        record,
      );
      return {
        attached: true as const,
        recording: record && recordings ? { retentionDays: recordings.policy.retentionDays, maxBytes: recordings.policy.maxBytes } : null,
      };
    });
    // Input and resizes are limited per socket; what is dropped is said once in a while.
    const inputLimits = new TerminalInputLimits(deps.terminalInputLimits);
    notice(socket, "terminal:input", terminalInputPayloadSchema, ({ data }) => {
      const verdict = inputLimits.input(data);
      if (verdict.ok) deps.terminals.input(socket.id, data);
      else if (verdict.notice) socket.emit("terminal:notice", verdict.notice);
    });
    // A dropped resize is not lost: the last size asked for applies once the limit allows.
    let deferredSize: { cols: number; rows: number } | undefined;
    let deferredResize: NodeJS.Timeout | undefined;
    notice(socket, "terminal:resize", terminalResizePayloadSchema, ({ cols, rows }) => {
      const verdict = inputLimits.resize();
      if (verdict.ok) {
        deferredSize = undefined;
        return deps.terminals.resize(socket.id, cols, rows);
      }
      if (verdict.notice) socket.emit("terminal:notice", verdict.notice);
      deferredSize = { cols, rows };
      deferredResize ??= setTimeout(() => {
        deferredResize = undefined;
        if (deferredSize) deps.terminals.resize(socket.id, deferredSize.cols, deferredSize.rows);
        deferredSize = undefined;
      }, verdict.retryAfterMs);
    });
    notice(socket, "terminal:ack", terminalAckPayloadSchema, ({ bytes }) => deps.terminals.ack(socket.id, bytes));

    request(socket, "grade:run", gradePayloadSchema, { limited: true }, async ({ levelId, round }) => {
      // Streams the checks to the namespace room, records the grade and its award (see grade-service.ts).
      return deps.grades.grade(await learner, levelId, round, { kind: "learner", socketId: socket.id });
    });

    request(socket, "level:help", levelPayloadSchema, { limited: false }, async ({ levelId }) => {
      return helpState(await learner, await levelOf(levelId));
    });

    request(socket, "hint:open", hintOpenPayloadSchema, { limited: false }, async ({ levelId, index }) => {
      const level = await levelOf(levelId);
      const learnerId = await learner;
      await deps.progress.openHint(learnerId, levelRulesOf(level), index);
      acted(learnerId);
      const state = await helpState(learnerId, level);
      // The learner's other tabs show the hint open too.
      socket.to(learnerRoom(learnerId)).emit("help:changed", state);
      return state;
    });

    request(socket, "solution:reveal", solutionRevealPayloadSchema, { limited: false }, async ({ levelId }) => {
      const level = await levelOf(levelId);
      const learnerId = await learner;
      await deps.progress.revealSolution(learnerId, levelRulesOf(level));
      acted(learnerId);
      const state = await helpState(learnerId, level);
      socket.to(learnerRoom(learnerId)).emit("help:changed", state);
      return state;
    });

    // Instructor dashboard: cohort:watch / unwatch, learner:watch / unwatch (guarded per event).
    registerDashboardEvents(socket, (event, schema, opts, run) => request(socket, event, schema, opts, run), {
      accounts: deps.accounts,
      cohorts: deps.cohorts,
      levels: deps.levels,
      environments: deps.environments,
      liveViews: deps.liveViews,
    });

    socket.on("disconnect", () => {
      if (deferredResize) clearTimeout(deferredResize);
      // tmux keeps the shell; the next terminal:open re-attaches to it.
      deps.terminals.detach(socket.id);
    });
  });

  // The live view of a namespace stops when nobody here looks at it any more: neither the
  // learner's tabs (the namespace room) nor a watching instructor (its watch room). Each
  // instance runs the live views its own sockets look at.
  const lookedHere = (namespace: string): boolean => occupied(namespace) || occupied(watchRoom(namespace));
  io.of("/").adapter.on("delete-room", (room: string) => {
    if (typeof room !== "string") return;
    const namespace = namespaceOfRoom(room);
    if (namespace && !lookedHere(namespace)) deps.liveViews.unsubscribe(namespace);
  });

  /** Closes the terminals of this instance's matching sockets (telling the page why), then disconnects them. */
  const disconnectWhere = (match: (socket: KqSocket) => boolean, reason: string): void => {
    for (const socket of [...io.sockets.sockets.values()]) {
      if (!match(socket)) continue;
      deps.terminals.close(socket.id, reason);
      socket.disconnect(true);
    }
  };

  // What other instances (and this one) ask of this instance's sockets and terminals.
  const unsubscribe = [
    realtime.on("terminal-closing", ({ attemptKey, reason, exceptSocketId }) => deps.terminals.closeAttempt(attemptKey, reason, exceptSocketId)),
    realtime.on("session-ended", ({ sessionId, reason }) => disconnectWhere((s) => s.data.sessionId === sessionId, reason)),
    realtime.on("learner-deleted", ({ learnerId, reason }) => disconnectWhere((s) => s.data.learnerId === learnerId, reason)),
    realtime.on("recording-stopped", ({ learnerId }) => deps.terminals.stopRecordingOf(learnerId)),
    realtime.on("environment-changed", ({ learnerId, levelId, namespace, rebuilt }) => {
      deps.environments.forget(learnerId, levelId);
      // The live view starts over on the new namespace, if anyone here still looks at it.
      deps.liveViews.unsubscribe(namespace);
      if (!rebuilt || !lookedHere(namespace)) return;
      deps.environments
        .requireReady(learnerId, levelId)
        .then((env) => deps.liveViews.subscribe(env))
        // The reset itself went through; the live view follows on the next open or watch.
        .catch((err: unknown) => log.warn({ err, namespace }, "restarting the live view after a reset failed"));
    }),
  ];

  io.attach(httpServer);

  return {
    io,
    endSession: (sessionId, reason) => realtime.publish("session-ended", { sessionId, reason }),
    endLearner: (learnerId, reason) => realtime.publish("learner-deleted", { learnerId, reason }),
    async close() {
      for (const off of unsubscribe) off();
      deps.terminals.closeAll("The server is shutting down.");
      deps.liveViews.stopAll();
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
    },
  };
}
