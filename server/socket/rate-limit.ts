/**
 * A token bucket per learner for the expensive requests (start, reset, apply, validate, grade,
 * terminal open): a burst of `capacity`, refilled evenly over `perMs`.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.updatedAt = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.updatedAt) * this.capacity) / this.perMs);
    this.updatedAt = t;
  }

  /** Takes `n` tokens (one by default); false, taking none, when fewer are left. */
  take(n = 1): boolean {
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Milliseconds until the next token. */
  retryAfterMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * this.perMs) / this.capacity);
  }
}

/** Buckets by key (a session id), forgotten when full and unused. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly capacity = 10,
    private readonly perMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): { ok: true } | { ok: false; retryAfterMs: number } {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size > 10_000) this.buckets.clear();
      bucket = new TokenBucket(this.capacity, this.perMs, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take() ? { ok: true } : { ok: false, retryAfterMs: bucket.retryAfterMs() };
  }
}
