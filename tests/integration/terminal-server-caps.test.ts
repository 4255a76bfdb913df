// The server's own caps on a learner's terminal, measured on the real server process (run in a
// child, so /proc/<pid> shows the server alone) against the real cluster:
// - a hostile client that never reads its socket and acknowledges output it never received,
//   while `yes` runs in its shell, cannot make the server's memory grow past a stated bound;
// - 200 disconnect / re-attach cycles of one learner's terminal leave no tmux client behind in
//   the toolbox pod, and leave the server's file descriptors and memory at their baseline.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { io as connect } from "socket.io-client";
import type { EnvironmentStatus } from "../../lib/protocol/socket-events";
import type { KubeAdapter } from "../../server/kubernetes/kube-adapter";
import { createKubeAdapter } from "../../server/kubernetes/kube-client";
import { SESSION_COOKIE } from "../../server/session/anonymous-session";
import { startServerProcess, type ServerProcess } from "./support/server-process";
import { ask, connected, nextEvent, type TestSocket } from "./support/test-server";

const LEVEL = "headless-statefulset-dns";
/** The stated bound: the server's resident memory may grow by at most this under the flood. */
const FLOOD_RSS_BOUND_MB = 16;
// The server drops a client that answers no ping after about 45 s (socket.io: 25 s + 20 s);
// the flood is measured for as long as that allows.
const FLOOD_SECONDS = 38;
const CYCLES = 200;
/** Baseline tolerances after the cycles (measured figures are printed and go to NOTES). */
const CYCLES_FD_TOLERANCE = 8;
const CYCLES_RSS_TOLERANCE_MB = 40;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Made in beforeAll, not at load: npm test lists this file's tests before the cluster exists.
let kube: KubeAdapter;
beforeAll(() => {
  kube = createKubeAdapter();
});

let child: ServerProcess;
let url: string;
let cookie: string;
let namespace: string;
let dataDir: string;
const sockets: TestSocket[] = [];

function rssMb(): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}
const openFds = (): number => fs.readdirSync(`/proc/${child.pid}/fd`).length;

/** Every process in the toolbox pod, by its command line (minus the `ps` that lists them). */
async function toolboxProcesses(): Promise<string[]> {
  // The process name tells tmux's client from its server ("tmux: client" / "tmux: server");
  // both keep the command line they were started with.
  const out = await kube.exec(namespace, "toolbox", undefined, ["ps", "-eo", "comm=,args="]);
  return out.stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("ps "));
}
const tmuxClients = (procs: string[]) => procs.filter((p) => p.startsWith("tmux: client"));

