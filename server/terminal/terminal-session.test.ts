import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { InteractiveExec, KubeAdapter } from "../kubernetes/kube-adapter";
import { attemptKeyOf } from "../environments/environment-naming";
import { TerminalSessions, type TerminalSink } from "./terminal-session";
import { END_CLIENT_SCRIPT, TMUX_SESSION_ARGV } from "./tmux-client";

/** An exec whose streams the test drives: what the real adapter hands out, minus the cluster. */
function fakeExec() {
  const stdout = new PassThrough();
  const stdin = new PassThrough();
  let resolveClosed: (v: { reason: string }) => void = () => undefined;
  const exec: InteractiveExec & { closedCalls: number; sizes: [number, number][]; paused: () => boolean } = {
    stdin,
    stdout,
    closedCalls: 0,
    sizes: [],
    resize(cols, rows) {
      exec.sizes.push([cols, rows]);
    },
    close() {
      exec.closedCalls++;
      resolveClosed({ reason: "closed" });
    },
    closed: new Promise((r) => (resolveClosed = r)),
    paused: () => stdout.isPaused(),
  };
  return { exec, out: stdout, end: (reason: string) => resolveClosed({ reason }) };
}

function setup(opts: { idleMs?: number; limit?: number; backlogLimit?: number } = {}) {
  const execs: ReturnType<typeof fakeExec>[] = [];
  const calls: { namespace: string; pod: string; argv: string[]; size: { cols: number; rows: number } }[] = [];
  /** The short execs that end a closed terminal's tmux client: the token they were given. */
  const endedTokens: string[] = [];
  const kube = {
    exec: async (_namespace: string, _pod: string, _c: string | undefined, argv: string[]) => {
      if (argv[2] === END_CLIENT_SCRIPT) endedTokens.push(argv[4]!);
      return { stdout: "1\n", stderr: "", exitCode: 0 };
    },
    execInteractive: async (namespace: string, pod: string, _c: string | undefined, argv: string[], size: { cols: number; rows: number }) => {
      calls.push({ namespace, pod, argv, size });
      const e = fakeExec();
      execs.push(e);
      return e.exec;
    },
  } as unknown as KubeAdapter;
  let now = 0;
  const terminals = new TerminalSessions({
    kube: () => kube,
    idleMs: opts.idleMs ?? 1000,
    unackedLimit: opts.limit ?? 100,
    serverBacklogLimit: opts.backlogLimit ?? 1000,
    now: () => now,
  });
  const sink = () => {
    const out: { data: string; bytes: number }[] = [];
    const exits: string[] = [];
    const s: TerminalSink = { output: (c) => out.push(c), exit: (i) => exits.push(i.reason) };
    return { s, out, exits };
  };
  return { terminals, execs, calls, endedTokens, sink, advance: (ms: number) => (now += ms) };
}

const target = { attemptKey: "session:level", namespace: "kq-0123456789-30", pod: "toolbox" };
const tick = () => new Promise((r) => setImmediate(r));

