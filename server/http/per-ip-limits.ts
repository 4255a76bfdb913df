/**
 * Per-address limits on what costs the installation something and needs no account: new
 * anonymous sessions (every cookieless request mints one, and each becomes a learner row) and
 * level starts (each may build an environment on the shared cluster). Without them, one script
 * could mint sessions and start environments without end; the global environment cap
 * (environments/environment-capacity.ts) bounds the cluster, these keep one address from taking
 * every slot.
 *
 * Defaults fit a class behind one NAT address (30 learners, a browser or two each). Behind a
 * reverse proxy every client has the proxy's address: raise them there. Counted in memory per
 * server process with SQLite; in PostgreSQL when DATABASE_URL is set, so every instance counts
 * together (coordination/rate-limits.ts). The figures come from the configuration
 * (KUBEQUEST_NEW_SESSIONS_PER_IP, KUBEQUEST_LEVEL_STARTS_PER_IP: config/server-config.ts).
 */
import type { IncomingMessage } from "node:http";

/**
 * The connection's address, never X-Forwarded-For (a client could forge it to dodge the limit).
 * IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function clientAddress(req: Pick<IncomingMessage, "socket">): string {
  const address = req.socket.remoteAddress ?? "unknown";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

/** What a refused visitor reads: the page or API answer of a 429. */
export function tooManySessions(retryAfterMs: number): { code: string; message: string; action: string } {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return {
    code: "rate-limited",
    message: "Too many new visitors from your network address in a short time.",
    action: `Wait ${minutes} minute${minutes === 1 ? "" : "s"}, then reload the page. If your whole class shares one address, ask the operator to raise KUBEQUEST_NEW_SESSIONS_PER_IP.`,
  };
}
