// The instructor dashboard's server end to end: the real server on loopback with its own SQLite
// database, the real kind cluster, accounts made through the real sign-up API, sockets and HTTP
// as a browser uses them. Proves the server side of issue 5's "Done when":
// (a) an instructor sees a learner's start (before their environment is ready), hint and grade
//     as a live roster row (how fast: `npm run bench`'s roster section, p95 ≤ 1 s);
// (b) a learner, an anonymous visitor and an instructor of another cohort are refused every
//     dashboard route and socket event (one table each, typed so a new route or event without
//     an entry does not compile), and state changes without the CSRF token are refused;
// (c) an instructor's reset restores the broken Service and is written to the audit log;
// (d) grading the cohort gives the same per-check verdicts as each learner's own grade;
// (e) the command line prints the same table.
// Also: what one cohort's instructor sees of a learner is that cohort's (recordings since joining,
// no other instructor's grades); an instructor cannot join their own cohort; the leaderboard
// lists only the viewer's cohorts; a reset waits for no grade and builds nothing new; watching
// a learner stops at their leave or the instructor's sign-out, and learner:unwatch always leaves.
import { execFile } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  AuditAppended,
  AuditEntry,
  CohortAnalytics,
  CohortGradeProgress,
  CohortGradeResult,
  CohortInvitePreview,
  CohortSummary,
  LearnerDetail,
  LearnerWatchState,
  Membership,
  RosterRow,
  RosterRowChanged,
  RosterView,
  TerminalRecording,
} from "../../lib/protocol/instructor-api";
import type {
  EnvironmentStatus,
  GradeFinished,
  GradeStarted,
  LevelHelpState,
  TerminalOpened,
} from "../../lib/protocol/socket-events";
import type { ClientToServerEvents } from "../../lib/protocol/socket-event-maps";
import type { LeaderboardView } from "../../lib/protocol/account-api";
import { COHORT_API_ROUTES } from "../../server/http/cohort-api";
import { kubectl } from "./support/kubectl";
import { roundTrip } from "./support/socket-round-trip";
import { ask, connected, nextEvent, startTestServer, type TestBrowser, type TestServer, type TestSocket } from "./support/test-server";

const LEVEL = "headless-statefulset-dns";
const SOLUTION = fs.readFileSync("levels/03-networking-and-services/30-headless-statefulset-dns/solution/service.yaml", "utf8");
const PASSWORD = "correct horse battery 42";

interface Person {
  browser: TestBrowser;
  id: string;
  username: string;
  socket: TestSocket;
}

let server: TestServer;
let teacher: Person;
let rival: Person;
/** Ada fixes the level; Bob leaves it broken (and has a display name a spreadsheet would run). */
let ada: Person;
let bob: Person;
/** In the rival's cohort only. */
let dora: Person;
let anonymous: { browser: TestBrowser; socket: TestSocket };
let cohort: CohortSummary;
let rivalCohort: CohortSummary;

/** Every roster row the teacher's socket receives, with its arrival time. */
const rosterRows: { at: number; row: RosterRow }[] = [];
const gradeProgress: CohortGradeProgress[] = [];
const auditPushed: AuditAppended[] = [];
/** Dashboard events that reached a socket that must never get any. */
const leaked: string[] = [];

let counter = 0;
async function person(displayName: string, role: "learner" | "instructor" = "learner"): Promise<Person> {
  const browser = await server.browser();
  const username = `dash${Date.now().toString(36)}${counter++}`;
  const signUp = await browser.call("POST", "/api/auth/sign-up", { username, password: PASSWORD, displayName });
  expect(signUp.status).toBe(201);
  const id = (await server.kq.services.accounts.learnerByUsername(username))!.id;
  if (role === "instructor") await server.kq.services.accounts.setRole(id, "instructor");
  const socket = server.socket({ cookie: browser.cookie });
  await connected(socket);
  return { browser, id, username, socket };
}

function watchForLeaks(name: string, socket: TestSocket): void {
  for (const event of ["cohort:roster-row", "cohort:grade-progress", "cohort:audit"] as const) {
    socket.on(event, () => leaked.push(`${name} got ${event}`));
  }
}

/**
 * The first roster row since `since` that satisfies `match`, waiting up to `timeoutMs` (a bound
 * against hanging, not a speed target: that is `npm run bench`'s roster section).
 */
async function rosterRowSince(since: number, match: (row: RosterRow) => boolean, timeoutMs = 30_000): Promise<{ at: number; row: RosterRow }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = rosterRows.find((r) => r.at >= since && match(r.row));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching roster row within ${timeoutMs} ms; got ${JSON.stringify(rosterRows.filter((r) => r.at >= since).map((r) => r.row))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function namespaceOf(p: Person): Promise<string> {
  return server.kq.services.environments.namespaceOf(p.id, LEVEL);
}

async function gradeUntilFinished(socket: TestSocket): Promise<GradeFinished> {
  for (;;) {
    const r = await ask<GradeFinished>(socket, "grade:run", { levelId: LEVEL });
    if (r.ok) return r.value;
    if (r.error.code !== "grading-in-progress") throw new Error(r.error.message);
    await new Promise((res) => setTimeout(res, 1000));
  }
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "node_modules/.bin/tsx",
      ["scripts/cohort-grade.ts", ...args],
      // Only what the CLI needs: the credentials come from the environment, as documented.
      { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "test", ...env }, timeout: 300_000, encoding: "utf8" },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  server = await startTestServer({ name: "kq-dashboard-", rateLimit: { capacity: 100, perMs: 10_000 } });
  teacher = await person("Ms Teacher", "instructor");
  rival = await person("Mr Rival", "instructor");
  ada = await person("Ada");
  bob = await person('@bob, the "builder"');
  dora = await person("Dora");
  const anonBrowser = await server.browser();
  anonymous = { browser: anonBrowser, socket: server.socket({ cookie: anonBrowser.cookie }) };
  await connected(anonymous.socket);
  for (const [name, p] of [["ada", ada.socket], ["bob", bob.socket], ["dora", dora.socket], ["rival", rival.socket], ["anonymous", anonymous.socket]] as const) watchForLeaks(name, p);

  teacher.socket.on("cohort:roster-row", (changed: RosterRowChanged) => rosterRows.push({ at: Date.now(), row: changed.row }));
  teacher.socket.on("cohort:grade-progress", (p) => gradeProgress.push(p));
  teacher.socket.on("cohort:audit", (a) => auditPushed.push(a));
});

