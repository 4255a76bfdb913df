import { describe, expect, it } from "vitest";
import { isBucketIdle, isLeaseFree, isLeaseLost, leaseExpiry, renewEveryMs, takeToken } from "./lease-rules";

const held = (expiresAtMs: number) => ({ holder: "kq-a", token: "t", info: null, expiresAtMs });

describe("leases", () => {
  it("is free when nobody holds it, taken until its end, free again at its end", () => {
    expect(isLeaseFree(undefined, 1_000)).toBe(true);
    const lease = held(leaseExpiry(1_000, 15_000));
    expect(lease.expiresAtMs).toBe(16_000);
    expect(isLeaseFree(lease, 1_000)).toBe(false);
    expect(isLeaseFree(lease, 15_999)).toBe(false);
    expect(isLeaseFree(lease, 16_000)).toBe(true);
  });

  it("is renewed every third of its length, so two renewals may fail before it is lost", () => {
    expect(renewEveryMs(15_000)).toBe(5_000);
    expect(renewEveryMs(3_000)).toBe(1_000);
    expect(renewEveryMs(30)).toBe(100);
    const leaseMs = 15_000;
    const renewedAt = 10_000;
    expect(isLeaseLost(renewedAt, renewedAt + 2 * renewEveryMs(leaseMs), leaseMs)).toBe(false);
    expect(isLeaseLost(renewedAt, renewedAt + leaseMs - 1, leaseMs)).toBe(false);
    expect(isLeaseLost(renewedAt, renewedAt + leaseMs, leaseMs)).toBe(true);
  });

  it("a crashed holder's lease is free one lease length after its last renewal", () => {
    const leaseMs = 5_000;
    let lease = held(leaseExpiry(0, leaseMs));
    lease = held(leaseExpiry(renewEveryMs(leaseMs), leaseMs)); // renewed once, then the holder dies
    expect(isLeaseFree(lease, renewEveryMs(leaseMs) + leaseMs - 1)).toBe(false);
    expect(isLeaseFree(lease, renewEveryMs(leaseMs) + leaseMs)).toBe(true);
  });
});

describe("takeToken", () => {
  it("allows a burst of `capacity`, then refuses, saying when the next token comes", () => {
    let bucket = undefined as Parameters<typeof takeToken>[0];
    for (let i = 0; i < 3; i++) {
      const take = takeToken(bucket, 0, 3, 3_000);
      expect(take.ok).toBe(true);
      bucket = take.bucket;
    }
    const refused = takeToken(bucket, 0, 3, 3_000);
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 1_000 });
    // A refusal takes nothing: the token that refilled meanwhile is there at the promised time.
    expect(takeToken(refused.bucket, 999, 3, 3_000).ok).toBe(false);
    expect(takeToken(refused.bucket, 1_000, 3, 3_000).ok).toBe(true);
  });

  it("refills evenly and never beyond its capacity", () => {
    const empty = { tokens: 0, updatedAtMs: 0 };
    expect(takeToken(empty, 500, 2, 1_000)).toMatchObject({ ok: true, bucket: { tokens: 0, updatedAtMs: 500 } });
    expect(takeToken(empty, 60_000, 2, 1_000)).toMatchObject({ ok: true, bucket: { tokens: 1 } });
  });

  it("ignores a clock that went backwards (another instance's clock)", () => {
    expect(takeToken({ tokens: 0.5, updatedAtMs: 10_000 }, 9_000, 1, 1_000)).toMatchObject({ ok: false, retryAfterMs: 500 });
  });

  it("forgets a bucket once it would be full again", () => {
    expect(isBucketIdle({ tokens: 0, updatedAtMs: 0 }, 9_999, 10_000)).toBe(false);
    expect(isBucketIdle({ tokens: 0, updatedAtMs: 0 }, 10_000, 10_000)).toBe(true);
  });
});
