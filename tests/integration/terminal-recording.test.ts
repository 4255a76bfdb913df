// Terminal recording end to end on the real cluster and a real database: a signed-up learner
// in a cohort opens Level 30's terminal and types; the stored recording, replayed into a
// headless xterm.js with the player's own timeline code, shows exactly the screen the learner's
// terminal showed. Also: the size cap truncates, a learner in no cohort is not recorded (and
// `terminal:open` says so), the retention purge at server start deletes old recordings, and the
// store (migration 0003) behaves the same on SQLite and PostgreSQL.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as xtermHeadless from "@xterm/headless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTimeline, replayOps } from "../../components/terminal-replay/replay-timeline";
import type { TerminalRecording } from "../../lib/protocol/instructor-api";
import type { EnvironmentStatus, TerminalOpened } from "../../lib/protocol/socket-events";
import { openDatabase, type DatabaseConfig } from "../../server/database/database";
import { RecordingStore, type StoredFrame } from "../../server/database/recording-store";
import { startThrowawayPostgres, type ThrowawayPostgres } from "./support/postgres";
import { ask, connected, startTestServer, type TestBrowser, type TestServer, type TestSocket } from "./support/test-server";

// The package is CommonJS: Node hands it over as the default export.
const { Terminal: HeadlessTerminal } = ((xtermHeadless as unknown as { default?: typeof xtermHeadless }).default ?? xtermHeadless);
type Headless = InstanceType<typeof HeadlessTerminal>;

const LEVEL = "headless-statefulset-dns";
/** Small enough that a few seconds of `yes` pass it, large enough for a prompt and a command. */
const CAP = 32 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: TestServer;
let browser: TestBrowser;
let learnerId: string;
let cohortId: string;

/** A socket that acknowledges output like xterm.js does and keeps every chunk it got, in order. */
function terminalClient() {
  const socket: TestSocket = server.socket({ cookie: browser.cookie });
  const chunks: string[] = [];
  let received = 0;
  let lastOutputAt = Date.now();
  socket.on("terminal:output", (chunk) => {
    chunks.push(chunk.data);
    received += chunk.bytes;
    lastOutputAt = Date.now();
    socket.emit("terminal:ack", { bytes: received });
  });
  return {
    socket,
    chunks,
    text: () => chunks.join(""),
    /** Waits until the output contains `needle`. */
    async waitFor(needle: string, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!chunks.join("").includes(needle) && Date.now() < deadline) await sleep(100);
      expect(chunks.join("")).toContain(needle);
    },
    /** Waits until no output came for `quietMs` (tmux has finished drawing). */
    async settle(quietMs = 700) {
      const deadline = Date.now() + 30_000;
      while (Date.now() - lastOutputAt < quietMs && Date.now() < deadline) await sleep(100);
    },
  };
}

/** Waits until the server has let go of every terminal and their recordings are written. */
async function terminalsClosed(): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (server.kq.services.terminals.size > 0 && Date.now() < deadline) await sleep(50);
  expect(server.kq.services.terminals.size).toBe(0);
  await server.kq.services.terminals.recordingsWritten();
}

async function writeAll(term: Headless, data: string): Promise<void> {
  await new Promise<void>((resolve) => term.write(data, resolve));
}

/** The whole active buffer as text, with the cursor: what a person would see. */
function screenOf(term: Headless): string {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return `${lines.join("\n")}\n-- ${buffer.type} buffer, ${term.cols}x${term.rows}, cursor ${buffer.cursorX},${buffer.cursorY}`;
}

/** Replays a recording the way the player does: its timeline's frames, as replay ops, in order. */
async function replayedScreen(recording: TerminalRecording): Promise<string> {
  const term = new HeadlessTerminal({ cols: recording.cols, rows: recording.rows, allowProposedApi: true, scrollback: 5000 });
  const timeline = buildTimeline(recording.frames, { skipIdle: true });
  expect(timeline.playback).toHaveLength(recording.frames.length);
  for (const op of replayOps(recording.frames, 0, recording.frames.length)) {
    if (op.kind === "write") await writeAll(term, op.data);
    else term.resize(op.cols, op.rows);
  }
  const screen = screenOf(term);
  term.dispose();
  return screen;
}