afterAll(async () => {
  // Delete every environment this file started, whatever happened above.
  // Dora's only if a refused reset built one anyway.
  for (const p of [ada, bob, dora]) if (p) await server.kq.services.environments.abandon(p.id, LEVEL).catch(() => undefined);
  await server?.close();
});

describe("cohorts and membership", () => {
  it("lets an instructor create a cohort with an invite code, and learners join it by code", async () => {
    const created = await teacher.browser.call<CohortSummary>("POST", "/api/cohorts", { name: "Tuesday class" });
    expect(created.status).toBe(201);
    cohort = created.json;
    expect(cohort).toMatchObject({ name: "Tuesday class", members: 0, inviteCode: expect.stringMatching(/^[23456789A-HJKMNP-Z]{8}$/) });
    rivalCohort = (await rival.browser.call<CohortSummary>("POST", "/api/cohorts", { name: "Rival class" })).json;
    expect((await teacher.browser.call("POST", "/api/cohorts", { name: "  " })).json.error).toMatchObject({ code: "invalid-field", message: "Give the cohort a name." });

    // The teacher watches the roster from the start.
    const watched = await ask<RosterView>(teacher.socket, "cohort:watch", { cohortId: cohort.id });
    expect(watched).toMatchObject({ ok: true, value: { cohort: { id: cohort.id }, rows: [], levels: [{ id: LEVEL, number: 30 }, { id: "clusterip-and-headless", number: 31 }] } });

    expect((await ada.browser.call<CohortInvitePreview>("GET", `/api/cohort-invites/${cohort.inviteCode.toLowerCase()}`)).json).toEqual({ name: "Tuesday class", instructorName: "Ms Teacher" });
    const since = Date.now();
    for (const p of [ada, bob]) {
      const joined = await p.browser.call<{ membership: Membership }>("POST", "/api/cohorts/join", { code: cohort.inviteCode });
      expect(joined.status).toBe(200);
      expect(joined.json.membership).toMatchObject({ cohortId: cohort.id, name: "Tuesday class", instructorName: "Ms Teacher" });
    }
    expect((await dora.browser.call("POST", "/api/cohorts/join", { code: rivalCohort.inviteCode })).status).toBe(200);
    // The roster shows a joining learner live.
    await rosterRowSince(since, (r) => r.learnerId === bob.id && r.state === "not-started");
    expect((await ada.browser.call<{ memberships: Membership[] }>("GET", "/api/memberships")).json.memberships.map((m) => m.cohortId)).toEqual([cohort.id]);

    const list = await teacher.browser.call<{ cohorts: CohortSummary[] }>("GET", "/api/cohorts");
    expect(list.json.cohorts).toEqual([{ ...cohort, members: 2 }]);
  });

  it("rotates the invite code (the old one stops working), and a learner can leave", async () => {
    const old = cohort.inviteCode;
    const rotated = await teacher.browser.call<CohortSummary>("POST", `/api/cohorts/${cohort.id}/invite`);
    expect(rotated.status).toBe(200);
    expect(rotated.json.inviteCode).not.toBe(old);
    cohort = rotated.json;
    expect((await dora.browser.call("GET", `/api/cohort-invites/${old}`)).json.error).toMatchObject({ code: "invite-not-found" });
    expect((await dora.browser.call("POST", "/api/cohorts/join", { code: old })).status).toBe(404);
    expect((await dora.browser.call("POST", "/api/cohorts/join", { code: "nope" })).json.error).toMatchObject({ code: "invalid-field" });
    // Anonymous visitors must sign up before joining.
    expect((await anonymous.browser.call("POST", "/api/cohorts/join", { code: cohort.inviteCode })).json.error).toMatchObject({ code: "not-signed-in" });

    const carl = await person("Carl");
    expect((await carl.browser.call("POST", "/api/cohorts/join", { code: cohort.inviteCode })).status).toBe(200);
    expect((await carl.browser.call("DELETE", `/api/memberships/${cohort.id}`)).status).toBe(204);
    expect((await carl.browser.call("DELETE", `/api/memberships/${cohort.id}`)).json.error).toMatchObject({ code: "membership-not-found" });
    const roster = await teacher.browser.call<RosterView>("GET", `/api/cohorts/${cohort.id}/roster`);
    expect(roster.json.rows.map((r) => r.name)).toEqual(["Ada", '@bob, the "builder"']);

    const audit = (await teacher.browser.call<{ entries: AuditEntry[] }>("GET", `/api/cohorts/${cohort.id}/audit`)).json.entries;
    expect(audit.slice(0, 3).map((e) => [e.action, e.actorName])).toEqual([
      ["cohort.leave", "Carl"],
      ["cohort.join", "Carl"],
      ["cohort.invite-rotated", "Ms Teacher"],
    ]);
    expect(audit.at(-1)).toMatchObject({ action: "cohort.create", actorId: teacher.id });
    expect(auditPushed.some((a) => a.entry.action === "cohort.leave" && a.cohortId === cohort.id)).toBe(true);
  });

  it("refuses an instructor joining their own cohort (they would be recorded and listed as a learner)", async () => {
    const own = await teacher.browser.call("POST", "/api/cohorts/join", { code: cohort.inviteCode });
    expect([own.status, own.json.error?.code]).toEqual([409, "own-cohort"]);
    expect(own.json.error?.action).toContain("Share the invite link");
    expect((await teacher.browser.call<{ memberships: Membership[] }>("GET", "/api/memberships")).json.memberships).toEqual([]);
    expect((await teacher.browser.call<RosterView>("GET", `/api/cohorts/${cohort.id}/roster`)).json.rows.map((r) => r.learnerId)).not.toContain(teacher.id);
  });

  it("shows the leaderboard's cohort list and filter only for the viewer's own cohorts", async () => {
    const board = async (b: TestBrowser, query = "") => (await b.call<LeaderboardView>("GET", `/api/leaderboard${query}`)).json;
    // A member and the instructor see their cohort; Dora (the rival's class) and an anonymous visitor do not.
    expect((await board(ada.browser)).cohorts.map((c) => c.id)).toEqual([cohort.id]);
    expect((await board(teacher.browser)).cohorts.map((c) => c.id)).toEqual([cohort.id]);
    expect((await board(dora.browser)).cohorts.map((c) => c.id)).toEqual([rivalCohort.id]);
    expect((await board(anonymous.browser)).cohorts).toEqual([]);
    // Naming another cohort's id is treated as no cohort: neither its name nor its members show.
    const foreign = await board(dora.browser, `?cohort=${cohort.id}`);
    expect(foreign.cohort).toBeNull();
    expect(JSON.stringify(foreign)).not.toContain("Tuesday class");
    expect((await board(ada.browser, `?cohort=${cohort.id}`)).cohort).toEqual({ id: cohort.id, name: "Tuesday class" });
  });
});

