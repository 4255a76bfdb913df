/**
 * The browser's one socket.io connection to the KubeQuest server (same origin, port 3000).
 *
 * Browser-only: never import this from a server component or from `server/`.
 */
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/protocol/socket-event-maps";

export type KubeQuestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let shared: KubeQuestSocket | null = null;

/**
 * One socket per browser tab, shared by every component: React's strict mode mounts effects
 * twice in development, and a socket per component would open a terminal per mount.
 */
export function getSocket(): KubeQuestSocket {
  if (shared === null) {
    shared = io({
      path: "/socket.io",
      // The session cookie set by the server authenticates the socket.
      withCredentials: true,
      // WebSocket first; long-polling stays as a fallback for proxies that block upgrades.
      transports: ["websocket", "polling"],
      // Give up on one connection attempt after 10 s (socket.io's default is 20 s), so a missing
      // server shows as "offline" soon; reconnection attempts continue in the background.
      timeout: 10_000,
    });
  }
  return shared;
}
