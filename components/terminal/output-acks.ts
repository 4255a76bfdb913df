/**
 * Flow control for terminal output. The server stops sending once LIMITS.terminalUnackedBytes
 * are unacknowledged; the browser acknowledges bytes only after xterm has processed them (its
 * write callback), so a flood like `yes` is paced by how fast this tab can render.
 *
 * Acknowledgements carry the cumulative count since the latest `terminal:open`. They are
 * batched: one per animation-frame-ish tick at most, or at once when a quarter of the window
 * is waiting, which keeps the server streaming without an event per chunk.
 */
export class OutputAcks {
  private processed = 0;
  private acknowledged = 0;

  constructor(private readonly window: number) {}

  /** xterm finished writing a chunk of `bytes` (as counted by the server). */
  processedChunk(bytes: number): void {
    if (Number.isFinite(bytes) && bytes > 0) this.processed += bytes;
  }

  /** True when enough is waiting that the server may soon stall: send now rather than later. */
  urgent(): boolean {
    return this.processed - this.acknowledged >= this.window / 4;
  }

  /** The cumulative count to send, or null when nothing new was processed. */
  take(): number | null {
    if (this.processed === this.acknowledged) return null;
    this.acknowledged = this.processed;
    return this.processed;
  }

  /** A new terminal:open starts counting from zero. */
  reset(): void {
    this.processed = 0;
    this.acknowledged = 0;
  }
}