describe("(b) access: every dashboard route and event refuses learners, anonymous visitors and other instructors", () => {
  type RouteKey = (typeof COHORT_API_ROUTES)[number];
  /**
   * How each route is called and who may call it: `owner` routes answer only the cohort's
   * instructor, `instructor` routes any instructor (their own cohorts), `member` routes also
   * name a learner who must be in the cohort, `anyone` routes any session.
   */
  const ROUTES: Record<RouteKey, { who: "owner" | "member" | "instructor" | "anyone"; call: (cohortId: string, learnerId: string) => [string, string, unknown?] }> = {
    "GET /api/cohorts": { who: "instructor", call: () => ["GET", "/api/cohorts"] },
    "POST /api/cohorts": { who: "instructor", call: () => ["POST", "/api/cohorts", { name: "Sneaky" }] },
    "POST /api/cohorts/:id/invite": { who: "owner", call: (c) => ["POST", `/api/cohorts/${c}/invite`] },
    "GET /api/cohorts/:id/roster": { who: "owner", call: (c) => ["GET", `/api/cohorts/${c}/roster`] },
    "GET /api/cohorts/:id/learners/:learnerId": { who: "member", call: (c, l) => ["GET", `/api/cohorts/${c}/learners/${l}`] },
    "GET /api/cohorts/:id/learners/:learnerId/recordings/:recordingId": {
      who: "member",
      call: (c, l) => ["GET", `/api/cohorts/${c}/learners/${l}/recordings/00000000-0000-4000-8000-000000000000`],
    },
    "POST /api/cohorts/:id/learners/:learnerId/grade": { who: "member", call: (c, l) => ["POST", `/api/cohorts/${c}/learners/${l}/grade`, { levelId: LEVEL }] },
    "POST /api/cohorts/:id/learners/:learnerId/reset": { who: "member", call: (c, l) => ["POST", `/api/cohorts/${c}/learners/${l}/reset`, { levelId: LEVEL, confirmed: true }] },
    "POST /api/cohorts/:id/grade": { who: "owner", call: (c) => ["POST", `/api/cohorts/${c}/grade`, {}] },
    "GET /api/cohorts/:id/analytics": { who: "owner", call: (c) => ["GET", `/api/cohorts/${c}/analytics`] },
    "GET /api/cohorts/:id/analytics.csv": { who: "owner", call: (c) => ["GET", `/api/cohorts/${c}/analytics.csv?table=learners`] },
    "GET /api/cohorts/:id/audit": { who: "owner", call: (c) => ["GET", `/api/cohorts/${c}/audit`] },
    "GET /api/cohort-invites/:code": { who: "anyone", call: () => ["GET", `/api/cohort-invites/${cohort.inviteCode}`] },
    "POST /api/cohorts/join": { who: "anyone", call: () => ["POST", "/api/cohorts/join", { code: cohort.inviteCode }] },
    "GET /api/memberships": { who: "anyone", call: () => ["GET", "/api/memberships"] },
    "DELETE /api/memberships/:cohortId": { who: "anyone", call: (c) => ["DELETE", `/api/memberships/${c}`] },
  };

  type DashboardEvent = Extract<keyof ClientToServerEvents, `cohort:${string}` | `learner:${string}`>;
  const EVENTS: Record<DashboardEvent, { member: boolean; payload: (cohortId: string, learnerId: string) => unknown }> = {
    "cohort:watch": { member: false, payload: (cohortId) => ({ cohortId }) },
    "cohort:unwatch": { member: false, payload: (cohortId) => ({ cohortId }) },
    "learner:watch": { member: true, payload: (cohortId, learnerId) => ({ cohortId, learnerId, levelId: LEVEL }) },
    "learner:unwatch": { member: true, payload: (cohortId, learnerId) => ({ cohortId, learnerId, levelId: LEVEL }) },
  };

  it("covers every route the API serves", () => {
    expect(Object.keys(ROUTES).sort()).toEqual([...COHORT_API_ROUTES].sort());
  });

  it.each(Object.entries(ROUTES).filter(([, r]) => r.who !== "anyone"))("%s: learner and anonymous → 403 not-instructor", async (_key, route) => {
    for (const browser of [ada.browser, anonymous.browser]) {
      const [method, path, body] = route.call(cohort.id, ada.id);
      const answer = await browser.call(method, path, body);
      expect([answer.status, answer.json.error?.code]).toEqual([403, "not-instructor"]);
    }
  });

  it.each(Object.entries(ROUTES).filter(([, r]) => r.who === "owner" || r.who === "member"))("%s: another cohort's instructor → 404 cohort-not-found", async (_key, route) => {
    const [method, path, body] = route.call(cohort.id, ada.id);
    const answer = await rival.browser.call(method, path, body);
    expect([answer.status, answer.json.error?.code]).toEqual([404, "cohort-not-found"]);
    // A made-up cohort id answers the same: existence is not revealed.
    const [m2, p2, b2] = route.call("00000000-0000-4000-8000-000000000000", ada.id);
    expect((await rival.browser.call(m2, p2, b2)).json.error?.code).toBe("cohort-not-found");
  });

  it.each(Object.entries(ROUTES).filter(([, r]) => r.who === "member"))("%s: the owner asking about a learner of another cohort → 404 learner-not-found", async (_key, route) => {
    const [method, path, body] = route.call(cohort.id, dora.id);
    const answer = await teacher.browser.call(method, path, body);
    expect([answer.status, answer.json.error?.code]).toEqual([404, "learner-not-found"]);
  });

  it.each(Object.entries(ROUTES).filter(([key]) => !key.startsWith("GET ")))("%s: refused without the CSRF token or from a foreign Origin", async (_key, route) => {
    const [method, path, body] = route.call(cohort.id, ada.id);
    const noToken = await teacher.browser.call(method, path, body, { csrf: null });
    expect([noToken.status, noToken.json.error?.code]).toEqual([403, "csrf"]);
    const foreign = await teacher.browser.call(method, path, body, { origin: "http://evil.example" });
    expect([foreign.status, foreign.json.error?.code]).toEqual([403, "csrf"]);
  });

  it.each(Object.entries(EVENTS))("socket %s: learner and anonymous → not-instructor, another instructor → cohort-not-found", async (event, spec) => {
    const payload = spec.payload(cohort.id, ada.id);
    for (const socket of [ada.socket, anonymous.socket]) {
      expect(await ask(socket, event as DashboardEvent, payload, 10_000)).toMatchObject({ ok: false, error: { code: "not-instructor" } });
    }
    expect(await ask(rival.socket, event as DashboardEvent, payload, 10_000)).toMatchObject({ ok: false, error: { code: "cohort-not-found" } });
    if (spec.member) {
      expect(await ask(teacher.socket, event as DashboardEvent, spec.payload(cohort.id, dora.id), 10_000)).toMatchObject({ ok: false, error: { code: "learner-not-found" } });
    }
    // The rival's own cohort works: the refusals above are about ownership, not a broken event.
    if (!spec.member) expect(await ask(rival.socket, event as DashboardEvent, spec.payload(rivalCohort.id, dora.id), 10_000)).toMatchObject({ ok: true });
    expect(await ask(teacher.socket, event as DashboardEvent, { cohortId: "bad id!" }, 10_000)).toMatchObject({ ok: false, error: { code: "bad-payload" } });
  });

  it("the owner is answered (positive control)", async () => {
    for (const key of ["GET /api/cohorts/:id/roster", "GET /api/cohorts/:id/learners/:learnerId", "GET /api/cohorts/:id/analytics", "GET /api/cohorts/:id/audit"] as const) {
      const [method, path] = ROUTES[key].call(cohort.id, ada.id);
      expect((await teacher.browser.call(method, path)).status, key).toBe(200);
    }
    // The rival got its cohort's watch back above; it must not stay watching for the leak check.
    expect(await ask(rival.socket, "cohort:unwatch", { cohortId: rivalCohort.id })).toMatchObject({ ok: true });
  });
});

