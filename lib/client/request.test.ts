import { describe, expect, it } from "vitest";
import { offlineError, request, type RequestSocket } from "./request";

function fakeSocket(answer: (event: string, payload: unknown) => { err: Error | null; result?: unknown }, connected = true) {
  const sent: { event: string; payload: unknown; timeout: number }[] = [];
  const socket: RequestSocket = {
    connected,
    timeout(ms) {
      return {
        emit(event, payload, callback) {
          sent.push({ event, payload, timeout: ms });
          const { err, result } = answer(event, payload);
          queueMicrotask(() => callback(err, result));
          return undefined;
        },
      };
    },
  };
  return { socket, sent };
}

describe("request", () => {
  it("passes the payload and resolves with the server's result", async () => {
    const status = { levelId: "l", phase: "ready", namespace: "ns", passed: false };
    const { socket, sent } = fakeSocket(() => ({ err: null, result: { ok: true, value: status } }));
    const result = await request(socket, "level:open", { levelId: "l" }, 1000);
    expect(result).toEqual({ ok: true, value: status });
    expect(sent).toEqual([{ event: "level:open", payload: { levelId: "l" }, timeout: 1000 }]);
  });

  it("keeps actionable errors from the server", async () => {
    const error = { code: "cluster-unreachable", message: "The cluster is down.", action: "Wait." };
    const { socket } = fakeSocket(() => ({ err: null, result: { ok: false, error } }));
    expect(await request(socket, "level:start", { levelId: "l" }, 1000)).toEqual({ ok: false, error });
  });

  it("turns a timeout into an actionable error", async () => {
    const { socket } = fakeSocket(() => ({ err: new Error("operation has timed out") }));
    const result = await request(socket, "yaml:validate", { levelId: "l", yaml: "" }, 10_000);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("timeout");
      expect(result.error.message).toContain("10 s");
    }
  });

  it("rejects malformed answers without throwing", async () => {
    const { socket } = fakeSocket(() => ({ err: null, result: "nope" }));
    const result = await request(socket, "level:open", { levelId: "l" }, 1000);
    expect(result.ok).toBe(false);
  });

  it("does not emit while disconnected", async () => {
    const { socket, sent } = fakeSocket(() => ({ err: null, result: { ok: true, value: 1 } }), false);
    expect(await request(socket, "level:open", { levelId: "l" }, 1000)).toEqual({ ok: false, error: offlineError });
    expect(sent).toHaveLength(0);
  });
});
