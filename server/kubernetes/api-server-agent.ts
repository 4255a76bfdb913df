/**
 * The one HTTPS agent every Kubernetes API request shares (watches and execs have their own).
 *
 * Why not cap its sockets: @kubernetes/client-node 1.4 sends requests through node-fetch 2.7,
 * whose check for a badly ended chunked response (fixResponseChunkedTransferBadEnding) runs
 * when a response closes and asks whether the *socket* still has a `data` listener. A capped
 * keep-alive agent hands a freed socket straight to a request waiting in its queue, whose
 * parser attaches that listener before the finished response's `close` event: node-fetch then
 * destroys a complete body with "Premature close", surfacing as "Invalid response body while
 * trying to fetch …". Only chunked answers (lists past ~2 KiB, such as EndpointSlices) are
 * checked, and only requests that queued can hit it, which is why it showed up when ten
 * learners graded at once (node-fetch/node-fetch#1767; reproduced in api-server-agent.test.ts).
 *
 * So the agent never queues: sockets are reused while idle (keep-alive saves a TLS handshake
 * per call) and opened as needed beyond that. How many requests run at once is bounded by the
 * callers (one grade reads a handful of lists), not by a socket queue.
 */
import https from "node:https";

/** Idle keep-alive sockets kept for reuse; beyond this, a socket closes once its request ends. */
const MAX_IDLE_SOCKETS = 64;
/** An idle socket is closed before the API server's own idle timeout can close it under us. */
const IDLE_SOCKET_TIMEOUT_MS = 30_000;

/** Options for the shared agent, on top of the kubeconfig's TLS options. */
export function apiServerAgentOptions(tls: https.AgentOptions): https.AgentOptions {
  return {
    ...tls,
    keepAlive: true,
    maxSockets: Infinity,
    maxFreeSockets: MAX_IDLE_SOCKETS,
    timeout: IDLE_SOCKET_TIMEOUT_MS,
  };
}

export function createApiServerAgent(tls: https.AgentOptions): https.Agent {
  return new https.Agent(apiServerAgentOptions(tls));
}