describe("access is checked on every event, not remembered", () => {
  it("sends the cohort's events to a signed-out tab no more: signing out disconnects it", async () => {
    const tab = await server.browser();
    expect((await tab.call("POST", "/api/auth/sign-in", { username: teacher.username, password: PASSWORD })).status).toBe(200);
    const socket = server.socket({ cookie: tab.cookie });
    await connected(socket);
    const received: string[] = [];
    socket.on("cohort:audit", (a) => received.push(a.entry.detail));
    expect(await ask(socket, "cohort:watch", { cohortId: cohort.id })).toMatchObject({ ok: true });

    const first = nextEvent(socket, "cohort:audit");
    cohort = (await teacher.browser.call<CohortSummary>("POST", `/api/cohorts/${cohort.id}/invite`)).json;
    await first;
    expect(received).toHaveLength(1);

    // Signed out in that tab: the server disconnects that session's sockets (the positive
    // signal: a disconnected socket is sent nothing), and the next event reaches the teacher only.
    const gone = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
    expect((await tab.call("POST", "/api/auth/sign-out")).status).toBe(200);
    expect(await gone).toBe("io server disconnect");
    const teacherHeard = nextEvent(teacher.socket, "cohort:audit");
    cohort = (await teacher.browser.call<CohortSummary>("POST", `/api/cohorts/${cohort.id}/invite`)).json;
    await teacherHeard;
    expect(received).toHaveLength(1);
  });

  it("stops sending the cohort's events to a tab that stays connected once its account is no longer an instructor", async () => {
    const tab = await server.browser();
    expect((await tab.call("POST", "/api/auth/sign-in", { username: teacher.username, password: PASSWORD })).status).toBe(200);
    const socket = server.socket({ cookie: tab.cookie });
    await connected(socket);
    const received: string[] = [];
    socket.on("cohort:audit", (a) => received.push(a.entry.action));
    expect(await ask(socket, "cohort:watch", { cohortId: cohort.id })).toMatchObject({ ok: true });

    // Demoted while watching (an operator's change in the database): the socket keeps its session.
    await server.kq.services.accounts.setRole(teacher.id, "learner");
    const eve = await person("Eve");
    try {
      expect((await eve.browser.call("POST", "/api/cohorts/join", { code: cohort.inviteCode })).status).toBe(200);
      expect((await eve.browser.call("DELETE", `/api/memberships/${cohort.id}`)).status).toBe(204);
      // Every send is done (delivered or refused), and everything sent to the tab has arrived.
      await server.kq.eventsSent();
      await roundTrip(socket);
      expect(received).toEqual([]);
    } finally {
      await server.kq.services.accounts.setRole(teacher.id, "instructor");
      // The refused sends took the teacher's own socket out of the cohort's room too: watch again.
      expect(await ask(teacher.socket, "cohort:watch", { cohortId: cohort.id })).toMatchObject({ ok: true });
      socket.disconnect();
    }
    // Positive control: the events were sent (the audit log has them), just not to the demoted tab.
    const audit = (await teacher.browser.call<{ entries: AuditEntry[] }>("GET", `/api/cohorts/${cohort.id}/audit`)).json.entries;
    expect(audit.slice(0, 2).map((e) => [e.action, e.actorName])).toEqual([
      ["cohort.leave", "Eve"],
      ["cohort.join", "Eve"],
    ]);
  });
});

