// The socket server end to end on loopback, with socket.io-client: handshake refusals (no
// session, foreign Origin), payload validation and rate limits, then a learner's whole path on
// the real kind cluster: start a level (with progress), open the terminal, validate / apply /
// recreate YAML, receive live-view snapshots, reset.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LIMITS,
  type CheckResult,
  type GradeFinished,
  type GradeStarted,
  type EnvironmentStatus,
  type LiveViewSnapshot,
  type ProgressEvent,
} from "../../lib/protocol/socket-events";
import { environmentNamespace } from "../../server/environments/environment-naming";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { getLevelCatalog } from "../../server/levels/level-catalog";
import { HANDSHAKE_ERRORS } from "../../server/socket/socket-server";
import { SESSION_COOKIE } from "../../server/session/anonymous-session";
import { ask, connected, startTestServer, type TestServer, type TestSocket } from "./support/test-server";

type Client = TestSocket;
const LEVEL = "headless-statefulset-dns";

let server: TestServer;
let kq: TestServer["kq"];

/** Environments are named after the learner a session plays as, not the session itself. */
async function learnerOf(sessionId: string): Promise<string> {
  return (await kq.services.accounts.resolveSession(sessionId)).learner.id;
}

/** A new session cookie, as the server hands it to a first page load. */
async function newSession(): Promise<{ cookie: string; id: string }> {
  const res = await fetch(`${kq.url}/`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const value = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(setCookie)?.[1];
  if (!value) throw new Error(`no session cookie in ${setCookie}`);
  return { cookie: `${SESSION_COOKIE}=${value}`, id: server.signer.verify(value)! };
}

const client = (opts: Parameters<TestServer["socket"]>[0] = {}): Client => server.socket(opts);

async function polling(headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const res = await fetch(`${kq.url}/socket.io/?EIO=4&transport=polling`, { headers });
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  server = await startTestServer({ name: "kq-socket-", rateLimit: { capacity: 20, perMs: 10_000 } });
  kq = server.kq;
});

afterAll(async () => {
  await server?.close();
});

describe("HTTP sessions", () => {
  it("gives a first request a session cookie and keeps a valid one", async () => {
    const first = await fetch(`${kq.url}/`);
    const cookie = first.headers.get("set-cookie");
    expect(cookie).toMatch(/^kq_session=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/);
    const again = await fetch(`${kq.url}/`, { headers: { cookie: cookie!.split(";")[0]! } });
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(await again.text()).toBe("page");
  });
});

describe("socket handshake", () => {
  it("refuses a handshake without a session, saying why", async () => {
    const res = await polling({});
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ message: HANDSHAKE_ERRORS.session });
    await expect(connected(client())).rejects.toThrow();
  });

  it("refuses a forged session", async () => {
    const { cookie } = await newSession();
    expect((await polling({ cookie: `${cookie.slice(0, -2)}xx` })).status).toBe(403);
  });

  it("refuses a foreign Origin even with a valid session, on polling and on WebSocket", async () => {
    const { cookie } = await newSession();
    const res = await polling({ cookie, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ message: HANDSHAKE_ERRORS.origin });
    await expect(connected(client({ cookie, origin: "https://evil.example" }))).rejects.toThrow();
  });

  it("accepts a session from the server's own origin", async () => {
    const { cookie } = await newSession();
    const socket = client({ cookie, origin: kq.url });
    await connected(socket);
    expect(socket.connected).toBe(true);
    const viaPolling = client({ cookie, origin: kq.url, transports: ["polling"] });
    await connected(viaPolling);
  });
});

