/**
 * The positive signal for "this socket was sent nothing more": a round trip on the socket
 * itself. socket.io delivers one connection's packets in order, and the server answers a
 * request only after handling it, so once the answer to a request sent *now* arrives, every
 * event the server emitted to this socket before it received the request has arrived too.
 *
 * Events the server sends asynchronously (the dashboard's access-checked sends) must first be
 * known to be sent: `await server.kq.eventsSent()` before the round trip.
 */
import { ask, type TestSocket } from "./test-server";

/** A cheap request every session may make (`level:help` reads the learner's hint state). */
export async function roundTrip(socket: TestSocket, levelId = "headless-statefulset-dns"): Promise<void> {
  const answer = await ask(socket, "level:help", { levelId }, 30_000);
  if (!answer.ok) throw new Error(`the round trip was refused: ${answer.error.message}`);
}
