/**
 * socket.io on the HTTP server: the handshake checks (session cookie, Origin), payload
 * validation with the protocol's zod schemas, per-learner rate limits, and thin handlers that
 * call the feature modules. Every request is answered through its acknowledgement with a
 * Result; nothing a browser sends can crash the server.
 *
 * Rooms: each socket joins the room named after the namespace of the level it has open, so
 * progress, status, live view and grading events reach every tab of that learner and level.
 *
 * Node only.
 */
import type { Server as HttpServer, IncomingMessage } from "node:http";
import { Server, type Socket } from "socket.io";
import type { ZodType } from "zod";
import {
  gradePayloadSchema,
  levelPayloadSchema,
  recreatePayloadSchema,
  terminalAckPayloadSchema,
  terminalInputPayloadSchema,
  terminalOpenPayloadSchema,
  terminalResizePayloadSchema,
  yamlPayloadSchema,
  type ActionableError,
  type ClientToServerEvents,
  type EnvironmentStatus,
  type Result,
  type ServerToClientEvents,
} from "../../lib/protocol/socket-events";
import { INTERNAL_ERROR, asActionableError, failure } from "../errors/actionable-failure";
import type { LevelEnvironments, ReadyEnvironment } from "../environments/level-environment";
import type { KubeAdapter } from "../kubernetes/kube-adapter";
import type { NamespaceLiveViews } from "../live-view/namespace-live-view";
import type { runGrade as RunGrade } from "../grader/run-grade";
import { sessionFromRequest, type SessionSigner } from "../session/anonymous-session";
import type { TerminalSessions } from "../terminal/terminal-session";
import { applyLearnerYaml, recreateLearnerYaml, validateLearnerYaml, type LearnerYamlContext } from "../yaml/learner-yaml";
import { isAllowedOrigin, type OriginPolicy } from "./origin-check";
import { RateLimiter } from "./rate-limit";

/** socket.io's own limit on one message: YAML (64 KiB) and terminal input (16 KiB) fit with room. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export interface SocketServerDeps {
  signer: SessionSigner;
  origins: OriginPolicy;
  kube: () => KubeAdapter;
  environments: LevelEnvironments;
  terminals: TerminalSessions;
  liveViews: NamespaceLiveViews;
  runGrade: typeof RunGrade;
  /** Expensive requests per learner: a burst of `capacity` per `perMs`. */
  rateLimit?: { capacity: number; perMs: number };
}

interface SocketData {
  sessionId: string;
  /** The namespace room of the level this socket has open. */
  room?: string;
}

type KqServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type KqSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

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