describe("TerminalSessions", () => {
  it("execs tmux in the toolbox of the given namespace with the initial size, marked with a fresh token", async () => {
    const { terminals, calls, sink } = setup();
    await terminals.open("sock1", target, { cols: 100, rows: 30 }, sink().s);
    await terminals.open("sock2", { ...target, attemptKey: "other" }, { cols: 100, rows: 30 }, sink().s);
    expect(calls[0]).toEqual({ namespace: target.namespace, pod: "toolbox", argv: expect.any(Array), size: { cols: 100, rows: 30 } });
    const [first, second] = calls.map((c) => c.argv);
    expect(first).toEqual(["env", expect.stringMatching(/^KUBEQUEST_ATTACH=[0-9a-f]{24}$/), ...TMUX_SESSION_ARGV]);
    expect(TMUX_SESSION_ARGV).toEqual(["tmux", "new-session", "-A", "-s", "main"]);
    expect(second![1]).not.toBe(first![1]);
  });

  it("ends the tmux client of every closed terminal in the pod: detach, re-attach, another tab, shell exit, close all", async () => {
    const { terminals, calls, endedTokens, execs, sink } = setup();
    const tokenOf = (i: number) => calls[i]!.argv[1]!.split("=")[1]!;
    await terminals.open("sock1", target, { cols: 80, rows: 24 }, sink().s);
    terminals.detach("sock1"); // socket gone
    await terminals.open("sock1", target, { cols: 80, rows: 24 }, sink().s);
    await terminals.open("sock1", target, { cols: 80, rows: 24 }, sink().s); // re-attach on the same socket
    await terminals.open("sock2", target, { cols: 80, rows: 24 }, sink().s); // another tab
    execs[3]!.end("the connection to the cluster was lost");
    await tick();
    await terminals.open("sock3", target, { cols: 80, rows: 24 }, sink().s);
    terminals.closeAll("The server is shutting down.");
    await terminals.clientsEnded();
    expect(endedTokens).toEqual([0, 1, 2, 3, 4].map(tokenOf));
  });

  it("pauses on the server's own backlog however much the client acknowledges, and resumes once it drains", async () => {
    const { terminals, execs, sink } = setup({ limit: 100, backlogLimit: 1000 });
    let backlog = 0;
    const s = sink();
    await terminals.open("sock1", target, { cols: 80, rows: 24 }, { ...s.s, unsentBytes: () => backlog });
    const { exec, out } = execs[0]!;
    let sent = 0;
    for (let i = 0; i < 5; i++) {
      out.write(Buffer.alloc(50, 0x61));
      await tick();
      sent += 50;
      backlog += 300; // the client reads nothing
      terminals.ack("sock1", 1e15); // and claims to have read everything
    }
    expect(backlog).toBeGreaterThan(1000);
    expect(exec.stdout.isPaused()).toBe(true);
    terminals.ack("sock1", Number.MAX_SAFE_INTEGER);
    expect(exec.stdout.isPaused()).toBe(true);
    backlog = 600;
    await new Promise((r) => setTimeout(r, 120));
    expect(exec.stdout.isPaused()).toBe(true);
    backlog = 400;
    await new Promise((r) => setTimeout(r, 120));
    expect(exec.stdout.isPaused()).toBe(false);
    expect(sent).toBe(250);
    terminals.closeAll("done");
  });

  it("never splits a UTF-8 character between two output events, and counts raw bytes", async () => {
    const { terminals, execs, sink } = setup();
    const { s, out } = sink();
    await terminals.open("sock1", target, { cols: 80, rows: 24 }, s);
    const bytes = Buffer.from("héllo ✓", "utf8");
    const cut = bytes.indexOf(0xe2) + 1; // inside the 3-byte check mark
    execs[0]!.out.write(bytes.subarray(0, cut));
    execs[0]!.out.write(bytes.subarray(cut));
    await tick();
    expect(out.map((c) => c.data).join("")).toBe("héllo ✓");
    expect(out.every((c) => !c.data.includes("\uFFFD"))).toBe(true);
    expect(out.reduce((n, c) => n + c.bytes, 0)).toBe(bytes.length);
  });

  it("pauses the exec's output above the unacknowledged limit and resumes on acks", async () => {
    const { terminals, execs, sink } = setup({ limit: 100 });
    await terminals.open("sock1", target, { cols: 80, rows: 24 }, sink().s);
    const { exec, out } = execs[0]!;
    out.write(Buffer.alloc(150, 0x61));
    await tick();
    expect(exec.stdout.isPaused()).toBe(true);
    // What tests wait for instead of watching the output stay quiet.
    expect(terminals.flowOf("sock1")).toEqual({ sentBytes: 150, unackedBytes: 150, paused: true });
    terminals.ack("sock1", 60);
    expect(exec.stdout.isPaused()).toBe(true);
    terminals.ack("sock1", 150);
    expect(exec.stdout.isPaused()).toBe(false);
    expect(terminals.flowOf("sock1")).toEqual({ sentBytes: 150, unackedBytes: 0, paused: false });
    expect(terminals.flowOf("no-such-socket")).toBeUndefined();
  });

  it("passes input and resizes to the exec", async () => {
    const { terminals, execs, sink } = setup();
    await terminals.open("sock1", target, { cols: 80, rows: 24 }, sink().s);
    let typed = "";
    execs[0]!.exec.stdin.on("data", (d: Buffer) => (typed += d.toString()));
    terminals.input("sock1", "ls\r");
    terminals.resize("sock1", 120, 40);
    await tick();
    expect(typed).toBe("ls\r");
    expect(execs[0]!.exec.sizes).toEqual([[120, 40]]);
  });

  it("re-opening on the same socket replaces the terminal quietly; another tab's terminal is told why", async () => {
    const { terminals, execs, sink } = setup();
    const first = sink();
    await terminals.open("sock1", target, { cols: 80, rows: 24 }, first.s);
    await terminals.open("sock1", target, { cols: 80, rows: 24 }, first.s);
    expect(execs[0]!.exec.closedCalls).toBe(1);
    await tick();
    expect(first.exits).toEqual([]);
    const other = sink();
    await terminals.open("sock2", target, { cols: 80, rows: 24 }, other.s);
    expect(first.exits).toEqual(["This terminal was opened in another tab or window."]);
    expect(terminals.size).toBe(1);
  });

  it("tells the browser when the shell ends, and forgets a disconnected socket silently", async () => {
    const { terminals, execs, sink } = setup();
    const a = sink();
    await terminals.open("sock1", target, { cols: 80, rows: 24 }, a.s);
    execs[0]!.end("the shell exited");
    await tick();
    expect(a.exits).toEqual(["the shell exited"]);
    const b = sink();
    await terminals.open("sock2", { ...target, attemptKey: "other" }, { cols: 80, rows: 24 }, b.s);
    terminals.detach("sock2");
    await tick();
    expect(execs[1]!.exec.closedCalls).toBe(1);
    expect(b.exits).toEqual([]);
    expect(terminals.size).toBe(0);
  });

  it("closes terminals idle for too long, keeping those with recent input", async () => {
    const { terminals, sink, advance } = setup({ idleMs: 1000 });
    const idle = sink();
    const busy = sink();
    await terminals.open("idle", target, { cols: 80, rows: 24 }, idle.s);
    await terminals.open("busy", { ...target, attemptKey: "other" }, { cols: 80, rows: 24 }, busy.s);
    advance(900);
    terminals.input("busy", "x");
    advance(200);
    terminals.closeIdle();
    expect(idle.exits[0]).toMatch(/without input\. Your shell is still running/);
    expect(busy.exits).toEqual([]);
  });

  it("drops an open that finished after its socket went away", async () => {
    const { terminals, execs, sink } = setup();
    const pending = terminals.open("sock1", target, { cols: 80, rows: 24 }, sink().s);
    terminals.detach("sock1");
    await pending;
    expect(execs[0]!.exec.closedCalls).toBe(1);
    expect(terminals.size).toBe(0);
  });
});

