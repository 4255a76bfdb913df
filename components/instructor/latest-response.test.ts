import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLatestGate, debounce } from "./latest-response";

describe("createLatestGate", () => {
  it("keeps only the newest request's answer, whatever order the answers arrive in", () => {
    const gate = createLatestGate();
    const first = gate.begin();
    const second = gate.begin();
    // The second answers first: it is shown; the first, answering later, is dropped.
    expect(second()).toBe(true);
    expect(first()).toBe(false);
    const third = gate.begin();
    expect(second()).toBe(false);
    expect(third()).toBe(true);
  });

  it("drops every pending answer once invalidated", () => {
    const gate = createLatestGate();
    const pending = gate.begin();
    gate.invalidate();
    expect(pending()).toBe(false);
    expect(gate.begin()()).toBe(true);
  });

  it("shows a real out-of-order race ending on the newest data", async () => {
    const gate = createLatestGate();
    const shown: string[] = [];
    const load = (value: string, delayMs: number) => {
      const isLatest = gate.begin();
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          if (isLatest()) shown.push(value);
          resolve();
        }, delayMs),
      );
    };
    await Promise.all([load("old", 30), load("new", 5)]);
    expect(shown).toEqual(["new"]);
  });
});

describe("debounce", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("calls once after a burst settles", () => {
    const fn = vi.fn();
    const d = debounce(fn, { waitMs: 100 });
    d();
    vi.advanceTimersByTime(60);
    d();
    vi.advanceTimersByTime(60);
    d();
    expect(fn).not.toHaveBeenCalled();
    expect(d.pending()).toBe(true);
    vi.advanceTimersByTime(100);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(d.pending()).toBe(false);
  });

  it("still calls every maxWaitMs while the asks never stop", () => {
    const fn = vi.fn();
    const d = debounce(fn, { waitMs: 100, maxWaitMs: 250 });
    for (let t = 0; t < 1000; t += 50) {
      d();
      vi.advanceTimersByTime(50);
    }
    // 1000 ms of asks every 50 ms: a call at 250, 500, 750 and 1000 ms, none waiting longer.
    expect(fn).toHaveBeenCalledTimes(4);
    vi.advanceTimersByTime(100);
    expect(fn).toHaveBeenCalledTimes(4);
  });

  it("cancel drops the pending call; flush makes it now", () => {
    const fn = vi.fn();
    const d = debounce(fn, { waitMs: 100 });
    d();
    d.cancel();
    vi.advanceTimersByTime(500);
    expect(fn).not.toHaveBeenCalled();
    d();
    d.flush();
    expect(fn).toHaveBeenCalledTimes(1);
    d.flush();
    vi.advanceTimersByTime(500);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("refuses a nonsensical wait", () => {
    expect(() => debounce(() => undefined, { waitMs: -1 })).toThrow(/waitMs/);
    expect(() => debounce(() => undefined, { waitMs: 100, maxWaitMs: 50 })).toThrow(/maxWaitMs/);
  });
});
