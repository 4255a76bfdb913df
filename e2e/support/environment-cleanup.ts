/**
 * Deletes the environment (namespace) a browser context created, through the server's
 * `level:abandon`: neither a grading run against a remote installation nor a browser test may
 * assume it can reach the cluster, and Reset rebuilds rather than deletes.
 */
import type { BrowserContext } from "@playwright/test";
import { io, type Socket } from "socket.io-client";
import type { EnvironmentStatus, Result } from "../../lib/protocol/socket-events";
import type { ClientToServerEvents, ServerToClientEvents } from "../../lib/protocol/socket-event-maps";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Abandons `levelId` as the learner of `context` (same session cookie, same namespace). */
export async function abandonLevel(context: BrowserContext, baseURL: string, levelId: string): Promise<EnvironmentStatus> {
  const cookie = (await context.cookies(baseURL)).map((c) => `${c.name}=${c.value}`).join("; ");
  const socket: Client = io(baseURL, { transports: ["websocket"], extraHeaders: { cookie, origin: new URL(baseURL).origin }, forceNew: true, reconnection: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    const result = await (socket.timeout(180_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<Result<EnvironmentStatus>> }).emitWithAck("level:abandon", { levelId });
    if (!result.ok) throw new Error(`${result.error.message} ${result.error.action ?? ""}`.trim());
    return result.value;
  } finally {
    socket.close();
  }
}
