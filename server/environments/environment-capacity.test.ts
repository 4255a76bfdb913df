import { describe, expect, it } from "vitest";
import { EnvironmentCapacity } from "./environment-capacity";

function setup(max = 2) {
  let now = 0;
  const capacity = new EnvironmentCapacity({ max, holdMs: 10 * 60_000, maxRetryMinutes: 5, now: () => now });
  return { capacity, advance: (ms: number) => (now += ms) };
}

describe("EnvironmentCapacity", () => {
  it("admits below the cap and refuses at it, with the queue position and a retry time", () => {
    const { capacity } = setup(2);
    expect(capacity.admit("a", 0)).toEqual({ ok: true });
    expect(capacity.admit("b", 1)).toEqual({ ok: true });
    expect(capacity.admit("c", 2)).toEqual({ ok: false, running: 2, max: 2, position: 1, retryMinutes: 5 });
    expect(capacity.admit("d", 2)).toMatchObject({ ok: false, position: 2 });
    // Asking again keeps one's place.
    expect(capacity.admit("c", 2)).toMatchObject({ ok: false, position: 1 });
  });

  it("gives a freed slot to the head of the queue, not to whoever asks first", () => {
    const { capacity } = setup(2);
    capacity.admit("c", 2);
    capacity.admit("d", 2);
    expect(capacity.admit("e", 1)).toMatchObject({ ok: false, position: 3 });
    expect(capacity.admit("d", 1)).toMatchObject({ ok: false, position: 2 });
    expect(capacity.admit("c", 1)).toEqual({ ok: true });
    expect(capacity.admit("d", 1)).toEqual({ ok: true });
    expect(capacity.admit("e", 2)).toMatchObject({ ok: false, position: 1 });
  });

  it("drops a place not asked for within the hold time", () => {
    const { capacity, advance } = setup(1);
    capacity.admit("gone", 1);
    advance(60_000);
    expect(capacity.admit("stays", 1)).toMatchObject({ position: 2 });
    advance(10 * 60_000 - 30_000);
    expect(capacity.admit("stays", 1)).toMatchObject({ position: 1 });
    expect(capacity.admit("stays", 0)).toEqual({ ok: true });
  });

  it("estimates the wait from the environments' expiry, within 1 to 5 minutes", () => {
    const { capacity } = setup(2);
    expect(capacity.admit("a", 2, [150_000, 9e9])).toMatchObject({ retryMinutes: 3 });
    expect(capacity.admit("b", 2, [150_000, 9e9])).toMatchObject({ position: 2, retryMinutes: 5 });
    expect(capacity.admit("a", 2, [10_000, 9e9])).toMatchObject({ retryMinutes: 1 });
  });

  it("a cap of 0 refuses everyone; the message says what is going on and what to do", () => {
    const { capacity } = setup(0);
    const refused = capacity.admit("a", 0);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(EnvironmentCapacity.refusal(refused)).toEqual({
      message: "The installation is full: 0 of 0 environments are running. You are number 1 in the queue.",
      action: "Try again in 5 minutes; your place is kept while you keep trying. Finished learners free a place when they leave a level or it expires.",
    });
  });
});
