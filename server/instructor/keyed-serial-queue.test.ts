import { describe, expect, it } from "vitest";
import { KeyedSerialQueue } from "./keyed-serial-queue";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("KeyedSerialQueue", () => {
  it("runs the tasks of one key in order, even when an earlier one is slower", async () => {
    const queue = new KeyedSerialQueue();
    const seen: number[] = [];
    await Promise.all([
      queue.run("a", "t1", async () => {
        await tick(30);
        seen.push(1);
      }),
      queue.run("a", "t2", async () => {
        seen.push(2);
      }),
    ]);
    expect(seen).toEqual([1, 2]);
  });

  it("lets another key run meanwhile", async () => {
    const queue = new KeyedSerialQueue();
    const seen: string[] = [];
    const slow = queue.run("a", "slow", async () => {
      await tick(30);
      seen.push("a");
    });
    await queue.run("b", "fast", async () => {
      seen.push("b");
    });
    await slow;
    expect(seen).toEqual(["b", "a"]);
  });

  it("logs a failing task and still runs the next one, then forgets the idle key", async () => {
    const errors: [string, unknown][] = [];
    const queue = new KeyedSerialQueue((label, err) => errors.push([label, err]));
    const seen: string[] = [];
    const failing = queue.run("a", "sending x", () => Promise.reject(new Error("boom")));
    await queue.run("a", "next", async () => {
      seen.push("next");
    });
    await expect(failing).resolves.toBeUndefined();
    expect(seen).toEqual(["next"]);
    expect(errors).toEqual([["sending x", expect.any(Error)]]);
    await tick(0);
    expect(queue.size).toBe(0);
  });

  it("idle() resolves only once every key's tasks ran, including tasks queued while waiting", async () => {
    const queue = new KeyedSerialQueue();
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    void queue.run("a", "gated", async () => {
      await gate;
      seen.push("a");
      // A send that queues another (a roster push queues a broadcast).
      void queue.run("b", "follow-up", async () => {
        seen.push("b");
      });
    });
    let idle = false;
    const waiting = queue.idle().then(() => (idle = true));
    await tick(0);
    expect(idle).toBe(false);
    release();
    await waiting;
    expect(seen).toEqual(["a", "b"]);
    expect(queue.size).toBe(0);
    // Nothing queued: resolves at once.
    await queue.idle();
  });
});