async function newestRecording(): Promise<TerminalRecording> {
  const [summary] = await server.kq.services.recordings.list(learnerId);
  expect(summary).toBeDefined();
  const recording = await server.kq.services.recordings.recording(learnerId, summary!.id);
  expect(recording).not.toBeNull();
  return recording!;
}

beforeAll(async () => {
  server = await startTestServer({ name: "kq-recording-", recording: { maxBytes: CAP }, rateLimit: { capacity: 30, perMs: 10_000 } });
  browser = await server.browser();
  const username = `rec${randomUUID().slice(0, 8)}`;
  const signUp = await browser.call("POST", "/api/auth/sign-up", { username, password: "a good long password", displayName: "Rec Learner" });
  expect(signUp.status).toBe(201);
  const db = server.database.db;
  learnerId = (await db.selectFrom("learners").select("id").where("username", "=", username).executeTakeFirstOrThrow()).id;
  // The join API is the dashboard's; here the membership is made directly.
  cohortId = randomUUID();
  const now = new Date().toISOString();
  await db.insertInto("cohorts").values({ id: cohortId, name: "Recording cohort", created_at: now }).execute();
  await db.insertInto("cohort_members").values({ cohort_id: cohortId, learner_id: learnerId, joined_at: now }).execute();

  const socket = server.socket({ cookie: browser.cookie });
  await connected(socket);
  const started = await ask<EnvironmentStatus>(socket, "level:start", { levelId: LEVEL });
  expect(started).toMatchObject({ ok: true, value: { phase: "ready" } });
  socket.disconnect();
});

afterAll(async () => {
  if (learnerId) await server.kq.services.environments.abandon(learnerId, LEVEL).catch((err: unknown) => console.error("abandon:", err));
  await server?.close();
});

