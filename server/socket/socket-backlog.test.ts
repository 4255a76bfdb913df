// The backlog gauge reads engine.io's internals: this pins down which ones, so an upgrade of
// socket.io that renames them fails here rather than silently disabling flow control.
import { describe, expect, it } from "vitest";
import type { Socket } from "socket.io";
import { unsentBytes } from "./socket-backlog";

const socketWith = (conn: unknown) => ({ conn }) as unknown as Pick<Socket, "conn">;

describe("unsentBytes", () => {
  it("adds the write buffer's packets (UTF-8 bytes) and the WebSocket's unsent bytes", () => {
    const conn = { writeBuffer: [{ data: "42[\"terminal:output\",\"é\"]" }, { data: Buffer.alloc(10) }, { type: "ping" }], transport: { name: "websocket", socket: { bufferedAmount: 1000 } } };
    expect(unsentBytes(socketWith(conn))).toBe(Buffer.byteLength('42["terminal:output","é"]') + 10 + 1000);
  });

  it("counts only the write buffer for long-polling", () => {
    expect(unsentBytes(socketWith({ writeBuffer: [{ data: "abc" }], transport: { name: "polling" } }))).toBe(3);
  });

  it("matches the engine.io this project runs", async () => {
    const engine = await import("engine.io");
    const server = new engine.Server();
    // A real engine.io socket has a write buffer array from its constructor on.
    const source = engine.Socket.toString();
    expect(source).toContain("this.writeBuffer = []");
    server.close();
  });
});
