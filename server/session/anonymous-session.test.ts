import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  SESSION_COOKIE,
  SessionSigner,
  ensureSession,
  loadSessionSecret,
  readCookie,
  sessionCookieHeader,
  sessionFromRequest,
} from "./anonymous-session";

const signer = new SessionSigner(Buffer.from("a".repeat(64)));
const id = "0b5d5c7e-6f2a-4c1d-9a55-2a3f4e5d6c7b";

describe("SessionSigner", () => {
  it("verifies what it signed", () => {
    const value = signer.sign(id);
    expect(value).toMatch(new RegExp(`^${id}\\.[A-Za-z0-9_-]{43}$`));
    expect(signer.verify(value)).toBe(id);
  });

  it("refuses a changed id, a changed or truncated signature, another secret and junk", () => {
    const value = signer.sign(id);
    const otherId = "1b5d5c7e-6f2a-4c1d-9a55-2a3f4e5d6c7b";
    expect(signer.verify(`${otherId}${value.slice(id.length)}`)).toBeNull();
    expect(signer.verify(`${value.slice(0, -1)}${value.endsWith("A") ? "B" : "A"}`)).toBeNull();
    expect(signer.verify(value.slice(0, -4))).toBeNull();
    expect(new SessionSigner(Buffer.from("b".repeat(64))).verify(value)).toBeNull();
    for (const junk of [undefined, "", "nodot", ".", `${id}.`, "../../etc.passwd", `${id.toUpperCase()}.${value.split(".")[1]}`]) {
      expect(signer.verify(junk)).toBeNull();
    }
  });

  it("refuses a signed value whose id is not a UUID", () => {
    expect(signer.verify(signer.sign("admin"))).toBeNull();
  });

  it("needs a long secret", () => {
    expect(() => new SessionSigner(Buffer.from("short"))).toThrow();
  });
});

describe("cookies", () => {
  it("reads one cookie among several", () => {
    expect(readCookie("a=1; kq_session=abc.def; b=2", SESSION_COOKIE)).toBe("abc.def");
    expect(readCookie("a=1", SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(undefined, SESSION_COOKIE)).toBeUndefined();
  });

  it("sets httpOnly, SameSite=Lax, Path=/, 30 days, and Secure only on HTTPS", () => {
    const plain = sessionCookieHeader("v", false);
    expect(plain).toBe("kq_session=v; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax");
    expect(sessionCookieHeader("v", true)).toBe(`${plain}; Secure`);
  });
});

function fakeExchange(headers: Record<string, string>, encrypted = false): { req: IncomingMessage; res: ServerResponse; set: () => string[] } {
  const stored: Record<string, unknown> = {};
  const req = { headers: { ...headers }, socket: { encrypted } } as unknown as IncomingMessage;
  const res = {
    getHeader: (n: string) => stored[n.toLowerCase()],
    setHeader: (n: string, v: unknown) => {
      stored[n.toLowerCase()] = v;
    },
  } as unknown as ServerResponse;
  return { req, res, set: () => (stored["set-cookie"] as string[] | undefined) ?? [] };
}

describe("ensureSession", () => {
  it("keeps a valid session and sets no cookie", () => {
    const { req, res, set } = fakeExchange({ cookie: `${SESSION_COOKIE}=${signer.sign(id)}` });
    expect(ensureSession(req, res, signer)).toBe(id);
    expect(set()).toEqual([]);
  });

  it("issues a new session for a missing or forged cookie, visible to the rest of the request", () => {
    const { req, res, set } = fakeExchange({ cookie: `theme=dark; ${SESSION_COOKIE}=${id}.forged` });
    const fresh = ensureSession(req, res, signer);
    expect(fresh).not.toBe(id);
    expect(set()).toHaveLength(1);
    expect(set()[0]).toMatch(/^kq_session=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}; Path=\/;/);
    expect(set()[0]).not.toContain("Secure");
    expect(sessionFromRequest(req, signer)).toBe(fresh);
    expect(req.headers.cookie).toContain("theme=dark");
  });

  it("marks the cookie Secure behind an HTTPS proxy", () => {
    const { req, res, set } = fakeExchange({ "x-forwarded-proto": "https" });
    ensureSession(req, res, signer);
    expect(set()[0]).toContain("; Secure");
  });
});

describe("loadSessionSecret", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it("generates a secret once, mode 0600, and reads it back", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-session-"));
    dirs.push(dir);
    const where = { sessionSecret: undefined, dataDir: dir };
    const first = loadSessionSecret(where);
    const file = path.join(dir, "session-secret");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadSessionSecret(where).equals(first)).toBe(true);
  });

  it("prefers the configured secret (KUBEQUEST_SESSION_SECRET) and refuses a short one", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-session-"));
    dirs.push(dir);
    const secret = "s".repeat(40);
    expect(loadSessionSecret({ sessionSecret: secret, dataDir: dir }).toString()).toBe(secret);
    expect(fs.existsSync(path.join(dir, "session-secret"))).toBe(false);
    expect(() => loadSessionSecret({ sessionSecret: "short", dataDir: dir })).toThrow(/at least 32/);
  });
});
