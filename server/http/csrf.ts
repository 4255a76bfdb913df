/**
 * CSRF defence for state-changing HTTP requests (POST, PATCH, PUT, DELETE), two layers:
 * 1. the Origin header must be present and one of ours (browsers always send it on such
 *    requests, same-origin included), and
 * 2. the `x-kq-csrf` header must equal the token bound to the session in the database, which
 *    only our own pages can read (GET /api/session answers it to same-origin scripts).
 * The session cookie is also SameSite=Lax, so other sites' POSTs do not carry it at all.
 *
 * Node only.
 */
import { timingSafeEqual } from "node:crypto";
import { isAllowedOrigin, type OriginPolicy } from "../session/origin-check";

export const CSRF_HEADER = "x-kq-csrf";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isStateChanging(method: string | undefined): boolean {
  return !SAFE_METHODS.has((method ?? "GET").toUpperCase());
}

/** Constant-time comparison of the session's token with the one the request sent. */
export function csrfTokenMatches(expected: string, given: string | undefined): boolean {
  if (!given || expected.length === 0) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type CsrfVerdict = { ok: true } | { ok: false; reason: "origin" | "token" };

export function checkCsrf(
  req: { method?: string | undefined; origin?: string | undefined; host?: string | undefined; token?: string | undefined },
  expectedToken: string,
  policy: OriginPolicy,
): CsrfVerdict {
  if (!isStateChanging(req.method)) return { ok: true };
  // Unlike the socket handshake, a missing Origin is refused here: every browser sends one on
  // a state-changing fetch, so its absence means a non-browser or a stripped request.
  if (!req.origin || !isAllowedOrigin(req.origin, req.host, policy)) return { ok: false, reason: "origin" };
  if (!csrfTokenMatches(expectedToken, req.token)) return { ok: false, reason: "token" };
  return { ok: true };
}