describe("a learner in a cohort", () => {
  it("is told the terminal is recorded, and the recording replays to exactly the screen they saw", async () => {
    const client = terminalClient();
    await connected(client.socket);
    const opened = await ask<TerminalOpened>(client.socket, "terminal:open", { levelId: LEVEL, cols: 100, rows: 30 }, 30_000);
    expect(opened).toEqual({ ok: true, value: { attached: true, recording: { retentionDays: 30, maxBytes: CAP } } });

    // The learner's own screen: every chunk their socket got, and the resize their pane made.
    const learnerScreen = new HeadlessTerminal({ cols: 100, rows: 30, allowProposedApi: true, scrollback: 5000 });
    let fed = 0;
    const feed = async () => {
      for (; fed < client.chunks.length; fed++) await writeAll(learnerScreen, client.chunks[fed]!);
    };

    client.socket.emit("terminal:input", { data: "echo replay-$((6*7))-marker\r" });
    await client.waitFor("replay-42-marker");
    await client.settle();
    await feed();
    // A resize while the screen is quiet: tmux redraws, and the replay must follow it too.
    learnerScreen.resize(90, 26);
    client.socket.emit("terminal:resize", { cols: 90, rows: 26 });
    client.socket.emit("terminal:input", { data: "echo after-$((2+3))-resize\r" });
    await client.waitFor("after-5-resize");
    await client.settle();
    await feed();
    client.socket.disconnect();
    await terminalsClosed();

    const recording = await newestRecording();
    expect(recording).toMatchObject({ levelId: LEVEL, cols: 100, rows: 30, truncated: false });
    const times = recording.frames.map((f) => f.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(recording.frames.some((f) => f.kind === "r" && f.data === "90x26")).toBe(true);
    // Exactly the learner's output, nothing lost, nothing added…
    const recorded = recording.frames.filter((f) => f.kind === "o").map((f) => f.data).join("");
    expect(recorded).toBe(client.text());
    expect(recording.bytes).toBe(Buffer.byteLength(recorded, "utf8"));
    expect(recording.durationMs).toBe(times.at(-1));
    // …and the same screen, with the marker on it.
    const replayed = await replayedScreen(recording);
    expect(replayed).toContain("replay-42-marker");
    expect(replayed).toBe(screenOf(learnerScreen));
    learnerScreen.dispose();
  });

  it("starts a new recording on every attach, and stops keeping output at the size cap", async () => {
    const before = await server.kq.services.recordings.list(learnerId);
    const client = terminalClient();
    await connected(client.socket);
    expect(await ask(client.socket, "terminal:open", { levelId: LEVEL, cols: 100, rows: 30 }, 30_000)).toMatchObject({ ok: true });
    await client.settle();
    client.socket.emit("terminal:input", { data: "yes kq-recording-cap\r" });
    // tmux draws `yes` at its own pace (it skips what scrolls by too fast): wait, bounded, until
    // the learner has seen well past the cap, then interrupt it.
    const deadline = Date.now() + 60_000;
    while (Buffer.byteLength(client.text(), "utf8") < CAP * 2 && Date.now() < deadline) await sleep(200);
    client.socket.emit("terminal:input", { data: "\u0003" });
    // Until the shell answers again, tmux still has `yes` output to send: drain it here, or
    // the next attach would begin with it.
    client.socket.emit("terminal:input", { data: "clear; echo kq-cap-$((2*2))-done\r" });
    await client.waitFor("kq-cap-4-done", 60_000);
    await client.settle();
    client.socket.disconnect();
    await terminalsClosed();

    const after = await server.kq.services.recordings.list(learnerId);
    expect(after).toHaveLength(before.length + 1);
    const recording = await newestRecording();
    expect(recording.id).not.toBe(before[0]!.id);
    expect(recording.truncated).toBe(true);
    expect(recording.bytes).toBeLessThanOrEqual(CAP);
    const recorded = recording.frames.filter((f) => f.kind === "o").map((f) => f.data).join("");
    expect(Buffer.byteLength(recorded, "utf8")).toBe(recording.bytes);
    // What was kept is the start of what the learner saw; the rest (well past the cap) was not.
    expect(Buffer.byteLength(client.text(), "utf8")).toBeGreaterThan(CAP * 2);
    expect(client.text().startsWith(recorded)).toBe(true);
    expect(recorded.length).toBeGreaterThan(0);
  });

  it("writes typing in a few batches, not once per keystroke (and logs the echo time)", async () => {
    const store = server.kq.services.recordings;
    const append = store.append.bind(store);
    let appends = 0;
    // Counts the real writes (they still happen): the recorder holds this very store.
    store.append = (...args) => {
      appends++;
      return append(...args);
    };
    try {
      const client = terminalClient();
      await connected(client.socket);
      expect(await ask(client.socket, "terminal:open", { levelId: LEVEL, cols: 100, rows: 30 }, 30_000)).toMatchObject({ ok: true });
      await client.settle();
      appends = 0;
      const echoes: number[] = [];
      const keys = "echo kq-typing-batches-are-few-and-far-between-indeed";
      const startedAt = Date.now();
      for (const key of keys) {
        const seen = client.chunks.length;
        const sentAt = performance.now();
        client.socket.emit("terminal:input", { data: key });
        while (client.chunks.length === seen) await sleep(1);
        echoes.push(performance.now() - sentAt);
      }
      const typingMs = Date.now() - startedAt;
      client.socket.emit("terminal:input", { data: "\u0015" }); // Ctrl-U: leave the prompt empty
      await client.settle();
      const sorted = [...echoes].sort((a, b) => a - b);
      console.log(`recorded terminal: ${keys.length} keystrokes in ${typingMs} ms, ${appends} batch writes, echo p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, p95 ${sorted[Math.ceil(sorted.length * 0.95) - 1]!.toFixed(1)} ms`);
      // One write per 500 ms at most (plus the settle's), whatever the number of keystrokes.
      expect(appends).toBeLessThanOrEqual(Math.ceil((typingMs + 1_500) / 500) + 1);
      expect(appends).toBeLessThan(keys.length / 2);
      client.socket.disconnect();
      await terminalsClosed();
      const recording = await newestRecording();
      expect(recording.truncated).toBe(false);
      expect(recording.frames.filter((f) => f.kind === "o").map((f) => f.data).join("")).toBe(client.text());
    } finally {
      store.append = append;
    }
  });

  it("stops recording a terminal that stays open once the learner leaves their last cohort", async () => {
    const client = terminalClient();
    await connected(client.socket);
    expect(await ask(client.socket, "terminal:open", { levelId: LEVEL, cols: 80, rows: 24 }, 30_000)).toMatchObject({ ok: true, value: { recording: { maxBytes: CAP } } });
    client.socket.emit("terminal:input", { data: "echo still-$((3*3))-recorded\r" });
    await client.waitFor("still-9-recorded");
    await client.settle();
    // Leaving through the dashboard's API, as the profile page does.
    expect((await browser.call("DELETE", `/api/memberships/${cohortId}`)).status).toBe(204);
    client.socket.emit("terminal:input", { data: "echo left-$((4*4))-cohort\r" });
    await client.waitFor("left-16-cohort");
    client.socket.disconnect();
    await terminalsClosed();
    const recorded = (await newestRecording()).frames
      .filter((f) => f.kind === "o")
      .map((f) => f.data)
      .join("");
    expect(recorded).toContain("still-9-recorded");
    // Neither what was typed after leaving nor its output.
    expect(recorded).not.toContain("left-");
  });

  it("is not recorded once they are in no cohort, and terminal:open says so", async () => {
    await server.database.db.deleteFrom("cohort_members").where("learner_id", "=", learnerId).execute();
    const before = await server.kq.services.recordings.list(learnerId);
    const client = terminalClient();
    await connected(client.socket);
    expect(await ask(client.socket, "terminal:open", { levelId: LEVEL, cols: 80, rows: 24 }, 30_000)).toEqual({
      ok: true,
      value: { attached: true, recording: null },
    });
    client.socket.emit("terminal:input", { data: "echo unrecorded-$((1+1))\r" });
    await client.waitFor("unrecorded-2");
    client.socket.disconnect();
    await terminalsClosed();
    expect(await server.kq.services.recordings.list(learnerId)).toEqual(before);
  });

  it("cannot be read as another learner's recording", async () => {
    const [summary] = await server.kq.services.recordings.list(learnerId);
    expect(await server.kq.services.recordings.recording(randomUUID(), summary!.id)).toBeNull();
    expect(await server.kq.services.recordings.recording(learnerId, randomUUID())).toBeNull();
  });
});

describe("retention", () => {
  it("deletes recordings (and their frames) older than the retention when a server starts", async () => {
    const store = server.kq.services.recordings;
    const day = 86_400_000;
    const make = async (ageDays: number) => {
      const id = randomUUID();
      const startedAt = new Date(Date.now() - ageDays * day - 60_000);
      await store.create({ id, learnerId, levelId: LEVEL, startedAt, cols: 80, rows: 24 });
      await store.append(id, [{ seq: 0, t: 60_000, kind: "o", data: `aged ${ageDays} days` }], {
        updatedAt: new Date(startedAt.getTime() + 60_000),
        bytes: 12,
        truncated: false,
      });
      return id;
    };
    const old = await make(11);
    const recent = await make(9);
    const framesOf = async (id: string) =>
      (await server.database.db.selectFrom("terminal_recording_frames").select("seq").where("recording_id", "=", id).execute()).length;
    expect(await framesOf(old)).toBe(1);

    // A second server on the same database, told to keep recordings 10 days, purges at start.
    const second = await startTestServer({ name: "kq-recording-purge-", database: server.database, recording: { retentionDays: 10 } });
    try {
      const deadline = Date.now() + 10_000;
      while ((await store.recording(learnerId, old)) !== null && Date.now() < deadline) await sleep(100);
      expect(await store.recording(learnerId, old)).toBeNull();
      expect(await framesOf(old)).toBe(0);
      expect(await store.recording(learnerId, recent)).toMatchObject({ id: recent, frames: [{ data: "aged 9 days" }] });
    } finally {
      await second.close();
    }
  });

  it("refuses to start with an invalid retention, saying what to set", async () => {
    const saved = process.env.KUBEQUEST_RECORDING_RETENTION_DAYS;
    process.env.KUBEQUEST_RECORDING_RETENTION_DAYS = "forever";
    try {
      await expect(startTestServer({ name: "kq-recording-bad-", database: server.database })).rejects.toThrow(
        /KUBEQUEST_RECORDING_RETENTION_DAYS must be a positive whole number of days/,
      );
    } finally {
      if (saved === undefined) delete process.env.KUBEQUEST_RECORDING_RETENTION_DAYS;
      else process.env.KUBEQUEST_RECORDING_RETENTION_DAYS = saved;
      // The refused server's throwaway data folder.
      for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith("kq-recording-bad-"))) {
        fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
      }
    }
  });
});

