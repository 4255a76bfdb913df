import { describe, expect, it } from "vitest";
import { OutputFlowControl } from "./flow-control";

function setup(limit = 100) {
  const calls: string[] = [];
  const flow = new OutputFlowControl(limit, { pause: () => calls.push("pause"), resume: () => calls.push("resume") });
  return { flow, calls };
}

describe("OutputFlowControl", () => {
  it("pauses once above the limit and resumes at half of it (cumulative acks)", () => {
    const { flow, calls } = setup();
    flow.sent(60);
    flow.sent(40);
    expect(calls).toEqual([]);
    flow.sent(1);
    expect(calls).toEqual(["pause"]);
    flow.sent(50);
    expect(calls).toEqual(["pause"]);
    flow.acked(100);
    expect(flow.unackedBytes).toBe(51);
    expect(calls).toEqual(["pause"]);
    flow.acked(101);
    expect(calls).toEqual(["pause", "resume"]);
    expect(flow.isPaused).toBe(false);
  });

  it("ignores acks that go backwards, exceed what was sent, or are not numbers", () => {
    const { flow, calls } = setup();
    flow.sent(50);
    flow.acked(1_000_000);
    expect(flow.unackedBytes).toBe(0);
    flow.acked(10);
    expect(flow.unackedBytes).toBe(0);
    flow.acked(Number.NaN);
    flow.sent(101);
    expect(flow.unackedBytes).toBe(101);
    expect(calls).toEqual(["pause"]);
  });

  it("keeps an exact account over many chunks", () => {
    const { flow } = setup(256 * 1024);
    for (let i = 0; i < 1000; i++) flow.sent(1000);
    flow.acked(400_000);
    expect(flow.unackedBytes).toBe(600_000);
    expect(flow.isPaused).toBe(true);
    flow.acked(1_000_000);
    expect(flow.isPaused).toBe(false);
  });

  it("pauses on the server's backlog whatever the acks say, and rechecks it until it halves", async () => {
    const calls: string[] = [];
    let backlog = 0;
    const flow = new OutputFlowControl(100, { pause: () => calls.push("pause"), resume: () => calls.push("resume") }, { bytes: () => backlog, limit: 1000 }, 10);
    flow.sent(50);
    flow.acked(50);
    backlog = 1001;
    flow.sent(50);
    flow.acked(1e18);
    expect(flow.unackedBytes).toBe(0);
    expect(calls).toEqual(["pause"]);
    backlog = 501;
    await new Promise((r) => setTimeout(r, 40));
    expect(calls).toEqual(["pause"]);
    backlog = 500;
    await new Promise((r) => setTimeout(r, 40));
    expect(calls).toEqual(["pause", "resume"]);
    flow.stop();
  });
});
