/**
 * KubeQuest's HTTP API as a program outside the browser speaks it (the `cohort:grade` CLI, the
 * benchmark, integration tests): one session cookie kept like a browser's cookie jar, the
 * session's CSRF token sent back on every state-changing request, and our Origin.
 *
 * Uses only `fetch`, so it runs on Node 20+ without dependencies.
 */
import type { ActionableError } from "../protocol/socket-events";

export const SESSION_COOKIE_NAME = "kq_session";

export interface ApiAnswer<T> {
  status: number;
  /** The parsed JSON body ({} when the answer was empty or not JSON). */
  json: T & { error?: ActionableError; csrfToken?: string };
  /** The raw body (CSV downloads, error pages). */
  text: string;
  headers: Headers;
}

export interface CallOptions {
  /** Origin header to send: default the server's own; null sends none (for CSRF tests). */
  origin?: string | null;
  /** CSRF token to send: default the session's; null sends none (for CSRF tests). */
  csrf?: string | null;
}

/** The server could not be reached at all (refused, DNS, reset): `reason` is the system's code. */
export class ServerUnreachableError extends Error {
  constructor(
    readonly origin: string,
    readonly reason: string,
  ) {
    super(`Cannot reach the KubeQuest server at ${origin} (${reason}).`);
    this.name = "ServerUnreachableError";
  }
}

export class SessionHttpClient {
  /** `kq_session=<signed id>`, or "" before the first answer that set it. */
  cookie = "";
  csrf = "";
  readonly origin: string;

  constructor(readonly baseUrl: string) {
    this.origin = new URL(baseUrl).origin;
  }

  async call<T>(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.cookie) headers.cookie = this.cookie;
    const origin = opts.origin === undefined ? this.origin : opts.origin;
    if (origin) headers.origin = origin;
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token && method !== "GET") headers["x-kq-csrf"] = token;
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (err) {
      const reason = (err as { cause?: { code?: string } }).cause?.code ?? (err instanceof Error ? err.message : String(err));
      throw new ServerUnreachableError(this.origin, reason);
    }
    const set = res.headers.get("set-cookie");
    const value = set ? new RegExp(`${SESSION_COOKIE_NAME}=([^;]+)`).exec(set)?.[1] : undefined;
    if (value) this.cookie = `${SESSION_COOKIE_NAME}=${value}`;
    const text = await res.text();
    let json = {} as ApiAnswer<T>["json"];
    if ((res.headers.get("content-type") ?? "").includes("application/json") && text) {
      json = JSON.parse(text) as ApiAnswer<T>["json"];
    }
    if (json.csrfToken) this.csrf = json.csrfToken;
    return { status: res.status, json, text, headers: res.headers };
  }
}
