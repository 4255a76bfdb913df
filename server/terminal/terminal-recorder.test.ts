import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { NewRecording, RecordingTotals, StoredFrame } from "../database/recording-store";
import type { InteractiveExec, KubeAdapter } from "../kubernetes/kube-adapter";
import { TerminalRecorder, type RecordingWriter, type TerminalOutputRecorder } from "./terminal-recorder";
import { TerminalSessions } from "./terminal-session";

/** A writer that keeps what it is given; `fail` makes its next writes reject. */
function fakeWriter() {
  const created: NewRecording[] = [];
  const batches: { id: string; frames: StoredFrame[]; totals: RecordingTotals }[] = [];
  const state = { fail: false, inFlight: 0, maxInFlight: 0 };
  const write = async <T>(fn: () => T): Promise<void> => {
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    await Promise.resolve();
    state.inFlight--;
    if (state.fail) throw new Error("disk full");
    fn();
  };
  const writer: RecordingWriter = {
    create: (rec) => write(() => created.push(rec)),
    append: (id, frames, totals) => write(() => batches.push({ id, frames: [...frames], totals })),
  };
  const frames = () => batches.flatMap((b) => b.frames);
  return { writer, created, batches, frames, state };
}

const base = { id: "rec-1", learnerId: "learner-1", levelId: "headless-statefulset-dns", cols: 80, rows: 24 };