function socket(): TestSocket {
  const s: TestSocket = connect(url, { transports: ["websocket"], extraHeaders: { cookie, origin: url }, reconnection: false, forceNew: true });
  sockets.push(s);
  return s;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kq-terminal-caps-"));
  const { DATABASE_URL: _sqliteHere, ...env } = process.env;
  child = await startServerProcess({ ...env, KUBEQUEST_DATA_DIR: dataDir, KQ_TEST_RATE_LIMIT: "1000/1000" });
  url = child.url;
  const res = await fetch(`${url}/`);
  cookie = `${SESSION_COOKIE}=${new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get("set-cookie") ?? "")![1]}`;
  const starter = socket();
  await connected(starter);
  const started = await ask<EnvironmentStatus>(starter, "level:start", { levelId: LEVEL });
  // Remembered before checking, so a level that failed to come up is deleted too.
  if (started.ok && started.value.namespace) namespace = started.value.namespace;
  if (!started.ok || started.value.phase !== "ready") throw new Error(`level did not start: ${JSON.stringify(started)}`);
  starter.disconnect();
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await child?.stop();
  if (namespace) await kube.deleteNamespace(namespace, { wait: false }).catch(() => undefined);
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Opens the terminal on `s` and resolves once its first output (tmux's redraw) arrived. */
async function attach(s: TestSocket, size = { cols: 80, rows: 24 }): Promise<void> {
  const first = nextEvent(s, "terminal:output", () => true, 30_000);
  const opened = await ask(s, "terminal:open", { levelId: LEVEL, ...size }, 30_000);
  if (!opened.ok) throw new Error(`terminal:open failed: ${JSON.stringify(opened)}`);
  await first;
}

describe("terminal input and resize limits", () => {
  it("drops a flood of input and resizes with a notice, and applies the last size asked for", async () => {
    const s = socket();
    await connected(s);
    await attach(s);
    let output = "";
    s.on("terminal:output", (c) => (output = (output + c.data).slice(-20_000)));
    const notices: string[] = [];
    s.on("terminal:notice", (n) => notices.push(n.code));
    for (let i = 0; i < 400; i++) s.emit("terminal:input", { data: "#" });
    const sizes = Array.from({ length: 60 }, (_, i) => ({ cols: 80 + (i % 40), rows: 24 + (i % 10) }));
    for (const size of sizes) s.emit("terminal:resize", size);
    const deadline = Date.now() + 10_000;
    while (!(notices.includes("input-dropped") && notices.includes("resize-dropped")) && Date.now() < deadline) await sleep(100);
    expect(notices).toContain("input-dropped");
    expect(notices).toContain("resize-dropped");
    // Told once per couple of seconds, not once per dropped message.
    expect(notices.length).toBeLessThanOrEqual(4);
    // Once the limit allows, the shell has the last size asked for: ask the shell until it
    // says so (once a second: the pace of the question, not a proof by waiting).
    const last = sizes.at(-1)!;
    const wanted = `kq-size-${last.rows} ${last.cols}`;
    const shown = Date.now() + 20_000;
    while (!output.includes(wanted) && Date.now() < shown) {
      s.emit("terminal:input", { data: "\u0015stty size | sed 's/^/kq-size-/'\r" });
      const asked = Date.now();
      while (!output.includes(wanted) && Date.now() - asked < 1000) await sleep(100);
    }
    expect(output).toContain(wanted);
    s.disconnect();
  });
});

describe("a hostile terminal client", () => {
  it(`cannot grow the server's memory by more than ${FLOOD_RSS_BOUND_MB} MB: it stops reading and acknowledges everything while yes runs`, async () => {
    const hostile = socket();
    await connected(hostile);
    await attach(hostile, { cols: 500, rows: 200 });
    let received = 0;
    hostile.on("terminal:output", (c) => (received += c.bytes));
    const baseline = rssMb();
    hostile.emit("terminal:input", { data: "yes $(printf '%0480d' 0)\r" });
    // Stop reading: the WebSocket stops reading its TCP socket (ws's own pause, which its
    // receiver does not undo); writes (the acks) still go out.
    (hostile.io.engine.transport as unknown as { ws: { pause(): void } }).ws.pause();
    const acks = setInterval(() => hostile.emit("terminal:ack", { bytes: Number.MAX_SAFE_INTEGER }), 20);
    // Whatever happens below, the hostile client goes, so the next test's baseline has no connection.
    onTestFinished(() => {
      clearInterval(acks);
      if (hostile.connected) (hostile.io.engine.transport as unknown as { ws: { terminate(): void } }).ws.terminate();
    });
    // The positive signal: the server paused this terminal's output on its own backlog (the
    // acks claim everything was read), so it no longer reads the exec.
    type Flow = { sentBytes: number; unackedBytes: number; paused: boolean } | null;
    const flow = () => child.ask<Flow>("flow", hostile.id!);
    // (It may pause on its unacknowledged window first, between two acks: the steady state is
    // paused with nothing unacknowledged, and that is what is waited for.)
    const pausedBy = Date.now() + 60_000;
    let seen: Flow = await flow();
    while (!(seen?.paused && seen.unackedBytes === 0) && Date.now() < pausedBy) {
      await sleep(100);
      seen = await flow();
    }
    expect(seen, "the server paused the hostile client's terminal").toMatchObject({ paused: true, unackedBytes: 0 });
    let peak = baseline;
    const samples: number[] = [];
    for (let i = 0; i < FLOOD_SECONDS; i++) {
      await sleep(1000);
      const now = rssMb();
      samples.push(Math.round(now));
      peak = Math.max(peak, now);
    }
    // Still paused: the client still reads nothing, so the server still reads no more of `yes`.
    expect(await flow()).toMatchObject({ paused: true });
    clearInterval(acks);
    hostile.emit("terminal:input", { data: "\u0003" });
    console.log(
      `hostile client, ${FLOOD_SECONDS} s of yes: server RSS ${baseline.toFixed(1)} MB at start, peak ${peak.toFixed(1)} MB (+${(peak - baseline).toFixed(1)} MB); samples ${samples.join(" ")}; the client had read ${received} bytes`,
    );
    (hostile.io.engine.transport as unknown as { ws: { terminate(): void } }).ws.terminate();
    expect(peak - baseline).toBeLessThan(FLOOD_RSS_BOUND_MB);
  });
});

describe("closing terminals", () => {
  it(`${CYCLES} disconnect / re-attach cycles leave no tmux client in the pod, and the server's fds and memory at baseline`, async () => {
    // Warm up: the first attach starts tmux's server; its client then goes with the socket.
    const warm = socket();
    await connected(warm);
    await attach(warm);
    warm.disconnect();
    // Our own short execs that end a closed terminal's tmux client (tmux-client.ts) are not the
    // learner's processes: each goes by itself within about two seconds (or at its 15 s timeout).
    const enders = (procs: string[]) => procs.filter((p) => p.includes("kubequest-end-terminal"));
    // Counted once the server says it holds no terminal and its ending execs have returned, and
    // the pod shows neither a tmux client nor an ending exec (a positive state, polled for).
    const settle = async (): Promise<string[]> => {
      expect(await child.ask("quiet")).toEqual({ terminals: 0, connections: 0 });
      const deadline = Date.now() + 30_000;
      let procs = await toolboxProcesses();
      while ((tmuxClients(procs).length > 0 || enders(procs).length > 0) && Date.now() < deadline) {
        await sleep(500);
        procs = await toolboxProcesses();
      }
      return procs;
    };
    const before = await settle();
    // Nothing left over from the tests above either (the hostile client's was blocked writing).
    expect(tmuxClients(before)).toEqual([]);
    expect(enders(before)).toEqual([]);
    // Live processes only: zombies left by the tests above (the toolbox's PID 1 is `sleep`, which
    // reaps nothing) vanish when their parent goes, so they would make the count drift down.
    const live = (procs: string[]) => procs.filter((p) => !p.includes("<defunct>"));
    const base = { procs: live(before).length, fds: openFds(), rss: rssMb() };
    const t0 = Date.now();
    for (let i = 0; i < CYCLES; i++) {
      const s = socket();
      await connected(s);
      await attach(s);
      // Every other cycle re-attaches on the same socket first (as a page does after a hiccup).
      if (i % 2 === 1) await attach(s);
      s.disconnect();
      sockets.pop();
    }
    const seconds = (Date.now() - t0) / 1000;
    const after = await settle();
    const end = { procs: live(after).length, fds: openFds(), rss: rssMb() };
    console.log(
      `${CYCLES} cycles in ${seconds.toFixed(0)} s: toolbox processes ${base.procs} → ${end.procs}, server fds ${base.fds} → ${end.fds}, server RSS ${base.rss.toFixed(1)} → ${end.rss.toFixed(1)} MB\n  toolbox now: ${after.join(" | ")}`,
    );
    expect(tmuxClients(after)).toEqual([]);
    expect(enders(after), "every ending exec returned").toEqual([]);
    expect(end.procs, `toolbox processes now: ${live(after).join(" | ")}`).toBeLessThanOrEqual(base.procs);
    expect(end.fds).toBeLessThanOrEqual(base.fds + CYCLES_FD_TOLERANCE);
    expect(end.rss - base.rss).toBeLessThan(CYCLES_RSS_TOLERANCE_MB);
  });
});
