import { describe, expect, it } from "vitest";
import { initialConnection, nextConnection, type ConnectionEvent } from "./connection-state";

function run(events: ConnectionEvent[]) {
  return events.reduce(nextConnection, initialConnection);
}

describe("connection state", () => {
  it("starts as connecting and becomes connected", () => {
    expect(initialConnection.state).toBe("connecting");
    expect(run([{ type: "connect" }]).state).toBe("connected");
  });

  it("says offline when the first attempt fails", () => {
    expect(run([{ type: "connect-error", willRetry: true }]).state).toBe("offline");
  });

  it("says reconnecting after a drop, even while attempts fail", () => {
    const s = run([
      { type: "connect" },
      { type: "disconnect", willRetry: true },
      { type: "reconnect-attempt" },
      { type: "connect-error", willRetry: true },
    ]);
    expect(s.state).toBe("reconnecting");
    expect(s.everConnected).toBe(true);
  });

  it("is offline without retry after a server-side disconnect", () => {
    const s = run([{ type: "connect" }, { type: "disconnect", willRetry: false }]);
    expect(s).toMatchObject({ state: "offline", retrying: false });
  });

  it("goes offline when the browser loses the network, unless still connected", () => {
    expect(run([{ type: "connect" }, { type: "browser-offline" }]).state).toBe("connected");
    expect(
      run([{ type: "connect" }, { type: "disconnect", willRetry: true }, { type: "browser-offline" }]).state,
    ).toBe("offline");
  });

  it("recovers on connect", () => {
    const s = run([{ type: "connect-error", willRetry: true }, { type: "connect" }]);
    expect(s.state).toBe("connected");
  });
});