describe("(a) the live roster on the real cluster", () => {
  it("shows a learner's start before their environment is even ready", async () => {
    const sentAt = Date.now();
    let adaReady = false;
    const starts = Promise.all([
      ask<EnvironmentStatus>(ada.socket, "level:start", { levelId: LEVEL }).finally(() => (adaReady = true)),
      ask<EnvironmentStatus>(bob.socket, "level:start", { levelId: LEVEL }),
    ]);
    // An order, not a time: Ada's row is there while her environment is still being built.
    const seen = await rosterRowSince(sentAt, (r) => r.learnerId === ada.id && r.state === "in-progress" && r.levelId === LEVEL, 120_000);
    expect(adaReady).toBe(false);
    const [adaStart, bobStart] = await starts;
    expect(adaStart).toMatchObject({ ok: true, value: { phase: "ready" } });
    expect(bobStart).toMatchObject({ ok: true, value: { phase: "ready" } });
    expect(seen.row).toMatchObject({ attempts: 0, hintsOpened: 0, startedAt: expect.any(String), latestGrade: null });
  });

  it("shows an opened hint", async () => {
    const sentAt = Date.now();
    const opened = await ask<LevelHelpState>(ada.socket, "hint:open", { levelId: LEVEL, index: 0 });
    expect(opened).toMatchObject({ ok: true });
    await rosterRowSince(sentAt, (r) => r.learnerId === ada.id && r.hintsOpened === 1);
  });

  it("shows a grade, with each check's status", async () => {
    const sentAt = Date.now();
    const graded = await gradeUntilFinished(ada.socket);
    expect(graded.passed).toBe(false);
    const seen = await rosterRowSince(sentAt, (r) => r.learnerId === ada.id && r.attempts === 1 && r.latestGrade !== null);
    expect(seen.row.latestGrade).toMatchObject({ passed: false, gradedBy: null, round: "main" });
    expect(seen.row.latestGrade!.checks.map((c) => c.status)).toEqual(graded.results.map((r) => r.status));
  });

  it("lets the instructor watch a learner's environment as the learner sees it", async () => {
    const snapshot = nextEvent(teacher.socket, "liveview:snapshot", (s) => s.namespace !== "" && s.levelId === LEVEL, 20_000);
    // Not awaited when the answer already carries the picture.
    snapshot.catch(() => undefined);
    const watched = await ask<LearnerWatchState>(teacher.socket, "learner:watch", { cohortId: cohort.id, learnerId: ada.id, levelId: LEVEL });
    expect(watched).toMatchObject({ ok: true, value: { status: { phase: "ready", namespace: await namespaceOf(ada) } } });
    const picture = watched.ok && watched.value.snapshot ? watched.value.snapshot : await snapshot;
    expect(picture.namespace).toBe(await namespaceOf(ada));
    expect(picture.services.find((s) => s.name === "redis")?.clusterIP).not.toBe("None");
  });
});

