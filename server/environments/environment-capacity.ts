/**
 * The installation's cap on running environments, with a fair queue.
 *
 * One cluster serves a whole class, and anyone can get a session, so without a cap a script (or
 * a large class) could start environments until the node falls over for everybody. Past the cap,
 * a learner who asks to start is refused with the number of environments running, their place
 * in the queue and when to try again. Places are first come, first served: when a slot frees, it
 * goes to the learner at the head of the queue, not to whoever asks first. A place is kept for
 * `holdMs` after each try, so a learner who closed the tab does not block the queue forever.
 *
 * Pure logic: the caller counts the environments (cluster namespaces plus those being built)
 * and serialises decisions (see LevelEnvironments).
 */

export interface CapacityOptions {
  max: number;
  /** How long a queued learner keeps their place without trying again. */
  holdMs?: number;
  /** The longest "try again in" the message suggests (a retry interval, not a promise). */
  maxRetryMinutes?: number;
  now?: () => number;
}

export type Admission =
  | { ok: true }
  | { ok: false; running: number; max: number; position: number; retryMinutes: number };

export class EnvironmentCapacity {
  private readonly queue: { key: string; lastTriedAt: number }[] = [];
  private readonly holdMs: number;
  private readonly maxRetryMinutes: number;
  private readonly now: () => number;

  constructor(private readonly opts: CapacityOptions) {
    this.holdMs = opts.holdMs ?? 10 * 60_000;
    this.maxRetryMinutes = opts.maxRetryMinutes ?? 5;
    this.now = opts.now ?? Date.now;
  }

  get max(): number {
    return this.opts.max;
  }

  /**
   * Whether learner `key` may build one more environment now. `running`: environments that exist
   * or are being built; `expiresAt`: when each running one reaches its TTL (ms), for the estimate.
   */
  admit(key: string, running: number, expiresAt: number[] = []): Admission {
    const t = this.now();
    for (let i = this.queue.length - 1; i >= 0; i--) if (t - this.queue[i]!.lastTriedAt > this.holdMs) this.queue.splice(i, 1);
    const free = Math.max(0, this.opts.max - running);
    let index = this.queue.findIndex((q) => q.key === key);
    // Free slots go to the head of the queue first; a newcomer gets one only beyond those.
    if (index >= 0 ? index < free : this.queue.length < free) {
      if (index >= 0) this.queue.splice(index, 1);
      return { ok: true };
    }
    if (index < 0) index = this.queue.push({ key, lastTriedAt: t }) - 1;
    else this.queue[index]!.lastTriedAt = t;
    const position = index + 1;
    // The earliest an environment frees for this place by itself is when enough reach their TTL.
    const needed = position - free;
    const expiry = [...expiresAt].sort((a, b) => a - b)[needed - 1];
    const estimate = expiry === undefined ? this.maxRetryMinutes : Math.ceil((expiry - t) / 60_000);
    const retryMinutes = Math.min(this.maxRetryMinutes, Math.max(1, estimate));
    return { ok: false, running, max: this.opts.max, position, retryMinutes };
  }

  /** Forgets a learner's place (they started, or gave up by abandoning). */
  leave(key: string): void {
    const index = this.queue.findIndex((q) => q.key === key);
    if (index >= 0) this.queue.splice(index, 1);
  }

  /** The message a refused learner reads. */
  static refusal(a: Extract<Admission, { ok: false }>): { message: string; action: string } {
    const minutes = a.retryMinutes === 1 ? "1 minute" : `${a.retryMinutes} minutes`;
    return {
      message: `The installation is full: ${a.running} of ${a.max} environments are running. You are number ${a.position} in the queue.`,
      action: `Try again in ${minutes}; your place is kept while you keep trying. Finished learners free a place when they leave a level or it expires.`,
    };
  }
}
