"use client";
/**
 * React bindings for the shared socket: the socket itself, its connection state, and typed
 * subscriptions to server events.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { ServerToClientEvents } from "@/lib/protocol/socket-event-maps";
import {
  initialConnection,
  nextConnection,
  type ConnectionEvent,
  type ConnectionSnapshot,
} from "./connection-state";
import { getSocket, type KubeQuestSocket } from "./socket";

/** The shared socket, or null during server rendering and the first client render. */
export function useSocket(): KubeQuestSocket | null {
  const [socket, setSocket] = useState<KubeQuestSocket | null>(null);
  useEffect(() => {
    setSocket(getSocket());
  }, []);
  return socket;
}

// Connection state lives outside React so every component reads the same value.
let connection: ConnectionSnapshot = initialConnection;
const listeners = new Set<() => void>();
let watched: KubeQuestSocket | null = null;

function dispatch(event: ConnectionEvent) {
  const next = nextConnection(connection, event);
  if (next === connection) return;
  connection = next;
  for (const listener of listeners) listener();
}

function watch(socket: KubeQuestSocket) {
  if (watched === socket) return;
  watched = socket;
  if (socket.connected) dispatch({ type: "connect" });
  socket.on("connect", () => dispatch({ type: "connect" }));
  // socket.active stays true while the manager will retry by itself; it is false after
  // socket.disconnect() or a disconnect decided by the server.
  socket.on("disconnect", () => dispatch({ type: "disconnect", willRetry: socket.active }));
  socket.on("connect_error", () => dispatch({ type: "connect-error", willRetry: socket.active }));
  socket.io.on("reconnect_attempt", () => dispatch({ type: "reconnect-attempt" }));
  socket.io.on("reconnect_failed", () => dispatch({ type: "connect-error", willRetry: false }));
  window.addEventListener("offline", () => dispatch({ type: "browser-offline" }));
  window.addEventListener("online", () => dispatch({ type: "browser-online" }));
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useConnection(socket: KubeQuestSocket | null): ConnectionSnapshot {
  useEffect(() => {
    if (socket) watch(socket);
  }, [socket]);
  return useSyncExternalStore(
    subscribe,
    () => connection,
    () => initialConnection,
  );
}

/**
 * Subscribes to a server event for the lifetime of the component. The latest `handler` is
 * always called, so callers need not memoise it.
 */
export function useSocketEvent<E extends keyof ServerToClientEvents>(
  socket: KubeQuestSocket | null,
  event: E,
  handler: ServerToClientEvents[E],
): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!socket) return;
    const listener = ((...args: Parameters<ServerToClientEvents[E]>) => {
      (latest.current as (...a: Parameters<ServerToClientEvents[E]>) => void)(...args);
    }) as ServerToClientEvents[E];
    // socket.io's listener types cannot be narrowed by a generic event name; the cast is
    // confined to this line, and `ServerToClientEvents[E]` keeps callers fully typed.
    const loose = socket as unknown as {
      on(event: string, listener: (...args: unknown[]) => void): void;
      off(event: string, listener: (...args: unknown[]) => void): void;
    };
    loose.on(event, listener as (...args: unknown[]) => void);
    return () => loose.off(event, listener as (...args: unknown[]) => void);
  }, [socket, event]);
}

/** Calls `onConnect` on every (re)connection, and once now if already connected. */
export function useOnConnect(socket: KubeQuestSocket | null, onConnect: () => void): void {
  const latest = useRef(onConnect);
  useEffect(() => {
    latest.current = onConnect;
  });
  useEffect(() => {
    if (!socket) return;
    const listener = () => latest.current();
    socket.on("connect", listener);
    if (socket.connected) listener();
    return () => {
      socket.off("connect", listener);
    };
  }, [socket]);
}