describe("(d) grading the cohort gives each learner's own verdicts", () => {
  let adaOwn: GradeFinished;
  let bobOwn: GradeFinished;

  it("grades one fixed and one broken learner the same way they grade themselves, without XP or attempts", async () => {
    expect(await ask(ada.socket, "yaml:recreate", { levelId: LEVEL, yaml: SOLUTION, confirmed: true }, 120_000)).toMatchObject({ ok: true });
    adaOwn = await gradeUntilFinished(ada.socket);
    bobOwn = await gradeUntilFinished(bob.socket);
    expect(adaOwn.passed).toBe(true);
    expect(bobOwn.passed).toBe(false);
    expect(bobOwn.results[0]).toMatchObject({ id: "service-headless", status: "fail" });
    const xpBefore = await server.kq.services.progress.learnerXp(ada.id);

    // The teacher still watches Ada: her checks stream to the teacher's socket, and Ada's own
    // tab hears the instructor's result.
    const teacherSawStart = nextEvent(teacher.socket, "grade:started", (s: GradeStarted) => s.levelId === LEVEL, 120_000);
    const adaHeard = nextEvent(ada.socket, "grade:finished", () => true, 300_000);
    gradeProgress.length = 0;
    const running = teacher.browser.call<CohortGradeResult>("POST", `/api/cohorts/${cohort.id}/grade`, {});
    await teacherSawStart;
    // A second click while the first run grades is refused, not run twice.
    const twice = await teacher.browser.call("POST", `/api/cohorts/${cohort.id}/grade`, {});
    expect([twice.status, twice.json.error?.code]).toEqual([409, "cohort-grading-in-progress"]);
    const answer = await running;
    expect(answer.status).toBe(200);
    expect((await adaHeard).passed).toBe(true);

    const rows = answer.json.rows;
    const adaRow = rows.find((r) => r.learnerId === ada.id)!;
    const bobRow = rows.find((r) => r.learnerId === bob.id)!;
    expect(adaRow).toMatchObject({ verdict: "pass", failedCheck: null, levelId: LEVEL, name: "Ada" });
    expect(bobRow).toMatchObject({ verdict: "fail", failedCheck: "service-headless", levelId: LEVEL });
    expect(adaRow.checks.map((c) => [c.id, c.status])).toEqual(adaOwn.results.map((r) => [r.id, r.status]));
    expect(bobRow.checks.map((c) => [c.id, c.status])).toEqual(bobOwn.results.map((r) => [r.id, r.status]));

    // Streamed row by row to the cohort's watchers.
    expect(gradeProgress.map((p) => [p.done, p.total])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(gradeProgress.map((p) => p.row.learnerId).sort()).toEqual([ada.id, bob.id].sort());

    // Not attempts of the learners, and no XP.
    expect(await server.kq.services.progress.learnerXp(ada.id)).toBe(xpBefore);
    const roster = (await teacher.browser.call<RosterView>("GET", `/api/cohorts/${cohort.id}/roster`)).json;
    expect(roster.rows.find((r) => r.learnerId === ada.id)).toMatchObject({ attempts: 2, state: "passed", xp: 225, latestGrade: { gradedBy: "Ms Teacher", passed: true } });
    expect(roster.rows.find((r) => r.learnerId === bob.id)).toMatchObject({ attempts: 1, state: "in-progress", latestGrade: { gradedBy: "Ms Teacher", passed: false } });

    const audit = (await teacher.browser.call<{ entries: AuditEntry[] }>("GET", `/api/cohorts/${cohort.id}/audit`)).json.entries;
    expect(audit[0]).toMatchObject({ action: "cohort.grade", detail: "2 graded: 1 passed, 1 failed", actorName: "Ms Teacher" });
  });

  it("grades one learner on demand, streaming to their tabs, and keeps it in their history with evidence", async () => {
    const bobSaw = nextEvent(bob.socket, "grade:started", () => true, 60_000);
    const graded = await teacher.browser.call<GradeFinished>("POST", `/api/cohorts/${cohort.id}/learners/${bob.id}/grade`, { levelId: LEVEL });
    expect(graded.status).toBe(200);
    expect(graded.json).toMatchObject({ passed: false, levelId: LEVEL });
    expect(graded.json.results[0]).toMatchObject({ id: "service-headless", status: "fail" });
    await bobSaw;
    const detail = (await teacher.browser.call<LearnerDetail>("GET", `/api/cohorts/${cohort.id}/learners/${bob.id}`)).json;
    expect(detail.cohort).toEqual({ id: cohort.id, name: "Tuesday class" });
    expect(detail.grades[0]).toMatchObject({ gradedBy: "Ms Teacher", passed: false });
    expect(detail.grades[0]!.results[0]).toMatchObject({ id: "service-headless", evidence: expect.arrayContaining([expect.stringContaining("spec.clusterIP")]) });
    expect(detail.grades.filter((g) => g.gradedBy === null)).toHaveLength(1);
    expect(detail.audit[0]).toMatchObject({ action: "learner.grade", learnerId: bob.id, detail: "failed: The governing Service is headless" });
    expect(Array.isArray(detail.recordings)).toBe(true);
    expect((await teacher.browser.call("POST", `/api/cohorts/${cohort.id}/learners/${bob.id}/grade`, { levelId: "no-such-level" })).json.error).toMatchObject({ code: "unknown-level" });
  });

  it("(e) the command line prints the same verdicts, and explains its errors", async () => {
    const env = { KUBEQUEST_USERNAME: teacher.username, KUBEQUEST_PASSWORD: PASSWORD };
    const table = await runCli(["--url", server.origin, "--cohort", cohort.id], env);
    expect(table.stderr).not.toMatch(/error/i);
    expect(table.code).toBe(0);
    const lines = table.stdout.split("\n");
    expect(lines[0]).toMatch(/^NAME\s+LEVEL\s+VERDICT\s+FAILED CHECK$/);
    expect(lines.find((l) => l.startsWith("Ada "))).toMatch(new RegExp(`^Ada\\s+${LEVEL}\\s+pass\\s+-$`));
    expect(lines.find((l) => l.startsWith("@bob"))).toMatch(new RegExp(`${LEVEL}\\s+fail\\s+service-headless$`));
    expect(table.stdout).toContain("2 graded: 1 passed, 1 failed");

    const json = await runCli(["--url", server.origin, "--cohort", cohort.id, "--level", LEVEL, "--json"], env);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as CohortGradeResult;
    const verdicts = (r: CohortGradeResult["rows"][number]) => [r.learnerId, r.verdict, r.failedCheck, r.checks.map((c) => c.status)];
    expect(result.rows.map(verdicts).sort()).toEqual(
      [
        [ada.id, "pass", null, adaOwn.results.map((r) => r.status)],
        [bob.id, "fail", "service-headless", bobOwn.results.map((r) => r.status)],
      ].sort(),
    );

    const wrongPassword = await runCli(["--url", server.origin, "--cohort", cohort.id], { ...env, KUBEQUEST_PASSWORD: "not the password" });
    expect(wrongPassword.code).toBe(1);
    expect(wrongPassword.stderr).toContain("That username and password do not match.");
    const notYours = await runCli(["--url", server.origin, "--cohort", cohort.id], { KUBEQUEST_USERNAME: rival.username, KUBEQUEST_PASSWORD: PASSWORD });
    expect(notYours.code).toBe(1);
    expect(notYours.stderr).toContain("There is no such cohort among yours.");
    const learner = await runCli(["--url", server.origin, "--cohort", cohort.id], { KUBEQUEST_USERNAME: ada.username, KUBEQUEST_PASSWORD: PASSWORD });
    expect(learner.code).toBe(1);
    expect(learner.stderr).toContain("Only instructors");
    const down = await runCli(["--url", "http://127.0.0.1:9", "--cohort", cohort.id], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("Cannot reach the KubeQuest server at http://127.0.0.1:9");
    const noPassword = await runCli(["--url", server.origin, "--cohort", cohort.id], { KUBEQUEST_USERNAME: teacher.username });
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain("KUBEQUEST_PASSWORD");
  });
});

describe("(c) an instructor's reset", () => {
  const clusterIp = async (p: Person) => kubectl(["get", "service", "redis", "-n", await namespaceOf(p), "-o", "jsonpath={.spec.clusterIP}"]);

  it("asks for confirmation, restores the broken Service, tells the learner's tabs and is audited", async () => {
    // Ada recreated the Service headless (the fix) above.
    expect(await clusterIp(ada)).toBe("None");
    expect((await teacher.browser.call("POST", `/api/cohorts/${cohort.id}/learners/${ada.id}/reset`, { levelId: LEVEL })).json.error).toMatchObject({ code: "invalid-field", field: "confirmed" });

    const adaSawResetting = nextEvent(ada.socket, "environment:status", (s) => s.phase === "resetting", 10_000);
    // The teacher still watches Ada: the live view starts over on the rebuilt namespace and shows
    // the broken Service again (a stale watch would keep showing the fixed one).
    const adaNamespace = await namespaceOf(ada);
    const freshPicture = nextEvent(
      teacher.socket,
      "liveview:snapshot",
      // Headless (the fix) until the reset: an address means the rebuilt, broken Service.
      (s) => s.namespace === adaNamespace && /^\d+\.\d+\.\d+\.\d+$/.test(s.services.find((svc) => svc.name === "redis")?.clusterIP ?? ""),
      60_000,
    );
    freshPicture.catch(() => undefined);
    const adaBefore = (await teacher.browser.call<RosterView>("GET", `/api/cohorts/${cohort.id}/roster`)).json.rows.find((r) => r.learnerId === ada.id)!;
    const since = Date.now();
    const reset = await teacher.browser.call<EnvironmentStatus>("POST", `/api/cohorts/${cohort.id}/learners/${ada.id}/reset`, { levelId: LEVEL, confirmed: true });
    expect(reset.status).toBe(200);
    expect(reset.json).toMatchObject({ phase: "ready", levelId: LEVEL, namespace: await namespaceOf(ada), passed: false });
    await freshPicture;
    await adaSawResetting;
    expect(await clusterIp(ada)).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const audit = (await teacher.browser.call<{ entries: AuditEntry[] }>("GET", `/api/cohorts/${cohort.id}/audit`)).json.entries;
    expect(audit[0]).toMatchObject({ action: "learner.reset", actorId: teacher.id, actorName: "Ms Teacher", learnerId: ada.id, learnerName: "Ada", levelId: LEVEL, detail: "environment reset to its broken state" });
    expect(auditPushed.at(-1)?.entry.id).toBe(audit[0]!.id);
    // The roster row is pushed again, but "last activity" and "current level" stay the learner's own.
    const pushed = await rosterRowSince(since, (r) => r.learnerId === ada.id);
    expect(pushed.row).toMatchObject({ levelId: adaBefore.levelId, lastActivityAt: adaBefore.lastActivityAt });

    // The learner's own grade fails again where a broken environment fails.
    const again = await gradeUntilFinished(ada.socket);
    expect(again.passed).toBe(false);
    expect(again.results[0]).toMatchObject({ id: "service-headless", status: "fail" });
  });
});

describe("analytics", () => {
  it("counts the learners' own runs per check, and exports CSV safely", async () => {
    const analytics = (await teacher.browser.call<CohortAnalytics>("GET", `/api/cohorts/${cohort.id}/analytics`)).json;
    expect(analytics).toMatchObject({ cohortId: cohort.id, learners: 2 });
    const level = analytics.levels.find((l) => l.levelId === LEVEL)!;
    // Ada: fail, pass, fail (after the reset); Bob: fail. Instructor grades are not counted.
    expect(level).toMatchObject({ learnersStarted: 2, learnersPassed: 1, gradeRuns: 4, hintsOpenedTotal: 1, solutionsRevealed: 0 });
    expect(level.checks.find((c) => c.id === "service-headless")).toMatchObject({ runs: 4, passed: 1, rate: 0.25 });
    expect(level.timeToSolveMs).toHaveLength(1);
    expect(level.learnersByHintsOpened[0]).toBe(1);

    const csv = await teacher.browser.call("GET", `/api/cohorts/${cohort.id}/analytics.csv?table=checks`);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="kubequest-tuesday-class-checks.csv"');
    expect(csv.text.split("\r\n")[0]).toBe("level_number,level_id,level_title,check_id,check_title,runs,passed,pass_rate");
    expect(csv.text).toContain(`30,${LEVEL},Headless Services & StatefulSet DNS,service-headless,The governing Service is headless,4,1,0.25\r\n`);

    const learners = await teacher.browser.call("GET", `/api/cohorts/${cohort.id}/analytics.csv?table=learners`);
    const bobLine = learners.text.split("\r\n").find((l) => l.includes(bob.username))!;
    // The display name starts with "@": defused with an apostrophe, and quoted for its comma and quotes.
    expect(bobLine.startsWith(`"'@bob, the ""builder""",${bob.username},`)).toBe(true);
    expect((await teacher.browser.call("GET", `/api/cohorts/${cohort.id}/analytics.csv?table=secrets`)).json.error).toMatchObject({ code: "invalid-field" });
  });

  it("sent no dashboard event to any socket that was refused", async () => {
    await server.kq.eventsSent();
    await Promise.all([ada.socket, bob.socket, dora.socket, rival.socket, anonymous.socket].map((s) => roundTrip(s)));
    expect(leaked).toEqual([]);
  });
});

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every namespace event (grading, live view, environment status) a socket receives, from now on. */
function namespaceEventsOf(socket: TestSocket): string[] {
  const seen: string[] = [];
  socket.on("grade:started", (s) => seen.push(`grade:started ${s.runId}`));
  socket.on("grade:check", (c) => seen.push(`grade:check ${c.runId}`));
  socket.on("grade:finished", (f) => seen.push(`grade:finished ${f.runId}`));
  socket.on("liveview:snapshot", (s) => seen.push(`liveview:snapshot ${s.namespace}`));
  socket.on("environment:status", (s) => seen.push(`environment:status ${s.namespace ?? "none"}`));
  return seen;
}

describe("recordings and grade history belong to the cohort that asks", () => {
  it("replays a real recording to the owner; not under another learner, nor to an instructor whose cohort the learner joined after", async () => {
    // Ada's terminal, opened and typed into as the level page does.
    const term = server.socket({ cookie: ada.browser.cookie });
    await connected(term);
    let output = "";
    let received = 0;
    term.on("terminal:output", (chunk) => {
      output += chunk.data;
      received += chunk.bytes;
      term.emit("terminal:ack", { bytes: received });
    });
    const opened = await ask<TerminalOpened>(term, "terminal:open", { levelId: LEVEL, cols: 80, rows: 24 }, 30_000);
    expect(opened).toMatchObject({ ok: true, value: { attached: true, recording: { retentionDays: expect.any(Number) } } });
    term.emit("terminal:input", { data: "echo dash-$((6*7))-replay\r" });
    await until("the echo in Ada's terminal", () => output.includes("dash-42-replay"), 30_000);
    term.disconnect();
    await until("Ada's terminal to close", () => server.kq.services.terminals.size === 0);
    await server.kq.services.terminals.recordingsWritten();

    const detail = (await teacher.browser.call<LearnerDetail>("GET", `/api/cohorts/${cohort.id}/learners/${ada.id}`)).json;
    const summary = detail.recordings[0]!;
    expect(summary).toMatchObject({ levelId: LEVEL, truncated: false });
    const replay = await teacher.browser.call<TerminalRecording>("GET", `/api/cohorts/${cohort.id}/learners/${ada.id}/recordings/${summary.id}`);
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ id: summary.id, cols: 80, rows: 24 });
    expect(replay.json.frames.filter((f) => f.kind === "o").map((f) => f.data).join("")).toContain("dash-42-replay");
    // The recording is Ada's: named under Bob, it does not exist.
    const underBob = await teacher.browser.call("GET", `/api/cohorts/${cohort.id}/learners/${bob.id}/recordings/${summary.id}`);
    expect([underBob.status, underBob.json.error?.code]).toEqual([404, "recording-not-found"]);
    expect(detail.grades.some((g) => g.gradedBy === "Ms Teacher")).toBe(true);

    // Ada joins the rival's class now: the rival sees what she does from now on, not before,
    // and never the grades Ms Teacher ran.
    expect((await ada.browser.call("POST", "/api/cohorts/join", { code: rivalCohort.inviteCode })).status).toBe(200);
    try {
      const rivalAsks = await rival.browser.call("GET", `/api/cohorts/${rivalCohort.id}/learners/${ada.id}/recordings/${summary.id}`);
      expect([rivalAsks.status, rivalAsks.json.error?.code]).toEqual([404, "recording-not-found"]);
      const rivalDetail = await rival.browser.call<LearnerDetail>("GET", `/api/cohorts/${rivalCohort.id}/learners/${ada.id}`);
      expect(rivalDetail.status).toBe(200);
      expect(rivalDetail.json.recordings).toEqual([]);
      // Her own runs are her history; the other instructor's are not the rival's business.
      expect(rivalDetail.json.grades.length).toBeGreaterThan(0);
      expect(rivalDetail.json.grades.map((g) => g.gradedBy)).toEqual(rivalDetail.json.grades.map(() => null));
    } finally {
      expect((await ada.browser.call("DELETE", `/api/memberships/${rivalCohort.id}`)).status).toBe(204);
    }
  });
});

