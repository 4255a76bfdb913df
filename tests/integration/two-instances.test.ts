// Two KubeQuest instances against one PostgreSQL and the real cluster, behind a sticky HAProxy
// (the README's scaled-out deployment, in miniature): two real server processes (kq-a, kq-b) on
// loopback, a throwaway PostgreSQL, the learner pinned to kq-a and their instructor to kq-b.
//
// Proves, with positive signals (an event seen, a counter read), never a pause:
// - the instructor on kq-b sees the learner's roster row and grade progress live from kq-a;
// - two simultaneous grade requests for one namespace through the two instances make exactly
//   one grading run (the instances' run counters add up to one; the other request is refused);
// - a reset through kq-a closes the learner's terminal held by kq-b;
// - exactly one instance runs the reaper (the leader's runs count up, the other's stay at zero,
//   and it names the leader);
// - killing kq-b mid-grade leaves no lock behind: kq-a's next grade runs within the lease time,
//   and awards XP once; the lead passes to kq-a if kq-b held it;
// - an instance without the shared KUBEQUEST_SESSION_SECRET, or with another one, refuses to start.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionHttpClient, type ApiAnswer, type CallOptions } from "../../lib/api-client/session-http-client";
import type { CohortSummary, RosterRowChanged, RosterView } from "../../lib/protocol/instructor-api";
import type { EnvironmentStatus, GradeFinished, GradeStarted } from "../../lib/protocol/socket-events";
import { AccountStore } from "../../server/database/account-store";
import { openDatabase, type DatabaseHandle } from "../../server/database/database";
import { ProgressStore } from "../../server/database/progress-store";
import { startThrowawayPostgres, type ThrowawayPostgres } from "./support/postgres";
import { STICKY_COOKIE, startStickyProxy, type StickyProxy } from "./support/sticky-proxy";
import { ask, connected, nextEvent, type TestSocket } from "./support/test-server";

const LEVEL = "headless-statefulset-dns";
const SOLUTION = fs.readFileSync("levels/03-networking-and-services/30-headless-statefulset-dns/solution/service.yaml", "utf8");
const SECRET = "two-instances-".padEnd(64, "s");
const LEASE_SECONDS = 5;
const PASSWORD = "correct horse battery staple";

interface Instance {
  name: "a" | "b";
  id: string;
  url: string;
  child: ChildProcess;
  output: string[];
}

interface Health {
  status: string;
  instance: string;
  leader: boolean;
  leaderId: string | null;
  runs: Record<string, number>;
  gradingRuns: number;
}

let pg: ThrowawayPostgres;
let database: DatabaseHandle;
let proxy: StickyProxy;
const instances: Partial<Record<"a" | "b", Instance>> = {};
const dataDirs: string[] = [];
const sockets: TestSocket[] = [];
let namespace: string | undefined;
/** The learner's socket on kq-a, which outlives kq-b: it deletes the environment at the end. */
let learnerOnA: TestSocket | undefined;

/** Starts `server-in-child.ts` with the scaled-out settings; resolves with its URL, or rejects with what it printed. */
function startInstance(name: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess; output: string[] }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `kq-two-${name}-`));
  dataDirs.push(dataDir);
  const child = spawn(process.execPath, ["--import", "tsx", "tests/integration/support/server-in-child.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: pg.url,
      KUBEQUEST_DATA_DIR: dataDir,
      KUBEQUEST_INSTANCE_ID: `kq-${name}`,
      KUBEQUEST_LEASE_SECONDS: String(LEASE_SECONDS),
      KUBEQUEST_REAP_INTERVAL_SECONDS: "1",
      KQ_TEST_RATE_LIMIT: "100/10000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const take = (d: Buffer) => {
      output.push(d.toString());
      const m = /KQ-SERVER (\S+)/.exec(output.join(""));
      if (m) resolve({ url: m[1]!, child, output });
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
    child.once("exit", (code) => reject(Object.assign(new Error(`instance ${name} exited with ${code}: ${output.join("")}`), { code, output: output.join("") })));
  });
}

async function health(instance: Instance): Promise<Health> {
  const res = await fetch(`${instance.url}/healthz`);
  return (await res.json()) as Health;
}

