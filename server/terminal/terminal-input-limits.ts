/**
 * Per-socket limits on what a learner's browser may push into their terminal. Input goes
 * straight into the exec's stdin and each resize is a message to the kubelet, so a script
 * spamming either makes the server buffer and forward without end. The limits sit far above
 * what typing, a large paste (split into 16 KiB chunks by the browser) or dragging the window
 * edge produce; what goes over is dropped, and the learner is told (at most once per
 * `noticeEveryMs`, so the notice itself cannot become a flood).
 */
import type { TerminalNotice } from "../../lib/protocol/socket-events";
import { TokenBucket } from "../coordination/rate-limits";

export interface TerminalInputLimitOptions {
  /** Input messages: a burst of this many, refilled per second at half of it. */
  inputMessagesBurst: number;
  /** Input bytes: a burst of this many, refilled per second at a quarter of it. */
  inputBytesBurst: number;
  /** Resizes: a burst of this many, refilled per second at half of it. */
  resizeBurst: number;
  noticeEveryMs: number;
}

export const DEFAULT_TERMINAL_INPUT_LIMITS: TerminalInputLimitOptions = {
  inputMessagesBurst: 200,
  inputBytesBurst: 1024 * 1024,
  resizeBurst: 20,
  noticeEveryMs: 2_000,
};

/** `notice`: null when the learner was told a moment ago. `retryAfterMs`: when a token is back. */
export type Verdict = { ok: true } | { ok: false; notice: TerminalNotice | null; retryAfterMs: number };

export class TerminalInputLimits {
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;
  private readonly resizes: TokenBucket;
  /** Per kind of notice: a dropped resize is still said right after dropped input. */
  private readonly lastNoticeAt = new Map<TerminalNotice["code"], number>();

  constructor(
    private readonly opts: TerminalInputLimitOptions = DEFAULT_TERMINAL_INPUT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    // TokenBucket(capacity, perMs) refills `capacity` tokens per `perMs`.
    this.messages = new TokenBucket(opts.inputMessagesBurst, 2_000, now);
    this.bytes = new TokenBucket(opts.inputBytesBurst, 4_000, now);
    this.resizes = new TokenBucket(opts.resizeBurst, 2_000, now);
  }

  input(data: string): Verdict {
    const size = Buffer.byteLength(data);
    // Both buckets must have room; a refused message takes nothing from either.
    if (this.messages.retryAfterMs() === 0 && this.bytes.take(size)) {
      this.messages.take();
      return { ok: true };
    }
    return this.dropped(Math.max(this.messages.retryAfterMs(), 1), {
      code: "input-dropped",
      message: "Some of what you typed or pasted was not sent to your shell: too much input in a short time.",
      action: "Wait a few seconds, then type it again or paste it in smaller parts.",
    });
  }

  resize(): Verdict {
    if (this.resizes.take()) return { ok: true };
    return this.dropped(this.resizes.retryAfterMs(), {
      code: "resize-dropped",
      message: "The terminal was resized too often; the shell gets the window's last size in a moment.",
      action: "Nothing to do; if the shell's lines look wrapped, resize the window once more.",
    });
  }

  private dropped(retryAfterMs: number, notice: TerminalNotice): Verdict {
    const t = this.now();
    if (t - (this.lastNoticeAt.get(notice.code) ?? -Infinity) < this.opts.noticeEveryMs) return { ok: false, notice: null, retryAfterMs };
    this.lastNoticeAt.set(notice.code, t);
    return { ok: false, notice, retryAfterMs };
  }
}