describe("requests", () => {
  let socket: Client;
  beforeAll(async () => {
    socket = client({ cookie: (await newSession()).cookie });
    await connected(socket);
  });

  it("answers a malformed payload with an error naming the problem, and survives", async () => {
    const bad = await ask(socket, "level:open", { levelId: "../etc/passwd" });
    expect(bad).toMatchObject({ ok: false, error: { code: "bad-payload" } });
    expect(bad.ok || bad.error.message).toMatch(/^level:open: levelId: /);
    const extra = await ask(socket, "level:open", { levelId: LEVEL, namespace: "kube-system" });
    expect(extra).toMatchObject({ ok: false, error: { code: "bad-payload" } });
    expect(await ask(socket, "yaml:recreate", { levelId: LEVEL, yaml: "a: 1" })).toMatchObject({ ok: false, error: { code: "bad-payload" } });
    expect(await ask(socket, "level:open", "not an object")).toMatchObject({ ok: false, error: { code: "bad-payload" } });
    // No ack callback at all, and junk on fire-and-forget events: nothing breaks.
    (socket as unknown as { emit(e: string, p: unknown): void }).emit("level:open", { levelId: 42 });
    (socket as unknown as { emit(e: string, p: unknown): void }).emit("terminal:input", { data: 5 });
    (socket as unknown as { emit(e: string, p: unknown): void }).emit("terminal:ack", { bytes: -1 });
    expect(await ask(socket, "level:open", { levelId: "no-such-level" })).toMatchObject({ ok: false, error: { code: "unknown-level" } });
    expect(socket.connected).toBe(true);
  });

  it("refuses YAML and terminals before the level is started", async () => {
    expect(await ask(socket, "yaml:apply", { levelId: LEVEL, yaml: "a: 1" })).toMatchObject({ ok: false, error: { code: "environment-not-ready" } });
    expect(await ask(socket, "terminal:open", { levelId: LEVEL, cols: 80, rows: 24 })).toMatchObject({ ok: false, error: { code: "environment-not-ready" } });
  });

  it("rate-limits expensive requests per learner with an actionable error", async () => {
    const { cookie } = await newSession();
    const a = client({ cookie });
    const b = client({ cookie });
    await Promise.all([connected(a), connected(b)]);
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => ask(i % 2 ? a : b, "yaml:validate", { levelId: LEVEL, yaml: "a: 1" })));
    const limited = answers.filter((r) => !r.ok && r.error.code === "rate-limited");
    expect(limited.length).toBeGreaterThanOrEqual(4);
    expect(limited[0]).toMatchObject({ ok: false, error: { action: expect.stringMatching(/^Wait \d+ s/) } });
  });
});