describe("instructor actions and the learner's own", () => {
  it("refuses a reset while the learner's grade runs, and grading the cohort waits for that run instead of failing", async () => {
    // Fixed, so her grade runs every check with its DNS probes (seconds, not a quick first failure).
    expect(await ask(ada.socket, "yaml:recreate", { levelId: LEVEL, yaml: SOLUTION, confirmed: true }, 120_000)).toMatchObject({ ok: true });
    const started = nextEvent(ada.socket, "grade:started", () => true, 60_000);
    const own = ask<GradeFinished>(ada.socket, "grade:run", { levelId: LEVEL });
    await started;
    const reset = await teacher.browser.call("POST", `/api/cohorts/${cohort.id}/learners/${ada.id}/reset`, { levelId: LEVEL, confirmed: true });
    expect([reset.status, reset.json.error?.code]).toEqual([409, "grading-in-progress"]);
    expect(await server.kq.services.grades.isRunning(await namespaceOf(ada))).toBe(true);

    const graded = await teacher.browser.call<CohortGradeResult>("POST", `/api/cohorts/${cohort.id}/grade`, {});
    expect(graded.status).toBe(200);
    expect(graded.json.rows.find((r) => r.learnerId === ada.id)).toMatchObject({ verdict: "pass", failedCheck: null });
    expect(await own).toMatchObject({ ok: true, value: { passed: true } });
  });

  it("refuses to reset a level the learner never started (nothing is built, nothing recorded)", async () => {
    const reset = await rival.browser.call("POST", `/api/cohorts/${rivalCohort.id}/learners/${dora.id}/reset`, { levelId: LEVEL, confirmed: true });
    expect([reset.status, reset.json.error?.code]).toEqual([409, "environment-not-ready"]);
    expect(await server.kq.services.environments.open(dora.id, LEVEL)).toMatchObject({ phase: "absent" });
    const row = (await rival.browser.call<RosterView>("GET", `/api/cohorts/${rivalCohort.id}/roster`)).json.rows.find((r) => r.learnerId === dora.id);
    expect(row).toMatchObject({ levelId: null, state: "not-started", lastActivityAt: null });
  });
});

