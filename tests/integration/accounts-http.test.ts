// Accounts over real HTTP on loopback (the custom server, no Next build needed): sign-up,
// sign-in, sign-out, session expiry, the CSRF defence (Origin and session-bound token), the
// sign-in rate limits per username and per IP, profile, settings, export, deletion and the
// leaderboard; plus server-authoritative hints over the socket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LeaderboardView, ProfileView, SessionInfo } from "../../lib/protocol/account-api";
import type { LevelHelpState } from "../../lib/protocol/socket-events";
import { getLevelCatalog } from "../../server/levels/level-catalog";
import { levelRulesOf } from "../../server/progress/level-rules";
import { ask, connected, startTestServer, type TestBrowser, type TestServer } from "./support/test-server";

const LEVEL = "headless-statefulset-dns";
const ACCOUNT_TTL_MS = 4_000;
const SIGN_IN_WINDOW_MS = 60_000;
let server: TestServer;

const newBrowser = (): Promise<TestBrowser> => server.browser();

let counter = 0;
const uniqueName = () => `learner${Date.now().toString(36)}${counter++}`;

beforeAll(async () => {
  server = await startTestServer({
    name: "kq-accounts-",
    signInLimits: { perUser: 3, perIp: 8, windowMs: SIGN_IN_WINDOW_MS },
    accountSessionTtlMs: ACCOUNT_TTL_MS,
  });
});

afterAll(async () => {
  await server?.close();
});

