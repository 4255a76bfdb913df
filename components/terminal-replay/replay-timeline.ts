/**
 * The timing of a terminal replay, without a DOM or a clock: where each recorded frame falls
 * on the playback timeline (idle gaps optionally shortened), which frames a position has
 * shown, how long to wait for the next one at a given speed, and what to write to the screen
 * to get from one position to another.
 *
 * Two time scales: "recorded" milliseconds are those of the learner's session (frame.t);
 * "playback" milliseconds are those of the timeline at 1× (equal to recorded ones unless idle
 * gaps are skipped). The scrubber moves in playback time; the clock shows recorded time.
 */
import type { RecordingFrame } from "@/lib/protocol/instructor-api";

export const REPLAY_SPEEDS = [1, 2, 4, 8] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/** A pause longer than this is idle time (the learner reading, thinking, away)… */
export const IDLE_GAP_MS = 2_000;
/** …and is played as this short pause when idle gaps are skipped. */
export const SKIPPED_GAP_MS = 500;

export interface ReplayTimeline {
  /** Recorded time of each frame (non-decreasing). */
  recorded: number[];
  /** Playback time of each frame (non-decreasing). */
  playback: number[];
  /** Playback length: the last frame's playback time (0 without frames). */
  total: number;
  /** Recorded length: the last frame's recorded time. */
  recordedTotal: number;
}

export function buildTimeline(frames: readonly Pick<RecordingFrame, "t">[], opts: { skipIdle: boolean }): ReplayTimeline {
  const recorded: number[] = [];
  const playback: number[] = [];
  let previous = 0;
  let position = 0;
  for (const frame of frames) {
    // Stored times never run backwards; a hand-made recording might, and must not break the math.
    const t = Math.max(previous, frame.t);
    const gap = t - previous;
    position += opts.skipIdle && gap > IDLE_GAP_MS ? SKIPPED_GAP_MS : gap;
    recorded.push(t);
    playback.push(position);
    previous = t;
  }
  return { recorded, playback, total: position, recordedTotal: previous };
}

/** How many frames a screen at playback `position` has shown: those at or before it. */
export function framesShownAt(timeline: ReplayTimeline, position: number): number {
  // Binary search for the first frame after `position`.
  let lo = 0;
  let hi = timeline.playback.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeline.playback[mid]! <= position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The recorded time at playback `position` (shortened gaps stretch back to their real length). */
export function recordedTimeAt(timeline: ReplayTimeline, position: number): number {
  const { playback, recorded } = timeline;
  if (playback.length === 0) return 0;
  const p = Math.min(Math.max(position, 0), timeline.total);
  const shown = framesShownAt(timeline, p);
  const fromPlayback = shown === 0 ? 0 : playback[shown - 1]!;
  const fromRecorded = shown === 0 ? 0 : recorded[shown - 1]!;
  if (shown >= playback.length) return fromRecorded;
  const span = playback[shown]! - fromPlayback;
  const fraction = span === 0 ? 0 : (p - fromPlayback) / span;
  return fromRecorded + fraction * (recorded[shown]! - fromRecorded);
}

/** The playback position of recorded time `recordedMs` (the inverse of `recordedTimeAt`). */
export function playbackPositionAt(timeline: ReplayTimeline, recordedMs: number): number {
  const { playback, recorded } = timeline;
  if (playback.length === 0) return 0;
  const r = Math.min(Math.max(recordedMs, 0), timeline.recordedTotal);
  // First frame recorded after r.
  let lo = 0;
  let hi = recorded.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (recorded[mid]! <= r) lo = mid + 1;
    else hi = mid;
  }
  const fromRecorded = lo === 0 ? 0 : recorded[lo - 1]!;
  const fromPlayback = lo === 0 ? 0 : playback[lo - 1]!;
  if (lo >= recorded.length) return fromPlayback;
  const span = recorded[lo]! - fromRecorded;
  const fraction = span === 0 ? 0 : (r - fromRecorded) / span;
  return fromPlayback + fraction * (playback[lo]! - fromPlayback);
}

/** Where playback is after `wallMs` of real time at `speed`, from `position` (clamped to the end). */
export function advance(timeline: ReplayTimeline, position: number, wallMs: number, speed: number): number {
  return Math.min(timeline.total, position + Math.max(0, wallMs) * speed);
}

/**
 * How long (real milliseconds) to wait before the next tick at `speed`: until the next frame is
 * due, but no longer than `uiTickMs` so the clock and scrubber keep moving through long gaps.
 * null once the end is reached.
 */
export function nextTickDelay(timeline: ReplayTimeline, position: number, speed: number, uiTickMs: number): number | null {
  if (position >= timeline.total) return null;
  const shown = framesShownAt(timeline, position);
  const due = shown < timeline.playback.length ? timeline.playback[shown]! : timeline.total;
  return Math.max(0, Math.min(uiTickMs, (due - position) / speed));
}

/** One thing to do to the replay screen. */
export type ReplayOp = { kind: "write"; data: string } | { kind: "resize"; cols: number; rows: number };

/** What to do to show frames `[from, to)`: consecutive output joined into one write. */
export function replayOps(frames: readonly RecordingFrame[], from: number, to: number): ReplayOp[] {
  const ops: ReplayOp[] = [];
  for (let i = Math.max(0, from); i < Math.min(to, frames.length); i++) {
    const frame = frames[i]!;
    if (frame.kind === "o") {
      const last = ops[ops.length - 1];
      if (last?.kind === "write") last.data += frame.data;
      else ops.push({ kind: "write", data: frame.data });
    } else {
      const size = parseTerminalSize(frame.data);
      if (size) ops.push({ kind: "resize", ...size });
    }
  }
  return ops;
}

/**
 * How to get the screen from showing `shown` frames to showing `target`: forward, write the
 * frames in between; backward, a terminal cannot unwrite, so reset it and write from the start.
 */
export function seekPlan(shown: number, target: number): { reset: boolean; from: number; to: number } {
  return target >= shown ? { reset: false, from: shown, to: target } : { reset: true, from: 0, to: target };
}

/** "120x40" → { cols: 120, rows: 40 }; null for anything else. */
export function parseTerminalSize(data: string): { cols: number; rows: number } | null {
  const match = /^(\d{1,4})x(\d{1,4})$/.exec(data);
  if (!match) return null;
  const cols = Number(match[1]);
  const rows = Number(match[2]);
  return cols > 0 && rows > 0 ? { cols, rows } : null;
}

/** 65_000 → "1:05"; 3_725_000 → "1:02:05". */
export function formatReplayClock(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** The same clock in words, for screen readers: "1 minute 5 seconds". */
export function spokenReplayClock(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  const parts = [h > 0 ? part(h, "hour") : null, m > 0 ? part(m, "minute") : null, s > 0 || (h === 0 && m === 0) ? part(s, "second") : null];
  return parts.filter((p): p is string => p !== null).join(" ");
}