/** Polls until `check` holds (a positive signal), failing with the last value after `timeoutMs`. */
async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A browser pinned to one instance through the proxy's sticky cookie. */
class PinnedBrowser extends SessionHttpClient {
  constructor(
    base: string,
    readonly instance: "a" | "b",
  ) {
    super(base);
  }

  override async call<T>(method: string, p: string, body?: unknown, opts: CallOptions = {}): Promise<ApiAnswer<T>> {
    const session = this.cookie;
    this.cookie = [session, `${STICKY_COOKIE}=${this.instance}`].filter(Boolean).join("; ");
    try {
      return await super.call<T>(method, p, body, opts);
    } finally {
      // A new session cookie from the answer replaced the combined one: keep it, else restore.
      if (this.cookie.includes(STICKY_COOKIE)) this.cookie = session;
    }
  }

  /** A socket through the proxy to this browser's instance, long-polling first (stickiness matters there). */
  async socket(instance: "a" | "b" = this.instance): Promise<TestSocket> {
    const socket: TestSocket = connect(proxy.url, {
      transports: ["polling", "websocket"],
      extraHeaders: { cookie: `${this.cookie}; ${STICKY_COOKIE}=${instance}`, origin: proxy.url },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    await connected(socket);
    return socket;
  }
}

async function person(displayName: string, instance: "a" | "b", role: "learner" | "instructor"): Promise<{ browser: PinnedBrowser; id: string }> {
  const browser = new PinnedBrowser(proxy.url, instance);
  await browser.call("GET", "/api/session");
  const username = `two${Date.now().toString(36)}${role[0]}`;
  const signUp = await browser.call("POST", "/api/auth/sign-up", { username, password: PASSWORD, displayName });
  expect(signUp.status, signUp.text).toBe(201);
  const accounts = new AccountStore(database.db, { anonymousTtlMs: 86_400_000, accountTtlMs: 86_400_000 });
  const id = (await accounts.learnerByUsername(username))!.id;
  if (role === "instructor") await accounts.setRole(id, "instructor");
  return { browser, id };
}

beforeAll(async () => {
  pg = await startThrowawayPostgres();
  database = await openDatabase({ databaseUrl: pg.url, dataDir: os.tmpdir() });
  for (const name of ["a", "b"] as const) {
    const started = await startInstance(name, { KUBEQUEST_SESSION_SECRET: SECRET });
    instances[name] = { name, id: `kq-${name}`, ...started };
  }
  proxy = await startStickyProxy([
    { name: "a", url: instances.a!.url },
    { name: "b", url: instances.b!.url },
  ]);
}, 300_000);

afterAll(async () => {
  if (namespace && learnerOnA?.connected) await ask(learnerOnA, "level:abandon", { levelId: LEVEL }, 180_000).catch(() => undefined);
  for (const s of sockets) s.disconnect();
  await proxy?.stop();
  for (const instance of [instances.a, instances.b]) {
    if (instance && instance.child.exitCode === null && instance.child.signalCode === null) {
      const exited = new Promise((r) => instance.child.once("exit", r));
      instance.child.kill("SIGTERM");
      await exited;
    }
  }
  await database?.close();
  await pg?.stop();
  for (const d of dataDirs) fs.rmSync(d, { recursive: true, force: true });
}, 300_000);

describe("two instances, one PostgreSQL, one cluster", () => {
  let learner: Awaited<ReturnType<typeof person>>;
  let teacher: Awaited<ReturnType<typeof person>>;
  let onA: TestSocket;
  let onB: TestSocket;
  let watcher: TestSocket;
  let cohort: CohortSummary;
  const rows: RosterRowChanged[] = [];

  it("refuses a third instance without the shared session secret, or with another one, saying what to set", async () => {
    const missing = await startInstance("c", { KUBEQUEST_SESSION_SECRET: "" }).then(
      () => null,
      (err: { code?: number; output?: string }) => err,
    );
    expect(missing?.code).toBe(1);
    expect(missing?.output).toMatch(/Another KubeQuest instance \(kq-a, kq-b\) runs against this database, and this one has no KUBEQUEST_SESSION_SECRET/);
    const other = await startInstance("c", { KUBEQUEST_SESSION_SECRET: "another-secret-".padEnd(64, "x") }).then(
      () => null,
      (err: { code?: number; output?: string }) => err,
    );
    expect(other?.code).toBe(1);
    expect(other?.output).toMatch(/KUBEQUEST_SESSION_SECRET differs from the session secret of kq-a, kq-b/);
  });

  it("puts the learner on kq-a and the instructor on kq-b; the instructor sees the learner's start live", async () => {
    teacher = await person("Ms Two", "b", "instructor");
    learner = await person("Ada Two", "a", "learner");
    cohort = (await teacher.browser.call<CohortSummary>("POST", "/api/cohorts", { name: "Scaled class" })).json;
    expect(cohort.inviteCode).toBeTruthy();
    expect((await learner.browser.call("POST", "/api/cohorts/join", { code: cohort.inviteCode })).status).toBe(200);

    watcher = await teacher.browser.socket("b");
    watcher.on("cohort:roster-row", (changed) => rows.push(changed));
    const roster = await ask<RosterView>(watcher, "cohort:watch", { cohortId: cohort.id });
    expect(roster.ok).toBe(true);

    onA = learnerOnA = await learner.browser.socket("a");
    onB = await learner.browser.socket("b");
    const started = await ask<EnvironmentStatus>(onA, "level:start", { levelId: LEVEL });
    if (started.ok && started.value.namespace) namespace = started.value.namespace;
    expect(started).toMatchObject({ ok: true, value: { phase: "ready" } });
    // kq-a recorded the start; kq-b, where the instructor is, pushed the row.
    await until("the learner's roster row on kq-b", async () => rows, (r) => r.some((c) => c.row.learnerId === learner.id && c.row.levelId === LEVEL));
    await ask(onB, "level:open", { levelId: LEVEL });
  });

  it("streams a grade run on kq-a to the instructor watching on kq-b", async () => {
    const watch = await ask(watcher, "learner:watch", { cohortId: cohort.id, learnerId: learner.id, levelId: LEVEL });
    expect(watch.ok, JSON.stringify(watch)).toBe(true);
    const seenStarted = nextEvent(watcher, "grade:started", () => true, 60_000);
    const seenCheck = nextEvent(watcher, "grade:check", () => true, 120_000);
    const seenFinished = nextEvent(watcher, "grade:finished", () => true, 180_000);
    const graded = await ask<GradeFinished>(onA, "grade:run", { levelId: LEVEL, round: "main" });
    expect(graded.ok, JSON.stringify(graded)).toBe(true);
    const [started, check, finished] = await Promise.all([seenStarted, seenCheck, seenFinished]);
    if (!graded.ok) return;
    expect(started.runId).toBe(graded.value.runId);
    expect(check.runId).toBe(graded.value.runId);
    expect(finished.runId).toBe(graded.value.runId);
    // The graded learner's row follows on kq-b too.
    await until("the graded row on kq-b", async () => rows, (r) => r.some((c) => c.row.learnerId === learner.id && c.row.attempts >= 1));
  });

  it("closes the learner's terminal held by kq-b when the level is reset through kq-a", async () => {
    const firstOutput = nextEvent(onB, "terminal:output", () => true, 60_000);
    const opened = await ask(onB, "terminal:open", { levelId: LEVEL, cols: 80, rows: 24 }, 60_000);
    expect(opened.ok, JSON.stringify(opened)).toBe(true);
    await firstOutput;
    const closed = nextEvent(onB, "terminal:exit", () => true, 60_000);
    const reset = ask<EnvironmentStatus>(onA, "level:reset", { levelId: LEVEL });
    expect((await closed).reason).toMatch(/being reset/);
    expect(await reset).toMatchObject({ ok: true, value: { phase: "ready" } });
  });

  it("runs the background jobs on exactly one instance: the leader", async () => {
    const leaderName = await until(
      "one leader with three reaper rounds",
      async () => [await health(instances.a!), await health(instances.b!)],
      (hs) => hs.filter((h) => h.leader).length === 1 && (hs.find((h) => h.leader)!.runs["environment-reaper"] ?? 0) >= 3,
    );
    const leader = leaderName.find((h) => h.leader)!;
    const follower = leaderName.find((h) => !h.leader)!;
    expect(follower.runs["environment-reaper"]).toBe(0);
    expect(follower.leaderId).toBe(leader.instance);
    expect(leader.leaderId).toBe(leader.instance);
  });

  it("makes one grading run of two simultaneous requests through the two instances, and awards XP once", async () => {
    // Solved, so the run lasts (a probe in the cluster) and the two requests surely overlap.
    expect(await ask(onA, "yaml:recreate", { levelId: LEVEL, yaml: SOLUTION, confirmed: true }, 120_000)).toMatchObject({ ok: true });
    const before = (await health(instances.a!)).gradingRuns + (await health(instances.b!)).gradingRuns;
    const [viaA, viaB] = await Promise.all([
      ask<GradeFinished>(onA, "grade:run", { levelId: LEVEL, round: "main" }),
      ask<GradeFinished>(onB, "grade:run", { levelId: LEVEL, round: "main" }),
    ]);
    const answers = [viaA, viaB];
    expect(answers.filter((r) => r.ok)).toHaveLength(1);
    expect(answers.filter((r) => !r.ok && r.error.code === "grading-in-progress")).toHaveLength(1);
    const after = (await health(instances.a!)).gradingRuns + (await health(instances.b!)).gradingRuns;
    expect(after - before).toBe(1);
    const winner = answers.find((r) => r.ok);
    expect(winner?.ok && winner.value.passed).toBe(true);
    expect(await new ProgressStore(database.db, () => new Map()).learnerXp(learner.id)).toBe(250);
  });

  it("leaves no lock behind when kq-b dies mid-grade: kq-a's next grade runs within the lease time, no XP twice", async () => {
    // kq-b starts the run; the learner's socket on kq-a hears it start, then kq-b is killed.
    const startedOnA = nextEvent(onA, "grade:started", () => true, 60_000);
    // Its answer never comes: the socket dies with kq-b.
    void ask<GradeFinished>(onB, "grade:run", { levelId: LEVEL, round: "main" }, 60_000).catch(() => undefined);
    const started: GradeStarted = await startedOnA;
    expect(started.levelId).toBe(LEVEL);
    instances.b!.child.kill("SIGKILL");
    const killedAt = Date.now();
    // The positive signal: kq-a's own run starts (a new run id), once kq-b's lease ran out.
    const restartedAt = nextEvent(onA, "grade:started", (s) => s.runId !== started.runId, LEASE_SECONDS * 1000 + 30_000).then(() => Date.now());

    // The lock kq-b held is refused at first, then taken within one lease.
    let refusals = 0;
    let graded: GradeFinished | undefined;
    while (!graded) {
      const r = await ask<GradeFinished>(onA, "grade:run", { levelId: LEVEL, round: "main" });
      if (r.ok) graded = r.value;
      else {
        expect(r.error.code).toBe("grading-in-progress");
        refusals += 1;
        await new Promise((res) => setTimeout(res, 250));
      }
    }
    expect(graded.passed, JSON.stringify(graded.results.filter((c) => c.status !== "pass"))).toBe(true);
    expect(refusals).toBeGreaterThan(0);
    // Refused while kq-b's lease lasted, run as soon as it ran out (polled every 250 ms).
    expect((await restartedAt) - killedAt).toBeLessThan(LEASE_SECONDS * 1000 + 2_000);

    // No XP twice: the level was awarded once (the simultaneous grade); kq-b's cut-off run and
    // kq-a's run after it add nothing, nor does a replay.
    const progress = new ProgressStore(database.db, () => new Map());
    expect(await progress.learnerXp(learner.id)).toBe(250);
    expect((await ask<GradeFinished>(onA, "grade:run", { levelId: LEVEL, round: "main" })).ok).toBe(true);
    expect(await progress.learnerXp(learner.id)).toBe(250);

    // kq-a leads now (if kq-b did, the lead passed within a lease).
    await until("kq-a leading", () => health(instances.a!), (h) => h.leader && h.leaderId === "kq-a", LEASE_SECONDS * 1000 + 10_000);
  });
});