describe("TerminalSessions.stopRecordingOf", () => {
  /** A recorder that keeps what it was given. */
  const recorder = () => {
    const r = { data: [] as string[], closed: 0 };
    return { r, make: () => ({ output: (d: string) => void r.data.push(d), resize: () => undefined, close: async () => void r.closed++ }) };
  };

  it("stops recording the learner's terminals, which stay open; other learners' recordings go on", async () => {
    const { terminals, execs, sink } = setup();
    const ada = recorder();
    const bob = recorder();
    const adaSink = sink();
    await terminals.open("sock1", { ...target, attemptKey: attemptKeyOf("ada", "level-30") }, { cols: 80, rows: 24 }, adaSink.s, ada.make);
    await terminals.open("sock2", { ...target, attemptKey: attemptKeyOf("bob", "level-30") }, { cols: 80, rows: 24 }, sink().s, bob.make);
    execs[0]!.out.write("before ");
    execs[1]!.out.write("before ");
    await tick();
    terminals.stopRecordingOf("ada");
    execs[0]!.out.write("after");
    execs[1]!.out.write("after");
    await tick();
    expect(ada.r).toEqual({ data: ["before "], closed: 1 });
    expect(bob.r).toEqual({ data: ["before ", "after"], closed: 0 });
    // Ada's terminal still works, unrecorded.
    expect(adaSink.out.map((o) => o.data).join("")).toBe("before after");
    expect(adaSink.exits).toEqual([]);
    expect(terminals.size).toBe(2);
  });

  it("keys an attempt by learner and level, so one learner's prefix never matches another's", () => {
    expect(attemptKeyOf("ada", "level-30")).toBe("ada:level-30");
    // stopRecordingOf("ad") must not touch Ada's terminals.
    expect(attemptKeyOf("ada", "level-30").startsWith(attemptKeyOf("ad", ""))).toBe(false);
  });
});
