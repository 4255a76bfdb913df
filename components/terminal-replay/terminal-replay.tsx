"use client";
// Components never import `@/server/*`: the recording comes in as a prop (fetched over HTTP).

import dynamic from "next/dynamic";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { TerminalRecording } from "@/lib/protocol/instructor-api";
import { buttonStyles } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";
import type { ReplayScreenHandle } from "./replay-screen";
import {
  IDLE_GAP_MS,
  REPLAY_SPEEDS,
  advance,
  buildTimeline,
  formatReplayClock,
  framesShownAt,
  nextTickDelay,
  playbackPositionAt,
  recordedTimeAt,
  replayOps,
  seekPlan,
  spokenReplayClock,
  type ReplaySpeed,
  type ReplayTimeline,
} from "./replay-timeline";

// xterm.js needs the DOM: browser only.
const ReplayScreen = dynamic(() => import("./replay-screen"), {
  ssr: false,
  loading: () => (
    <p className="flex h-40 items-center justify-center gap-2 text-sm text-muted">
      <Spinner /> Loading the replay…
    </p>
  ),
});

/** The clock and scrubber move at least this often while playing, even through a long pause. */
const UI_TICK_MS = 200;

/**
 * Plays back a learner's recorded terminal with its timing: play/pause (also space), speed,
 * skipping idle gaps, a scrubber, jump to end, and the recorded time. Read-only: nothing typed
 * here reaches any shell.
 */
export function TerminalReplay({ recording }: { recording: TerminalRecording }) {
  // Another recording is another player: nothing of the previous one's position carries over.
  return <ReplayPlayer key={recording.id} recording={recording} />;
}

