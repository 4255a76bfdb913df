/**
 * Flow control of terminal output towards the browser, with two gauges.
 *
 * 1. The browser's acknowledgements. The server counts the bytes it sent since `terminal:open`;
 *    the browser acknowledges with the cumulative count xterm has processed since that open
 *    (`terminal:ack {bytes}`, see components/terminal/output-acks.ts). This keeps a slow but
 *    honest browser responsive (xterm never has megabytes queued to parse).
 * 2. The server's own backlog: the bytes this server still holds for that client (socket.io's
 *    write buffer and the WebSocket's unsent bytes, see socket/socket-backlog.ts). Acks come
 *    from the learner and can lie (a client that acknowledges everything and never reads would
 *    otherwise make the server buffer a `yes` forever), so this gauge alone decides whether the
 *    server's memory is safe, whatever the acks say.
 *
 * Above either limit, output is paused, which stops reading the exec and so blocks the process
 * on its terminal; it resumes once both are at half their limit. The gap between the two
 * thresholds avoids pausing and resuming on every chunk. Nothing tells us when a socket's
 * buffer drains, so while paused the backlog is looked at again every `recheckMs`.
 */

export interface ServerBacklog {
  /** Bytes of output the server still holds for this client. */
  bytes(): number;
  limit: number;
}

export class OutputFlowControl {
  private sentTotal = 0;
  private ackedTotal = 0;
  private paused = false;
  private recheck: NodeJS.Timeout | undefined;

  constructor(
    private readonly limit: number,
    private readonly hooks: { pause(): void; resume(): void },
    private readonly backlog?: ServerBacklog,
    private readonly recheckMs = 50,
  ) {}

  /** Bytes handed to the browser. */
  sent(bytes: number): void {
    this.sentTotal += bytes;
    if (!this.paused && (this.unackedBytes > this.limit || this.backlogBytes() > (this.backlog?.limit ?? Infinity))) {
      this.paused = true;
      this.hooks.pause();
      if (this.backlog) {
        this.recheck = setInterval(() => this.maybeResume(), this.recheckMs);
        this.recheck.unref();
      }
    }
  }

  /**
   * The browser's cumulative count. Counts never go back, and cannot exceed what was sent:
   * an ack cannot bank credit for output not produced yet.
   */
  acked(cumulativeBytes: number): void {
    if (!Number.isFinite(cumulativeBytes)) return;
    this.ackedTotal = Math.max(this.ackedTotal, Math.min(cumulativeBytes, this.sentTotal));
    this.maybeResume();
  }

  /** Stops looking at the backlog (the terminal closed). */
  stop(): void {
    if (this.recheck) clearInterval(this.recheck);
    this.recheck = undefined;
  }

  private maybeResume(): void {
    if (!this.paused) return;
    if (this.unackedBytes > this.limit / 2) return;
    if (this.backlog && this.backlogBytes() > this.backlog.limit / 2) return;
    this.paused = false;
    this.stop();
    this.hooks.resume();
  }

  private backlogBytes(): number {
    return this.backlog?.bytes() ?? 0;
  }

  /** Bytes handed to the browser since the terminal opened (the count its acks refer to). */
  get sentBytes(): number {
    return this.sentTotal;
  }

  get unackedBytes(): number {
    return this.sentTotal - this.ackedTotal;
  }

  get isPaused(): boolean {
    return this.paused;
  }
}
