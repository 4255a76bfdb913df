import { describe, expect, it } from "vitest";
import { RateLimiter, TokenBucket } from "./rate-limits";

describe("TokenBucket", () => {
  it("allows a burst of 10, then one per second", () => {
    let now = 0;
    const bucket = new TokenBucket(10, 10_000, () => now);
    for (let i = 0; i < 10; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    expect(bucket.retryAfterMs()).toBe(1000);
    now += 999;
    expect(bucket.take()).toBe(false);
    now += 1;
    expect(bucket.take()).toBe(true);
    now += 60_000;
    for (let i = 0; i < 10; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });
});

describe("RateLimiter", () => {
  it("keeps learners apart", () => {
    const now = 0;
    const limiter = new RateLimiter(2, 10_000, () => now);
    expect(limiter.takeNow("a").ok).toBe(true);
    expect(limiter.takeNow("a").ok).toBe(true);
    expect(limiter.takeNow("a")).toEqual({ ok: false, retryAfterMs: 5000 });
    expect(limiter.takeNow("b").ok).toBe(true);
  });
});
