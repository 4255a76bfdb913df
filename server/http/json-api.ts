/**
 * What the custom server's JSON APIs share (the account API, account-api.ts, and the
 * instructor dashboard's, cohort-api.ts): answers and errors as JSON, capped and validated
 * bodies, the routing of "METHOD /path/:param" keys, and the session + CSRF check every
 * request passes before its handler runs.
 *
 * Node only.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ZodType } from "zod";
import type { ActionableError } from "../../lib/protocol/socket-events";
import type { AccountStore, SessionView } from "../database/account-store";
import { sessionFromRequest, type SessionSigner } from "../session/anonymous-session";
import type { OriginPolicy } from "../session/origin-check";
import { CSRF_HEADER, checkCsrf } from "./csrf";

/** An error answered as `{ error }` with its HTTP status (and headers, e.g. Retry-After). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ActionableError,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

export const INTERNAL_HTTP_ERROR: ActionableError = { code: "internal", message: "Something went wrong on the server.", action: "Try again in a moment." };

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  // Per-person answers: never cached by a browser or a proxy.
  res.setHeader("Cache-Control", "no-store");
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(text);
}

/** The request body as JSON (`{}` when empty); 413 beyond `maxBytes`, 400 when not JSON. */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, { code: "body-too-large", message: "The request is too large.", action: "Send less data." });
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    throw new HttpError(400, { code: "bad-json", message: "The request body is not valid JSON.", action: "Reload the page and try again." });
  }
}

/**
 * Validates with the contract's schema; the first problem becomes a 400 `invalid-field` naming
 * the field. `what` words the advice: a person fills in a "form", a script sends a "request".
 */
export function parse<T>(schema: ZodType<T>, body: unknown, what: "form" | "request"): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = first?.path.map(String).join(".") || undefined;
    throw new HttpError(400, {
      code: "invalid-field",
      message: first?.message ?? `The ${what} has an invalid value.`,
      action: field ? `Correct the ${field} field and send ${what === "form" ? "the form" : "it"} again.` : `Correct the ${what} and send it again.`,
      ...(field ? { field } : {}),
    } as ActionableError);
  }
  return parsed.data;
}

/** A route key: "METHOD /path", where a `:name` segment matches one id or code. */
export type RouteKey = `${"GET" | "POST" | "PATCH" | "DELETE"} /${string}`;

const PARAM = "([A-Za-z0-9-]{1,64})";

export interface RouteMatch<H> {
  handler: H;
  /** The path's `:name` parts, in order. */
  params: string[];
}

/**
 * Finds the handler of a request among "METHOD /path/:param" keys. Literal paths are tried
 * before patterns (`/api/cohorts/join` is not a cohort id). `otherMethod`: the path exists but
 * not with this method (the caller may answer 405).
 */
export function createRouter<H>(handlers: Partial<Record<RouteKey, H>>): (method: string, path: string) => RouteMatch<H> | { otherMethod: boolean } {
  const routes = Object.entries(handlers as Record<string, H>).map(([key, handler]) => {
    const [method, path] = key.split(" ") as [string, string];
    const source = path
      .split("/")
      .map((seg) => (seg.startsWith(":") ? PARAM : seg.replace(/[.]/g, "\\.")))
      .join("/");
    return { method, pattern: new RegExp(`^${source}$`), literal: !path.includes(":"), handler };
  });
  routes.sort((a, b) => Number(b.literal) - Number(a.literal));
  return (method, path) => {
    let otherMethod = false;
    for (const route of routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        otherMethod = true;
        continue;
      }
      return { handler: route.handler, params: m.slice(1) };
    }
    return { otherMethod };
  };
}

export interface SessionCheckDeps {
  signer: SessionSigner;
  accounts: AccountStore;
  origins: OriginPolicy;
}

/**
 * The request's session, after the CSRF check (state-changing requests need our Origin and
 * the session's token in `x-kq-csrf`; see csrf.ts). Throws HttpError 401 / 403.
 */
export async function sessionOf(req: IncomingMessage, deps: SessionCheckDeps): Promise<SessionView> {
  // ensureSession ran before the APIs, so a signed session id is always present.
  const sessionId = sessionFromRequest(req, deps.signer);
  if (!sessionId) throw new HttpError(401, { code: "no-session", message: "No session.", action: "Reload the page (cookies must be enabled)." });
  const session = await deps.accounts.resolveSession(sessionId);
  const header = req.headers[CSRF_HEADER];
  const verdict = checkCsrf(
    { method: req.method, origin: req.headers.origin, host: req.headers.host, token: Array.isArray(header) ? header[0] : header },
    session.csrfToken,
    deps.origins,
  );
  if (!verdict.ok) {
    throw new HttpError(403, {
      code: "csrf",
      message: verdict.reason === "origin" ? "This request did not come from a KubeQuest page." : "This page's security token is missing or out of date.",
      action: "Reload the page and try again.",
    });
  }
  return session;
}
