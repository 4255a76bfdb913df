import { describe, expect, it } from "vitest";
import { LIMITS } from "@/lib/protocol/socket-events";
import { splitInput } from "./input-chunks";

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("splitInput", () => {
  it("keeps small input whole", () => {
    expect(splitInput("ls\r", 16)).toEqual(["ls\r"]);
    expect(splitInput("", 16)).toEqual([]);
  });

  it("splits at the byte limit", () => {
    expect(splitInput("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
  });

  it("never splits a character", () => {
    const chunks = splitInput("aé🚀b🚀", 5);
    expect(chunks.join("")).toBe("aé🚀b🚀");
    for (const chunk of chunks) expect(bytes(chunk)).toBeLessThanOrEqual(5);
    expect(chunks).toEqual(["aé", "🚀b", "🚀"]);
  });

  it("splits a large paste into server-sized pieces that rejoin exactly", () => {
    const paste = "kubectl get pods -o wide # ünïcødé 🚀\n".repeat(2000);
    const chunks = splitInput(paste, LIMITS.terminalInputBytes);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe(paste);
    for (const chunk of chunks) {
      expect(bytes(chunk)).toBeLessThanOrEqual(LIMITS.terminalInputBytes);
      expect(chunk.length).toBeLessThanOrEqual(LIMITS.terminalInputBytes);
    }
  });

  it("handles lone surrogates without crashing", () => {
    expect(splitInput("a\uD800b", 4).join("")).toBe("a\uD800b");
  });
});
