/**
 * Which browser pages may open a socket. A socket opens shells, so a page on another site must
 * not be able to open one with the learner's cookie (cross-site WebSocket hijacking). socket.io's
 * `cors` option only covers long-polling; this check runs in `allowRequest` for every transport.
 */
import { normalizeOrigin } from "../config/server-config";

export interface OriginPolicy {
  /** Explicit allow-list (KUBEQUEST_ALLOWED_ORIGINS); when set, only these origins are accepted. */
  allowed: string[];
  /** Also accept the origin that matches the request's Host header (the default policy). */
  trustRequestHost: boolean;
  /**
   * Accept a Host-derived origin only for loopback names. On a server bound to 127.0.0.1 this
   * defeats DNS rebinding (evil.example resolving to 127.0.0.1 sends Host: evil.example).
   */
  loopbackHostsOnly: boolean;
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

/**
 * The policy for the configured allow-list (KUBEQUEST_ALLOWED_ORIGINS, already validated and
 * normalized by config/server-config.ts) when it is not empty, else our own origins.
 */
export function originPolicyOf(allowedOrigins: readonly string[], port: number, host: string): OriginPolicy {
  const list = allowedOrigins.map((s) => normalizeOrigin(s)).filter((s): s is string => s !== null);
  if (list.length > 0) return { allowed: list, trustRequestHost: false, loopbackHostsOnly: true };
  const loopbackOnly = host === "127.0.0.1" || host === "localhost" || host === "::1";
  return {
    allowed: [`http://localhost:${port}`, `http://127.0.0.1:${port}`],
    trustRequestHost: true,
    loopbackHostsOnly: loopbackOnly,
  };
}

/**
 * Whether a handshake with this Origin header may proceed.
 *
 * No Origin at all is accepted: browsers always send one on WebSocket and cross-origin
 * requests, and omit it only on same-origin GETs (the long-polling fallback). Non-browser
 * clients can send any header anyway; they still need a valid session cookie.
 */
export function isAllowedOrigin(origin: string | undefined, requestHost: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined || origin === "") return true;
  const normalized = normalizeOrigin(origin);
  if (!normalized) return false;
  if (policy.allowed.includes(normalized)) return true;
  if (!policy.trustRequestHost || !requestHost) return false;
  const host = requestHost.toLowerCase();
  if (policy.loopbackHostsOnly && !LOOPBACK_HOST.test(host)) return false;
  return new URL(normalized).host === host;
}
