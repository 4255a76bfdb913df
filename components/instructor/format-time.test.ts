import { describe, expect, it } from "vitest";
import { clockOffsetMs, formatAgo, formatElapsed, msSince } from "./format-time";

describe("formatElapsed", () => {
  it("shows seconds under a minute", () => {
    expect(formatElapsed(0)).toBe("0 s");
    expect(formatElapsed(45_900)).toBe("45 s");
  });
  it("shows whole minutes under an hour", () => {
    expect(formatElapsed(60_000)).toBe("1 min");
    expect(formatElapsed(12 * 60_000 + 59_000)).toBe("12 min");
  });
  it("shows hours with padded minutes, then days", () => {
    expect(formatElapsed(65 * 60_000)).toBe("1 h 05 min");
    expect(formatElapsed(26 * 3_600_000)).toBe("1 d 2 h");
  });
  it("treats negative and non-finite input as zero", () => {
    expect(formatElapsed(-5_000)).toBe("0 s");
    expect(formatElapsed(Number.NaN)).toBe("0 s");
  });
});

describe("formatAgo", () => {
  it("says just now for the last few seconds", () => {
    expect(formatAgo(3_000)).toBe("just now");
    expect(formatAgo(-1)).toBe("just now");
  });
  it("says how long ago otherwise", () => {
    expect(formatAgo(3 * 60_000)).toBe("3 min ago");
  });
});

describe("msSince", () => {
  it("measures from an ISO time", () => {
    expect(msSince("2026-01-01T00:00:00.000Z", Date.parse("2026-01-01T00:02:00.000Z"))).toBe(120_000);
  });
  it("is null for a missing or unreadable time", () => {
    expect(msSince(null, 0)).toBeNull();
    expect(msSince("not a date", 0)).toBeNull();
  });
});

describe("clockOffsetMs", () => {
  it("is how far the server's clock is ahead of this one", () => {
    expect(clockOffsetMs("2026-01-01T00:01:00.000Z", Date.parse("2026-01-01T00:00:00.000Z"))).toBe(60_000);
  });
  it("is 0 for an unreadable server time", () => {
    expect(clockOffsetMs("garbage", 123)).toBe(0);
  });
});
