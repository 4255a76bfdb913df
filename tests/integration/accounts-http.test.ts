// Accounts over real HTTP on loopback (the custom server, no Next build needed): sign-up,
// sign-in, sign-out, session expiry, the CSRF defence (Origin and session-bound token), the
// sign-in rate limits per username and per IP, profile, settings, export, deletion and the
// leaderboard; plus server-authoritative hints over the socket.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import type { LeaderboardView, ProfileView, SessionInfo } from "../../lib/protocol/account-api";
import type { ClientToServerEvents, LevelHelpState, Result, ServerToClientEvents } from "../../lib/protocol/socket-events";
import { openDatabase, type DatabaseHandle } from "../../server/database/database";
import { startKubeQuestServer, type KubeQuestServer } from "../../server/kubequest-server";
import { getLevelCatalog } from "../../server/levels/level-catalog";
import { levelRulesOf } from "../../server/progress/level-rules";
import { SESSION_COOKIE, SessionSigner, loadSessionSecret } from "../../server/session/anonymous-session";

const LEVEL = "headless-statefulset-dns";
const ACCOUNT_TTL_MS = 4_000;
let kq: KubeQuestServer;
let database: DatabaseHandle;
let dataDir: string;
let origin: string;

/** A browser in miniature: one cookie, the CSRF token, our Origin. */
class Browser {
  cookie = "";
  csrf = "";
  async call<T>(method: string, url: string, body?: unknown, opts: { origin?: string | null; csrf?: string | null } = {}) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.cookie) headers.cookie = this.cookie;
    const o = opts.origin === undefined ? origin : opts.origin;
    if (o) headers.origin = o;
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token && method !== "GET") headers["x-kq-csrf"] = token;
    const res = await fetch(`${kq.url}${url}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const set = res.headers.get("set-cookie");
    const value = set ? new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(set)?.[1] : undefined;
    if (value) this.cookie = `${SESSION_COOKIE}=${value}`;
    const json = (await res.json()) as T & { csrfToken?: string; error?: { code: string; message: string; action?: string } };
    if (json.csrfToken) this.csrf = json.csrfToken;
    return { status: res.status, json, headers: res.headers };
  }
  async session() {
    return (await this.call<SessionInfo>("GET", "/api/session")).json;
  }
}

async function newBrowser(): Promise<Browser> {
  const b = new Browser();
  await b.session();
  return b;
}

let counter = 0;
const uniqueName = () => `learner${Date.now().toString(36)}${counter++}`;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-accounts-"));
  database = await openDatabase({ dataDir });
  kq = await startKubeQuestServer({
    port: 0,
    host: "127.0.0.1",
    signer: new SessionSigner(loadSessionSecret({ KUBEQUEST_DATA_DIR: dataDir })),
    handle: async (_req, res) => {
      res.end("page");
    },
    database,
    signInLimits: { perUser: 3, perIp: 8, windowMs: 60_000 },
    accountSessionTtlMs: ACCOUNT_TTL_MS,
  });
  origin = kq.url;
});

afterAll(async () => {
  await kq?.close();
  await database?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("sign-up", () => {
  it("turns the anonymous learner into an account, keeping its progress, with a new session id", async () => {
    const b = await newBrowser();
    const before = await b.session();
    expect(before.account.username).toBeNull();
    const anonymousCookie = b.cookie;
    // Play before signing up: a pass recorded for the anonymous learner.
    const sessionId = new SessionSigner(loadSessionSecret({ KUBEQUEST_DATA_DIR: dataDir })).verify(anonymousCookie.split("=")[1])!;
    const learner = (await kq.services.accounts.resolveSession(sessionId)).learner;
    const rules = levelRulesOf((await getLevelCatalog()).get(LEVEL)!);
    await kq.services.progress.recordGrade(learner.id, rules, { round: "main", passed: true, results: [], durationMs: 5 });

    const name = uniqueName();
    const res = await b.call<SessionInfo>("POST", "/api/auth/sign-up", { username: name, password: "a good long password", displayName: "Ada" });
    expect(res.status).toBe(201);
    expect(res.json.account).toMatchObject({ username: name, displayName: "Ada", role: "learner", xp: 250 });
    expect(b.cookie).not.toBe(anonymousCookie);
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    // The old session id no longer signs anyone in (no session fixation).
    expect((await kq.services.accounts.resolveSession(sessionId)).learner.username).toBeNull();
  });

  it("explains invalid fields and taken usernames", async () => {
    const b = await newBrowser();
    const short = await b.call("POST", "/api/auth/sign-up", { username: uniqueName(), password: "short", displayName: "A" });
    expect(short.status).toBe(400);
    expect(short.json.error).toMatchObject({ code: "invalid-field", message: "Your password needs at least 10 characters." });
    const name = uniqueName();
    await (await newBrowser()).call("POST", "/api/auth/sign-up", { username: name, password: "a good long password", displayName: "A" });
    const taken = await b.call("POST", "/api/auth/sign-up", { username: name.toUpperCase(), password: "a good long password", displayName: "B" });
    expect(taken.status).toBe(409);
    expect(taken.json.error?.code).toBe("username-taken");
  });
});

describe("CSRF defence", () => {
  it("refuses state-changing requests without the session's token or from another origin", async () => {
    const b = await newBrowser();
    const body = { username: uniqueName(), password: "a good long password", displayName: "Eve" };
    const noToken = await b.call("POST", "/api/auth/sign-up", body, { csrf: null });
    expect(noToken.status).toBe(403);
    expect(noToken.json.error?.code).toBe("csrf");
    const otherSessionsToken = await (await newBrowser()).session();
    expect((await b.call("POST", "/api/auth/sign-up", body, { csrf: otherSessionsToken.csrfToken })).status).toBe(403);
    expect((await b.call("POST", "/api/auth/sign-up", body, { origin: "https://evil.example" })).status).toBe(403);
    expect((await b.call("POST", "/api/auth/sign-up", body, { origin: null })).status).toBe(403);
    // Nothing happened: still anonymous.
    expect((await b.session()).account.username).toBeNull();
    expect((await b.call("POST", "/api/auth/sign-up", body)).status).toBe(201);
  });
});

describe("sign-in, sign-out, expiry and rate limits", () => {
  const name = uniqueName();
  const password = "correct horse battery";

  beforeAll(async () => {
    const b = await newBrowser();
    expect((await b.call("POST", "/api/auth/sign-up", { username: name, password, displayName: "Grace" })).status).toBe(201);
  });

  it("signs in on another device with a new session bound to the account, and out again", async () => {
    const device = await newBrowser();
    const res = await device.call<SessionInfo>("POST", "/api/auth/sign-in", { username: name.toUpperCase(), password });
    expect(res.status).toBe(200);
    expect(res.json.account.username).toBe(name);
    expect((await device.session()).account.displayName).toBe("Grace");
    const out = await device.call<SessionInfo>("POST", "/api/auth/sign-out", {});
    expect(out.json.account.username).toBeNull();
    expect((await device.session()).account.username).toBeNull();
  });

  it("an account session expires", async () => {
    const device = await newBrowser();
    await device.call("POST", "/api/auth/sign-in", { username: name, password });
    expect((await device.session()).account.username).toBe(name);
    await new Promise((r) => setTimeout(r, ACCOUNT_TTL_MS + 500));
    expect((await device.session()).account.username).toBeNull();
    expect((await device.call("GET", "/api/profile/export")).json).toMatchObject({ learner: { username: null } });
  });

  it("limits sign-in attempts per username, then per IP", async () => {
    const b = await newBrowser();
    // perUser is 3: three wrong passwords are answered, the fourth attempt is refused even
    // with the right password.
    for (let i = 0; i < 3; i++) {
      const wrong = await b.call("POST", "/api/auth/sign-in", { username: name, password: "wrong password!" });
      expect(wrong.status).toBe(401);
      expect(wrong.json.error?.code).toBe("bad-credentials");
    }
    const limited = await b.call("POST", "/api/auth/sign-in", { username: name, password });
    expect(limited.status).toBe(429);
    expect(limited.json.error?.code).toBe("rate-limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // perIp is 8 over all usernames from 127.0.0.1 (two successful sign-ins above count too).
    let status = 0;
    for (let i = 0; i < 4 && status !== 429; i++) {
      status = (await b.call("POST", "/api/auth/sign-in", { username: uniqueName(), password: "whatever it is" })).status;
    }
    expect(status).toBe(429);
  });
});

describe("profile, settings, export, deletion and the leaderboard", () => {
  it("shows XP, achievements and place; hides the name when asked; exports; deletes", async () => {
    const b = await newBrowser();
    const name = uniqueName();
    await b.call("POST", "/api/auth/sign-up", { username: name, password: "a good long password", displayName: "Linus" });
    const learnerId = (await kq.services.accounts.learnerByUsername(name))!.id;
    const rules = levelRulesOf((await getLevelCatalog()).get(LEVEL)!);
    await kq.services.progress.recordGrade(learnerId, rules, { round: "main", passed: true, results: [], durationMs: 5 });

    const profile = (await b.call<ProfileView>("GET", "/api/profile")).json;
    expect(profile).toMatchObject({ account: { xp: 250 }, levelsPassed: 1 });
    // Level 30 is the only level of world 3 in the catalog so far: passing it completes the world.
    expect(profile.achievements.map((a) => a.id)).toEqual(["first-pass", "no-hints", "world-3-complete"]);
    expect(profile.place.allTime).toBeGreaterThan(0);

    let board = (await b.call<LeaderboardView>("GET", "/api/leaderboard?period=week")).json;
    expect(board.you).toMatchObject({ displayName: "Linus", xp: 250, you: true });
    expect(board.rows.some((r) => r.you)).toBe(true);

    expect((await b.call("PATCH", "/api/profile/settings", { publicOnLeaderboard: false })).status).toBe(200);
    board = (await b.call<LeaderboardView>("GET", "/api/leaderboard")).json;
    expect(board.you?.displayName).toBeNull();

    const exported = await b.call<{ learner: { username: string } }>("GET", "/api/profile/export");
    expect(exported.headers.get("content-disposition")).toMatch(/attachment/);
    expect(exported.json.learner.username).toBe(name);
    expect(JSON.stringify(exported.json)).not.toMatch(/scrypt\$/);

    expect((await b.call("DELETE", "/api/profile", { confirmUsername: "someone-else" })).status).toBe(400);
    expect((await b.call("DELETE", "/api/profile", { confirmUsername: name })).status).toBe(200);
    expect(await kq.services.accounts.learnerByUsername(name)).toBeNull();
    expect((await b.session()).account.username).toBeNull();
  });
});

describe("hints over the socket", () => {
  type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
  it("opens hints on the server, in order, and reveals the solution at the cost shown", async () => {
    const b = await newBrowser();
    const socket: Client = connect(kq.url, { transports: ["websocket"], extraHeaders: { cookie: b.cookie }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    const ask = <T>(event: string, payload: unknown) =>
      new Promise<Result<T>>((resolve) => (socket as unknown as { emit(e: string, p: unknown, a: (r: Result<T>) => void): void }).emit(event, payload, resolve));
    try {
      const start = await ask<LevelHelpState>("level:help", { levelId: LEVEL });
      expect(start).toMatchObject({ ok: true, value: { openedHints: [], worth: 250 } });
      const early = await ask<LevelHelpState>("hint:open", { levelId: LEVEL, index: 1 });
      expect(early).toMatchObject({ ok: false, error: { code: "hint-order" } });
      const first = await ask<LevelHelpState>("hint:open", { levelId: LEVEL, index: 0 });
      expect(first.ok && first.value.openedHints[0]).toMatch(/kubectl logs redis-1/);
      expect(first.ok && first.value.worth).toBe(225);
      expect(await ask("solution:reveal", { levelId: LEVEL })).toMatchObject({ ok: false, error: { code: "bad-payload" } });
      const solution = await ask<LevelHelpState>("solution:reveal", { levelId: LEVEL, confirmed: true });
      expect(solution).toMatchObject({ ok: true, value: { solutionRevealed: true, worth: 0 } });
      expect(solution.ok && solution.value.solution).toMatch(/clusterIP: None/);
    } finally {
      socket.disconnect();
    }
  });
});
