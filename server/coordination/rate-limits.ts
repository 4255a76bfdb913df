/**
 * Token buckets: a burst of `capacity`, refilled evenly over `perMs` (lease-rules.ts does the
 * arithmetic). `TokenBucket` limits one thing in one process (a socket's terminal input);
 * `RateLimiter` is a bucket per key (a session, a client address) behind the asynchronous
 * `KeyedRateLimiter` interface that the PostgreSQL counters (postgres-coordination.ts) also
 * implement, so every instance counts the same requests when several run.
 */
import { takeToken, type Bucket } from "./lease-rules";

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/** Counts requests per key; `take` answers whether one more may go ahead now. */
export interface KeyedRateLimiter {
  take(key: string): Promise<RateDecision>;
}

export class TokenBucket {
  private bucket: Bucket | undefined;

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `n` tokens (one by default); false, taking none, when fewer are left. */
  take(n = 1): boolean {
    const taken = takeToken(this.bucket, this.now(), this.capacity, this.perMs, n);
    this.bucket = taken.bucket;
    return taken.ok;
  }

  /** Milliseconds until the next token. */
  retryAfterMs(): number {
    const probe = takeToken(this.bucket, this.now(), this.capacity, this.perMs);
    return probe.ok ? 0 : probe.retryAfterMs;
  }
}

/** Buckets by key in this process's memory, forgotten when too many pile up. */
export class RateLimiter implements KeyedRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly capacity = 10,
    private readonly perMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  takeNow(key: string): RateDecision {
    if (!this.buckets.has(key) && this.buckets.size > 10_000) this.buckets.clear();
    const taken = takeToken(this.buckets.get(key), this.now(), this.capacity, this.perMs);
    this.buckets.set(key, taken.bucket);
    return taken.ok ? { ok: true } : { ok: false, retryAfterMs: taken.retryAfterMs };
  }

  take(key: string): Promise<RateDecision> {
    return Promise.resolve(this.takeNow(key));
  }
}