describe("sign-up", () => {
  it("turns the anonymous learner into an account, keeping its progress, with a new session id", async () => {
    const b = await newBrowser();
    const before = await b.session();
    expect(before.account.username).toBeNull();
    const anonymousCookie = b.cookie;
    // Play before signing up: a pass recorded for the anonymous learner.
    const sessionId = server.signer.verify(anonymousCookie.split("=")[1])!;
    const learner = (await server.kq.services.accounts.resolveSession(sessionId)).learner;
    const rules = levelRulesOf((await getLevelCatalog()).get(LEVEL)!);
    await server.kq.services.progress.recordGrade(learner.id, rules, { round: "main", passed: true, results: [], durationMs: 5 });

    const name = uniqueName();
    const res = await b.call<SessionInfo>("POST", "/api/auth/sign-up", { username: name, password: "a good long password", displayName: "Ada" });
    expect(res.status).toBe(201);
    expect(res.json.account).toMatchObject({ username: name, displayName: "Ada", role: "learner", xp: 250 });
    expect(b.cookie).not.toBe(anonymousCookie);
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    // The old session id no longer signs anyone in (no session fixation).
    expect((await server.kq.services.accounts.resolveSession(sessionId)).learner.username).toBeNull();
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
    // The limits count in fixed windows aligned to the clock (multiples of windowMs): a window
    // ending mid-test would reset the counts, so start well inside one.
    const intoWindow = Date.now() % SIGN_IN_WINDOW_MS;
    if (SIGN_IN_WINDOW_MS - intoWindow < 20_000) await new Promise((r) => setTimeout(r, SIGN_IN_WINDOW_MS - intoWindow + 100));
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
    // perIp is 8 over all usernames from 127.0.0.1: this window already holds the 4 attempts
    // above (and the earlier tests' sign-ins if they fell in it), so at most 5 more reach it.
    let status = 0;
    let tries = 0;
    while (tries < 5 && status !== 429) {
      tries++;
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
    const learnerId = (await server.kq.services.accounts.learnerByUsername(name))!.id;
    const rules = levelRulesOf((await getLevelCatalog()).get(LEVEL)!);
    await server.kq.services.progress.recordGrade(learnerId, rules, { round: "main", passed: true, results: [], durationMs: 5 });

    let profile = (await b.call<ProfileView>("GET", "/api/profile")).json;
    expect(profile).toMatchObject({ account: { xp: 250 }, levelsPassed: 1 });
    // World 3 has Levels 30 and 31: one of them does not complete it, both do.
    expect(profile.achievements.map((a) => a.id)).toEqual(["first-pass", "no-hints"]);
    const level31 = levelRulesOf((await getLevelCatalog()).get("clusterip-and-headless")!);
    await server.kq.services.progress.recordGrade(learnerId, level31, { round: "main", passed: true, results: [], durationMs: 5 });
    profile = (await b.call<ProfileView>("GET", "/api/profile")).json;
    expect(profile).toMatchObject({ account: { xp: 450 }, levelsPassed: 2 });
    expect(profile.achievements.map((a) => a.id)).toEqual(["first-pass", "no-hints", "world-3-complete"]);
    expect(profile.place.allTime).toBeGreaterThan(0);

    let board = (await b.call<LeaderboardView>("GET", "/api/leaderboard?period=week")).json;
    expect(board.you).toMatchObject({ displayName: "Linus", xp: 450, you: true });
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
    expect(await server.kq.services.accounts.learnerByUsername(name)).toBeNull();
    expect((await b.session()).account.username).toBeNull();
  });
});

describe("instructor invitations", () => {
  it("lets an instructor invite an instructor with a single-use sign-up token, and nobody else", async () => {
    const teacher = await newBrowser();
    const teacherName = uniqueName();
    await teacher.call("POST", "/api/auth/sign-up", { username: teacherName, password: "a good long password", displayName: "Teacher" });
    const learner = await newBrowser();
    await learner.call("POST", "/api/auth/sign-up", { username: uniqueName(), password: "a good long password", displayName: "Learner" });
    const anonymous = await newBrowser();

    // Before the promotion the same account is refused, as are a learner and an anonymous visitor.
    expect(await teacher.call("POST", "/api/instructor/invites")).toMatchObject({ status: 403, json: { error: { code: "not-instructor" } } });
    expect(await learner.call("POST", "/api/instructor/invites")).toMatchObject({ status: 403, json: { error: { code: "not-instructor" } } });
    expect(await anonymous.call("POST", "/api/instructor/invites")).toMatchObject({ status: 401, json: { error: { code: "not-signed-in" } } });
    // Without the session's CSRF token, even an instructor is refused.
    await server.kq.services.accounts.setRole((await server.kq.services.accounts.learnerByUsername(teacherName))!.id, "instructor");
    expect((await teacher.call("POST", "/api/instructor/invites", {}, { csrf: null })).status).toBe(403);

    const made = await teacher.call<{ invite: string }>("POST", "/api/instructor/invites");
    expect(made.status).toBe(201);
    expect(made.json.invite).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    // A taken username does not use the invitation up.
    const colleague = await newBrowser();
    const taken = await colleague.call("POST", "/api/auth/sign-up", { username: teacherName, password: "a good long password", displayName: "C", invite: made.json.invite });
    expect(taken.json.error?.code).toBe("username-taken");

    const colleagueName = uniqueName();
    const joined = await colleague.call<SessionInfo>("POST", "/api/auth/sign-up", { username: colleagueName, password: "a good long password", displayName: "Colleague", invite: made.json.invite });
    expect(joined.status).toBe(201);
    expect(joined.json.account).toMatchObject({ username: colleagueName, role: "instructor" });

    // Single use: the same token again, or a made-up one, is refused with a way forward.
    const again = await (await newBrowser()).call("POST", "/api/auth/sign-up", { username: uniqueName(), password: "a good long password", displayName: "D", invite: made.json.invite });
    expect(again).toMatchObject({ status: 400, json: { error: { code: "bad-invite", action: expect.stringMatching(/new invitation/) } } });
    const forged = await (await newBrowser()).call("POST", "/api/auth/sign-up", { username: uniqueName(), password: "a good long password", displayName: "E", invite: "not-a-real-invitation" });
    expect(forged.json.error?.code).toBe("bad-invite");
  });
});

describe("hints over the socket", () => {
  it("opens hints on the server, in order, and reveals the solution at the cost shown", async () => {
    const b = await newBrowser();
    const socket = server.socket({ cookie: b.cookie });
    await connected(socket);
    try {
      const start = await ask<LevelHelpState>(socket, "level:help", { levelId: LEVEL });
      expect(start).toMatchObject({ ok: true, value: { openedHints: [], worth: 250 } });
      const early = await ask<LevelHelpState>(socket, "hint:open", { levelId: LEVEL, index: 1 });
      expect(early).toMatchObject({ ok: false, error: { code: "hint-order" } });
      const first = await ask<LevelHelpState>(socket, "hint:open", { levelId: LEVEL, index: 0 });
      expect(first.ok && first.value.openedHints[0]).toMatch(/kubectl logs redis-1/);
      expect(first.ok && first.value.worth).toBe(225);
      expect(await ask(socket, "solution:reveal", { levelId: LEVEL })).toMatchObject({ ok: false, error: { code: "bad-payload" } });
      const solution = await ask<LevelHelpState>(socket, "solution:reveal", { levelId: LEVEL, confirmed: true });
      expect(solution).toMatchObject({ ok: true, value: { solutionRevealed: true, worth: 0 } });
      expect(solution.ok && solution.value.solution).toMatch(/clusterIP: None/);
    } finally {
      socket.disconnect();
    }
  });
});
