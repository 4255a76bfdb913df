/**
 * The browser's side of the account API (`/api/...` on the same origin): GETs, and
 * state-changing requests that carry the session's CSRF token. Errors come back as values a
 * person can act on, never as thrown exceptions.
 *
 * Browser-only.
 */
import { CSRF_HEADER_NAME, type SessionInfo } from "@/lib/protocol/account-api";
import type { ActionableError, Result } from "@/lib/protocol/socket-events";

const networkError: ActionableError = {
  code: "network",
  message: "Could not reach the KubeQuest server.",
  action: "Check that the server is running and try again.",
};

let csrfToken: string | null = null;

async function parse<T>(res: Response): Promise<Result<T>> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { ok: false, error: { code: "bad-answer", message: "The server sent an answer this page does not understand.", action: "Reload the page." } };
  }
  if (!res.ok) {
    const error = (body as { error?: ActionableError }).error;
    return { ok: false, error: error ?? { code: `http-${res.status}`, message: `The server answered ${res.status}.`, action: "Try again." } };
  }
  const token = (body as { csrfToken?: unknown }).csrfToken;
  if (typeof token === "string") csrfToken = token;
  return { ok: true, value: body as T };
}

export async function apiGet<T>(url: string): Promise<Result<T>> {
  try {
    return await parse<T>(await fetch(url, { credentials: "same-origin", cache: "no-store" }));
  } catch {
    return { ok: false, error: networkError };
  }
}

export async function fetchSession(): Promise<Result<SessionInfo>> {
  return apiGet<SessionInfo>("/api/session");
}

/** POST/PATCH/DELETE with the CSRF token (fetched first when this page has none yet). */
export async function apiSend<T>(method: "POST" | "PATCH" | "DELETE", url: string, body: unknown = {}): Promise<Result<T>> {
  if (csrfToken === null) {
    const session = await fetchSession();
    if (!session.ok) return session;
  }
  try {
    const res = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "content-type": "application/json", [CSRF_HEADER_NAME]: csrfToken ?? "" },
      body: JSON.stringify(body),
    });
    return await parse<T>(res);
  } catch {
    return { ok: false, error: networkError };
  }
}
