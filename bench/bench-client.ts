/**
 * What every benchmark section needs to act as a learner over the real socket protocol: a
 * session cookie from the server, a socket.io client carrying it, acknowledged requests, and
 * percentiles. Shared by run-bench.ts and load-bench.ts so both measure the same way.
 */
import { io, type Socket } from "socket.io-client";
import type { Result } from "../lib/protocol/socket-events";
import type { ClientToServerEvents, ServerToClientEvents } from "../lib/protocol/socket-event-maps";

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A new learner (a new anonymous session) unless a cookie is given, connected over WebSocket. */
export async function sessionClient(base: string, existingCookie?: string): Promise<Client> {
  const cookie = existingCookie ?? /kq_session=[^;]+/.exec((await fetch(`${base}/`)).headers.get("set-cookie") ?? "")?.[0];
  if (!cookie) throw new Error("no session cookie");
  const socket: Client = io(base, { transports: ["websocket"], extraHeaders: { cookie, origin: base }, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

/** An acknowledged request; an error answer becomes a thrown Error naming the event. */
export function ask<T>(socket: Client, event: keyof ClientToServerEvents, payload: unknown): Promise<T> {
  return (socket.timeout(300_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Result<T>> })
    .emitWithAck(event, payload)
    .then((r) => {
      if (!r.ok) throw new Error(`${event}: ${r.error.message}`);
      return r.value;
    });
}
