import { describe, expect, it } from "vitest";
import { GradeQueue } from "./grade-queue";

/** A task the test finishes by hand. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return { open, task: () => done };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("GradeQueue", () => {
  it("runs at most `limit` at once, first come first served, and tells each waiting run its place as the line moves", async () => {
    const queue = new GradeQueue(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const places: Record<number, number[]> = { 2: [], 3: [] };
    const runs = gates.map((g, i) =>
      queue.run(
        async () => {
          started.push(i);
          await g.task();
          return i;
        },
        (place) => places[i]!.push(place),
      ),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(queue.load).toEqual({ running: 2, waiting: 2 });
    expect(places).toEqual({ 2: [1], 3: [2] });
    gates[1]!.open();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    // The third has started; the fourth moves up to first in line.
    expect(places[3]).toEqual([2, 1]);
    gates[0]!.open();
    gates[2]!.open();
    gates[3]!.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(queue.load).toEqual({ running: 0, waiting: 0 });
  });

  it("hands the slot on when a run fails", async () => {
    const queue = new GradeQueue(1);
    const failing = queue.run(async () => {
      throw new Error("the cluster went away");
    });
    const next = queue.run(async () => "ran");
    await expect(failing).rejects.toThrow("the cluster went away");
    expect(await next).toBe("ran");
    expect(queue.load).toEqual({ running: 0, waiting: 0 });
  });

  it("does not bound anything with a limit of 0", async () => {
    const queue = new GradeQueue(0);
    const gates = [gate(), gate(), gate()];
    const places: number[] = [];
    const runs = gates.map((g) => queue.run(g.task, (p) => places.push(p)));
    await tick();
    expect(queue.load).toEqual({ running: 3, waiting: 0 });
    expect(places).toEqual([]);
    gates.forEach((g) => g.open());
    await Promise.all(runs);
  });
});