describe.each([
  { engine: "SQLite", url: false },
  { engine: "PostgreSQL", url: true },
])("the recording store on $engine", ({ url }) => {
  let pg: ThrowawayPostgres | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-recording-store-"));
  const config = (): DatabaseConfig => (url ? { databaseUrl: pg!.url, dataDir } : { dataDir });

  beforeAll(async () => {
    if (url) pg = await startThrowawayPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("stores big batches in order, lists newest first, keeps recordings to their learner, purges and cascades", async () => {
    const handle = await openDatabase(config());
    try {
      const db = handle.db;
      const store = new RecordingStore(db);
      const [ada, bo] = [randomUUID(), randomUUID()];
      for (const id of [ada, bo]) await db.insertInto("learners").values({ id, created_at: new Date().toISOString(), role: "learner", public_on_leaderboard: 1 }).execute();
      const cohort = randomUUID();
      await db.insertInto("cohorts").values({ id: cohort, name: "c", created_at: new Date().toISOString() }).execute();
      await db.insertInto("cohort_members").values({ cohort_id: cohort, learner_id: ada, joined_at: new Date().toISOString() }).execute();
      expect(await store.isRecorded(ada)).toBe(true);
      expect(await store.isRecorded(bo)).toBe(false);

      const day = 86_400_000;
      const older = { id: randomUUID(), startedAt: new Date(Date.now() - 40 * day) };
      const newer = { id: randomUUID(), startedAt: new Date(Date.now() - 1000) };
      for (const r of [older, newer]) await store.create({ ...r, learnerId: ada, levelId: LEVEL, cols: 120, rows: 40 });
      // More frames than one INSERT takes, with text both engines must keep byte for byte.
      const frames: StoredFrame[] = Array.from({ length: 1_203 }, (_, i) => ({
        seq: i,
        t: i * 3,
        kind: i % 100 === 50 ? "r" : "o",
        data: i % 100 === 50 ? "100x30" : `\u001b[32mline ${i} é→✓\u001b[0m\r\n`,
      }));
      await store.append(newer.id, frames.slice(0, 700), { updatedAt: new Date(newer.startedAt.getTime() + 699 * 3), bytes: 10, truncated: false });
      await store.append(newer.id, frames.slice(700), { updatedAt: new Date(newer.startedAt.getTime() + 1_202 * 3), bytes: 20, truncated: true });
      await store.append(older.id, [{ seq: 0, t: 5, kind: "o", data: "old" }], { updatedAt: new Date(older.startedAt.getTime() + 5), bytes: 3, truncated: false });

      expect((await store.list(ada)).map((r) => r.id)).toEqual([newer.id, older.id]);
      expect(await store.list(bo)).toEqual([]);
      const got = await store.recording(ada, newer.id);
      expect(got).toMatchObject({ id: newer.id, levelId: LEVEL, cols: 120, rows: 40, bytes: 20, truncated: true, durationMs: 1_202 * 3 });
      expect(got!.frames).toEqual(frames.map(({ t, kind, data }) => ({ t, kind, data })));
      expect(await store.recording(bo, newer.id)).toBeNull();

      expect(await store.purgeOlderThan(new Date(Date.now() - 30 * day))).toBe(1);
      expect(await store.recording(ada, older.id)).toBeNull();
      const orphanFrames = await db.selectFrom("terminal_recording_frames").select("seq").where("recording_id", "=", older.id).execute();
      expect(orphanFrames).toEqual([]);

      // Deleting an account deletes its recordings and their frames.
      await db.deleteFrom("learners").where("id", "=", ada).execute();
      expect(await store.list(ada)).toEqual([]);
      expect(await db.selectFrom("terminal_recording_frames").select("seq").where("recording_id", "=", newer.id).execute()).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});
