/**
 * Anonymous signed sessions: a learner is a random id in a cookie, signed with a server secret
 * so nobody can pick another learner's id (which names their namespace and terminal).
 *
 * Cookie `kq_session` = `<uuid>.<base64url HMAC-SHA256(uuid)>`, httpOnly, SameSite=Lax, Path=/,
 * Secure on HTTPS, 30 days.
 *
 * Node only.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { MIN_SESSION_SECRET_LENGTH } from "../config/server-config";

export const SESSION_COOKIE = "kq_session";
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
/** HMAC-SHA256 keys shorter than this are guessable; generated secrets are 32 random bytes. */
const MIN_SECRET_LENGTH = MIN_SESSION_SECRET_LENGTH;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The signing secret: `sessionSecret` (KUBEQUEST_SESSION_SECRET, validated by the configuration)
 * when set, else `<data dir>/session-secret`, generated once (mode 0600) so sessions survive
 * restarts. Secrets never live in the repository. Several instances must share one secret: the
 * start-up check in coordination/instance-registry.ts refuses an instance whose secret differs.
 */
export function loadSessionSecret(opts: { sessionSecret: string | undefined; dataDir: string }): Buffer {
  if (opts.sessionSecret !== undefined) {
    if (opts.sessionSecret.length < MIN_SECRET_LENGTH) {
      throw new Error(`KUBEQUEST_SESSION_SECRET must be at least ${MIN_SECRET_LENGTH} characters (for example: openssl rand -hex 32).`);
    }
    return Buffer.from(opts.sessionSecret, "utf8");
  }
  const dir = opts.dataDir;
  const file = path.join(dir, "session-secret");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    // "wx": two servers starting at once cannot both write; the loser reads the winner's secret.
    fs.writeFileSync(file, randomBytes(32).toString("hex"), { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const secret = fs.readFileSync(file, "utf8").trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`${file} holds a secret shorter than ${MIN_SECRET_LENGTH} characters; delete it to have a new one generated.`);
  }
  return Buffer.from(secret, "utf8");
}

export class SessionSigner {
  constructor(private readonly secret: Buffer) {
    if (secret.length < MIN_SECRET_LENGTH) throw new Error("session secret too short");
  }

  private mac(id: string): Buffer {
    return createHmac("sha256", this.secret).update(id).digest();
  }

  /**
   * Equal for signers with equal secrets and says nothing about the secret: instances compare
   * it to make sure they all sign with one secret (coordination/instance-registry.ts).
   */
  fingerprint(): string {
    return this.mac("kubequest: same session secret on every instance").toString("hex").slice(0, 32);
  }

  /** `<id>.<signature>`, the cookie's value. */
  sign(id: string): string {
    return `${id}.${this.mac(id).toString("base64url")}`;
  }

  /** The session id of a cookie value, or null when it is malformed or its signature is wrong. */
  verify(value: string | undefined): string | null {
    if (!value) return null;
    const dot = value.indexOf(".");
    if (dot < 0) return null;
    const id = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1), "base64url");
    if (!UUID.test(id)) return null;
    const expected = this.mac(id);
    // Equal lengths first: timingSafeEqual throws otherwise, and the length is no secret.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return id;
  }
}

/** The value of one cookie in a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The session id the request carries, or null. */
export function sessionFromRequest(req: Pick<IncomingMessage, "headers">, signer: SessionSigner): string | null {
  return signer.verify(readCookie(req.headers.cookie, SESSION_COOKIE));
}

/** HTTPS directly, or behind a proxy that says so. Only ever makes the cookie stricter. */
export function isHttps(req: Pick<IncomingMessage, "headers" | "socket">): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  const proto = req.headers["x-forwarded-proto"];
  return (Array.isArray(proto) ? proto[0] : proto)?.split(",")[0]?.trim() === "https";
}

export function sessionCookieHeader(value: string, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    "Path=/",
    `Max-Age=${SESSION_MAX_AGE_SECONDS}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

/**
 * The request's session id; when it has no valid one, a new session whose cookie is added to
 * the response (before anything else writes it).
 */
export function ensureSession(req: IncomingMessage, res: ServerResponse, signer: SessionSigner): string {
  const existing = sessionFromRequest(req, signer);
  if (existing) return existing;
  const id = randomUUID();
  const cookie = sessionCookieHeader(signer.sign(id), isHttps(req));
  const previous = res.getHeader("Set-Cookie");
  const list = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
  res.setHeader("Set-Cookie", [...list, cookie]);
  // Later code in the same request (Next's handlers) sees the new session, not the stale cookie.
  const others = (req.headers.cookie ?? "")
    .split(";")
    .map((p) => p.trim())
    .filter((p) => p !== "" && !p.startsWith(`${SESSION_COOKIE}=`));
  req.headers.cookie = [...others, `${SESSION_COOKIE}=${signer.sign(id)}`].join("; ");
  return id;
}
