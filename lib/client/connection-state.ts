/**
 * What the learner sees of the socket connection, as a small state machine fed by socket.io's
 * events. Kept free of socket.io so it can be tested on its own.
 */

/**
 * - connecting: the first connection has not been made yet.
 * - connected: requests and live updates flow.
 * - reconnecting: the connection dropped and socket.io is trying again.
 * - offline: the server cannot be reached (socket.io keeps retrying unless it gave up).
 */
export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline";

export interface ConnectionSnapshot {
  state: ConnectionState;
  /** True once a connection succeeded at least once in this tab. */
  everConnected: boolean;
  /** True while socket.io retries by itself; false after a server-side kick or giving up. */
  retrying: boolean;
}

export type ConnectionEvent =
  | { type: "connect" }
  | { type: "disconnect"; willRetry: boolean }
  | { type: "connect-error"; willRetry: boolean }
  | { type: "reconnect-attempt" }
  | { type: "browser-offline" }
  | { type: "browser-online" };

export const initialConnection: ConnectionSnapshot = {
  state: "connecting",
  everConnected: false,
  retrying: true,
};

export function nextConnection(current: ConnectionSnapshot, event: ConnectionEvent): ConnectionSnapshot {
  switch (event.type) {
    case "connect":
      return { state: "connected", everConnected: true, retrying: true };
    case "disconnect":
      return {
        ...current,
        state: event.willRetry ? "reconnecting" : "offline",
        retrying: event.willRetry,
      };
    case "connect-error":
      // A failed first attempt means the server is not there (yet): say so instead of an
      // endless "connecting…". After a drop, a failed attempt is still "reconnecting" while
      // socket.io keeps trying, since that is what is happening.
      if (!event.willRetry) return { ...current, state: "offline", retrying: false };
      return { ...current, state: current.everConnected ? "reconnecting" : "offline", retrying: true };
    case "reconnect-attempt":
      return current.state === "connected" ? current : { ...current, retrying: true };
    case "browser-offline":
      return current.state === "connected" ? current : { ...current, state: "offline" };
    case "browser-online":
      return current;
  }
}

export function describeConnection(snapshot: ConnectionSnapshot): { label: string; detail: string } {
  switch (snapshot.state) {
    case "connecting":
      return { label: "Connecting…", detail: "Opening a connection to the KubeQuest server." };
    case "connected":
      return { label: "Connected", detail: "Live updates from your cluster are flowing." };
    case "reconnecting":
      return {
        label: "Reconnecting…",
        detail: "The connection dropped. Your terminal session and edits are kept; we are reconnecting.",
      };
    case "offline":
      return snapshot.retrying
        ? {
            label: "Offline",
            detail:
              "The KubeQuest server can't be reached. Retrying automatically; if this lasts, reload the page (it also renews your session).",
          }
        : {
            label: "Offline",
            detail: "The server closed the connection. Use Retry, or reload the page to sign in again.",
          };
  }
}