describe("TerminalRecorder", () => {
  let mono = 0;
  const errors: unknown[] = [];
  const start = new Date("2026-11-23T08:00:00.000Z");
  const recorder = (writer: RecordingWriter, maxBytes = 1024) =>
    new TerminalRecorder(writer, base, { maxBytes, flushMs: 500, flushBytes: 100, clock: () => start, monotonicMs: () => mono, onError: (e) => errors.push(e) });

  beforeEach(() => {
    vi.useFakeTimers();
    mono = 1000;
    errors.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it("creates the recording at attach with its size and start time", async () => {
    const w = fakeWriter();
    await recorder(w.writer).close();
    expect(w.created).toEqual([{ ...base, startedAt: start }]);
    expect(w.batches).toEqual([]);
  });

  it("writes output and resizes in one batch after flushMs, not per chunk", async () => {
    const w = fakeWriter();
    const r = recorder(w.writer);
    r.output("$ ");
    mono += 120;
    r.output("e");
    mono += 30;
    r.resize(100, 30);
    mono += 10;
    r.output("c");
    await vi.advanceTimersByTimeAsync(499);
    expect(w.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(w.batches).toHaveLength(1);
    expect(w.frames()).toEqual([
      { seq: 0, t: 0, kind: "o", data: "$ " },
      { seq: 1, t: 120, kind: "o", data: "e" },
      { seq: 2, t: 150, kind: "r", data: "100x30" },
      { seq: 3, t: 160, kind: "o", data: "c" },
    ]);
    expect(w.batches[0]!.totals).toEqual({ updatedAt: new Date(start.getTime() + 160), bytes: 4, truncated: false });
  });

  it("writes at once when flushBytes are pending", async () => {
    const w = fakeWriter();
    const r = recorder(w.writer);
    r.output("x".repeat(100));
    await vi.advanceTimersByTimeAsync(0);
    expect(w.batches).toHaveLength(1);
    await r.close();
  });

  it("merges chunks of the same millisecond and counts UTF-8 bytes", async () => {
    const w = fakeWriter();
    const r = recorder(w.writer);
    r.output("é");
    r.output("→");
    await r.close();
    expect(w.frames()).toEqual([{ seq: 0, t: 0, kind: "o", data: "é→" }]);
    expect(w.batches.at(-1)!.totals.bytes).toBe(5);
  });

  it("never lets frame times run backwards", async () => {
    const w = fakeWriter();
    const r = recorder(w.writer);
    mono += 50;
    r.output("a");
    mono -= 20;
    r.resize(100, 30);
    mono += 10;
    r.output("b");
    await r.close();
    expect(w.frames().map((f) => f.t)).toEqual([50, 50, 50]);
    expect(w.frames().map((f) => f.data)).toEqual(["a", "100x30", "b"]);
  });

  it("ignores a resize to the size it already has", async () => {
    const w = fakeWriter();
    const r = recorder(w.writer);
    r.resize(80, 24);
    r.resize(90, 24);
    r.resize(90, 24);
    await r.close();
    expect(w.frames()).toEqual([{ seq: 0, t: 0, kind: "r", data: "90x24" }]);
  });

  it("stops keeping output at the size cap, keeps whole chunks only and marks the recording truncated", async () => {
    const w = fakeWriter();
    const r = recorder(w.writer, 10);
    r.output("12345");
    mono += 5;
    r.output("6789");
    mono += 5;
    r.output("abc"); // 12 bytes > 10: not kept
    mono += 5;
    r.output("d"); // after the cap nothing is kept, even if it would fit
    r.resize(120, 40);
    await r.close();
    expect(w.frames().map((f) => f.data)).toEqual(["12345", "6789"]);
    expect(w.batches.at(-1)!.totals).toEqual({ updatedAt: new Date(start.getTime() + 5), bytes: 9, truncated: true });
  });

  it("writes the truncation even when the cap is hit with nothing else pending", async () => {
    const w = fakeWriter();
    const r = recorder(w.writer, 4);
    r.output("1234");
    await vi.advanceTimersByTimeAsync(500);
    expect(w.batches.at(-1)!.totals.truncated).toBe(false);
    r.output("5");
    await vi.advanceTimersByTimeAsync(0);
    expect(w.batches.at(-1)!.totals.truncated).toBe(true);
    const count = w.batches.length;
    await r.close();
    expect(w.batches).toHaveLength(count);
  });

  it("writes one batch at a time, in order", async () => {
    const w = fakeWriter();
    const r = recorder(w.writer);
    for (let i = 0; i < 5; i++) {
      r.output("y".repeat(100));
      mono += 1;
    }
    await r.close();
    expect(w.state.maxInFlight).toBe(1);
    expect(w.frames().map((f) => f.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it("logs a failed write once, then records nothing more and never throws into the terminal", async () => {
    const w = fakeWriter();
    w.state.fail = true;
    const r = recorder(w.writer);
    expect(() => r.output("a")).not.toThrow();
    await vi.advanceTimersByTimeAsync(500);
    r.output("b");
    await expect(r.close()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(w.batches).toHaveLength(0);
  });

  it("records nothing after close", async () => {
    const w = fakeWriter();
    const r = recorder(w.writer);
    r.output("a");
    await r.close();
    r.output("b");
    r.resize(100, 30);
    await r.close();
    expect(w.frames().map((f) => f.data)).toEqual(["a"]);
  });
});

describe("TerminalSessions with a recorder", () => {
  /** One attach on a fake exec, with a recorder that notes what it is given. */
  async function attach(opts: { failExec?: boolean } = {}) {
    const stdout = new PassThrough();
    const exec: InteractiveExec = {
      stdin: new PassThrough(),
      stdout,
      resize: () => undefined,
      close: () => undefined,
      closed: new Promise(() => undefined),
    };
    const kube = {
      execInteractive: async () => {
        if (opts.failExec) throw new Error("no pod");
        return exec;
      },
      // Ending the closed terminal's tmux client in the pod.
      exec: async () => ({ stdout: "1\n", stderr: "", exitCode: 0 }),
    } as unknown as KubeAdapter;
    const terminals = new TerminalSessions({ kube: () => kube });
    const calls: string[] = [];
    const sent: string[] = [];
    let made = 0;
    const recorder: TerminalOutputRecorder = {
      output: (data) => void calls.push(`o:${data}`),
      resize: (cols, rows) => void calls.push(`r:${cols}x${rows}`),
      close: async () => void calls.push("close"),
    };
    const target = { attemptKey: "learner:level", namespace: "kq-x-30", pod: "toolbox" };
    const sink = { output: (c: { data: string }) => void sent.push(c.data), exit: () => undefined };
    const opened = terminals.open("sock", target, { cols: 80, rows: 24 }, sink, () => {
      made++;
      return recorder;
    });
    return { terminals, stdout, calls, sent, opened, made: () => made };
  }
  const tick = () => new Promise((r) => setImmediate(r));

  it("records exactly the strings sent to the screen, multi-byte characters whole, and each resize", async () => {
    const a = await attach();
    await a.opened;
    const arrow = Buffer.from("→");
    a.stdout.write(Buffer.concat([Buffer.from("a"), arrow.subarray(0, 1)]));
    a.stdout.write(arrow.subarray(1));
    a.terminals.resize("sock", 100, 30);
    await tick();
    expect(a.sent).toEqual(["a", "→"]);
    expect(a.calls).toEqual(["o:a", "o:→", "r:100x30"]);
  });

  it("closes the recording when the terminal closes, and waits for it before the database may close", async () => {
    const a = await attach();
    await a.opened;
    a.terminals.detach("sock");
    await a.terminals.recordingsWritten();
    expect(a.calls).toEqual(["close"]);
  });

  it("makes no recording when the attach fails", async () => {
    const a = await attach({ failExec: true });
    await expect(a.opened).rejects.toThrow("no pod");
    expect(a.made()).toBe(0);
  });
});
