import { describe, expect, it } from "vitest";
import type { RecordingFrame } from "@/lib/protocol/instructor-api";
import {
  IDLE_GAP_MS,
  SKIPPED_GAP_MS,
  advance,
  buildTimeline,
  formatReplayClock,
  framesShownAt,
  nextTickDelay,
  parseTerminalSize,
  playbackPositionAt,
  recordedTimeAt,
  replayOps,
  seekPlan,
  spokenReplayClock,
} from "./replay-timeline";

const o = (t: number, data: string): RecordingFrame => ({ t, kind: "o", data });
const r = (t: number, data: string): RecordingFrame => ({ t, kind: "r", data });

// A session: prompt at once, typing, a 10 s pause, then output.
const frames = [o(0, "$ "), o(100, "l"), o(250, "s"), o(10_250, "\r\nfile\r\n"), o(10_400, "$ ")];

describe("buildTimeline", () => {
  it("keeps recorded times when idle gaps are played in full", () => {
    const tl = buildTimeline(frames, { skipIdle: false });
    expect(tl.playback).toEqual([0, 100, 250, 10_250, 10_400]);
    expect(tl.total).toBe(10_400);
    expect(tl.recordedTotal).toBe(10_400);
  });

  it("shortens gaps longer than 2 s to a short pause when skipping idle time", () => {
    const tl = buildTimeline(frames, { skipIdle: true });
    expect(tl.playback).toEqual([0, 100, 250, 250 + SKIPPED_GAP_MS, 400 + SKIPPED_GAP_MS]);
    expect(tl.total).toBe(400 + SKIPPED_GAP_MS);
    expect(tl.recordedTotal).toBe(10_400);
  });

  it("leaves a gap of exactly 2 s alone", () => {
    const tl = buildTimeline([o(0, "a"), o(IDLE_GAP_MS, "b")], { skipIdle: true });
    expect(tl.playback).toEqual([0, IDLE_GAP_MS]);
  });

  it("shortens an idle start too", () => {
    expect(buildTimeline([o(5_000, "a")], { skipIdle: true }).playback).toEqual([SKIPPED_GAP_MS]);
  });

  it("treats times that run backwards as simultaneous", () => {
    const tl = buildTimeline([o(100, "a"), o(50, "b"), o(150, "c")], { skipIdle: false });
    expect(tl.recorded).toEqual([100, 100, 150]);
    expect(tl.playback).toEqual([100, 100, 150]);
  });

  it("is empty without frames", () => {
    expect(buildTimeline([], { skipIdle: true })).toEqual({ recorded: [], playback: [], total: 0, recordedTotal: 0 });
  });
});

describe("framesShownAt", () => {
  const tl = buildTimeline(frames, { skipIdle: false });
  it.each([
    [-1, 0],
    [0, 1],
    [99, 1],
    [100, 2],
    [5_000, 3],
    [10_400, 5],
    [99_999, 5],
  ])("at %i ms shows %i frames", (position, shown) => {
    expect(framesShownAt(tl, position)).toBe(shown);
  });

  it("shows every frame of the same time together", () => {
    expect(framesShownAt(buildTimeline([o(0, "a"), o(10, "b"), o(10, "c"), o(20, "d")], { skipIdle: false }), 10)).toBe(3);
  });
});

describe("recorded time and playback position", () => {
  const skipping = buildTimeline(frames, { skipIdle: true });

  it("stretch a shortened gap back to its recorded length", () => {
    // Halfway through the shortened 10 s gap is halfway through the real one.
    expect(recordedTimeAt(skipping, 250 + SKIPPED_GAP_MS / 2)).toBe(5_250);
    expect(recordedTimeAt(skipping, 0)).toBe(0);
    expect(recordedTimeAt(skipping, skipping.total)).toBe(10_400);
    expect(recordedTimeAt(skipping, skipping.total + 1_000)).toBe(10_400);
  });

  it("are inverse of each other", () => {
    for (const recordedMs of [0, 50, 100, 250, 3_000, 10_250, 10_300, 10_400]) {
      expect(recordedTimeAt(skipping, playbackPositionAt(skipping, recordedMs))).toBeCloseTo(recordedMs, 6);
    }
  });

  it("keep the place when idle skipping is switched", () => {
    const full = buildTimeline(frames, { skipIdle: false });
    expect(playbackPositionAt(full, recordedTimeAt(skipping, 300))).toBeCloseTo(1_250, 6);
    expect(playbackPositionAt(skipping, recordedTimeAt(full, 10_300))).toBe(300 + SKIPPED_GAP_MS);
  });

  it("are 0 without frames", () => {
    const empty = buildTimeline([], { skipIdle: false });
    expect(recordedTimeAt(empty, 500)).toBe(0);
    expect(playbackPositionAt(empty, 500)).toBe(0);
  });
});