describe("watching a learner stops when access ends", () => {
  it("learner:unwatch leaves only what it names; a signed-out tab and a learner who left stop the flow; unwatch works after the leave", async () => {
    const bobNamespace = await namespaceOf(bob);
    // A second tab of the teacher, signed in, watches Bob too; the teacher's socket moves from Ada to Bob.
    const tab = await server.browser();
    expect((await tab.call("POST", "/api/auth/sign-in", { username: teacher.username, password: PASSWORD })).status).toBe(200);
    const tabSocket = server.socket({ cookie: tab.cookie });
    await connected(tabSocket);
    const watchBob = { cohortId: cohort.id, learnerId: bob.id, levelId: LEVEL };
    expect(await ask(teacher.socket, "learner:watch", watchBob)).toMatchObject({ ok: true });
    expect(await ask(tabSocket, "learner:watch", watchBob)).toMatchObject({ ok: true });
    // An unwatch of Ada, whom this socket no longer watches, leaves nothing (Bob stays watched).
    expect(await ask(teacher.socket, "learner:unwatch", { cohortId: cohort.id, learnerId: ada.id, levelId: LEVEL })).toMatchObject({ ok: true });
    const teacherSaw = namespaceEventsOf(teacher.socket);
    const tabSaw = namespaceEventsOf(tabSocket);

    // Positive control: both watchers see Bob's own grade.
    const first = await gradeUntilFinished(bob.socket);
    await until("both watchers to see Bob's grade", () => teacherSaw.includes(`grade:finished ${first.runId}`) && tabSaw.includes(`grade:finished ${first.runId}`));
    expect(teacherSaw).toContain(`grade:started ${first.runId}`);

    // The tab signs out: the server disconnects that session's sockets (the positive signal: a
    // disconnected socket is sent nothing); the teacher's own socket still gets Bob's next grade.
    const tabGone = new Promise<string>((resolve) => tabSocket.once("disconnect", (reason) => resolve(reason)));
    expect((await tab.call("POST", "/api/auth/sign-out")).status).toBe(200);
    expect(await tabGone).toBe("io server disconnect");
    const second = await gradeUntilFinished(bob.socket);
    await until("the teacher to see Bob's second grade", () => teacherSaw.includes(`grade:finished ${second.runId}`));
    expect(tabSaw.filter((e) => e.endsWith(second.runId))).toEqual([]);

    // Bob leaves the cohort: nothing of his namespace reaches the teacher any more.
    expect((await bob.browser.call("DELETE", `/api/memberships/${cohort.id}`)).status).toBe(204);
    const afterLeave = teacherSaw.length;
    const third = await gradeUntilFinished(bob.socket);
    // Bob's own tab heard his run (it was streamed), every watcher send is done, and everything
    // sent to the teacher has arrived: what is not there was not sent.
    await server.kq.eventsSent();
    await roundTrip(teacher.socket);
    expect(teacherSaw.slice(afterLeave).filter((e) => e.endsWith(third.runId) || e.endsWith(bobNamespace))).toEqual([]);
    // Leaving needs no access: the unwatch of a learner who left still succeeds.
    expect(await ask(teacher.socket, "learner:unwatch", watchBob)).toEqual({ ok: true, value: { watching: false } });
    tabSocket.disconnect();
  });
});