describe("a learner's path through level 30 on the real cluster", () => {
  // Made when the tests run, not when the file is collected: listing tests needs no cluster.
  let kube: ReturnType<typeof createKubeAdapter>;
  beforeAll(() => {
    kube = createKubeAdapter();
  });
  let socket: Client;
  let namespace: string;
  const progress: ProgressEvent[] = [];
  const snapshots: LiveViewSnapshot[] = [];
  let terminalOutput = "";
  /** Bytes of terminal output received, and whether they are acknowledged like xterm does. */
  let received = 0;
  let acking = true;

  beforeAll(async () => {
    const session = await newSession();
    namespace = environmentNamespace(await learnerOf(session.id), (await getLevelCatalog()).get(LEVEL)!.manifest.number);
    socket = client({ cookie: session.cookie });
    socket.on("environment:progress", (p) => progress.push(p));
    socket.on("liveview:snapshot", (s) => snapshots.push(s));
    socket.on("terminal:output", (chunk) => {
      terminalOutput = (terminalOutput + chunk.data).slice(-100_000);
      received += chunk.bytes;
      if (acking) socket.emit("terminal:ack", { bytes: received });
    });
    await connected(socket);
  });

  afterAll(async () => {
    if (namespace) await kube.deleteNamespace(namespace, { wait: false }).catch(() => undefined);
  });

  it("opens as absent, then starts with progress", async () => {
    expect(await ask(socket, "level:open", { levelId: LEVEL })).toEqual({ ok: true, value: { levelId: LEVEL, phase: "absent", namespace: null, passed: false } });
    const t0 = Date.now();
    const [first, second] = await Promise.all([
      ask<EnvironmentStatus>(socket, "level:start", { levelId: LEVEL }),
      ask<EnvironmentStatus>(socket, "level:start", { levelId: LEVEL }),
    ]);
    // How fast is `npm run bench`'s "level start" section's business, not a test's.
    console.log(`level 30 started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(first).toEqual({ ok: true, value: { levelId: LEVEL, phase: "ready", namespace, passed: false } });
    expect(second).toEqual(first);
    expect(progress.map((p) => p.index)).toEqual([1, 2, 3, 4, 4]);
    expect(progress.at(-1)).toMatchObject({ done: true, total: 4 });

    const ns = (await kube.listNamespaces(`kubequest.dev/level=${LEVEL}`)).find((n) => n.name === namespace)!;
    expect(ns.labels).toMatchObject({
      "app.kubernetes.io/managed-by": "kubequest",
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
    expect((await kube.getPod(namespace, "toolbox"))!.phase).toBe("Running");
    expect(await ask(socket, "level:open", { levelId: LEVEL })).toMatchObject({ ok: true, value: { phase: "ready", namespace } });
  });

  it("attaches a terminal to tmux in the toolbox pod, as the learner", async () => {
    expect(await ask(socket, "terminal:open", { levelId: LEVEL, cols: 100, rows: 30 }, 30_000)).toEqual({ ok: true, value: { attached: true, recording: null } });
    socket.emit("terminal:input", { data: "echo kq-$((6*7)) $(id -u) $POD_NAMESPACE\r" });
    const deadline = Date.now() + 20_000;
    while (!terminalOutput.includes(`kq-42 1000 ${namespace}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(terminalOutput).toContain(`kq-42 1000 ${namespace}`);
  });

  it("stops sending terminal output the browser has not acknowledged (flow control)", async () => {
    acking = false;
    const ackedUpTo = received;
    socket.emit("terminal:input", { data: "yes kq-flow-control\r" });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // The positive signal, from the server: it paused this terminal's output (it no longer
    // reads the exec), and everything it sent before pausing has arrived here. tmux forwards
    // `yes` at whatever pace it redraws, so this is waited for (bounded), not assumed.
    const deadline = Date.now() + 90_000;
    let flow = kq.services.terminals.flowOf(socket.id!);
    while (!(flow?.paused && received === flow.sentBytes) && Date.now() < deadline) {
      await sleep(100);
      flow = kq.services.terminals.flowOf(socket.id!);
    }
    expect(flow).toMatchObject({ paused: true, sentBytes: received });
    const stalledAt = received;
    const unacked = stalledAt - ackedUpTo;
    expect(unacked).toBeGreaterThan(LIMITS.terminalUnackedBytes);
    // At most one more websocket frame than the window.
    expect(unacked).toBeLessThan(LIMITS.terminalUnackedBytes + 64 * 1024);
    acking = true;
    socket.emit("terminal:ack", { bytes: received });
    // Output resumes once the ack arrives; how soon depends on the machine's load, so wait for
    // it, bounded, instead of for a fixed time.
    const resumeBy = Date.now() + 15_000;
    while (received === stalledAt && Date.now() < resumeBy) await sleep(100);
    expect(received).toBeGreaterThan(stalledAt);
    socket.emit("terminal:input", { data: "\u0003" });
    // The shell answers again once `yes` is interrupted (the typed text alone has no "kq-2-done").
    socket.emit("terminal:input", { data: "clear; echo kq-$((1+1))-done\r" });
    const doneBy = Date.now() + 30_000;
    while (!terminalOutput.includes("kq-2-done") && Date.now() < doneBy) await sleep(100);
    expect(terminalOutput).toContain("kq-2-done");
  });

  it("validates, refuses an in-place clusterIP change, and recreates the Service", async () => {
    const level = (await getLevelCatalog()).get(LEVEL)!;
    const broken = level.editableFiles.find((f) => f.name === "service.yaml")!.content;
    const headless = broken.replace("  type: ClusterIP\n", "  type: ClusterIP\n  clusterIP: None\n");
    expect(headless).not.toBe(broken);
    const clusterIpLine = headless.split("\n").findIndex((l) => l.includes("clusterIP: None")) + 1;

    const validated = await ask<{ issues: { line?: number; message: string; severity: string }[] }>(socket, "yaml:validate", { levelId: LEVEL, yaml: headless });
    expect(validated.ok).toBe(true);
    const issues = validated.ok ? validated.value.issues : [];
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: "error", line: clusterIpLine });
    expect(issues[0]!.message).toMatch(/clusterIP can't be changed in place/);

    expect(await ask(socket, "yaml:apply", { levelId: LEVEL, yaml: headless })).toEqual({
      ok: false,
      error: {
        code: "immutable-field",
        resource: { kind: "Service", name: "redis" },
        field: "spec.clusterIP",
        message: expect.stringMatching(/clusterIP can't be changed in place/),
        action: "Delete and recreate it: use Recreate, or kubectl delete svc redis then apply.",
      },
    });
    expect(await ask(socket, "yaml:apply", { levelId: LEVEL, yaml: broken })).toEqual({ ok: true, value: { applied: [{ kind: "Service", name: "redis", action: "unchanged" }] } });
    expect(await ask(socket, "yaml:recreate", { levelId: LEVEL, yaml: headless, confirmed: true })).toEqual({
      ok: true,
      value: {
        applied: [
          { kind: "Service", name: "redis", action: "deleted" },
          { kind: "Service", name: "redis", action: "created" },
        ],
      },
    });
    expect((await kube.getService(namespace, "redis"))!.clusterIP).toBe("None");
  });

  it("streams live-view snapshots with pods, the headless Service and DNS answers", async () => {
    const deadline = Date.now() + 120_000;
    const good = (s: LiveViewSnapshot) =>
      s.namespace === namespace &&
      s.services.some((svc) => svc.name === "redis" && svc.clusterIP === "None") &&
      s.dns.some((d) => d.name === `redis-0.redis.${namespace}.svc.cluster.local` && d.addresses.length === 1);
    while (!snapshots.some(good) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const snap = snapshots.find(good)!;
    expect(snap).toBeDefined();
    expect(snap.pods.find((p) => p.name === "redis-0")).toMatchObject({ ordinal: 0, phase: "Running" });
    expect(snap.pods.find((p) => p.name === "toolbox")?.ordinal).toBeUndefined();
    expect(snap.dns.map((d) => d.name)).toEqual([0, 1, 2].map((i) => `redis-${i}.redis.${namespace}.svc.cluster.local`).concat(`redis.${namespace}.svc.cluster.local`));
  });

  it("grades the fixed level, streaming each check to the room", async () => {
    const started: GradeStarted[] = [];
    const checks: { runId: string; result: CheckResult }[] = [];
    socket.on("grade:started", (s) => started.push(s));
    socket.on("grade:check", (c) => checks.push(c));
    const finished = await ask<GradeFinished>(socket, "grade:run", { levelId: LEVEL });
    expect(finished.ok).toBe(true);
    if (!finished.ok) return;
    console.log(`grade: passed=${finished.value.passed} in ${(finished.value.durationMs / 1000).toFixed(1)} s: ${finished.value.results.map((r) => `${r.id}=${r.status}`).join(", ")}`);
    expect(started).toHaveLength(1);
    expect(started[0]!.runId).toBe(finished.value.runId);
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((c) => c.runId === finished.value.runId)).toBe(true);
    if (finished.value.passed) {
      expect(await ask(socket, "level:open", { levelId: LEVEL })).toMatchObject({ ok: true, value: { phase: "ready", passed: true } });
    }
  });

  it("resets the level back to its broken state", async () => {
    const exits: string[] = [];
    socket.on("terminal:exit", (e) => exits.push(e.reason));
    const reset = await ask<EnvironmentStatus>(socket, "level:reset", { levelId: LEVEL });
    expect(reset).toEqual({ ok: true, value: { levelId: LEVEL, phase: "ready", namespace, passed: false } });
    expect(exits[0]).toMatch(/being reset/);
    expect((await kube.getService(namespace, "redis"))!.clusterIP).not.toBe("None");
  });

  it("stops watching the namespace and closes the terminal when the last socket leaves", async () => {
    expect(kq.services.liveViews.isWatching(namespace)).toBe(true);
    await ask(socket, "terminal:open", { levelId: LEVEL, cols: 80, rows: 24 }, 30_000);
    expect(kq.services.terminals.size).toBe(1);
    socket.disconnect();
    const deadline = Date.now() + 5_000;
    while ((kq.services.liveViews.isWatching(namespace) || kq.services.terminals.size > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(kq.services.liveViews.isWatching(namespace)).toBe(false);
    expect(kq.services.terminals.size).toBe(0);
  });
});

describe("abandoning a level (what an instructor's grading run cleans up with)", () => {
  // Made when the tests run, not when the file is collected: listing tests needs no cluster.
  let kube: ReturnType<typeof createKubeAdapter>;
  beforeAll(() => {
    kube = createKubeAdapter();
  });
  let namespace = "";

  afterAll(async () => {
    if (namespace) await kube.deleteNamespace(namespace, { wait: false }).catch(() => undefined);
  });

  it("deletes the learner's namespace, tells every tab, and opens as absent afterwards", async () => {
    const session = await newSession();
    namespace = environmentNamespace(await learnerOf(session.id), (await getLevelCatalog()).get(LEVEL)!.manifest.number);
    const socket = client({ cookie: session.cookie });
    const other = client({ cookie: session.cookie });
    await Promise.all([connected(socket), connected(other)]);
    const absent = { ok: true, value: { levelId: LEVEL, phase: "absent", namespace: null, passed: false } };
    // Nothing to delete yet: still an answer, not an error.
    expect(await ask(socket, "level:abandon", { levelId: LEVEL })).toEqual(absent);

    expect(await ask(socket, "level:start", { levelId: LEVEL })).toMatchObject({ ok: true, value: { phase: "ready", namespace } });
    expect(await ask(other, "level:open", { levelId: LEVEL })).toMatchObject({ ok: true, value: { phase: "ready", namespace } });
    const seenByOther = new Promise<EnvironmentStatus>((resolve) => other.once("environment:status", resolve));

    expect(await ask(socket, "level:abandon", { levelId: LEVEL })).toEqual(absent);
    expect((await kube.listNamespaces(`kubequest.dev/level=${LEVEL}`)).find((n) => n.name === namespace)).toBeUndefined();
    expect(await seenByOther).toEqual(absent.value);
    expect(await ask(socket, "level:open", { levelId: LEVEL })).toEqual(absent);
    expect(await ask(socket, "level:abandon", { levelId: "no-such-level" })).toMatchObject({ ok: false, error: { code: "unknown-level" } });
  });
});