function ReplayPlayer({ recording }: { recording: TerminalRecording }) {
  const { frames } = recording;
  const [skipIdle, setSkipIdle] = useState(true);
  const [speed, setSpeed] = useState<ReplaySpeed>(1);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [screenReady, setScreenReady] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const timeline = useMemo(() => buildTimeline(frames, { skipIdle }), [frames, skipIdle]);

  const screen = useRef<ReplayScreenHandle | null>(null);
  /** The playback clock: where playback is, how many frames the screen shows, and since when. */
  const clock = useRef({ position: 0, shown: 0, wall: 0 });
  // What the playback loop and the screen's callbacks read: always this render's values.
  const latest = useRef({ frames, timeline, speed, playing });
  useEffect(() => {
    latest.current = { frames, timeline, speed, playing };
  });

  /** Brings the screen to playback `target` (writing forward, or starting over to go back). */
  const showAt = (tl: ReplayTimeline, target: number) => {
    const c = clock.current;
    c.position = target;
    const s = screen.current;
    if (!s) return;
    const plan = seekPlan(c.shown, framesShownAt(tl, target));
    if (plan.reset) s.reset();
    s.apply(replayOps(latest.current.frames, plan.from, plan.to));
    c.shown = plan.to;
  };

  /** While playing, moves the clock to now at the current speed (before anything changes it). */
  const catchUp = () => {
    const { timeline: tl, speed: sp, playing: isPlaying } = latest.current;
    const c = clock.current;
    const now = performance.now();
    if (isPlaying) showAt(tl, advance(tl, c.position, now - c.wall, sp));
    c.wall = now;
  };

  // The playback loop: a timeout until the next frame is due (or the next clock update).
  useEffect(() => {
    if (!playing || !screenReady) return;
    let timer = 0;
    const tick = () => {
      const { timeline: tl, speed: sp, playing: stillPlaying } = latest.current;
      // Paused (or jumped to the end) since this tick was scheduled.
      if (!stillPlaying) return;
      const c = clock.current;
      const now = performance.now();
      showAt(tl, advance(tl, c.position, now - c.wall, sp));
      c.wall = now;
      setPosition(c.position);
      const delay = nextTickDelay(tl, c.position, sp, UI_TICK_MS);
      if (delay === null) {
        setPlaying(false);
        setAnnouncement("Replay finished.");
        return;
      }
      timer = window.setTimeout(tick, delay);
    };
    clock.current.wall = performance.now();
    timer = window.setTimeout(tick, 0);
    return () => window.clearTimeout(timer);
    // `tick` reads everything else through refs, so a speed change does not restart the loop.
  }, [playing, screenReady]);

  const empty = frames.length === 0;
  const atEnd = position >= timeline.total;
  const recordedNow = recordedTimeAt(timeline, position);
  const clockText = `${formatReplayClock(recordedNow)} / ${formatReplayClock(timeline.recordedTotal)}`;

  const togglePlay = () => {
    if (empty) return;
    if (playing) {
      catchUp();
      latest.current = { ...latest.current, playing: false };
      setPosition(clock.current.position);
      setPlaying(false);
      setAnnouncement(`Paused at ${spokenReplayClock(recordedTimeAt(timeline, clock.current.position))}.`);
      return;
    }
    if (clock.current.position >= timeline.total) {
      // Playing a finished replay starts it over.
      showAt(timeline, 0);
      setPosition(0);
    }
    clock.current.wall = performance.now();
    latest.current = { ...latest.current, playing: true };
    setPlaying(true);
    setAnnouncement(`Playing at ${speed}×.`);
  };

  const changeSpeed = (next: ReplaySpeed) => {
    catchUp();
    latest.current = { ...latest.current, speed: next };
    setSpeed(next);
    setAnnouncement(`Speed ${next}×.`);
  };

  const changeSkipIdle = (next: boolean) => {
    catchUp();
    // Keep the place: the same recorded moment sits elsewhere on the other timeline.
    const nextTimeline = buildTimeline(frames, { skipIdle: next });
    const moved = playbackPositionAt(nextTimeline, recordedTimeAt(timeline, clock.current.position));
    // The loop must not tick once more on the old timeline with a position on the new one.
    latest.current = { ...latest.current, timeline: nextTimeline };
    showAt(nextTimeline, moved);
    setPosition(moved);
    setSkipIdle(next);
  };

  const seek = (target: number) => {
    catchUp();
    showAt(timeline, target);
    setPosition(target);
  };

  const jumpToEnd = () => {
    seek(timeline.total);
    latest.current = { ...latest.current, playing: false };
    setPlaying(false);
    setAnnouncement("Jumped to the end of the recording.");
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== " " || event.ctrlKey || event.metaKey || event.altKey) return;
    // Buttons and the checkbox keep space for themselves (it presses them).
    const target = event.target as HTMLElement;
    if (target.closest("button") || (target instanceof HTMLInputElement && target.type === "checkbox")) return;
    event.preventDefault();
    togglePlay();
  };

  return (
    <div
      role="region"
      aria-label="Terminal replay"
      data-testid="terminal-replay"
      data-state={playing ? "playing" : atEnd && !empty ? "ended" : "paused"}
      onKeyDown={onKeyDown}
      className="flex min-w-0 flex-col overflow-hidden rounded-md border border-line bg-canvas"
    >
      {recording.truncated && (
        <p data-testid="terminal-replay-truncated" className="border-b border-line bg-warn-soft px-3 py-1.5 text-xs text-warn">
          This recording reached its size cap: later output was not kept, so the replay ends early.
        </p>
      )}
      <div className="min-h-0 overflow-auto p-2">
        {empty ? (
          <p className="p-6 text-center text-sm text-muted">Nothing was shown in this terminal session.</p>
        ) : (
          <ReplayScreen
            cols={recording.cols}
            rows={recording.rows}
            label="Recorded terminal (read-only; space plays and pauses)"
            handleRef={screen}
            onReady={() => {
              clock.current.shown = 0;
              showAt(latest.current.timeline, clock.current.position);
              setScreenReady(true);
            }}
          />
        )}
      </div>

      <div className="flex flex-wrap items-center gap-x-3 gap-y-2 border-t border-line bg-surface px-3 py-2">
        <button
          type="button"
          onClick={togglePlay}
          disabled={empty || !screenReady}
          aria-keyshortcuts="Space"
          className={`${buttonStyles.primary} w-24`}
          data-testid="terminal-replay-play"
        >
          {playing ? "Pause" : atEnd && !empty ? "Replay" : "Play"}
        </button>
        <button type="button" onClick={jumpToEnd} disabled={empty || !screenReady || atEnd} className={buttonStyles.secondary}>
          Jump to end
        </button>

        <div role="group" aria-label="Playback speed" className="flex items-center gap-1">
          {REPLAY_SPEEDS.map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={speed === s}
              aria-label={`Speed ${s}×`}
              onClick={() => changeSpeed(s)}
              className={`${buttonStyles.ghost} ${speed === s ? "bg-raised text-fg" : ""}`}
            >
              {s}×
            </button>
          ))}
        </div>

        <label className="flex items-center gap-1.5 text-xs text-muted">
          <input type="checkbox" checked={skipIdle} onChange={(e) => changeSkipIdle(e.target.checked)} className="accent-accent" />
          Skip pauses over {IDLE_GAP_MS / 1000} s
        </label>

        <div className="flex min-w-48 flex-1 items-center gap-2">
          <input
            type="range"
            min={0}
            max={Math.max(timeline.total, 1)}
            step={1}
            value={Math.min(position, timeline.total)}
            disabled={empty || !screenReady}
            onChange={(e) => seek(Number(e.target.value))}
            aria-label="Replay position"
            aria-valuetext={`${spokenReplayClock(recordedNow)} of ${spokenReplayClock(timeline.recordedTotal)}`}
            className="h-1.5 flex-1 accent-accent"
            data-testid="terminal-replay-scrubber"
          />
          <span className="font-mono text-xs whitespace-nowrap text-muted tabular-nums" data-testid="terminal-replay-clock">
            {clockText}
          </span>
        </div>
      </div>
      <p aria-live="polite" className="sr-only" data-testid="terminal-replay-status">
        {announcement}
      </p>
    </div>
  );
}
