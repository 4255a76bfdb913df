import { describe, expect, it } from "vitest";
import { clientAddress, tooManySessions } from "./per-ip-limits";

describe("per-address limits", () => {
  it("keys by the connection's address, an IPv4-mapped one as IPv4", () => {
    expect(clientAddress({ socket: { remoteAddress: "::ffff:10.0.0.7" } } as never)).toBe("10.0.0.7");
    expect(clientAddress({ socket: { remoteAddress: "2001:db8::1" } } as never)).toBe("2001:db8::1");
  });

  it("tells a refused visitor how long to wait", () => {
    expect(tooManySessions(61_000).action).toMatch(/^Wait 2 minutes, then reload the page\./);
    expect(tooManySessions(10).action).toMatch(/^Wait 1 minute, then/);
  });
});