export function createSocketServer(httpServer: HttpServer, deps: SocketServerDeps): { io: KqServer; close(): Promise<void> } {
  const io: KqServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // Next's dev server handles its own upgrades (hot reload) on the same HTTP server.
    destroyUpgrade: false,
    allowRequest: (req: IncomingMessage, callback) => {
      const origin = req.headers.origin;
      if (!isAllowedOrigin(origin, req.headers.host, deps.origins)) return callback(HANDSHAKE_ERRORS.origin, false);
      if (!sessionFromRequest(req, deps.signer)) return callback(HANDSHAKE_ERRORS.session, false);
      callback(null, true);
    },
  });

  const limiter = new RateLimiter(deps.rateLimit?.capacity ?? 10, deps.rateLimit?.perMs ?? 10_000);
  const grading = new Map<string, Promise<unknown>>();

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
      if (opts.limited) {
        const taken = limiter.take(socket.data.sessionId);
        if (!taken.ok) {
          const seconds = Math.ceil(taken.retryAfterMs / 1000);
          return answer(ack, {
            ok: false,
            error: { code: "rate-limited", message: "Too many requests in a short time.", action: `Wait ${seconds} s, then try again.` },
          });
        }
      }
      run(parsed.data).then(
        (value) => answer(ack, { ok: true, value }),
        (err: unknown) => {
          const known = asActionableError(err);
          if (!known) console.error(`[socket] ${event} failed:`, err);
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

  async function followStatus(socket: KqSocket, sessionId: string, status: EnvironmentStatus): Promise<EnvironmentStatus> {
    if (status.phase === "ready") {
      const env = await deps.environments.requireReady(sessionId, status.levelId);
      await enterRoom(socket, env.namespace);
      deps.liveViews.subscribe(env);
    }
    return status;
  }

  const learnerYaml = (env: ReadyEnvironment): LearnerYamlContext => ({
    kube: deps.kube(),
    namespace: env.namespace,
    platformObjects: env.level.platformObjects(env.namespace),
  });

  io.on("connection", (socket) => {
    const sessionId = sessionFromRequest(socket.request, deps.signer);
    if (!sessionId) {
      // allowRequest already checked; a missing session here means a bug, not a learner.
      socket.disconnect(true);
      return;
    }
    socket.data.sessionId = sessionId;
    const attempt = (levelId: string) => `${sessionId}:${levelId}`;

    request(socket, "level:open", levelPayloadSchema, { limited: false }, async ({ levelId }) => {
      const status = await deps.environments.open(sessionId, levelId);
      return followStatus(socket, sessionId, status);
    });

    request(socket, "level:start", levelPayloadSchema, { limited: true }, async ({ levelId }) => {
      // Join before starting, so this socket sees the progress events.
      await enterRoom(socket, await deps.environments.namespaceOf(sessionId, levelId));
      return followStatus(socket, sessionId, await deps.environments.start(sessionId, levelId));
    });

    request(socket, "level:reset", levelPayloadSchema, { limited: true }, async ({ levelId }) => {
      const namespace = await deps.environments.namespaceOf(sessionId, levelId);
      await enterRoom(socket, namespace);
      deps.terminals.closeAttempt(attempt(levelId), "The level is being reset; the terminal reconnects when it is ready.");
      io.to(namespace).emit("environment:status", { levelId, phase: "resetting", namespace, passed: false });
      return followStatus(socket, sessionId, await deps.environments.reset(sessionId, levelId));
    });

    request(socket, "yaml:validate", yamlPayloadSchema, { limited: true }, async ({ levelId, yaml }) => {
      const env = await deps.environments.requireReady(sessionId, levelId);
      return validateLearnerYaml(learnerYaml(env), yaml);
    });

    request(socket, "yaml:apply", yamlPayloadSchema, { limited: true }, async ({ levelId, yaml }) => {
      const env = await deps.environments.requireReady(sessionId, levelId);
      return applyLearnerYaml(learnerYaml(env), yaml);
    });

    request(socket, "yaml:recreate", recreatePayloadSchema, { limited: true }, async ({ levelId, yaml }) => {
      const env = await deps.environments.requireReady(sessionId, levelId);
      return recreateLearnerYaml(learnerYaml(env), yaml);
    });

    request(socket, "terminal:open", terminalOpenPayloadSchema, { limited: true }, async ({ levelId, cols, rows }) => {
      const env = await deps.environments.requireReady(sessionId, levelId);
      await deps.terminals.open(socket.id, { attemptKey: attempt(levelId), namespace: env.namespace, pod: env.toolboxPod }, { cols, rows }, {
        output: (chunk) => socket.emit("terminal:output", chunk),
        exit: (info) => socket.emit("terminal:exit", info),
      });
      return { attached: true as const };
    });
    notice(socket, "terminal:input", terminalInputPayloadSchema, ({ data }) => deps.terminals.input(socket.id, data));
    notice(socket, "terminal:resize", terminalResizePayloadSchema, ({ cols, rows }) => deps.terminals.resize(socket.id, cols, rows));
    notice(socket, "terminal:ack", terminalAckPayloadSchema, ({ bytes }) => deps.terminals.ack(socket.id, bytes));

    request(socket, "grade:run", gradePayloadSchema, { limited: true }, async ({ levelId, round }) => {
      const env = await deps.environments.requireReady(sessionId, levelId);
      if (grading.has(env.namespace)) {
        throw failure("grading-in-progress", "A grading run is already in progress for this level.", "Wait for its result (it shows in the grade panel).");
      }
      let runId = "";
      const run = deps.runGrade({
        kube: deps.kube(),
        level: env.level,
        namespace: env.namespace,
        round,
        onStarted: (started) => {
          runId = started.runId;
          io.to(env.namespace).emit("grade:started", started);
        },
        onCheck: (result) => io.to(env.namespace).emit("grade:check", { runId, result }),
      });
      grading.set(env.namespace, run);
      try {
        const finished = await run;
        if (finished.passed && finished.round === "main") {
          await deps.environments.markPassed(sessionId, levelId).catch((err: unknown) => console.error("[socket] marking passed:", err));
        }
        // The other tabs of this learner learn the outcome too; the requester gets it as the answer.
        socket.to(env.namespace).emit("grade:finished", finished);
        return finished;
      } finally {
        grading.delete(env.namespace);
      }
    });

    socket.on("disconnect", () => {
      // tmux keeps the shell; the next terminal:open re-attaches to it.
      deps.terminals.detach(socket.id);
    });
  });

  // The live view of a namespace stops when nobody looks at it any more.
  io.of("/").adapter.on("delete-room", (room: string) => {
    if (typeof room === "string" && room.startsWith("kq-")) deps.liveViews.unsubscribe(room);
  });

  return {
    io,
    async close() {
      deps.terminals.closeAll("The server is shutting down.");
      deps.liveViews.stopAll();
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
    },
  };
}
