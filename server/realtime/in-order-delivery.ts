/**
 * Puts messages from other instances back in the order they were sent. The transport between
 * instances (socket.io's PostgreSQL adapter: NOTIFY, large payloads fetched from a table) may
 * deliver one sender's messages out of order; a watcher must never see a check before its
 * run's `grade:started`. Each sender numbers its messages; a gap is waited for up to
 * `gapWaitMs`, then skipped (a lost message must not stop the rest).
 *
 * Pure logic with an injected timer, per sender.
 */
export interface Numbered<T> {
  from: string;
  seq: number;
  body: T;
}

export class InOrderDelivery<T> {
  private readonly next = new Map<string, number>();
  private readonly held = new Map<string, Map<number, T>>();
  private readonly gapTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly deliver: (body: T) => void,
    private readonly opts: { gapWaitMs: number; setTimer?: typeof setTimeout; clearTimer?: typeof clearTimeout } = { gapWaitMs: 1_000 },
  ) {}

  receive(message: Numbered<T>): void {
    const expected = this.next.get(message.from);
    // The first message heard from a sender starts its sequence (an instance joins mid-stream).
    if (expected === undefined || message.seq === expected) {
      this.deliver(message.body);
      this.next.set(message.from, message.seq + 1);
      this.flush(message.from);
      return;
    }
    if (message.seq < expected) return; // already skipped past, or a duplicate
    let held = this.held.get(message.from);
    if (!held) this.held.set(message.from, (held = new Map()));
    held.set(message.seq, message.body);
    this.armGapTimer(message.from);
  }

  private flush(from: string): void {
    const held = this.held.get(from);
    let expected = this.next.get(from)!;
    while (held?.has(expected)) {
      const body = held.get(expected)!;
      held.delete(expected);
      this.deliver(body);
      expected += 1;
    }
    this.next.set(from, expected);
    if (!held || held.size === 0) {
      this.held.delete(from);
      const timer = this.gapTimers.get(from);
      if (timer !== undefined) (this.opts.clearTimer ?? clearTimeout)(timer);
      this.gapTimers.delete(from);
    }
  }

  private armGapTimer(from: string): void {
    if (this.gapTimers.has(from)) return;
    const timer = (this.opts.setTimer ?? setTimeout)(() => {
      this.gapTimers.delete(from);
      const held = this.held.get(from);
      if (!held || held.size === 0) return;
      // Give up on the gap: go on from the oldest message held.
      this.next.set(from, Math.min(...held.keys()));
      this.flush(from);
      if (this.held.get(from)?.size) this.armGapTimer(from);
    }, this.opts.gapWaitMs);
    (timer as { unref?: () => void }).unref?.();
    this.gapTimers.set(from, timer);
  }
}
