import { describe, expect, it } from "vitest";
import { InOrderDelivery } from "./in-order-delivery";

function harness() {
  const delivered: string[] = [];
  const timers: (() => void)[] = [];
  const delivery = new InOrderDelivery<string>((b) => delivered.push(b), {
    gapWaitMs: 1_000,
    setTimer: ((fn: () => void) => {
      timers.push(fn);
      return timers.length as unknown as NodeJS.Timeout;
    }) as unknown as typeof setTimeout,
    clearTimer: (() => undefined) as unknown as typeof clearTimeout,
  });
  return { delivered, delivery, fireTimers: () => timers.splice(0).forEach((fn) => fn()) };
}

describe("InOrderDelivery", () => {
  it("delivers in order what arrives in order", () => {
    const { delivered, delivery } = harness();
    for (const [seq, body] of [[5, "started"], [6, "check"], [7, "finished"]] as const) delivery.receive({ from: "kq-a", seq, body });
    expect(delivered).toEqual(["started", "check", "finished"]);
  });

  it("holds a message that overtook another until the gap is filled", () => {
    const { delivered, delivery } = harness();
    delivery.receive({ from: "kq-a", seq: 1, body: "started" });
    delivery.receive({ from: "kq-a", seq: 3, body: "finished" });
    expect(delivered).toEqual(["started"]);
    delivery.receive({ from: "kq-a", seq: 2, body: "check" });
    expect(delivered).toEqual(["started", "check", "finished"]);
  });

  it("keeps senders apart", () => {
    const { delivered, delivery } = harness();
    delivery.receive({ from: "kq-a", seq: 1, body: "a1" });
    delivery.receive({ from: "kq-b", seq: 9, body: "b9" });
    delivery.receive({ from: "kq-a", seq: 3, body: "a3" });
    delivery.receive({ from: "kq-b", seq: 10, body: "b10" });
    expect(delivered).toEqual(["a1", "b9", "b10"]);
  });

  it("skips a gap that is never filled, once it waited", () => {
    const { delivered, delivery, fireTimers } = harness();
    delivery.receive({ from: "kq-a", seq: 1, body: "one" });
    delivery.receive({ from: "kq-a", seq: 3, body: "three" });
    delivery.receive({ from: "kq-a", seq: 4, body: "four" });
    fireTimers();
    expect(delivered).toEqual(["one", "three", "four"]);
    delivery.receive({ from: "kq-a", seq: 2, body: "late two" });
    expect(delivered).toEqual(["one", "three", "four"]);
    delivery.receive({ from: "kq-a", seq: 5, body: "five" });
    expect(delivered).toEqual(["one", "three", "four", "five"]);
  });
});
