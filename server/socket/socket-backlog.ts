/**
 * How many bytes this server still holds for one socket.io client: packets waiting in
 * engine.io's write buffer (a WebSocket that has not finished its previous write, or a
 * long-polling client that has not polled yet) plus what the WebSocket has not handed to the
 * kernel. A client that stops reading makes exactly these grow, whatever it claims in its
 * acknowledgements, so terminal flow control pauses the learner's shell on this number.
 *
 * A long-polling client holds at most one more response in flight (engine.io refuses a second
 * concurrent poll), which is itself bounded by what the write buffer held when it polled.
 *
 * engine.io does not type these fields as public; they are read defensively, and a transport
 * we do not know counts only its write buffer.
 */
import type { Socket } from "socket.io";

interface EngineInternals {
  writeBuffer?: { data?: unknown }[];
  transport?: { name?: string; socket?: { bufferedAmount?: unknown } };
}

const packetBytes = (data: unknown): number =>
  typeof data === "string" ? Buffer.byteLength(data) : Buffer.isBuffer(data) || data instanceof ArrayBuffer ? data.byteLength : 0;

export function unsentBytes(socket: Pick<Socket, "conn">): number {
  const engine = socket.conn as unknown as EngineInternals;
  let total = 0;
  for (const packet of engine.writeBuffer ?? []) total += packetBytes(packet.data);
  const transport = engine.transport;
  if (transport?.name === "websocket" && typeof transport.socket?.bufferedAmount === "number") total += transport.socket.bufferedAmount;
  return total;
}