describe("scheduling", () => {
  const tl = buildTimeline(frames, { skipIdle: false });

  it("advances by wall time times speed, up to the end", () => {
    expect(advance(tl, 100, 50, 1)).toBe(150);
    expect(advance(tl, 100, 50, 8)).toBe(500);
    expect(advance(tl, 10_000, 1_000, 4)).toBe(10_400);
    expect(advance(tl, 100, -5, 2)).toBe(100);
  });

  it("waits until the next frame is due, divided by the speed", () => {
    expect(nextTickDelay(tl, 100, 1, 1_000)).toBe(150);
    expect(nextTickDelay(tl, 100, 2, 1_000)).toBe(75);
  });

  it("ticks at least every uiTickMs through a long gap", () => {
    expect(nextTickDelay(tl, 250, 1, 250)).toBe(250);
  });

  it("stops at the end", () => {
    expect(nextTickDelay(tl, 10_400, 1, 250)).toBeNull();
  });

  it("a whole replay ticked this way shows every frame exactly once, in order", () => {
    let position = 0;
    let shown = framesShownAt(tl, 0);
    const written: string[] = replayOps(frames, 0, shown).map((op) => (op.kind === "write" ? op.data : ""));
    for (let guard = 0; guard < 10_000; guard++) {
      const delay = nextTickDelay(tl, position, 4, 250);
      if (delay === null) break;
      position = advance(tl, position, delay, 4);
      const target = framesShownAt(tl, position);
      for (const op of replayOps(frames, shown, target)) if (op.kind === "write") written.push(op.data);
      shown = target;
    }
    expect(position).toBe(tl.total);
    expect(written.join("")).toBe(frames.map((f) => f.data).join(""));
  });
});

describe("replayOps and seekPlan", () => {
  it("joins consecutive output and turns resize frames into resizes", () => {
    const fs = [o(0, "a"), o(1, "b"), r(2, "100x30"), o(3, "c"), r(4, "garbage")];
    expect(replayOps(fs, 0, fs.length)).toEqual([
      { kind: "write", data: "ab" },
      { kind: "resize", cols: 100, rows: 30 },
      { kind: "write", data: "c" },
    ]);
    expect(replayOps(fs, 1, 2)).toEqual([{ kind: "write", data: "b" }]);
    expect(replayOps(fs, 3, 99)).toEqual([{ kind: "write", data: "c" }]);
  });

  it("writes forward, but starts over to go back", () => {
    expect(seekPlan(3, 7)).toEqual({ reset: false, from: 3, to: 7 });
    expect(seekPlan(7, 7)).toEqual({ reset: false, from: 7, to: 7 });
    expect(seekPlan(7, 2)).toEqual({ reset: true, from: 0, to: 2 });
  });

  it("parses sizes strictly", () => {
    expect(parseTerminalSize("120x40")).toEqual({ cols: 120, rows: 40 });
    expect(parseTerminalSize("0x40")).toBeNull();
    expect(parseTerminalSize("120x")).toBeNull();
    expect(parseTerminalSize(" 120x40")).toBeNull();
  });
});

describe("clocks", () => {
  it.each([
    [0, "0:00"],
    [999, "0:00"],
    [65_000, "1:05"],
    [600_000, "10:00"],
    [3_725_000, "1:02:05"],
  ])("%i ms shows as %s", (ms, text) => {
    expect(formatReplayClock(ms)).toBe(text);
  });

  it("speaks the time in words", () => {
    expect(spokenReplayClock(0)).toBe("0 seconds");
    expect(spokenReplayClock(61_000)).toBe("1 minute 1 second");
    expect(spokenReplayClock(3_600_000)).toBe("1 hour");
    expect(spokenReplayClock(7_325_000)).toBe("2 hours 2 minutes 5 seconds");
  });
});
