/**
 * Flow control of terminal output towards the browser. The server counts the bytes it sent
 * since `terminal:open`; the browser acknowledges with the cumulative count xterm has processed
 * since that open (`terminal:ack {bytes}`, see components/terminal/output-acks.ts). With more
 * than `limit` bytes unacknowledged, output is paused, which stops reading the exec and so
 * blocks the process on its terminal (`yes` cannot flood memory); at half the limit it
 * resumes. The gap between the two thresholds avoids pausing and resuming on every chunk.
 */
export class OutputFlowControl {
  private sentTotal = 0;
  private ackedTotal = 0;
  private paused = false;

  constructor(
    private readonly limit: number,
    private readonly hooks: { pause(): void; resume(): void },
  ) {}

  /** Bytes handed to the browser. */
  sent(bytes: number): void {
    this.sentTotal += bytes;
    if (!this.paused && this.unackedBytes > this.limit) {
      this.paused = true;
      this.hooks.pause();
    }
  }

  /**
   * The browser's cumulative count. Counts never go back, and cannot exceed what was sent:
   * an ack cannot bank credit for output not produced yet.
   */
  acked(cumulativeBytes: number): void {
    if (!Number.isFinite(cumulativeBytes)) return;
    this.ackedTotal = Math.max(this.ackedTotal, Math.min(cumulativeBytes, this.sentTotal));
    if (this.paused && this.unackedBytes <= this.limit / 2) {
      this.paused = false;
      this.hooks.resume();
    }
  }

  get unackedBytes(): number {
    return this.sentTotal - this.ackedTotal;
  }

  get isPaused(): boolean {
    return this.paused;
  }
}
