import { describe, expect, it } from "vitest";
import { OutputAcks } from "./output-acks";

describe("OutputAcks", () => {
  it("acknowledges cumulative processed bytes once", () => {
    const acks = new OutputAcks(1024);
    expect(acks.take()).toBeNull();
    acks.processedChunk(100);
    acks.processedChunk(50);
    expect(acks.take()).toBe(150);
    expect(acks.take()).toBeNull();
    acks.processedChunk(10);
    expect(acks.take()).toBe(160);
  });

  it("flags when a quarter of the window waits", () => {
    const acks = new OutputAcks(1000);
    acks.processedChunk(249);
    expect(acks.urgent()).toBe(false);
    acks.processedChunk(1);
    expect(acks.urgent()).toBe(true);
    acks.take();
    expect(acks.urgent()).toBe(false);
  });

  it("ignores nonsense sizes and restarts on reset", () => {
    const acks = new OutputAcks(1000);
    acks.processedChunk(-5);
    acks.processedChunk(Number.NaN);
    expect(acks.take()).toBeNull();
    acks.processedChunk(30);
    acks.reset();
    expect(acks.take()).toBeNull();
    acks.processedChunk(7);
    expect(acks.take()).toBe(7);
  });
});
