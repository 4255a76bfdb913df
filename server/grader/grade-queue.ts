/**
 * A bound on the grading runs this instance makes at once: first come, first served, and each
 * waiting run is told its place in line whenever the line moves.
 *
 * Why: a class presses "Check my work" together. Every run is two execs through the API and a
 * probe's worth of processes on a node the class's own pods already keep busy, so twenty runs
 * at once each take many times longer and nobody is told why. In line, a learner sees "second
 * in line for the grader" (the socket's `grade:queued`), and the runs that go ahead finish
 * sooner. (p-queue bounds concurrency too, but cannot tell a waiting task its place.) The
 * bound is per instance: two instances grade twice as many at once.
 *
 * Node only (pure logic, no I/O).
 */
export class GradeQueue {
  private running = 0;
  private readonly waiting: { start: () => void; onPlace: (place: number) => void }[] = [];

  /** `limit`: runs at once; 0 (or less) bounds nothing. */
  constructor(private readonly limit: number) {}

  /** Runs going on and runs waiting, now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * Runs `task` once a slot is free. `onPlace(n)` is called while it waits: 1 is next in line,
   * called again each time the line moves; never called for a task that starts at once.
   */
  async run<T>(task: () => Promise<T>, onPlace: (place: number) => void = () => undefined): Promise<T> {
    if (this.limit > 0 && this.running >= this.limit) {
      // The slot is handed over by release(): `running` stays as it is.
      await new Promise<void>((start) => {
        this.waiting.push({ start, onPlace });
        onPlace(this.waiting.length);
      });
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (!next) {
      this.running--;
      return;
    }
    next.start();
    this.waiting.forEach((w, i) => w.onPlace(i + 1));
  }
}
