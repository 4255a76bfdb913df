/**
 * The arithmetic of leases and token buckets, pure so it can be tested to the millisecond and
 * shared by the in-memory coordination (one instance) and the PostgreSQL one (N instances, where
 * "now" is the database's clock, so instances with skewed clocks still agree).
 *
 * A lease is a lock with an end: its holder renews it every third of its length; an instance
 * that crashed stops renewing, and the lease is free once its end has passed. That bounds how
 * long a dead instance can block a grade, a reset or the background jobs: one lease length.
 */

export interface LeaseState {
  holder: string;
  /** Random per acquisition: a renewal or release by a holder whose lease expired and was taken changes nothing. */
  token: string;
  /** What the holder is doing ("provisioning", "resetting"): others show it while they wait. */
  info: string | null;
  expiresAtMs: number;
}

/** Whether a lease can be taken now: nobody holds it, or its holder let it run out. */
export function isLeaseFree(lease: LeaseState | undefined, nowMs: number): boolean {
  return lease === undefined || lease.expiresAtMs <= nowMs;
}

/** When a lease taken or renewed now runs out. */
export function leaseExpiry(nowMs: number, leaseMs: number): number {
  return nowMs + leaseMs;
}

/**
 * How often a holder renews: a third of the lease, so two renewals can fail (a slow database
 * round trip, a long GC pause) before the lease is lost.
 */
export function renewEveryMs(leaseMs: number): number {
  return Math.max(100, Math.floor(leaseMs / 3));
}

/** Whether a holder whose last successful renewal was at `renewedAtMs` must count the lease as lost. */
export function isLeaseLost(renewedAtMs: number, nowMs: number, leaseMs: number): boolean {
  return nowMs - renewedAtMs >= leaseMs;
}

export interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export type Take = { ok: true; bucket: Bucket } | { ok: false; bucket: Bucket; retryAfterMs: number };

/**
 * Takes `n` tokens (one by default) from a bucket of `capacity` refilled evenly over `perMs` (a
 * missing bucket is full). A refusal takes nothing and says when the next token is there.
 */
export function takeToken(bucket: Bucket | undefined, nowMs: number, capacity: number, perMs: number, n = 1): Take {
  const elapsed = bucket ? Math.max(0, nowMs - bucket.updatedAtMs) : 0;
  const tokens = bucket ? Math.min(capacity, bucket.tokens + (elapsed * capacity) / perMs) : capacity;
  if (tokens >= n) return { ok: true, bucket: { tokens: tokens - n, updatedAtMs: nowMs } };
  return { ok: false, bucket: { tokens, updatedAtMs: nowMs }, retryAfterMs: Math.ceil(((1 - tokens) * perMs) / capacity) };
}

/** A bucket untouched this long is full again, and can be forgotten. */
export function isBucketIdle(bucket: Bucket, nowMs: number, perMs: number): boolean {
  return nowMs - bucket.updatedAtMs >= perMs;
}
