/**
 * Request/answer over socket.io: emit an event with an acknowledgement, bounded by a timeout,
 * and always resolve to a `Result` whose error a learner can act on (never a thrown stack).
 */
import type { ActionableError, Result } from "@/lib/protocol/socket-events";
import type { ClientToServerEvents } from "@/lib/protocol/socket-event-maps";
import type { KubeQuestSocket } from "./socket";

/** Events the browser sends that are answered through an acknowledgement. */
export type RequestEvent = {
  [E in keyof ClientToServerEvents]: Parameters<ClientToServerEvents[E]> extends [unknown, unknown] ? E : never;
}[keyof ClientToServerEvents];

export type RequestPayload<E extends RequestEvent> = Parameters<ClientToServerEvents[E]>[0];

export type RequestValue<E extends RequestEvent> =
  Parameters<ClientToServerEvents[E]>[1] extends (result: Result<infer T>) => void ? T : never;

/**
 * The slice of a socket.io client socket this helper needs. socket.io's own generic types
 * cannot express "emit any of these events with its payload" for a union of event names, so
 * the call goes through this narrow shape.
 */
export interface RequestSocket {
  readonly connected: boolean;
  timeout(ms: number): {
    emit(event: string, payload: unknown, callback: (err: Error | null, result: unknown) => void): unknown;
  };
}

export const offlineError: ActionableError = {
  code: "offline",
  message: "You're not connected to the KubeQuest server.",
  action: "Wait until the connection indicator says Connected, then try again.",
};

export function timeoutError(seconds: number): ActionableError {
  return {
    code: "timeout",
    message: `The server did not answer within ${seconds} s.`,
    action: "Check the connection indicator and try again. If it keeps happening, reset the level.",
  };
}

const malformedAnswer: ActionableError = {
  code: "bad-answer",
  message: "The server sent an answer this page does not understand.",
  action: "Reload the page; if that does not help, the server may be a different version than this page.",
};

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== "object" || value === null || !("ok" in value)) return false;
  const v = value as { ok: unknown; error?: unknown };
  if (v.ok === true) return "value" in value;
  if (v.ok !== false || typeof v.error !== "object" || v.error === null) return false;
  const e = v.error as { message?: unknown; code?: unknown };
  return typeof e.message === "string" && typeof e.code === "string";
}

/**
 * Emits `event` with `payload` and waits at most `timeoutMs` for the acknowledgement.
 *
 * Fails fast when disconnected: socket.io would otherwise buffer the emit and send it on
 * reconnect, possibly after the learner already retried (two applies, two grading runs).
 */
export function request<E extends RequestEvent>(
  socket: KubeQuestSocket | RequestSocket,
  event: E,
  payload: RequestPayload<E>,
  timeoutMs: number,
): Promise<Result<RequestValue<E>>> {
  if (!socket.connected) return Promise.resolve({ ok: false, error: offlineError });
  // The event/payload pairing is checked by this function's signature; see RequestSocket.
  const loose = socket as RequestSocket;
  return new Promise((resolve) => {
    loose.timeout(timeoutMs).emit(event, payload, (err, result) => {
      if (err) {
        resolve({ ok: false, error: timeoutError(Math.round(timeoutMs / 1000)) });
        return;
      }
      if (!isResult(result)) {
        resolve({ ok: false, error: malformedAnswer });
        return;
      }
      resolve(result as Result<RequestValue<E>>);
    });
  });
}

/** How long each request may take before the learner is told. */
export const REQUEST_TIMEOUTS = {
  open: 15_000,
  /** Provisioning runs for tens of seconds; progress arrives through events meanwhile. */
  start: 5 * 60_000,
  reset: 5 * 60_000,
  validate: 10_000,
  apply: 60_000,
  recreate: 90_000,
  terminalOpen: 20_000,
  /** A grading round waits for pods (bounded server-side); the chaos round also waits for a replacement pod. */
  grade: 5 * 60_000,
} as const;
