/**
 * Records one terminal attach for the learner's instructors to replay: every chunk of output
 * exactly as it went to the learner's screen (tmux's redraw at attach included) and every
 * resize, with its time since the attach.
 *
 * The terminal must never wait for the recording: frames are buffered in memory and written
 * in batches (every `flushMs`, or sooner once `flushBytes` are pending, and on close), one
 * batch at a time in order; a failed write is logged and stops the recording, it never
 * reaches the terminal. Past `maxBytes` of output the recording keeps nothing more and is
 * marked truncated, so neither memory nor the database grows without bound.
 *
 * Node only.
 */
import type { NewRecording, RecordingTotals, StoredFrame } from "../database/recording-store";
import { moduleLogger } from "../logging/logger";

const log = moduleLogger("recording");

/** What the recorder writes to (the RecordingStore; a fake in unit tests). */
export interface RecordingWriter {
  create(rec: NewRecording): Promise<void>;
  append(recordingId: string, frames: readonly StoredFrame[], totals: RecordingTotals): Promise<void>;
}

export interface TerminalRecorderOptions {
  maxBytes: number;
  /** Longest a frame waits in memory before it is written. */
  flushMs?: number;
  /** Pending output that triggers a write at once. */
  flushBytes?: number;
  /** Wall clock, for the stored timestamps. */
  clock?: () => Date;
  /** Monotonic milliseconds, for frame times (never run backwards when the wall clock is set). */
  monotonicMs?: () => number;
  onError?: (err: unknown) => void;
}

/** The part of a recorder a terminal calls (TerminalSessions knows nothing more). */
export interface TerminalOutputRecorder {
  output(data: string): void;
  resize(cols: number, rows: number): void;
  /** Writes what is pending; resolves once it is stored (or failed and was logged). */
  close(): Promise<void>;
}

export class TerminalRecorder implements TerminalOutputRecorder {
  private readonly startedMono: number;
  private readonly startedAt: Date;
  private readonly flushMs: number;
  private readonly flushBytes: number;
  private readonly monotonicMs: () => number;
  private readonly onError: (err: unknown) => void;

  private pending: StoredFrame[] = [];
  private pendingBytes = 0;
  private seq = 0;
  private lastT = 0;
  private bytes = 0;
  private truncated = false;
  /** Persisted truncation: one more write once the cap is hit, none after. */
  private truncationWritten = false;
  private size: string;
  private closed = false;
  /** Set after a failed write: nothing more is recorded. */
  private failed = false;
  private timer: NodeJS.Timeout | undefined;
  /** Writes happen one after another, the recording's creation first. */
  private writes: Promise<void>;

  constructor(
    private readonly writer: RecordingWriter,
    private readonly recording: Omit<NewRecording, "startedAt">,
    private readonly opts: TerminalRecorderOptions,
  ) {
    this.flushMs = opts.flushMs ?? 500;
    this.flushBytes = opts.flushBytes ?? 64 * 1024;
    this.monotonicMs = opts.monotonicMs ?? (() => performance.now());
    this.onError = opts.onError ?? ((err) => log.error({ err, recording: recording.id }, "writing a terminal recording failed"));
    this.startedMono = this.monotonicMs();
    this.startedAt = (opts.clock ?? (() => new Date()))();
    this.size = `${recording.cols}x${recording.rows}`;
    this.writes = this.guard(() => writer.create({ ...recording, startedAt: this.startedAt }));
  }

  get id(): string {
    return this.recording.id;
  }

  output(data: string): void {
    if (this.closed || this.failed || this.truncated || data === "") return;
    const length = Buffer.byteLength(data, "utf8");
    if (this.bytes + length > this.opts.maxBytes) {
      // Keep whole chunks only: a cut chunk could end inside an escape sequence.
      this.truncated = true;
      this.flushSoon(true);
      return;
    }
    this.bytes += length;
    this.push("o", data, length);
  }

  resize(cols: number, rows: number): void {
    if (this.closed || this.failed || this.truncated) return;
    const size = `${cols}x${rows}`;
    if (size === this.size) return;
    this.size = size;
    this.push("r", size, 0);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.flush();
    }
    return this.writes;
  }

  private push(kind: "o" | "r", data: string, length: number): void {
    const t = Math.max(this.lastT, Math.round(this.monotonicMs() - this.startedMono));
    this.lastT = t;
    const last = this.pending[this.pending.length - 1];
    if (kind === "o" && last && last.kind === "o" && last.t === t) {
      // Chunks of the same millisecond replay identically as one frame.
      last.data += data;
    } else {
      this.pending.push({ seq: this.seq++, t, kind, data });
    }
    this.pendingBytes += length;
    this.flushSoon(this.pendingBytes >= this.flushBytes);
  }

  private flushSoon(now: boolean): void {
    if (now) {
      this.flush();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.flushMs);
    this.timer.unref();
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const needsTruncationWrite = this.truncated && !this.truncationWritten;
    if (this.failed || (this.pending.length === 0 && !needsTruncationWrite)) return;
    const frames = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (needsTruncationWrite) this.truncationWritten = true;
    const totals: RecordingTotals = {
      updatedAt: new Date(this.startedAt.getTime() + this.lastT),
      bytes: this.bytes,
      truncated: this.truncated,
    };
    this.writes = this.writes.then(() => (this.failed ? undefined : this.guard(() => this.writer.append(this.recording.id, frames, totals))));
  }

  /** Runs a write; a failure is logged once and ends the recording. */
  private guard(write: () => Promise<void>): Promise<void> {
    return write().catch((err: unknown) => {
      if (!this.failed) this.onError(err);
      this.failed = true;
      this.pending = [];
    });
  }
}
