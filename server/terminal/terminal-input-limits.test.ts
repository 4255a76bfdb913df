import { describe, expect, it } from "vitest";
import { TerminalInputLimits } from "./terminal-input-limits";

function setup() {
  let now = 0;
  const limits = new TerminalInputLimits({ inputMessagesBurst: 10, inputBytesBurst: 100, resizeBurst: 4, noticeEveryMs: 2_000 }, () => now);
  return { limits, advance: (ms: number) => (now += ms) };
}

describe("TerminalInputLimits", () => {
  it("lets a burst of keystrokes through, drops the excess with one notice, and refills over time", () => {
    const { limits, advance } = setup();
    const verdicts = Array.from({ length: 15 }, () => limits.input("x"));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(10);
    const dropped = verdicts.filter((v) => !v.ok);
    expect(dropped[0]).toMatchObject({ ok: false, notice: { code: "input-dropped", action: expect.stringMatching(/Wait a few seconds/) } });
    // Told once, not five times.
    expect(dropped.filter((v) => !v.ok && v.notice)).toHaveLength(1);
    advance(1_000); // half the burst per second
    const later = Array.from({ length: 6 }, () => limits.input("x"));
    expect(later.filter((v) => v.ok)).toHaveLength(5);
    // Still within the notice interval: dropped without another notice.
    expect(later[5]).toMatchObject({ ok: false, notice: null });
    advance(1_000);
    Array.from({ length: 5 }, () => limits.input("x"));
    expect(limits.input("x")).toMatchObject({ ok: false, notice: { code: "input-dropped" } });
  });

  it("counts bytes too: a flood of large pastes is cut, and a refused message costs nothing", () => {
    const { limits } = setup();
    expect(limits.input("a".repeat(60)).ok).toBe(true);
    expect(limits.input("a".repeat(60)).ok).toBe(false);
    expect(limits.input("é".repeat(20)).ok).toBe(true); // 40 bytes: fits in the 40 left
    expect(limits.input("a").ok).toBe(false);
  });

  it("limits resizes, saying when the last one applies, even right after an input notice", () => {
    const { limits } = setup();
    Array.from({ length: 11 }, () => limits.input("x"));
    const verdicts = Array.from({ length: 6 }, () => limits.resize());
    expect(verdicts.filter((v) => v.ok)).toHaveLength(4);
    expect(verdicts[4]).toMatchObject({ ok: false, notice: { code: "resize-dropped" }, retryAfterMs: 500 });
  });
});
